"""Read a canonical CSV log column-wise, but only when that provably reads the same cells.

The streaming reader (`fairdebt.io.sources`) is Python's csv module with its own
rules for quotes, blank lines, byte-order marks, tabs and over-long cells. Arrow's
CSV reader agrees with it exactly on a narrower kind of file, which `plain_csv`
recognises by scanning the bytes: ASCII only, comma-separated, no quote character,
no control character but the line feed, no blank line, one header naming each
column once. In such a file every physical line after the header is one row, so
the row at index ``i`` is line ``i + 2``, and every cell is the text between two
commas. A Parquet file is read column-wise when its canonical columns are text whose
cells such a CSV file could hold (`plain_parquet`): the same cells, rows numbered from
1. Any other file is left to the streaming reader (the caller falls back).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..io.normalize import KNOWN_COLUMNS, MAX_VALUE, MAX_YEAR, MIN_YEAR
from ..io.parquet import PARQUET_MAGIC
from ..io.sources import MAX_FIELD

BLOCK = 1 << 24
STREAM_BLOCK = 1 << 20
STREAM_ROWS = 8192  # Parquet rows split at a time (about a STREAM_BLOCK of CSV)
LINE = "\0line"  # the column that carries each row's line through a share's file
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
    lines: Any = None  # numpy int64 line of each row; None: row i is line i + 2

    def line(self, row: int) -> int:
        return int(self.lines[row]) if self.lines is not None else row + 2


def numpy_of(array: Any) -> Any:
    """An Arrow array (or chunked array) of numbers or booleans, without nulls, as NumPy.
    Read from its buffers: pyarrow's ``to_numpy`` imports pandas on first use, ~0.2 s of
    every run. Booleans (bits in Arrow) are unpacked into an array of our own; numbers
    are read in place (read-only), as ``to_numpy`` reads them."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count:
        raise ValueError("an array with nulls")  # never: the reader makes no nulls
    n, at, data = len(array), array.offset, array.buffers()[1]
    if array.type == pa.bool_():
        if data is None or not n:
            return np.zeros(n, dtype=np.bool_)
        bits = np.frombuffer(data, dtype=np.uint8, count=(at + n + 7) // 8)
        return np.unpackbits(bits, bitorder="little")[at:at + n].astype(np.bool_)
    dtype = np.dtype(array.type.to_pandas_dtype())
    if data is None or not n:
        return np.zeros(n, dtype=dtype)
    return np.frombuffer(data, dtype=dtype, count=n, offset=at * dtype.itemsize)


def arrow_of(values: Any, kind: str = "int64") -> Any:
    """NumPy numbers (or a list of ints) as an Arrow array of ``kind`` (``int64`` or
    ``bool``), built on the NumPy buffer: ``pyarrow.array`` imports pandas (see
    `numpy_of`)."""
    import numpy as np
    import pyarrow as pa

    if kind == "bool":
        flags = np.asarray(values, dtype=np.bool_)
        return pa.Array.from_buffers(pa.bool_(), len(flags), [
            None, pa.py_buffer(np.packbits(flags, bitorder="little"))])
    numbers = np.ascontiguousarray(np.asarray(values, dtype=np.int64))
    return pa.Array.from_buffers(pa.int64(), len(numbers), [None, pa.py_buffer(numbers)])


#: compressed logs read column-wise, by name: decompressed first into a private temporary
#: copy (`plain_copy`) by the streaming reader's own decompression, so both read the
#: same bytes, whatever the file holds (several gzip members, zstd frames)
COMPRESSED = (".csv.gz", ".csv.zst")


def plain_csv(path: str) -> list[str]:
    """The header of ``path`` if it is a plain CSV log (see the module docstring);
    raise `NotPlain` saying why otherwise."""
    if path == "-" or not path.lower().endswith(".csv"):
        raise NotPlain("only .csv files (or .csv.gz, .csv.zst) are read column-wise")
    with open(path, "rb") as f:
        return _plain(f, None)


def plain_copy(path: str, out: IO[bytes]) -> list[str]:
    """`plain_csv` for a compressed log (`COMPRESSED`): its rows, decompressed as the
    streaming reader decompresses them, are checked and written to ``out``, a plain
    .csv file for the rest of the fast path; the header. `NotPlain` also when the file
    cannot be decompressed or copied (the streaming reader then says what is wrong)."""
    from ..io.sources import STREAM_ERRORS, SourceError, _open_binary

    if not path.lower().endswith(COMPRESSED):
        raise NotPlain("not a compressed .csv log")
    errors: tuple[type[BaseException], ...] = (SourceError, *STREAM_ERRORS)
    try:
        with _open_binary(path) as f:
            return _plain(f, out)
    except errors as exc:
        raise NotPlain(f"cannot decompress it to a temporary file: {exc}") from None


def _plain(f: IO[bytes], out: IO[bytes] | None) -> list[str]:
    """The header of the CSV text ``f`` reads if it is plain, each block also written
    to ``out``; `NotPlain` otherwise."""
    header: list[str] | None = None
    last = b"\n"
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
        if out is not None:
            out.write(block)
    if header is None:
        raise NotPlain("an empty file")
    if len(header) < 2 or "timestamp" not in header or "consumer_id" not in header:
        raise NotPlain("not a canonical header")
    if len(set(header)) != len(header) or "" in header:
        raise NotPlain("a column named twice (or unnamed)")
    return header


@dataclass(frozen=True)
class Plain:
    """A log the columnar reader reads exactly as the streaming one: a plain CSV file
    (`plain_csv`), or a Parquet file whose canonical columns are all text
    (`plain_parquet`). ``header``: the CSV header, or the Parquet file's canonical
    columns; ``size``: about how many bytes its rows take as text."""

    path: str
    header: list[str]
    size: int
    parquet: bool = False

    @property
    def first_line(self) -> int:
        """The first row's line: after a CSV header, 2; a Parquet row is referred to by
        its number in the file, from 1 (as `fairdebt.io.parquet` does)."""
        return 1 if self.parquet else 2


def plain_parquet(path: str) -> Plain:
    """A Parquet log whose canonical columns are all text (nulls read as empty cells:
    the normalizer reads a missing value and an empty one alike); `NotPlain` otherwise.
    Each batch's cells are checked as it is read (`_parquet_text`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except (pa.ArrowException, OSError) as exc:
        raise NotPlain(f"Arrow cannot read it as Parquet: {exc}") from None
    schema = meta.schema.to_arrow_schema()
    names = [n for n in schema.names if n in KNOWN_COLUMNS]
    if "timestamp" not in names or "consumer_id" not in names:
        raise NotPlain("not a canonical log")
    if len(set(names)) != len(names):
        raise NotPlain("a column named twice")
    for name in names:
        kind = schema.field(name).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)
                or (name == "timestamp" and _utc_instants(kind))):
            raise NotPlain(f"column '{name}' is typed ({kind}), not text")
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return Plain(path, names, size, parquet=True)


#: a cell a plain CSV file could not hold, or its reader would read otherwise: a byte
#: outside printable ASCII, a quote, a comma (the fast path is proven on plain CSV cells)
_NOT_PLAIN_TEXT = r'[^ -~]|[",]'


#: time zones of a typed timestamp column whose instants are read as UTC text
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "+00:00"})


def _utc_instants(kind: Any) -> bool:
    """Whether a typed ``timestamp`` column of type ``kind`` holds UTC instants, which
    the streaming reader reads as aware datetimes and writes with a ``+00:00`` offset."""
    import pyarrow as pa

    return bool(pa.types.is_timestamp(kind) and kind.tz in UTC_ZONES)


def _instant_text(column: Any) -> Any:
    """UTC instants as ISO text (``YYYY-MM-DDTHH:MM:SSZ``, with ``.ffffff`` where there
    is a fraction of a second), which the normalizer reads as the streaming reader's
    datetimes. An aware datetime's year is never checked, the text's is: a year outside
    `MIN_YEAR`–`MAX_YEAR` makes the file stream, as does a nanosecond part."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tz = column.type.tz
    try:
        micro = column.cast(pa.timestamp("us", tz=tz))  # (safe: refuses to drop a part)
    except pa.ArrowInvalid:
        raise NotPlain("a timestamp finer than a microsecond") from None
    whole = pc.floor_temporal(micro, unit="second")
    years = pc.min_max(pc.year(whole)).as_py()
    if years["min"] is not None and (years["min"] < MIN_YEAR or years["max"] > MAX_YEAR):
        raise NotPlain(f"a timestamp outside the years {MIN_YEAR}–{MAX_YEAR}")

    def wall(values: Any, unit: str) -> Any:  # the UTC wall clock, "2026-03-01T00:22:56"
        text = values.cast(pa.timestamp(unit, tz=tz)).cast(pa.timestamp(unit)).cast(pa.string())
        return pc.replace_substring(text, " ", "T")

    text = pc.if_else(pc.equal(micro, whole), wall(whole, "s"), wall(micro, "us"))
    return pc.binary_join_element_wise(text, "Z", "")


def _parquet_text(column: Any, name: str) -> Any:
    """One Parquet column's cells as plain text (utf8, nulls empty; UTC instants as ISO
    text); `NotPlain` when a cell is not one a plain CSV file could hold."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_timestamp(column.type):  # `plain_parquet` let only UTC instants in
        column = _instant_text(column)
    if column.type != pa.string():
        column = column.cast(pa.string())
    if column.null_count:
        column = pc.fill_null(column, "")
    if pc.any(pc.match_substring_regex(column, _NOT_PLAIN_TEXT)).as_py():
        raise NotPlain(f"column '{name}' holds a cell with a comma, a quote or a "
                       "character outside printable ASCII")
    return column


def _parquet_batches(path: str, header: list[str], rows: int) -> Iterator[Any]:
    """The file's canonical columns in batches of ``rows`` rows, as plain text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as parquet:
        for batch in parquet.iter_batches(batch_size=rows, columns=header, use_threads=False):
            names = batch.schema.names
            yield pa.RecordBatch.from_arrays(
                [_parquet_text(batch.column(i), n) for i, n in enumerate(names)], names=names)


def _options(header: list[str]) -> tuple[Any, Any, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    wanted = [h for h in header if h in KNOWN_COLUMNS]
    return (pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=False,
                              block_size=1 << 24),
            pacsv.ParseOptions(quote_char=False, double_quote=False, escape_char=False,
                               newlines_in_values=False, ignore_empty_lines=False),
            pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                 include_columns=wanted, strings_can_be_null=False,
                                 quoted_strings_can_be_null=False))


