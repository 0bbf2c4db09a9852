"""Apply a mapping to one source record: the canonical row, or a `RowError` saying why not."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime, parsedate_tz
from typing import Any

from ..tz import localize_naive
from .mapping import Condition, ImportMapping, Rule, TimeSpec
from .normalize import MAX_YEAR, MIN_YEAR, RowError

UTC = timezone.utc
#: UTC offsets are whole quarter hours everywhere (Nepal's +05:45 included)
QUARTER = 900
#: how far a CDR's start may lie after the channel's creation (the epoch in its id) and
#: still count as a clean measurement of the server's offset
CLEAN_SECONDS = 120


def value_of(record: Mapping[str, Any], column: str) -> str | None:
    """The text of ``column`` (dotted paths reach into JSON objects); None when empty."""
    value: Any = record.get(column)
    if value is None and "." in column and column not in record:
        value = record
        for part in column.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        text = str(value).strip()
        return text or None
    raise RowError(f"column '{column}': expected text, got {type(value).__name__}")


def _first(record: Mapping[str, Any], columns: tuple[str, ...]) -> tuple[str, str] | None:
    for column in columns:
        value = value_of(record, column)
        if value is not None:
            return column, value
    return None


def _holds(cond: Condition, record: Mapping[str, Any]) -> bool:
    value = value_of(record, cond.column)
    if cond.kind == "present":
        return value is not None
    if cond.kind == "absent":
        return value is None
    if value is None:
        return False
    if cond.kind == "matches":
        assert cond.pattern is not None
        return cond.pattern.search(value) is not None
    folded = value.casefold()
    if cond.kind == "prefix":
        return folded.startswith(cond.values[0])
    return folded in cond.values


def apply_rules(name: str, rules: tuple[Rule, ...], record: Mapping[str, Any]) -> str | None:
    """The first rule whose conditions hold and whose column is not empty decides."""
    for rule in rules:
        if not all(_holds(c, record) for c in rule.when):
            continue
        if rule.value is not None:
            return rule.value
        found = _first(record, rule.columns)
        if found is None:
            continue
        column, raw = found
        key = raw.casefold()
        if key in rule.reject:
            raise RowError(f"field '{name}': {column} {raw!r}: {rule.reject[key]}")
        if rule.map is None:
            return raw
        if key in rule.map:
            return rule.map[key]
        if rule.default is not None:
            return rule.default
        shown = ", ".join(rule.known[:12]) + (", …" if len(rule.known) > 12 else "")
        raise RowError(f"field '{name}': unknown {column} {raw!r} (this mapping knows: "
                       f"{shown}; add it under extra_values.{name} in a --mapping file)")
    return None


class TimeReader:
    """Timestamps of one file: formats tried in order, then the zone of naive times.

    A naive time takes the declared zone (``--input-timezone``, else the mapping's
    ``input.timezone``). Without one, a mapping with ``infer_offset`` reads the UTC
    offset from a column holding the same instant as a POSIX epoch (Asterisk's
    ``uniqueid``): each row's own evidence, so a daylight-saving change mid-file is
    followed. What was inferred is reported in `notes`.
    """

    def __init__(self, spec: TimeSpec, zone: tzinfo | None, zone_name: str | None) -> None:
        self.spec, self.zone, self.zone_name = spec, zone, zone_name
        self.offset: int | None = None  # last clean measurement, seconds east of UTC
        self.inferred: Counter[int] = Counter()
        self.disagree: Counter[int] = Counter()

    def __call__(self, record: Mapping[str, Any]) -> datetime:
        found = _first(record, self.spec.columns)
        if found is None:
            raise RowError(f"field 'timestamp': missing (column "
                           f"{' or '.join(self.spec.columns)})")
        column, raw = found
        ts = self._parse(raw, column)
        if ts.tzinfo is not None and ts.utcoffset() is not None:
            return ts
        naive = ts.replace(tzinfo=None)
        measured = self._measure(record, naive) if self.spec.epoch_column else None
        if self.zone is not None:
            ts = localize_naive(naive, self.zone)
            offset = ts.utcoffset()
            if measured is not None and offset is not None \
                    and measured != int(offset.total_seconds()):
                self.disagree[measured] += 1
            return ts
        if measured is None:
            measured = self.offset
        if measured is None:
            evidence = (f" and column '{self.spec.epoch_column}' gives no epoch to infer one "
                        "from" if self.spec.epoch_column else "")
            raise RowError(f"field 'timestamp': {raw!r} has no UTC offset{evidence}; pass "
                           "--input-timezone ZONE (the zone of the system that wrote it)")
        self.inferred[measured] += 1
        return naive.replace(tzinfo=timezone(timedelta(seconds=measured)))

    def _parse(self, raw: str, column: str) -> datetime:
        for fmt in self.spec.formats:
            try:
                ts = _parse_one(raw, fmt)
            except (ValueError, TypeError, OverflowError, OSError, IndexError):
                continue
            if not MIN_YEAR <= ts.year <= MAX_YEAR:
                raise RowError(f"field 'timestamp': year {ts.year} is outside "
                               f"{MIN_YEAR}–{MAX_YEAR} (column {column})")
            return ts
        raise RowError(f"field 'timestamp': {raw!r} in column '{column}' is not a "
                       f"{' or '.join(_describe(f) for f in self.spec.formats)} time")

    def _measure(self, record: Mapping[str, Any], naive: datetime) -> int | None:
        """The offset this row proves, if its epoch column is a clean measurement."""
        assert self.spec.epoch_column is not None and self.spec.epoch_pattern is not None
        text = value_of(record, self.spec.epoch_column)
        match = self.spec.epoch_pattern.search(text) if text else None
        digits = match.group(1) if match is not None else None
        # a mapping's own pattern may leave its group empty or capture anything: only a
        # plausible epoch (digits, at most 12 of them) is evidence
        if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
            return None
        epoch = int(digits)
        delta = (naive - datetime(1970, 1, 1)).total_seconds() - epoch
        offset = round(delta / QUARTER) * QUARTER
        # a CDR starts when its channel is created or a little later, never before
        if not 0 <= delta - offset <= CLEAN_SECONDS or abs(offset) > 14 * 3600:
            return None
        self.offset = offset
        return offset

    def notes(self, name: str) -> list[str]:
        column = self.spec.epoch_column
        out = []
        if self.inferred:
            found = ", ".join(f"{_utc(o)} on {n} row(s)" for o, n in sorted(self.inferred.items()))
            out.append(f"{name}: timestamps carry no UTC offset; inferred {found} from the "
                       f"epoch in '{column}' (pass --input-timezone to declare the zone)")
        if self.disagree:
            found = ", ".join(f"{_utc(o)} on {n} row(s)" for o, n in sorted(self.disagree.items()))
            out.append(f"{name}: warning: --input-timezone {self.zone_name} disagrees with the "
                       f"epoch in '{column}', which suggests {found}; the declared zone was used")
        return out


def _utc(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _describe(fmt: str) -> str:
    return {"iso": "ISO 8601", "rfc2822": "RFC 2822", "epoch": "epoch-seconds",
            "epoch_ms": "epoch-milliseconds"}.get(fmt, repr(fmt))


def _parse_one(raw: str, fmt: str) -> datetime:
    if fmt == "iso":
        text = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
        return datetime.fromisoformat(text)
    if fmt == "rfc2822":
        parts = parsedate_tz(raw)
        if parts is None:
            raise ValueError(raw)
        ts = parsedate_to_datetime(raw)
        # "-0000" is UTC with the sender's zone unknown; no zone at all stays naive
        return ts.replace(tzinfo=UTC) if ts.tzinfo is None and parts[9] is not None else ts
    if fmt in ("epoch", "epoch_ms"):
        seconds = float(raw) / (1000 if fmt == "epoch_ms" else 1)
        return datetime.fromtimestamp(seconds, UTC)
    return datetime.strptime(raw, fmt)


def canonical_row(mapping: ImportMapping, record: Mapping[str, Any],
                  times: TimeReader) -> dict[str, Any]:
    """The canonical log row for ``record`` (timestamp as an aware datetime)."""
    row: dict[str, Any] = {"timestamp": times(record)}
    for name, rules in mapping.fields.items():
        value = apply_rules(name, rules, record)
        if value is not None:
            row[name] = value
    if "consumer_id" not in row:
        # checked last: a row the mapping rejects for a reason (a task, a queued call)
        # often has no consumer either, and the reason says more
        columns = [c for r in mapping.fields.get("consumer_id", ()) for c in r.columns]
        raise RowError("field 'consumer_id': missing (required)" + (
            f": column {' and '.join(repr(c) for c in columns)} empty" if columns else ""))
    return row
