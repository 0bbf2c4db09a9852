"""The consumer directory (``--consumers FILE``): who owns which number and address,
where they live, and standing facts — joined onto the log before it is checked.

Telephony exports know numbers, not consumers. A directory row names a consumer
with their phone numbers (by type), emails, postal address, ``timezone``,
``region``, standing facts (``attorney_since``, ``cease_since``) and account facts
for the content rules (``time_barred``, ``judgment``, …: see `fairdebt.facts`). A log row is
joined to a consumer by its ``consumer_id``, else by its number or address (phone
numbers compared in E.164, so ``(212) 555-0142`` and ``+12125550142`` meet). The
joined row gets the consumer's id, the type of the number it reached, the
consumer's region, and every candidate zone with where it came from (see
`fairdebt.location`). A row that joins no consumer is kept as it is, checked for
what can be checked, and counted as unmatched. Standing facts become account
events at their dates, attributed to the directory's file and line; account facts
are about all of the consumer's debts (`Directory.account_facts`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..facts import FACT_NAMES, Facts, parse_facts
from ..location import e164, phone_number_zones, postal_zones, region_zones
from ..model import REGION, Event, Rejected
from ..tz import ZoneError, earliest_at_or_after, get_zone
from .normalize import MAX_YEAR, MIN_YEAR, RowError, parse_timestamp
from .sources import STREAM_ERRORS, SourceError, _open_binary, bad_utf8, display_name

#: phone columns and the destination type a number in them has
PHONE_COLUMNS = {"mobile": "mobile", "landline": "landline", "home_phone": "home",
                 "work_phone": "work", "phone": None}
EMAIL_COLUMNS = {"email": "email", "work_email": "work_email"}
FACT_COLUMNS = {"attorney_since": "attorney", "cease_since": "cease"}
COLUMNS = frozenset({"consumer_id", "timezone", "region", "address", "city", "state",
                     "postal_code", "country", *PHONE_COLUMNS, *EMAIL_COLUMNS, *FACT_COLUMNS,
                     *FACT_NAMES})


@dataclass
class Person:
    consumer_id: str
    zones: dict[str, list[str]] = field(default_factory=dict)  # zone → its sources
    region: str | None = None
    facts: list[Event] = field(default_factory=list)

    def add_zones(self, zones: tuple[str, ...], source: str) -> None:
        for zone in zones:
            self.zones.setdefault(zone, [])
            if source not in self.zones[zone]:
                self.zones[zone].append(source)


@dataclass
class Directory:
    name: str
    people: dict[str, Person] = field(default_factory=dict)
    addresses: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """E.164 number or lower-case email → (consumer id, destination type)."""
    rejected: list[Rejected] = field(default_factory=list)
    account_facts: Facts = field(default_factory=Facts)
    """The rows' account facts (``time_barred``, …), each about all the consumer's debts."""

    def find(self, ev: Event) -> tuple[Person, str | None] | None:
        person = self.people.get(ev.consumer_id)
        if person is None and not _placeholder(ev.consumer_id):
            return None  # a real id the directory lacks: not reassigned by a number
        kind = None
        if ev.destination:
            hit = self.addresses.get(_address_key(ev.destination))
            if hit is not None and (person is None or hit[0] == person.consumer_id):
                person, kind = self.people[hit[0]], hit[1]
        if person is None:  # telephony presets use the number as the consumer id
            hit = self.addresses.get(_address_key(ev.consumer_id))
            if hit is not None:
                person = self.people[hit[0]]
        return None if person is None else (person, kind)

    def join(self, ev: Event) -> tuple[Event, bool]:
        """``ev`` with the consumer's id, number type, region and candidate zones; and
        whether it matched a consumer (if not, it is returned as it was)."""
        found = self.find(ev)
        if found is None:
            return ev, False
        person, kind = found
        sources = {z: list(s) for z, s in person.zones.items()}
        for zone in ev.timezones:
            sources.setdefault(zone, []).insert(0, "log")
        zones = tuple(sources)
        return ev._replace(
            consumer_id=person.consumer_id,
            destination_type=ev.destination_type or kind,
            region=ev.region or person.region,
            timezones=zones,
            zone_sources=tuple(", ".join(sources[z]) for z in zones),
        ), True

    def facts(self) -> list[Event]:
        """Standing facts as account events, in time order."""
        return sorted((f for p in self.people.values() for f in p.facts),
                      key=lambda e: (e.epoch, e.consumer_id, e.line))


def _placeholder(consumer_id: str) -> bool:
    """An id that is really a number or an address (what telephony presets write)."""
    return "@" in consumer_id or e164(consumer_id) is not None


def _address_key(text: str) -> str:
    text = text.strip()
    if "@" in text:
        return text.lower()
    return e164(text) or text


def load_directory(path: str) -> Directory:
    """Read the directory; rows with problems are listed as rejected (file and line)."""
    name = display_name(path)
    directory = Directory(name)
    owners: dict[str, set[str]] = {}
    for line, row in _rows(path, name, directory.rejected):
        try:
            person = _person(row, name, line)
            facts = parse_facts(row)
        except (RowError, ZoneError, ValueError) as exc:
            directory.rejected.append(Rejected(name, line, str(exc)))
            continue
        if person.consumer_id in directory.people:
            directory.rejected.append(Rejected(
                name, line, f"consumer '{person.consumer_id}' is listed twice"))
            continue
        directory.people[person.consumer_id] = person
        if facts:
            directory.account_facts.add(person.consumer_id, "", facts, name, line)
        for key, kind in _addresses(row):
            owners.setdefault(key, set()).add(person.consumer_id)
            directory.addresses.setdefault(key, (person.consumer_id, kind))
    for key, ids in owners.items():
        if len(ids) > 1:  # a shared number joins nobody: guessing would misattribute
            del directory.addresses[key]
    return directory


def _rows(path: str, name: str, rejected: list[Rejected], columns: frozenset[str] = COLUMNS,
          what: str = "a consumer directory") -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a directory-like file (CSV with a header or JSON Lines, compressed or
    not), with their lines; unreadable rows go to ``rejected``; a CSV header with a
    column not in ``columns`` refuses the file (SourceError)."""
    try:
        yield from _read_rows(path, name, rejected, columns, what)
    # a corrupt .gz or .zst fails while it is read, not when it is opened
    except STREAM_ERRORS as exc:
        raise SourceError(f"{name}: cannot read: {exc}") from None