def read_columns(plain: Plain, name: str) -> Columns:
    """Every known column of a plain log as text, read on one thread."""
    # handed over in a list that `_columns` empties, so that it holds the only reference
    # and can free each column's chunks as it copies them into one array
    if plain.parquet:
        return _columns([_read_parquet(plain)], name)
    return _columns([_read_csv(plain.path, plain.header)], name)


def _read_parquet(plain: Plain) -> Any:
    import numpy as np
    import pyarrow as pa

    try:
        batches = list(_parquet_batches(plain.path, plain.header, 1 << 20))
    except (pa.ArrowException, OSError) as exc:  # e.g. a damaged page
        raise NotPlain(f"Arrow cannot read it: {exc}") from None
    if not batches:
        raise NotPlain("no rows")
    table = pa.Table.from_batches(batches)
    lines = np.arange(plain.first_line, plain.first_line + table.num_rows, dtype=np.int64)
    return table.append_column(LINE, arrow_of(lines))


def _read_csv(path: str, header: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read, parse, convert = _options(header)
    try:
        return pacsv.read_csv(path, read_options=read, parse_options=parse,
                              convert_options=convert)
    except (pa.ArrowInvalid, OSError) as exc:  # e.g. a row with another number of fields
        raise NotPlain(f"Arrow cannot read it: {exc}") from None


def _columns(holder: list[Any], name: str) -> Columns:
    import pyarrow.compute as pc

    table = holder.pop()
    if table.num_rows == 0:
        raise NotPlain("no rows")
    lines = None
    if LINE in table.column_names:
        lines = numpy_of(table.column(LINE))
        table = table.remove_column(table.schema.get_field_index(LINE))
    data: dict[str, Any] = {}
    wanted = [h for h in table.column_names if h in KNOWN_COLUMNS]
    for h in wanted:
        column = table.column(h).combine_chunks()
        table = table.remove_column(table.schema.get_field_index(h))  # one copy at a time
        # a cell the streaming reader would reject as over-long: that reader says so
        longest = pc.max(pc.utf8_length(column)).as_py() or 0
        if longest > min(MAX_FIELD, MAX_VALUE):
            raise NotPlain("an over-long cell")
        data[h] = column
    return Columns(name, wanted, len(next(iter(data.values()))), data, lines)


#: a share as `split` leaves it: its file for each piece of the file that had rows of
#: it, with the line of that piece's first row (rows within a piece count from 0)
Share = list[tuple[str, int]]


def partitions(plain: Plain, name: str, parts: int) -> Iterator[Columns]:
    """The file's rows split by consumer into ``parts`` shares (each consumer wholly in
    one), each with its rows' line numbers, read back one at a time (see `split`), so
    memory holds one share at a time."""
    with split(plain, parts) as shares:
        for share in shares:
            yield read_share(share, name)


def read_share(share: Share, name: str) -> Columns:
    """One share `split` wrote, as the columns of the file ``name``."""
    import pyarrow as pa

    tables = []
    for file, first in share:
        table = _read_share(file)
        at = table.schema.get_field_index(LINE)
        lines = numpy_of(table.column(at)) + first
        tables.append(table.set_column(at, LINE, arrow_of(lines)))
    return _columns([pa.concat_tables(tables) if len(tables) > 1 else tables[0]], name)


Runner = Callable[[Callable[..., int], list[tuple[Any, ...]]], list[int]]


@contextlib.contextmanager
def split(plain: Plain, parts: int, pieces: int = 1,
          run: Runner | None = None) -> Iterator[list[Share]]:
    """The file's rows, split by consumer into ``parts`` shares, written to private
    temporary Arrow files, each row with its line number; yields the shares that got
    rows (see `Share`) and removes the files afterwards. The rows of a CSV file are cut
    into ``pieces`` byte ranges of whole lines (a plain file has one row per line), each
    split by `split_piece`, through ``run`` (e.g. a process pool's ``starmap``) or here;
    a Parquet file is one piece."""
    path, header, parquet = plain.path, plain.header, plain.parquet
    with tempfile.TemporaryDirectory(prefix="fairdebt-fast-") as folder:
        # one piece: the whole file, which Arrow reads quicker by its path
        jobs: list[tuple[Any, ...]] = [(path, header, parts, None, None, folder, 0, parquet)] \
            if pieces == 1 or parquet else [
                (path, header, parts, start, end, folder, index, False)
                for index, (start, end) in enumerate(byte_ranges(path, pieces))]
        rows = (run or _starmap)(split_piece, jobs)
        before = [plain.first_line]
        for n in rows:
            before.append(before[-1] + n)
        shares = [[(f"{folder}/{p}.{i}.arrow", before[i]) for i in range(len(jobs))
                   if os.path.exists(f"{folder}/{p}.{i}.arrow")] for p in range(parts)]
        yield [share for share in shares if share]


def _starmap(function: Callable[..., int], jobs: list[tuple[Any, ...]]) -> list[int]:
    return [function(*job) for job in jobs]


def byte_ranges(path: str, pieces: int) -> list[tuple[int, int]]:
    """``pieces`` byte ranges of about equal size covering the rows after the header,
    each starting at a line's start (fewer when the file is small)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.readline()
        first = f.tell()
        bounds = [first]
        for k in range(1, pieces):
            f.seek(max(first + (size - first) * k // pieces - 1, first))
            f.readline()  # to the start of the next line (or the end)
            bounds.append(max(f.tell(), bounds[-1]))
    bounds.append(size)
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def split_piece(path: str, header: list[str], parts: int, start: int | None,
                end: int | None, folder: str, index: int, parquet: bool = False) -> int:
    """Split the rows in bytes [start, end) of the CSV file (None: all its rows; a
    Parquet file: all) into share files ``{folder}/{share}.{index}.arrow``, rows counted
    from 0 within the piece; the number of rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.ipc as ipc

    writers: list[Any] = [None] * parts
    first = 0
    try:
        with contextlib.ExitStack() as stack:
            if parquet:
                batches: Any = _parquet_batches(path, header, STREAM_ROWS)
            else:
                read, parse, convert = _options(header)
                # small blocks: the streaming reader's memory grows with its block size (16
                # MB blocks held ~370 MB over the 1M-row log, 1 MB blocks ~165 MB over the
                # 10M one), no slower
                read.block_size = STREAM_BLOCK
                # read, not mapped: a mapped file's pages would count in the process's memory
                raw = stack.enter_context(open(path, "rb", buffering=0))
                source: Any = path
                if start is not None and end is not None:
                    raw.seek(start)
                    source = _Range(raw, end - start)
                    read.skip_rows = 0  # the header is before the first piece
                batches = pacsv.open_csv(source, read_options=read, parse_options=parse,
                                         convert_options=convert)
            for batch in batches:
                n = batch.num_rows
                share = _share(np, pc, batch.column("consumer_id"), parts)
                lines = arrow_of(np.arange(first, first + n, dtype=np.int64))
                batch = pa.RecordBatch.from_arrays([*batch.columns, lines],
                                                   names=[*batch.schema.names, LINE])
                first += n
                # one stable sort by share, then a slice per share (rows keep their order)
                order = np.argsort(share, kind="stable")
                bounds = np.searchsorted(share[order], np.arange(parts + 1)).tolist()
                batch = batch.take(arrow_of(order))
                for p in range(parts):
                    if bounds[p] == bounds[p + 1]:
                        continue
                    if writers[p] is None:
                        writers[p] = ipc.new_file(f"{folder}/{p}.{index}.arrow", batch.schema)
                    writers[p].write_batch(batch.slice(bounds[p], bounds[p + 1] - bounds[p]))
    except (pa.ArrowException, OSError) as exc:  # (ArrowInvalid: a CSV row cut short)
        raise NotPlain(f"Arrow cannot read it: {exc}") from None
    finally:
        for w in writers:
            if w is not None:
                w.close()
    return first


class _Range(io.RawIOBase):
    """At most ``size`` bytes of an open file from where it stands: one piece's rows."""

    def __init__(self, raw: Any, size: int) -> None:
        self.raw, self.left = raw, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)[:self.left]
        n: int = self.raw.readinto(view) if len(view) else 0
        self.left -= n
        return n


