"""One log row (a mapping of column → value) to an `Event`, or a reason it cannot be one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from operator import itemgetter
from typing import Any

from ..content.fields import parse_lang, parse_transcript
from ..model import (
    CHANNELS,
    CONTACT,
    DESTINATION_TYPES,
    DIRECTIONS,
    EVENT_TYPES,
    MESSAGE_KINDS,
    OUTCOMES,
    PARTIES,
    PURPOSES,
    REGION,
    Event,
)
from ..timewindows import parse_designation
from ..tz import get_zone, localize_naive, repair_pytz

#: message content (docs/content-rules.md); rows carrying any take the general path
CONTENT_COLUMNS = ("text", "subject", "transcript", "lang", "sender", "public")
KNOWN_COLUMNS = frozenset({
    "timestamp", "consumer_id", "event_id", "event", "channel", "direction", "party",
    "outcome", "debt_id", "destination", "destination_type", "timezone", "region",
    "purpose", "disclosed_debt", "message", "opt_out_notice", "detail", "creditor",
    *CONTENT_COLUMNS,
})

#: contact logs are about living people: a year outside this is a data error (and years
#: near 1 or 9999 cannot be converted to every time zone)
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_DEBTS = 1000
_TRUE = frozenset({"true", "yes", "y", "1", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "f"})


#: the longest value a field may hold, as for a CSV cell (`sources.MAX_FIELD`): checked
#: here too so JSON, imports and in-memory rows are bounded alike. A 100 MB message
#: would otherwise take minutes and gigabytes to normalize for matching.
MAX_VALUE = 1 << 20


class RowError(ValueError):
    """A row that cannot become an event; the message names the field."""


def unencodable(text: str) -> int | None:
    """Index of the first character UTF-8 cannot encode (a lone surrogate), if any."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        _check_length(value, name)
        value = value.strip()
        if unencodable(value) is not None:
            raise RowError(f"field '{name}': contains an unpaired surrogate "
                           "(not valid Unicode)")
        if "\x00" in value:  # JSON's \u0000, an export's NUL: never part of an id or a code
            raise RowError(f"field '{name}': contains a NUL character")
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise RowError(f"field '{name}': expected text, got {type(value).__name__}")


def _choice(value: Any, name: str, allowed: frozenset[str], default: str | None) -> str | None:
    text = _text(value, name)
    if text is None:
        return default
    low = text.lower()
    if low not in allowed:
        raise RowError(f"field '{name}': unknown value {text!r} (expected one of: "
                       f"{', '.join(sorted(allowed))})")
    return low


def _flag(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = _text(value, name)
    if text is None:
        return None
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise RowError(f"field '{name}': expected true or false, got {text!r}")


def _list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items: list[str | None]
    if isinstance(value, list):
        items = [_text(v, name) for v in value]
    else:
        text = _text(value, name)
        items = list(text.split(";")) if text else []
    out = tuple(dict.fromkeys(i.strip() for i in items if i and i.strip()))
    if len(out) > MAX_DEBTS and name == "debt_id":
        raise RowError(f"field 'debt_id': {len(out)} debt ids in one row (at most {MAX_DEBTS})")
    return out


def parse_timestamp(value: Any, input_zone: tzinfo | None) -> datetime:
    if isinstance(value, datetime):  # library callers may pass datetimes directly
        if value.tzinfo is None or value.utcoffset() is None:
            if input_zone is None:
                raise RowError(f"field 'timestamp': {value.isoformat()} is a naive datetime; "
                               "pass an aware one")
            return localize_naive(value, input_zone)
        return repair_pytz(value)
    text = _text(value, "timestamp")
    if text is None:
        raise RowError("field 'timestamp': missing (required)")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not take 'Z'
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"field 'timestamp': not an ISO 8601 date-time: {value!r}") from None
    if not MIN_YEAR <= ts.year <= MAX_YEAR:
        raise RowError(f"field 'timestamp': year {ts.year} is outside {MIN_YEAR}–{MAX_YEAR}")
    if ts.tzinfo is None:
        if input_zone is None:
            raise RowError(
                f"field 'timestamp': {value!r} has no UTC offset; add one (e.g. "
                "2026-04-01T09:15:00-04:00) or pass --input-timezone ZONE")
        ts = localize_naive(ts, input_zone)
    elif ts.utcoffset() is None:
        raise RowError(f"field 'timestamp': {value!r} has no usable UTC offset")
    return ts


