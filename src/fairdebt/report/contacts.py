"""Contacts by the consumer's local weekday and hour, for the HTML report's heat map.

Findings say what went wrong; an auditor also wants to see when the collector
called at all. The report does not keep events, so this reads the logs a second
time (only for ``--format html``); stdin cannot be read twice and gets no map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from ..io.directory import load_directory
from ..io.imports import LogReader
from ..io.mapping import ImportMapping
from ..io.sources import display_name
from ..model import CONTACT, Event
from ..policy.model import Rule
from ..timewindows import parse_clock, parse_days
from ..tz import ZoneError, get_zone

HOURS_CHECK = "contact_hours"


@dataclass(frozen=True, slots=True)
class ContactGrid:
    counts: tuple[tuple[int, ...], ...]  # [weekday][hour], Monday first
    unknown_zone: int  # outbound contacts with no zone to place them in

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


@dataclass(frozen=True, slots=True)
class Window:
    """The allowed contact hours of one `contact_hours` rule, to draw on the map."""

    rule: str
    ranges: tuple[tuple[tuple[int, int], ...], ...]  # [weekday] -> (start, end) seconds


def count_contacts(paths: Sequence[str], input_timezone: str | None,
                   default_timezone: str | None, mapping: ImportMapping | None = None,
                   encoding: str | None = None, consumers: str | None = None) -> ContactGrid:
    """The logs read again as the check read them: exports through their ``mapping``,
    rows joined to the ``consumers`` directory (which may give their zones)."""
    input_zone = get_zone(input_timezone, field="--input-timezone") if input_timezone else None
    read = LogReader(input_zone, input_timezone, mapping, encoding, [])
    directory = load_directory(consumers) if consumers else None
    counts = [[0] * 24 for _ in range(7)]
    unknown = 0
    zones: dict[str, tzinfo | None] = {}
    for path in paths:
        for item in read(path, display_name(path)):
            if not isinstance(item, Event) or item.event != CONTACT \
                    or item.direction != "outbound":
                continue
            if directory is not None:
                item = directory.join(item)[0]
            # the first candidate zone: a map needs one place per contact, and the
            # hours check itself already reports contacts outside any candidate's window
            name = item.timezones[0] if item.timezones else default_timezone
            zone = _zone(name, zones) if name else None
            if zone is None:
                unknown += 1
                continue
            local = item.timestamp.astimezone(zone)
            counts[local.weekday()][local.hour] += 1
    return ContactGrid(tuple(tuple(row) for row in counts), unknown)


def allowed_window(rules: Sequence[Rule]) -> Window | None:
    for rule in rules:
        if rule.check != HOURS_CHECK:
            continue
        ranges: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for w in rule.params.get("windows", ()):
            span = (parse_clock(w["start"]), parse_clock(w["end"]))
            for day in parse_days(w.get("days", "Mon-Sun")):
                ranges[day].append(span)
        return Window(rule.id, tuple(tuple(sorted(r)) for r in ranges))
    return None


def _zone(name: str, cache: dict[str, tzinfo | None]) -> tzinfo | None:
    if name not in cache:
        try:
            cache[name] = get_zone(name)
        except ZoneError:
            cache[name] = None
    return cache[name]
