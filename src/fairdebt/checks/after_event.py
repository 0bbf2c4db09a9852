"""``after_account_event``: no matching contact after the consumer said stop.

Params: ``after``, the account event that bars contact — ``cease`` (§1006.6(c),
from receipt; per debt), ``attorney`` (§1006.6(b)(2); per debt),
``stop_channel`` (§1006.14(h): that medium, or that address/number),
``opt_out`` (§1006.6(e): that address/number, any debt) or ``no_work_contact``
(§1006.6(b)(3): contacts at a work number or work email);
``allow_parties``: parties still allowed (e.g. the consumer's attorney);
``allow_purposes``: purposes still allowed (e.g. ``collection_ends``,
``remedy``: §1006.6(c)(2)); ``respond_once``: after the consumer contacts the
collector on a channel, one reply on that channel is allowed;
``allow_confirmation`` (``opt_out``, ``stop_channel``): one message logged as
``message: opt_out_confirmation`` is allowed after each request (§1006.14(h)(2)(i)).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import PARTIES, PURPOSES, Event, Finding
from ..state import Account, ChannelFact, Context, covers, reaches
from .base import Check

BARRING_EVENTS = ("cease", "attorney", "stop_channel", "opt_out", "no_work_contact")
WORK_DESTINATIONS = frozenset({"work", "work_email"})
_FACTS = {"cease": "ceases", "attorney": "attorneys", "stop_channel": "stops",
          "opt_out": "opt_outs", "no_work_contact": "no_work"}


class AfterAccountEvent(Check):
    KIND = "after_account_event"
    DEFAULT_MESSAGE = "contact after the consumer asked for it to stop"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "required": ["after"],
        "properties": {
            "after": {"enum": list(BARRING_EVENTS)},
            "allow_parties": {"type": "array", "items": {"enum": sorted(PARTIES)}, "default": []},
            "allow_purposes": {"type": "array", "items": {"enum": sorted(PURPOSES)},
                               "default": []},
            "respond_once": {"type": "boolean", "default": False},
            "allow_confirmation": {"type": "boolean", "default": False},
        },
    }
    horizon = None  # replies already made must be remembered

    def configure(self, params: Mapping[str, Any]) -> None:
        self.after = params["after"]
        self.allow_parties = frozenset(params.get("allow_parties", ()))
        self.allow_purposes = frozenset(params.get("allow_purposes", ()))
        self.respond_once = bool(params.get("respond_once"))
        self.allow_confirmation = bool(params.get("allow_confirmation"))
        if self.allow_confirmation and self.after not in ("opt_out", "stop_channel"):
            raise ValueError("allow_confirmation: only an opt_out or a stop_channel request "
                             "is confirmed (§1006.14(h)(2)(i))")
        remembers = self.respond_once or self.allow_confirmation
        self.horizon = None if remembers else 0.0
        self.requires = _FACTS[self.after]

    def new_state(self) -> dict[str, float] | None:
        # replies made, per channel; confirmations sent, per request ("\0" + its id)
        return {} if self.respond_once or self.allow_confirmation else None

    def copy_state(self, state: dict[str, float] | None) -> dict[str, float] | None:
        return None if state is None else dict(state)

    def evaluate(self, ctx: Context, state: dict[str, float] | None) -> list[Finding] | None:
        ev = ctx.event
        if ev.direction != "outbound" or ev.party in self.allow_parties:
            return None
        if ev.purpose in self.allow_purposes:
            return None
        barred = self._barred_by(ev, ctx.account)
        if barred is None:
            return None
        since, source = barred
        if self.allow_confirmation and state is not None and \
                ev.message == "opt_out_confirmation":
            # §1006.14(h)(2)(i): one confirmation of each request, saying nothing else
            # (what it says is reg-f/content/opt-out-confirmation's to check)
            request = "\0" + self._latest(ev, ctx.account)
            if request not in state:
                state[request] = ev.epoch
                return None
        if state is not None and ev.channel:
            inbound = (ctx.account.inbound or {}).get(ev.channel)
            if inbound is not None and inbound > since and state.get(ev.channel) != inbound:
                state[ev.channel] = inbound  # the one reply the consumer's own contact allows
                return None
        return [self.finding(ctx, f"after {self.after.replace('_', ' ')} ({source})",
                             evidence=(source, ev.event_id))]

    def _latest(self, ev: Event, account: Account) -> str:
        """The id of the latest request (a stop or an opt-out) that bars ``ev``."""
        facts: tuple[ChannelFact, ...] = getattr(account, _FACTS[self.after])  # stops, opt_outs
        return [fact[3] for fact in facts if fact[0] <= ev.epoch and reaches(fact, ev)][-1]

    def _barred_by(self, ev: Event, account: Account) -> tuple[float, str] | None:
        if self.after in ("cease", "attorney"):
            facts = account.ceases if self.after == "cease" else account.attorneys
            for epoch, debts, source in facts:
                if epoch <= ev.epoch and covers(debts, ev.debt_ids):
                    return epoch, source
            return None
        if self.after == "no_work_contact":
            if account.no_work and account.no_work[0] <= ev.epoch and \
                    ev.destination_type in WORK_DESTINATIONS:
                return account.no_work
            return None
        facts_c: tuple[ChannelFact, ...] = getattr(account, _FACTS[self.after])  # stops, opt_outs
        for fact in facts_c:
            if fact[0] <= ev.epoch and reaches(fact, ev):
                return fact[0], fact[3]
        return None