def to_event(row: Mapping[str, Any], file: str, line: int,
             input_zone: tzinfo | None = None) -> Event:
    """Build an event; raise `RowError` naming the field that is wrong."""
    ts = parse_timestamp(row.get("timestamp"), input_zone)
    consumer = _text(row.get("consumer_id"), "consumer_id")
    if consumer is None:
        raise RowError("field 'consumer_id': missing (required)")
    kind = _choice(row.get("event"), "event", EVENT_TYPES, CONTACT)
    channel = _choice(row.get("channel"), "channel", CHANNELS, None)
    if kind == CONTACT and channel is None:
        raise RowError("field 'channel': missing (required for contacts)")
    zones = _list(row.get("timezone"), "timezone")
    for name in zones:
        get_zone(name, field="timezone")
    region = _region(row.get("region"))
    detail = _text(row.get("detail"), "detail")
    destination = _text(row.get("destination"), "destination")
    if (kind in ("stop_channel", "wrong_number") and not (channel or destination)) or \
            (kind == "wrong_number" and not destination):
        need = "'destination'" if kind == "wrong_number" else "'channel' or 'destination'"
        raise RowError(f"field 'destination': a {kind} event needs {need} to say what it "
                       "applies to")
    if kind == "inconvenient" and detail:
        try:
            parse_designation(detail)
        except ValueError as exc:
            raise RowError(f"field 'detail': {exc} (expected e.g. 'Mon-Fri 15:00-17:00; Sat-Sun')"
                           ) from None
    return Event(
        timestamp=ts,
        epoch=ts.timestamp(),
        consumer_id=consumer,
        event_id=_text(row.get("event_id"), "event_id") or f"{file}:{line}",
        event=kind or CONTACT,
        channel=channel,
        direction=_choice(row.get("direction"), "direction", DIRECTIONS, "outbound") or "outbound",
        party=_choice(row.get("party"), "party", PARTIES, "consumer") or "consumer",
        outcome=_choice(row.get("outcome"), "outcome", OUTCOMES, None),
        debt_ids=_list(row.get("debt_id"), "debt_id"),
        destination=destination,
        destination_type=_choice(row.get("destination_type"), "destination_type",
                                 DESTINATION_TYPES, None),
        timezones=zones,
        region=region,
        purpose=_choice(row.get("purpose"), "purpose", PURPOSES, "collection") or "collection",
        disclosed_debt=_flag(row.get("disclosed_debt"), "disclosed_debt"),
        message=_choice(row.get("message"), "message", MESSAGE_KINDS, None),
        opt_out_notice=_flag(row.get("opt_out_notice"), "opt_out_notice"),
        detail=detail,
        file=file,
        line=line,
        creditor=_text(row.get("creditor"), "creditor"),
        **_message_fields(row.get),
    )


def _message_fields(cell: Callable[[str], Any], names: Iterable[str] = CONTENT_COLUMNS
                    ) -> dict[str, Any]:
    """The event's message fields ``names`` (`CONTENT_COLUMNS`) from ``cell(column)``
    (None: no such column): for `to_event` and for `CsvRowParser`, which reads them
    alike. A field not named is the `Event` default, what a None cell gives: the CSV
    parser names only the columns its header has (an SMS log: ``text`` alone)."""
    return {name: _MESSAGE_READERS[name](cell(name)) for name in names}


