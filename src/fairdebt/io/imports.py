"""Read an export through an import mapping: every row becomes an `Event`, a `Rejected`,
or is counted in `ImportStats.merged` (folded into another row's event).

So for every run ``rows_read == events_checked + rows_rejected + rows_merged``.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from typing import IO

from ..model import Event, Rejected
from ..tz import get_zone
from .collapse import Collapser
from .fields import TimeReader, canonical_row, value_of
from .mapping import ImportMapping
from .normalize import to_event
from .records import csv_records, json_records, text_stream
from .sources import (
    STREAM_ERRORS,
    Keep,
    SourceError,
    _open_binary,
    display_name,
    read_events,
)


@dataclass
class ImportStats:
    """What reading through a mapping did besides yielding rows: merges and notes."""

    merged: int = 0
    notes: list[str] = field(default_factory=list)


def read_import(path: str, mapping: ImportMapping, input_zone: tzinfo | None = None, *,
                name: str | None = None, stats: ImportStats | None = None,
                encoding: str | None = None,
                zone_name: str | None = None) -> Iterator[Event | Rejected]:
    """Yield one `Event` or `Rejected` per record of ``path`` (``-`` is stdin), merged
    rows excepted (counted in ``stats.merged``).

    ``input_zone`` (``--input-timezone``) is the zone of naive timestamps and wins over
    the mapping's ``input.timezone``; ``encoding`` (``--encoding``) over its
    ``input.encoding``.
    """
    name = name or display_name(path)
    stats = stats if stats is not None else ImportStats()
    if encoding:
        mapping = _with_encoding(mapping, encoding)
    if input_zone is None and mapping.timezone:
        input_zone, zone_name = get_zone(mapping.timezone, field="input.timezone"), \
            mapping.timezone
    times = TimeReader(mapping.timestamp, input_zone, zone_name)
    collapser = Collapser(mapping.collapse) if mapping.collapse else None
    binary = _open_binary(path)
    try:
        text = text_stream(binary, mapping.encoding)
        records = (json_records(text, name) if _is_json(path, mapping, binary)
                   else csv_records(text, name, mapping))
        for item in records:
            if isinstance(item, Rejected):
                yield item
                continue
            line, record = item
            yield from converted(mapping, record, times, collapser, name, line)
        if collapser is not None:
            yield from collapser.finish()
    # a corrupt .zst fails mid-read like a corrupt .gz: the same clear error
    except _READ_ERRORS as exc:
        raise SourceError(f"{name}: cannot read: {exc}") from None
    finally:
        if collapser is not None:
            stats.merged += collapser.merged
        stats.notes.extend(times.notes(name))
        if path != "-":
            binary.close()


#: a wrong --encoding shows as a UnicodeError while the text is decoded
_READ_ERRORS: tuple[type[BaseException], ...] = (*STREAM_ERRORS, UnicodeError)


def renamed(mapping: ImportMapping, record: dict[str, object]) -> dict[str, object]:
    """``record`` under the mapping's names; ValueError if two of its keys would become
    one name the mapping reads (a JSON record, or a query, with a column and another
    renamed onto it: which one is read would depend on their order)."""
    out = {mapping.rename.get(k, k): v for k, v in record.items()}
    if len(out) < len(record):
        clash = _clash(mapping, record)
        if clash:
            raise ValueError(clash)
    return out


def converted(mapping: ImportMapping, record: dict[str, object], times: TimeReader,
              collapser: Collapser | None, name: str, line: int
              ) -> Iterator[Event | Rejected]:
    """One source record through the mapping: its event (or the merged ones the collapser
    releases), or a Rejected naming the reason. Shared by files and databases."""
    try:
        if mapping.rename:
            record = renamed(mapping, record)
        event = to_event(canonical_row(mapping, record, times), name, line)
        keys = _keys(mapping, record) if collapser else None
    except ValueError as exc:
        yield Rejected(name, line, str(exc))
        return
    if collapser is None or keys is None:
        yield event
    else:
        yield from collapser.feed(event, *keys)


def _clash(mapping: ImportMapping, record: dict[str, object]) -> str | None:
    """Two keys of ``record`` that renaming puts under one name the mapping reads."""
    used = mapping.used_columns()
    seen: dict[str, str] = {}
    for key in record:
        target = mapping.rename.get(key, key)
        if target in seen and target in used:
            return (f"fields '{seen[target]}' and '{key}' both become '{target}' (mapping: "
                    f"{mapping.source}); which one is read would depend on their order")
        seen.setdefault(target, key)
    return None


def _is_json(path: str, mapping: ImportMapping, binary: IO[bytes]) -> bool:
    """JSON for a JSON mapping; for one that reads named columns (Twilio), JSON when the
    file says so by its name or its first character, else CSV."""
    if mapping.format == "json":
        return True
    if not mapping.header:
        return False
    lower = path.lower().removesuffix(".gz")
    if lower.endswith((".json", ".jsonl", ".ndjson")):
        return True
    if lower.endswith((".csv", ".tsv", ".txt")):
        return False
    head = binary.peek(64)[:64] if hasattr(binary, "peek") else b""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _keys(mapping: ImportMapping, record: dict[str, object]
          ) -> tuple[str | None, str | None, str | None]:
    spec = mapping.collapse
    assert spec is not None
    key = next((v for c in spec.key if (v := value_of(record, c)) is not None), None)
    identity = value_of(record, spec.identity) if spec.identity else None
    latest = value_of(record, spec.latest) if spec.latest else None
    return key, identity, latest


def _with_encoding(mapping: ImportMapping, encoding: str) -> ImportMapping:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceError(f"--encoding: unknown encoding {encoding!r} (e.g. utf-8, cp1252, "
                          "gb18030)") from None
    return replace(mapping, encoding=encoding)


class LogReader:
    """What the runner reads files with: canonical logs, or exports through an import
    mapping, keeping one pass's merge count and notes."""

    def __init__(self, zone: tzinfo | None, zone_name: str | None,
                 mapping: ImportMapping | None, encoding: str | None, notes: list[str]) -> None:
        self.zone, self.zone_name, self.mapping, self.encoding = zone, zone_name, mapping, encoding
        self.notes, self.stats = notes, ImportStats()
        self.first_note = len(notes)

    def restart(self) -> None:
        """A second pass (an unsorted log) must not count merges and notes twice."""
        self.stats = ImportStats()
        del self.notes[self.first_note:]

    def __call__(self, path: str, name: str, keep: Keep | None = None
                 ) -> Iterator[Event | Rejected]:
        """``keep`` (canonical logs only) skips other processes' rows unread: see
        `read_events`; an export's consumer is known only after its mapping."""
        if self.mapping is None:
            return read_events(path, self.zone, name=name, keep=keep)
        return self._imported(path, name)

    def _imported(self, path: str, name: str) -> Iterator[Event | Rejected]:
        assert self.mapping is not None
        yield from read_import(path, self.mapping, self.zone, name=name, stats=self.stats,
                               encoding=self.encoding, zone_name=self.zone_name)
        self.notes.extend(self.stats.notes)
        self.stats.notes.clear()

    @property
    def merged(self) -> int | None:
        return self.stats.merged if self.mapping is not None else None
