"""Read a canonical CSV log column-wise, but only when that provably reads the same cells.

The streaming reader (`fairdebt.io.sources`) is Python's csv module with its own
rules for quotes, blank lines, byte-order marks, tabs and over-long cells. Arrow's
CSV reader agrees with it exactly on a narrower kind of file, which `plain_csv`
recognises by scanning the bytes: ASCII only, comma-separated, no quote character,
no control character but the line feed, no blank line, one header naming each
column once. In such a file every physical line after the header is one row, so
the row at index ``i`` is line ``i + 2``, and every cell is the text between two
commas. Any other file is left to the streaming reader (the caller falls back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..io.normalize import KNOWN_COLUMNS, MAX_VALUE
from ..io.parquet import PARQUET_MAGIC
from ..io.sources import MAX_FIELD

BLOCK = 1 << 24
#: every byte a plain file may hold: printable ASCII and the line feed
_ALLOWED = bytes(range(0x20, 0x7F)) + b"\n"


class NotPlain(Exception):
    """The file is not one the columnar reader reads exactly as the streaming one."""


@dataclass
class Columns:
    """One file's known columns, as Arrow string arrays (one chunk each), and its name."""

    name: str
    header: list[str]
    rows: int
    data: dict[str, Any]  # column name → pyarrow.Array (utf8)


def plain_csv(path: str) -> list[str]:
    """The header of ``path`` if it is a plain CSV log (see the module docstring);
    raise `NotPlain` saying why otherwise."""
    lower = path.lower()
    if path == "-" or not lower.endswith(".csv"):
        raise NotPlain("only uncompressed .csv files are read column-wise")
    header: list[str] | None = None
    last = b"\n"
    with open(path, "rb") as f:
        first = True
        while True:
            block = f.read(BLOCK)
            if not block:
                break
            if first:
                if block[:4] == PARQUET_MAGIC:
                    raise NotPlain("Parquet")
                end = block.find(b"\n")
                line = block if end < 0 else block[:end]
                header = [h.strip() for h in line.decode("ascii", "replace").split(",")]
                first = False
            if block.translate(None, _ALLOWED):
                raise NotPlain("a byte outside printable ASCII and line feeds")
            if b'"' in block:
                raise NotPlain("quotes")
            if b"\n\n" in block or (last == b"\n" and block[:1] == b"\n"):
                raise NotPlain("a blank line")
            last = block[-1:]
    if header is None:
        raise NotPlain("an empty file")
    if len(header) < 2 or "timestamp" not in header or "consumer_id" not in header:
        raise NotPlain("not a canonical header")
    if len(set(header)) != len(header) or "" in header:
        raise NotPlain("a column named twice (or unnamed)")
    return header


def read_columns(path: str, name: str, header: list[str]) -> Columns:
    """Every known column of a plain CSV file as text, read on one thread."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    wanted = [h for h in header if h in KNOWN_COLUMNS]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1,
                                           use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(quote_char=False, double_quote=False,
                                             escape_char=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, include_columns=wanted,
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, OSError) as exc:  # e.g. a row with another number of fields
        raise NotPlain(f"Arrow cannot read it: {exc}") from None
    if table.num_rows == 0:
        raise NotPlain("no rows")
    data: dict[str, Any] = {}
    for h in wanted:
        column = table.column(h).combine_chunks()
        # a cell the streaming reader would reject as over-long: that reader says so
        longest = pc.max(pc.utf8_length(column)).as_py() or 0
        if longest > min(MAX_FIELD, MAX_VALUE):
            raise NotPlain("an over-long cell")
        data[h] = column
    return Columns(name, wanted, table.num_rows, data)
