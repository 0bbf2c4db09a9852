"""``third_party``: no communication about the debt with anyone outside ``allowed_parties``.

A location inquiry (``purpose: location``, §1006.10) is allowed as long as it
did not reveal the debt. A voicemail knowingly left for a third party is never
a limited-content message (comment 2(j)-2), so one with more than limited
content counts as revealing the debt unless the log says it did not.
Attempts that reached nobody (no answer, busy, failed, bounced, no message
left) communicate nothing and are not findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import PARTIES, PURPOSES, Event, Finding
from ..state import Context
from .base import Check

NOT_REACHED = frozenset({"answered", "no_answer", "busy", "not_connected", "failed", "bounced"})


def completed(ev: Event) -> bool:
    """Whether the contact conveyed anything (an unknown outcome is assumed to have)."""
    if ev.outcome in NOT_REACHED:
        return False
    return not (ev.outcome == "voicemail" and ev.message == "none")


def disclosed(ev: Event) -> bool:
    if ev.disclosed_debt is not None:
        return ev.disclosed_debt
    return ev.outcome == "voicemail" and ev.message == "full"


class ThirdParty(Check):
    KIND = "third_party"
    DEFAULT_MESSAGE = "communication about the debt with a third party"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "required": ["allowed_parties"],
        "properties": {
            "allowed_parties": {"type": "array", "items": {"enum": sorted(PARTIES)}},
            "location_purpose": {"enum": sorted(PURPOSES), "default": "location"},
        },
    }

    def configure(self, params: Mapping[str, Any]) -> None:
        self.allowed = frozenset(params["allowed_parties"])
        self.location = params.get("location_purpose", "location")

    @property
    def fields(self) -> frozenset[str]:
        return super().fields | {"party"}

    def selects(self, ev: Event) -> bool:
        return ev.party not in self.allowed and super().selects(ev)

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        ev = ctx.event
        if ev.purpose == self.location:
            if completed(ev) and disclosed(ev):
                detail = f"a location inquiry to the {_who(ev)} revealed the debt"
                return [self.finding(ctx, detail)]
            return None
        if not completed(ev) and not disclosed(ev):
            return None
        how = "voicemail" if ev.outcome == "voicemail" else (ev.channel or "contact")
        unknown = "" if ev.outcome else " (outcome not recorded: assumed to have reached them)"
        return [self.finding(ctx, f"{how} to the {_who(ev)} for purpose "
                                  f"'{ev.purpose}'{unknown}")]


def _who(ev: Event) -> str:
    return ev.party.replace("_", " ")
