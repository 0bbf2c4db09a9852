"""``third_party_gate``: contact third parties only once the consumer cannot be reached.

China's banking association guidance (2026): contacts (联系人) only when the
debtor is unreachable — their own number is invalid (a ``wrong_number`` mark on
a number the log has used to reach them) or the last ``failures`` attempts to reach them all failed
(no answer, busy, not connected, failed, or only a voicemail). The rule's
``when`` selects the contacts that need the gate (typically to parties other
than the consumer); outbound attempts to the debtor and the debtor's own contacts
are watched whatever ``when`` says: a contact from the debtor, or an attempt that
reached them, starts the count again. An attempt whose outcome is unknown changes
nothing. Who is the debtor is ``debtor_parties`` (default: ``consumer`` only — in
China a spouse or parent is a contact person, not the debtor, unlike Reg F's
§1006.6(a)).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import PARTIES, Event, Finding
from ..state import Context
from .base import Check, routed

FAILED = frozenset({"no_answer", "busy", "not_connected", "failed", "voicemail"})


class ThirdPartyGate(Check):
    KIND = "third_party_gate"
    DEFAULT_MESSAGE = "third party contacted while the consumer could still be reached"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "failures": {"type": "integer", "minimum": 1, "default": 3},
            "debtor_parties": {"type": "array", "items": {"enum": sorted(PARTIES)},
                               "minItems": 1, "default": ["consumer"]},
        },
    }
    horizon = None  # a run of failures may span any time

    def configure(self, params: Mapping[str, Any]) -> None:
        self.failures = int(params.get("failures", 3))
        self.debtor = frozenset(params.get("debtor_parties", ("consumer",)))

    @property
    def fields(self) -> frozenset[str]:
        return super().fields | {"party", "direction"}

    def selects(self, ev: Event) -> bool:
        return routed(self.regions, ev.region) and (ev.party in self.debtor or self.rule.when(ev))

    def new_state(self) -> _Gate:
        return _Gate()

    def copy_state(self, state: _Gate) -> _Gate:
        other = _Gate()
        other.failures, other.own = state.failures, set(state.own)
        return other

    def evaluate(self, ctx: Context, state: _Gate) -> list[Finding] | None:
        ev = ctx.event
        if ev.party in self.debtor:
            if ev.destination:
                state.own.add(ev.destination)
            if ev.direction == "inbound":
                state.failures = 0
            elif ev.outcome in FAILED:
                state.failures += 1
            elif ev.outcome is not None:
                state.failures = 0
            return None
        if not self.rule.when(ev) or state.failures >= self.failures:
            return None
        wrong = ctx.account.wrong
        if wrong and any(ctx.account.is_wrong_number(d, ev.epoch) for d in state.own):
            return None  # the debtor's own number is invalid
        n = state.failures
        return [self.finding(ctx, f"{n} consecutive failed attempt{'' if n == 1 else 's'} to "
                             f"reach the consumer (needs {self.failures}) and none of their "
                             "numbers marked invalid")]


class _Gate:
    """Per consumer: the run of failed attempts, and the numbers used to reach them."""

    __slots__ = ("failures", "own")

    def __init__(self) -> None:
        self.failures = 0
        self.own: set[str] = set()
