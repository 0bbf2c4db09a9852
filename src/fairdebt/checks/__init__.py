"""The check kinds policies can use: a static registry, one small module each."""

from __future__ import annotations

from .after_event import AfterAccountEvent
from .base import Check
from .cooldown import Cooldown
from .forbid import Forbid
from .frequency import FrequencyCap
from .hours import ContactHours
from .inconvenient import InconvenientTimes
from .third_party import ThirdParty
from .third_party_gate import ThirdPartyGate
from .zone_known import ZoneKnown

CHECKS: dict[str, type[Check]] = {
    c.KIND: c
    for c in (ContactHours, ZoneKnown, InconvenientTimes, FrequencyCap, Cooldown, ThirdParty,
              ThirdPartyGate, AfterAccountEvent, Forbid)
}

__all__ = ["CHECKS", "Check"]