_MESSAGE_READERS: dict[str, Callable[[Any], Any]] = {
    "text": lambda value: _body(value, "text"),
    "subject": lambda value: _body(value, "subject"),
    "transcript": lambda value: parse_transcript(_sized(value, "transcript"), RowError),
    "lang": lambda value: parse_lang(value, RowError),
    "sender": lambda value: _text(value, "sender"),
    "public": lambda value: _flag(value, "public"),
}


def _body(value: Any, name: str) -> str | None:
    """Message text is kept as written (offsets in findings point into it): only
    checked for valid Unicode, not stripped."""
    if isinstance(value, str):
        _check_length(value, name)
        if unencodable(value) is not None:
            raise RowError(f"field '{name}': contains an unpaired surrogate "
                           "(not valid Unicode)")
        if "\x00" in value:
            raise RowError(f"field '{name}': contains a NUL character")
        return value if value.strip() else None
    return _text(value, name)


def _sized(value: Any, name: str) -> Any:
    _check_length(value, name)
    return value


def _check_length(value: Any, name: str) -> None:
    size = (len(value) if isinstance(value, str) else
            sum(len(str(v)) for v in value) if isinstance(value, list) else 0)
    if size > MAX_VALUE:
        raise RowError(f"field '{name}': {size:,} characters long (at most {MAX_VALUE:,})")



_MISSING = object()
_NO_WORDS: dict[str, Any] = {}  # a row without message cells (never modified)
_CACHE_LIMIT = 50_000  # distinct values remembered per column; hostile input stays bounded


class CsvRowParser:
    """The hot path for CSV rows: column positions fixed once, repeated values memoized.

    Logs repeat the same few values (channels, outcomes, zones, debt lists) millions of
    times; validating each distinct value once makes reading several times faster. Any
    row the fast path does not fully accept is handed to `to_event`, so errors and
    results are exactly those of the general path.
    """

    def __init__(self, header: list[str], file: str, input_zone: tzinfo | None) -> None:
        self.header, self.file, self.input_zone = header, file, input_zone
        first: dict[str, int] = {}
        for i, name in enumerate(header):
            first.setdefault(name, i)
        self.at = {name: first.get(name, -1) for name in KNOWN_COLUMNS}
        # (most call logs have no message columns: then no row pays for them)
        self.content_at = tuple(first[n] for n in CONTENT_COLUMNS if n in first)
        self.content_names = tuple(n for n in CONTENT_COLUMNS if n in first)
        # the low-cardinality columns are memoized together: one lookup per row
        present = [first[name] for name, _ in _CONVERTERS if name in first]
        self.key = (itemgetter(*present) if len(present) > 1
                    else (lambda row: tuple(row[i] for i in present)))
        self.combos: dict[Any, tuple[Any, ...]] = {}
        self.debt_at = first.get("debt_id", -1)  # mostly distinct values: not memoized
        self.zones = _Lookup(first.get("timezone", -1), _zones)

    def __call__(self, row: list[str], line: int) -> Event:
        try:
            return self._fast(row, line)
        except (ValueError, IndexError, KeyError):
            return to_event(dict(zip(self.header, row, strict=True)), self.file, line,
                            self.input_zone)

    def _fast(self, row: list[str], line: int) -> Event:
        at = self.at
        raw_ts = row[at["timestamp"]]
        ts = datetime.fromisoformat(raw_ts[:-1] + "+00:00" if raw_ts.endswith("Z") else raw_ts)
        if ts.tzinfo is None or not MIN_YEAR <= ts.year <= MAX_YEAR:
            raise ValueError("the general path localizes or explains")
        consumer = row[at["consumer_id"]].strip()
        if not consumer:
            raise ValueError("consumer_id")
        key = self.key(row)
        combo = self.combos.get(key)
        if combo is None:
            combo = self._convert(row)
            if len(self.combos) < _CACHE_LIMIT:
                self.combos[key] = combo
        (kind, channel, direction, party, outcome, dest_type, region, purpose, disclosed,
         message, notice, creditor) = combo
        debts = _debts(row[self.debt_at]) if self.debt_at >= 0 else ()
        zones = self.zones(row)
        if kind != CONTACT or channel is None:
            raise ValueError("the general path validates account events")
        i = at["event_id"]
        event_id = (row[i].strip() if i >= 0 else "") or f"{self.file}:{line}"
        i = at["destination"]
        destination = (row[i].strip() or None) if i >= 0 else None
        i = at["detail"]
        detail = (row[i].strip() or None) if i >= 0 else None
        # a row with message cells (an SMS or email log: every row) reads them as
        # `to_event` does; the general path for such rows made reading ~2x slower
        words = _NO_WORDS
        for i in self.content_at:
            if row[i]:
                words = _message_fields(lambda name: row[at[name]], self.content_names)
                break
        return Event(ts, ts.timestamp(), consumer, event_id, kind, channel, direction, party,
                     outcome, debts, destination, dest_type, zones, region, purpose, disclosed,
                     message, notice, detail, self.file, line, creditor, **words)

    def _convert(self, row: list[str]) -> tuple[Any, ...]:
        at = self.at
        return tuple(convert(row[at[name]] if at[name] >= 0 else "")
                     for name, convert in _CONVERTERS)