def _read_rows(path: str, name: str, rejected: list[Rejected], columns: frozenset[str],
               what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    binary = _open_binary(path)
    with binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape",
                                newline="")
        first = text.readline()
        if first.lstrip().startswith("{"):
            for number, raw in enumerate([first, *text], start=1):
                if not raw.strip():
                    continue
                problem = bad_utf8(raw)
                try:
                    obj = json.loads(raw) if problem is None else None
                except (ValueError, RecursionError) as exc:  # deep nesting: RecursionError
                    problem = f"not a JSON object: {exc}"
                    obj = None
                if not isinstance(obj, dict):
                    rejected.append(Rejected(name, number, problem or "expected a JSON object"))
                    continue
                yield number, obj
            return
        reader = csv.reader([first, *text])
        header = [h.strip() for h in next(reader, [])]
        if "consumer_id" not in header:
            raise SourceError(f"{name}:1: {what} needs a consumer_id column "
                              f"(columns: {', '.join(sorted(columns))})")
        unknown = [h for h in header if h not in columns]
        if unknown:
            # a header of a million columns must not become a message of a million names
            shown = ", ".join(u[:40] for u in unknown[:10]) + (
                f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else "")
            raise SourceError(f"{name}:1: unknown column(s) {shown} (known: "
                              f"{', '.join(sorted(columns))})")
        for row in reader:
            number = reader.line_num
            if not row:
                continue
            problem = bad_utf8("".join(row))
            if problem or len(row) != len(header):
                rejected.append(Rejected(name, number, problem or (
                    f"expected {len(header)} fields as in the header, found {len(row)}")))
                continue
            yield number, dict(zip(header, row, strict=True))


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _person(row: Mapping[str, Any], name: str, line: int) -> Person:
    consumer = _text(row, "consumer_id")
    if not consumer:
        raise RowError("field 'consumer_id': missing (required)")
    unknown = [k for k in row if k not in COLUMNS]
    if unknown:
        raise RowError(f"unknown field(s) {', '.join(sorted(unknown))}")
    person = Person(consumer)
    country = (_text(row, "country") or "US").upper()
    for zone in filter(None, (z.strip() for z in _text(row, "timezone").split(";"))):
        get_zone(zone, field="timezone")
        person.add_zones((zone,), "directory timezone")
    region = _text(row, "region").upper() or (
        f"US-{_text(row, 'state').upper()}" if country == "US" and _text(row, "state") else "")
    if region:
        if not REGION.match(region):
            raise RowError(f"field 'region': {region!r} is not a region code (US-NY, CA-ON)")
        person.region = region
        person.add_zones(region_zones(region), f"region {region}")
    postal = _text(row, "postal_code")
    if postal:
        person.add_zones(postal_zones(postal, country), "postal code")
    for column in PHONE_COLUMNS:
        for number in _split(_text(row, column)):
            if e164(number, country) is None:
                raise RowError(f"field '{column}': not a phone number")
            person.add_zones(phone_number_zones(number, country), f"{column.replace('_', ' ')}")
    for column, kind in FACT_COLUMNS.items():
        value = _text(row, column)
        if value:
            try:
                ts = _day_start(value, person) if len(value) == 10 else \
                    parse_timestamp(value, timezone.utc)
            except RowError as exc:  # name the directory's column, not the log's
                reason = str(exc).removeprefix("field 'timestamp': ")
                raise RowError(f"field '{column}': {reason}") from None
            person.facts.append(Event(ts, ts.timestamp(), consumer, f"{name}:{line}", kind,
                                      file=name, line=line))
    return person


def _day_start(value: str, person: Person) -> datetime:
    """A date's first moment for this consumer: the earliest start of that day in any
    of their candidate zones (UTC+14, the earliest anywhere, when none is known), so a
    fact dated in the consumer's own calendar is never applied late."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO timestamp") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        # as for log timestamps; near year 1 or 9999 the zone arithmetic overflows
        raise RowError(f"{value!r}: year {day.year} is outside {MIN_YEAR}–{MAX_YEAR}")
    midnight = datetime(day.year, day.month, day.day)
    starts = [earliest_at_or_after(midnight, get_zone(z)) for z in person.zones]
    if not starts:
        starts = [midnight.replace(tzinfo=timezone(timedelta(hours=14))).timestamp()]
    return datetime.fromtimestamp(min(starts), timezone.utc)


def _addresses(row: Mapping[str, Any]) -> Iterator[tuple[str, str | None]]:
    country = (_text(row, "country") or "US").upper()
    for column, kind in PHONE_COLUMNS.items():
        for number in _split(_text(row, column)):
            yield (e164(number, country) or number), kind
    for column, kind in EMAIL_COLUMNS.items():
        for address in _split(_text(row, column)):
            yield address.lower(), kind


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


__all__ = ["Directory", "Person", "load_directory"]
