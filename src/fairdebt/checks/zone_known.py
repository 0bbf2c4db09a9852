"""``zone_known``: fail closed when the consumer's time zone is not known.

Hours rules are measured in the consumer's local time. With no zone for the
consumer (none on the row, none earlier for the same consumer, no
``--default-timezone``) the time cannot be judged, so this check reports it
instead of assuming the server's zone. The hours check stays silent for such
events: one finding, with the reason, rather than a guess.
"""

from __future__ import annotations

from typing import Any

from ..model import Finding
from ..state import Context
from .base import Check


class ZoneKnown(Check):
    KIND = "zone_known"
    DEFAULT_MESSAGE = "the consumer's time zone is unknown, so contact hours cannot be checked"

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        if ctx.zone_known:
            return None
        return [self.finding(ctx, "add a 'timezone' column or pass --default-timezone")]
