"""``contact_hours``: contact only inside allowed windows of the consumer's local time.

Params: ``windows``, a list of ``{days, start, end}`` (``days`` like ``Mon-Fri``,
``Sat,Sun`` or ``Mon-Sun``; times ``HH:MM``, ``end`` exclusive unless
``end_inclusive``). With several candidate zones the contact must be inside a
window in every one of them (comment 6(b)(1)(i)-2). An event whose zone is
unknown is left to ``zone_known``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..model import Finding
from ..state import Context, next_local
from ..timewindows import TIME_PATTERN, DayWindows, parse_clock, parse_days
from .base import Check


class ContactHours(Check):
    KIND = "contact_hours"
    DEFAULT_MESSAGE = "contact outside the permitted hours"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "required": ["windows"],
        "properties": {
            "windows": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["start", "end"],
                    "properties": {
                        "days": {"type": "string", "default": "Mon-Sun"},
                        "start": {"type": "string", "pattern": TIME_PATTERN},
                        "end": {"type": "string", "pattern": TIME_PATTERN},
                    },
                },
            },
            "end_inclusive": {"type": "boolean", "default": False},
        },
    }

    def configure(self, params: Mapping[str, Any]) -> None:
        inclusive = bool(params.get("end_inclusive", False))
        self.allowed = DayWindows()
        for w in params["windows"]:
            start, end = parse_clock(w["start"]), parse_clock(w["end"])
            if end <= start:
                raise ValueError(f"window {w['start']}–{w['end']} ends before it starts; a "
                                 "window cannot cross midnight: split it into two")
            self.allowed.add(parse_days(w.get("days", "Mon-Sun")), start,
                             end + (1 if inclusive else 0))
        self.describe = "; ".join(
            f"{w.get('days', 'Mon-Sun')} {w['start']}–{w['end']}" for w in params["windows"])

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        if not ctx.zone_known:
            return None
        contains = self.allowed.contains
        for t in ctx.local_times:
            if not contains(t):
                break
        else:
            return None
        outside = [t for t in ctx.local_times if not contains(t)]
        pairs = zip(ctx.zones, ctx.local_times, strict=True)
        where = ", ".join(f"{_clock(t)} in {name}" for (name, _), t in pairs if t in outside)
        return [self.finding(ctx, f"{where}; allowed {self.describe} local time")]

    def not_before(self, ctx: Context, state: Any) -> float | None:
        return next_local(ctx, self.allowed.next_inside)


def _clock(t: datetime) -> str:
    return t.strftime("%a %H:%M")
