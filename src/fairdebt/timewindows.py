"""Weekday-and-clock windows shared by the hours and inconvenient-time checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

TIME_PATTERN = r"^([01][0-9]|2[0-4]):[0-5][0-9]$"
_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
_ITEM = re.compile(r"^(?P<days>[A-Za-z][A-Za-z ,\-]*?)\s*(?P<clock>\d.*)?$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ALIASES = {"weekdays": "mon-fri", "weekends": "sat-sun", "weekend": "sat-sun",
            "daily": "mon-sun", "all": "mon-sun"}


def parse_clock(text: str) -> int:
    """``HH:MM`` → seconds since midnight."""
    if not _CLOCK.match(text.strip()):
        raise ValueError(f"time {text.strip()!r} is not HH:MM (e.g. 09:00, 17:30)")
    hours, minutes = text.strip().split(":")
    value = (int(hours) * 60 + int(minutes)) * 60
    if not 0 <= value <= 24 * 3600 or not 0 <= int(minutes) < 60:
        raise ValueError(f"time {text!r} is not between 00:00 and 24:00")
    return value


def parse_designation(text: str) -> DayWindows:
    """A consumer's inconvenient times: ``Mon-Fri 15:00-17:00; Sat-Sun`` (no time = all day)."""
    windows = DayWindows()
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        match = _ITEM.match(item)
        if match is None:
            raise ValueError(f"cannot read {item!r}: expected days, then an optional "
                             "HH:MM-HH:MM")
        days_text, clock = match.group("days"), (match.group("clock") or "").strip()
        if clock:
            start_text, sep, end_text = clock.partition("-")
            if not sep:
                raise ValueError(f"expected HH:MM-HH:MM after the days in {item!r}")
            start, end = parse_clock(start_text), parse_clock(end_text)
        else:
            start, end = 0, 24 * 3600
        if end <= start:
            raise ValueError(f"the window {item!r} ends before it starts")
        windows.add(parse_days(days_text), start, end)
    return windows


def parse_days(text: str) -> frozenset[int]:
    """``Mon-Fri``, ``Sat, Sun``, ``Sat Sun``, ``weekdays`` → weekday numbers (Monday is 0)."""
    days: set[int] = set()
    compact = re.sub(r"\s*-\s*", "-", text.strip().lower())
    for part in re.split(r"[,\s]+", compact):
        part = _ALIASES.get(part, part)
        if "-" in part:
            first, last = part.split("-", 1)
            a, b = _day(first), _day(last)
            span = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
            days.update(span)
        elif part:
            days.add(_day(part))
    if not days:
        raise ValueError(f"no days in {text!r}")
    return frozenset(days)


def _day(text: str) -> int:
    for number, full in enumerate(_FULL_NAMES):
        if len(text) >= 3 and full.startswith(text):
            return number
    raise ValueError(f"unknown day {text!r} (use Mon, Tue, … Sun)")


class DayWindows:
    """Minute ranges per weekday: ``contains`` answers for a local wall-clock time."""

    __slots__ = ("ranges",)

    def __init__(self) -> None:
        self.ranges: list[list[tuple[int, int]]] = [[] for _ in range(7)]

    def add(self, days: frozenset[int], start: int, end: int) -> None:
        for d in days:
            self.ranges[d].append((start, end))

    def contains(self, t: datetime) -> bool:
        """Ranges are in seconds of the day, end exclusive."""
        second = t.hour * 3600 + t.minute * 60 + t.second
        for start, end in self.ranges[t.weekday()]:  # noqa: SIM110 - a loop beats any() here
            if start <= second < end:
                return True
        return False

    def __bool__(self) -> bool:
        return any(self.ranges)

    def next_inside(self, t: datetime, days: int = 8,
                    closed: Callable[[int], bool] | None = None) -> datetime | None:
        """The earliest wall-clock time at or after ``t`` (naive, same day or later) that a
        window contains, skipping days ``closed`` says are closed (by ordinal); None if
        none within ``days`` days."""
        return self._scan(t, days, inside=True, closed=closed)

    def next_outside(self, t: datetime, days: int = 8) -> datetime | None:
        """The earliest wall-clock time at or after ``t`` that no window contains."""
        return self._scan(t, days, inside=False)

    def _scan(self, t: datetime, days: int, *, inside: bool,
              closed: Callable[[int], bool] | None = None) -> datetime | None:
        wall = t.replace(tzinfo=None)
        if (self.contains(wall) and not (closed and closed(wall.toordinal()))) is inside:
            return wall
        midnight = wall.replace(hour=0, minute=0, second=0, microsecond=0)
        position = wall.hour * 3600 + wall.minute * 60 + wall.second
        for offset in range(days + 1):
            day = midnight + timedelta(days=offset)
            if closed is not None and closed(day.toordinal()):
                position = 0
                continue
            for start, end in _merged(self.ranges[day.weekday()]):
                if inside and end > position:
                    return day + timedelta(seconds=max(start, position))
                if not inside and start <= position < end:
                    position = end
            if not inside and position < 86400:
                return day + timedelta(seconds=position)
            position = 0
        return None


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
