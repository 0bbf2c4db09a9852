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
from functools import partial
from typing import Any

from ..calendars import calendar, is_holiday, region_calendar
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
            "holidays": {"type": "string", "minLength": 2},
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
        # a calendar code, or "region": the consumer's own region's calendar
        self.holidays: str | None = params.get("holidays")
        if self.holidays and self.holidays != "region":
            calendar(self.holidays)  # an unknown calendar fails when the policy loads
            self.describe += f"; not on {self.holidays.upper()} public holidays"
        elif self.holidays:
            self.describe += "; not on public holidays"

    def _calendar(self, ctx: Context) -> str | None:
        if self.holidays == "region":
            return region_calendar(ctx.event.region)
        return self.holidays

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        if not ctx.zone_known:
            return None
        contains = self.allowed.contains
        code = self._calendar(ctx) if self.holidays else None
        for t in ctx.local_times:
            if not contains(t) or (code and is_holiday(code, t.toordinal())):
                break
        else:
            return None
        where = []
        for (name, _), t in zip(ctx.zones, ctx.local_times, strict=True):
            holiday = calendar(code).get(t.date()) if code else None
            if holiday:
                where.append(f"{t.strftime('%a %Y-%m-%d')} is a public holiday in "
                             f"{code} ({holiday}) in {name}")
            elif not contains(t):
                where.append(f"{_clock(t)} in {name}")
        return [self.finding(ctx, self.detail(", ".join(where)))]

    def detail(self, where: str) -> str:
        """A finding's detail: ``where`` is when the contact was, in the zones it was outside."""
        return f"{where}; allowed {self.describe} local time"

    def not_before(self, ctx: Context, state: Any) -> float | None:
        code = self._calendar(ctx) if self.holidays else None
        if code is None:
            return next_local(ctx, self.allowed.next_inside)
        closed = partial(is_holiday, code)
        return next_local(ctx, lambda t: self.allowed.next_inside(t, 40, closed))


def _clock(t: datetime) -> str:
    return t.strftime("%a %H:%M")