class _Lookup:
    """One column's memoized conversion: raw text → validated value."""

    __slots__ = ("cache", "convert", "index")

    def __init__(self, index: int, convert: Any) -> None:
        self.index, self.convert = index, convert
        self.cache: dict[str, Any] = {}

    def __call__(self, row: list[str]) -> Any:
        raw = row[self.index] if self.index >= 0 else ""
        value = self.cache.get(raw, _MISSING)
        if value is _MISSING:
            value = self.convert(raw)
            if len(self.cache) < _CACHE_LIMIT:
                self.cache[raw] = value
        return value


def _region(raw: Any) -> str | None:
    """A region code routes consumers to regional rules, so a value that cannot be one is
    refused rather than ignored (which would silently drop those rules)."""
    text = _text(raw, "region")
    if not text:
        return None
    code = text.strip().upper()
    if not REGION.match(code):
        raise RowError(f"field 'region': {text!r} is not a region code: use ISO 3166 — a "
                       "country (CN), a subdivision (US-NY, CA-ON) or US-NY-NYC")
    return code


def _zones(raw: str) -> tuple[str, ...]:
    zones = _list(raw, "timezone")
    for name in zones:
        get_zone(name, field="timezone")
    return zones


_CONVERTERS: list[tuple[str, Any]] = [
    ("event", lambda r: _choice(r, "event", EVENT_TYPES, CONTACT)),
    ("channel", lambda r: _choice(r, "channel", CHANNELS, None)),
    ("direction", lambda r: _choice(r, "direction", DIRECTIONS, "outbound")),
    ("party", lambda r: _choice(r, "party", PARTIES, "consumer")),
    ("outcome", lambda r: _choice(r, "outcome", OUTCOMES, None)),
    ("destination_type", lambda r: _choice(r, "destination_type", DESTINATION_TYPES, None)),
    ("region", lambda r: _region(r)),
    ("purpose", lambda r: _choice(r, "purpose", PURPOSES, "collection")),
    ("disclosed_debt", lambda r: _flag(r, "disclosed_debt")),
    ("message", lambda r: _choice(r, "message", MESSAGE_KINDS, None)),
    ("opt_out_notice", lambda r: _flag(r, "opt_out_notice")),
    ("creditor", lambda r: _text(r, "creditor")),
]


def _debts(raw: str) -> tuple[str, ...]:
    if raw and ";" not in raw and not raw[0].isspace() and not raw[-1].isspace():
        return (raw,)  # the common case: one debt id, already clean
    return _list(raw, "debt_id")
