"""Raw records of an export: CSV (with or without a header) or JSON, streamed.

Each record comes out as ``(line, fields)`` where ``line`` is the physical line the
record starts on, or as a `Rejected` for a row that cannot even be split into fields
(wrong number of fields, bytes the encoding cannot decode, broken JSON). Nothing is
loaded whole: memory stays flat on large exports.

Headerless files (Asterisk and FreeSWITCH CDRs) hold phone numbers in every field, so
reasons given for them never quote a field's value.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from typing import IO, Any

from ..model import Rejected
from .mapping import ImportMapping
from .normalize import unencodable
from .sources import CSV_LIMIT, MAX_FIELD, MAX_ROW_LINES, SourceError

Record = tuple[int, dict[str, Any]]
#: a JSON record bigger than this is not a contact record; reading stops growing it
MAX_JSON_RECORD = 16 << 20


def text_stream(binary: IO[bytes], encoding: str) -> IO[str]:
    """Decode ``binary``; undecodable bytes survive as lone surrogates, so only the row
    holding them is rejected. UTF-8 tolerates a byte-order mark."""
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    return io.TextIOWrapper(binary, encoding=codec, errors="surrogateescape", newline="")


def _undecodable(value: str, encoding: str, where: str) -> str | None:
    at = unencodable(value)
    if at is None:
        return None
    return f"not valid {encoding}: byte 0x{ord(value[at]) - 0xDC00:02x} {where}"


def csv_records(text: IO[str], name: str, mapping: ImportMapping) -> Iterator[Record | Rejected]:
    first = text.readline()
    blank = 0
    while first and not first.strip():
        first = text.readline()  # leading blank lines are not rows, but they are lines
        blank += 1
    if not first:
        return
    reader = csv.reader(itertools.chain([first], text), delimiter=mapping.delimiter)
    header: list[str] | None = None
    if mapping.header:
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as exc:
            raise SourceError(f"{name}:{1 + blank}: cannot parse the header: {exc}") from None
        for i, column in enumerate(header):
            problem = _undecodable(column, mapping.encoding, f"in column {i + 1}")
            if problem:
                raise SourceError(f"{name}:{1 + blank}: the header is {problem} "
                                  "(try --encoding)")
        _check_header(header, name, mapping)
    # physical lines: the csv module counts from the first non-blank line
    last = reader.line_num + blank
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise SourceError(f"{name}:{start}: a value longer than {CSV_LIMIT >> 20} MiB "
                                  "starts here (a quote left open?)") from None
            last = reader.line_num + blank
            yield Rejected(name, start, f"malformed CSV: {exc}")
            continue
        last = reader.line_num + blank
        if last - start >= MAX_ROW_LINES:
            raise SourceError(f"{name}:{start}: a quoted value opened in this row runs over "
                              f"{last - start + 1:,} lines: a quote is probably left open")
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        problem = _row_problem(row, header, mapping)
        if problem:
            yield Rejected(name, start, problem)
            continue
        columns = header if header is not None else mapping.layouts[len(row)]
        yield start, dict(zip(columns, row, strict=True))


def _check_header(header: list[str], name: str, mapping: ImportMapping) -> None:
    """A file that has none of the columns a required field is read from is the wrong
    file or the wrong preset: say so once instead of rejecting every row."""
    renamed = [mapping.rename.get(h, h) for h in header]
    present = set(renamed)
    if len(present) < len(renamed):
        # two columns under one name (named twice, or renamed onto another): a record
        # keeps only the last, so the mapping would silently read the wrong one
        used = mapping.used_columns()
        seen: dict[str, str] = {}
        for raw, column in zip(header, renamed, strict=True):
            if column in seen and column in used:
                first = seen[column]
                how = (f"column '{raw}' is named twice" if first == raw else
                       f"columns '{first}' and '{raw}' both become '{column}'")
                raise SourceError(f"{name}:1: {how} (mapping: {mapping.source}); which "
                                  "one the mapping reads would depend on their order")
            seen.setdefault(column, raw)
    for required in ("timestamp", "consumer_id"):
        if required != "timestamp" and mapping.has_constant(required):
            continue
        wanted = mapping.columns_for(required)
        if wanted and not any(c.split(".")[0] in present for c in wanted):
            raise SourceError(
                f"{name}:1: the header has no column {' or '.join(repr(c) for c in wanted)} "
                f"for '{required}': is this a {mapping.name} export? (mapping: "
                f"{mapping.source})")


def _row_problem(row: list[str], header: list[str] | None,
                 mapping: ImportMapping) -> str | None:
    if header is not None and len(row) != len(header):
        return f"expected {len(header)} fields as in the header, found {len(row)}"
    if header is None and len(row) not in mapping.layouts:
        counts = sorted(mapping.layouts)
        expected = (", ".join(map(str, counts[:-1])) + f" or {counts[-1]}"
                    if len(counts) > 1 else str(counts[0]))
        return f"expected {expected} fields ({mapping.name} layout), found {len(row)}"
    for i, value in enumerate(row):
        label = f"'{header[i]}' (column {i + 1})" if header else f"column {i + 1}"
        if len(value) > MAX_FIELD:
            return f"field {label} is {len(value):,} characters long (at most {MAX_FIELD:,})"
        problem = _undecodable(value, mapping.encoding, f"in field {label}")
        if problem:
            return problem + " (try --encoding)"
    return None


_SKIP = " \t\r\n,[]"


def json_records(text: IO[str], name: str) -> Iterator[Record | Rejected]:
    """JSON Lines, a JSON array, or objects simply concatenated (as Kinesis Firehose
    writes contact records to S3), pretty-printed or not."""
    decoder = json.JSONDecoder()
    buf, pos = "", 0  # text read and not yet decoded starts at ``pos``
    buf_line = 1  # the physical line of ``buf[pos]``
    line = 0
    for raw in text:
        line += 1
        if pos >= len(buf):
            buf, pos = "", 0
            if not raw.strip(_SKIP):
                continue
            buf_line = line
        elif pos:
            buf, pos = buf[pos:], 0  # a record goes on: keep only its text
        buf += raw
        while True:
            start = pos
            while pos < len(buf) and buf[pos] in _SKIP:
                pos += 1
            buf_line += buf.count("\n", start, pos)
            if pos >= len(buf):
                break
            try:
                obj, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if exc.pos >= len(buf.rstrip()) and len(buf) - pos < MAX_JSON_RECORD:
                    break  # the record goes on in the next lines
                yield Rejected(name, buf_line, _json_problem(buf, pos, exc))
                pos = len(buf)  # resynchronize at the next line
                break
            except RecursionError:
                yield Rejected(name, buf_line, "not valid JSON: nested too deeply")
                pos = len(buf)
                break
            first = buf_line
            buf_line += buf.count("\n", pos, end)
            pos = end
            if isinstance(obj, dict):
                yield first, obj
            else:
                yield Rejected(name, first, f"expected a JSON object, got {type(obj).__name__}")
    if buf[pos:].strip(_SKIP):
        yield Rejected(name, buf_line, "not valid JSON: the file ends inside a record")


def _json_problem(buf: str, pos: int, exc: json.JSONDecodeError) -> str:
    at = unencodable(buf[pos:exc.pos + 1])
    if at is not None:
        byte = ord(buf[pos + at]) - 0xDC00
        return f"not valid text in this encoding: byte 0x{byte:02x} (try --encoding)"
    row = buf.count("\n", pos, exc.pos) + 1
    column = exc.pos - (buf.rfind("\n", pos, exc.pos) + 1 if row > 1 else pos) + 1
    return f"not valid JSON: {exc.msg} (line {row} of the record, column {column})"
