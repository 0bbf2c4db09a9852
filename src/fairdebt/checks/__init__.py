"""The check kinds policies can use: a static registry, one small module each."""

from __future__ import annotations

from .after_event import AfterAccountEvent
from .base import Check
from .closed_content import ClosedContent
from .cooldown import Cooldown
from .forbid import Forbid
from .forbid_cooccurrence import ForbidCooccurrence
from .forbid_phrases import ForbidPhrases
from .frequency import FrequencyCap
from .hours import ContactHours
from .identity import Identity
from .inconvenient import InconvenientTimes
from .require_phrases import RequirePhrases
from .third_party import ThirdParty
from .third_party_gate import ThirdPartyGate
from .zone_known import ZoneKnown

CHECKS: dict[str, type[Check]] = {
    c.KIND: c
    for c in (ContactHours, ZoneKnown, InconvenientTimes, FrequencyCap, Cooldown, ThirdParty,
              ThirdPartyGate, AfterAccountEvent, Forbid)
}
# message content (docs/content-rules.md)
CHECKS.update({c.KIND: c for c in (ForbidPhrases, ForbidCooccurrence, RequirePhrases,
                                    ClosedContent, Identity)})

__all__ = ["CHECKS", "Check"]
