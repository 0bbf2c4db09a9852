"""``cooldown``: no counted event within ``days`` local calendar days after a trigger.

Params: ``days`` (the trigger's day is day 1, so after a conversation on day D
the first clean day is D + days); ``trigger``: filters, like a rule's ``when``,
for the events that start a cooldown — checked on every contact whatever its
direction (a conversation the consumer starts counts, comment 14(b)(2)(i)-1.ii);
``per``, ``exclude_consented``, ``exclude_wrong_numbers``, ``presumption`` as
for ``frequency_cap``. The rule's ``when`` says which events are restricted.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..model import Event, Finding
from ..policy.model import When
from ..state import Context
from .base import routed
from .keys import ASSUMED_DEBTS, COUNTING_PARAMS, PRESUMPTION, CountingCheck

WHEN_REF = {"type": "object"}  # validated as a rule `when` by the policy loader


class Trigger(NamedTuple):
    epoch: float
    day: int
    event_id: str


class Cooldown(CountingCheck):
    KIND = "cooldown"
    DEFAULT_MESSAGE = "contact too soon after an earlier one"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "required": ["days", "trigger"],
        "properties": {
            "days": {"type": "integer", "minimum": 1, "maximum": 366},
            "trigger": WHEN_REF,
            "trigger_name": {"type": "string", "default": "trigger"},
            **COUNTING_PARAMS,
        },
    }

    def configure(self, params: Mapping[str, Any]) -> None:
        self.days = int(params["days"])
        self.trigger = When.from_mapping(params["trigger"])
        self.trigger_name = params.get("trigger_name", "trigger")
        self.configure_counting(params)
        # local days: two days of slack cover any change of UTC offset between events
        self.horizon = (self.days + 2) * 86400.0

    @property
    def fields(self) -> frozenset[str]:
        return super().fields | self.trigger.fields

    def selects(self, ev: Event) -> bool:
        return (self.rule.when(ev) or self.trigger(ev)) and routed(self.regions, ev.region)

    def new_state(self) -> dict[tuple[str | None, ...], dict[str, Trigger]]:
        return {}

    def copy_state(self, state: dict[tuple[str | None, ...], dict[str, Trigger]]
                   ) -> dict[tuple[str | None, ...], dict[str, Trigger]]:
        return {k: dict(v) for k, v in state.items()}

    def evaluate(self, ctx: Context, state: dict[tuple[str | None, ...], dict[str, Trigger]]
                 ) -> list[Finding] | None:
        ev = ctx.event
        key = self.key(ev)
        if key is None:
            return None
        triggers = state.get(key)
        out = None
        if triggers and not ctx.quiet and self.rule.when(ev) and not self.wrong_number(ctx):
            out = self._check(ctx, triggers)
        if self.trigger(ev):
            if triggers is None:
                triggers = state[key] = {}
            mark = Trigger(ev.epoch, ctx.day, ev.event_id)
            for debt in (ev.debt_ids if self.by_debt else ()) or ("",):
                triggers[debt] = mark
        return out

    def _hits(self, ctx: Context, triggers: dict[str, Trigger]) -> tuple[dict[str, Trigger], bool]:
        """The live triggers that bar this event, per debt; and whether one named no debt."""
        ev, account = ctx.event, ctx.account
        pairs: list[tuple[str, Trigger | None]]
        if self.by_debt and ev.debt_ids:  # a trigger for the debt, or one that named none
            pairs = [(d, t) for d in ev.debt_ids for t in (triggers.get(d), triggers.get(""))]
        else:  # names no debt: it counts toward every debt, so any live trigger applies
            pairs = list(triggers.items())
        hits: dict[str, Trigger] = {}
        unnamed_trigger = False
        for debt, t in pairs:
            if t is None or debt in hits or t.epoch > ev.epoch or ctx.day - t.day >= self.days:
                continue
            if self.exclude_consented and account.consents and \
                    account.consented(ev, debt, ctx.day, self.days):
                continue  # the consumer's consent covers calls about this debt
            hits[debt] = t
            unnamed_trigger |= bool(debt) and t is triggers.get("")
        return hits, unnamed_trigger

    def not_before(self, ctx: Context, state: dict[tuple[str | None, ...], dict[str, Trigger]]
                   ) -> float | None:
        key = self.key(ctx.event)
        triggers = state.get(key) if key is not None else None
        hits, _ = self._hits(ctx, triggers) if triggers else ({}, False)
        if not hits:
            return ctx.event.epoch
        return ctx.day_start(max(t.day for t in hits.values()) + self.days)

    def _check(self, ctx: Context, triggers: dict[str, Trigger]) -> list[Finding] | None:
        ev = ctx.event
        assumed = self.by_debt and not ev.debt_ids
        hits, unnamed_trigger = self._hits(ctx, triggers)
        if not hits:
            return None
        first = min(hits.values(), key=lambda t: t.day)
        named = [d for d in hits if d]
        text = self.detail(first, named, ctx.zone_known, assumed, unnamed_trigger)
        evidence = (*dict.fromkeys(t.event_id for t in hits.values()), ev.event_id)
        return [self.finding(ctx, text, debt_id=";".join(named) or None, evidence=evidence)]

    def detail(self, first: Trigger, named: list[str], zone_known: bool, assumed: bool,
               unnamed_trigger: bool) -> str:
        """A finding's detail: the earliest live trigger ``first``, for debts ``named``."""
        where = "local day" if zone_known else "day (UTC: zone unknown)"
        text = (f"{self.trigger_name} on {where} {_day_text(first.day)} ({first.event_id}); "
                f"none allowed until day {self.days + 1} of that period")
        if named:
            text += f" for debt {', '.join(named)}"
        if assumed and named:
            text += ASSUMED_DEBTS
        if unnamed_trigger:
            text += (f"; the log names no debt for the {self.trigger_name}, so it counts "
                     "toward every debt")
        if self.presumption:
            text += PRESUMPTION
        return text


@functools.lru_cache(maxsize=4096)  # a log's findings name few distinct days
def _day_text(ordinal: int) -> str:
    from datetime import date

    return date.fromordinal(ordinal).strftime("%a %Y-%m-%d")