def release() -> None:
    """Return the memory the allocators keep cached after the last share to the system,
    before the findings are read back into memory: Arrow's (~70 MB on the 1M-row log)
    and, with glibc, the C heap's free pages (~20 MB)."""
    import ctypes

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc: no malloc_trim
            ctypes.CDLL(None).malloc_trim(0)


def _read_share(path: str) -> Any:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with pa.OSFile(path, "rb") as source:  # read into memory: the file goes afterwards
        return ipc.open_file(source).read_all()


def _share(np: Any, pc: Any, consumer: Any, parts: int) -> Any:
    """A share number per row from the consumer id as the reader trims it: a function
    of its length and last 16 bytes (any function of the id keeps a consumer whole)."""
    text = pc.utf8_trim(consumer, " ")
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=n + 1,
                            offset=text.offset * 4).astype(np.int64)
    values = text.buffers()[2]
    data = np.frombuffer(values, dtype=np.uint8) if values is not None else np.zeros(0, np.uint8)
    if not len(data):  # every id empty: an (unused) byte, so indexing below stays in range
        data = np.zeros(1, dtype=np.uint8)
    ends, lengths = offsets[1:], np.diff(offsets)
    h = lengths.copy()
    for k in range(1, 17):
        at = np.clip(ends - k, 0, max(len(data) - 1, 0))
        h = (h * 131 + np.where(lengths >= k, data[at], 0)) % 1_000_000_007
    return h % parts
