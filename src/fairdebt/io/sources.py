"""Read canonical logs: CSV with a header row or JSON Lines, plain, gzip or zstd, or
Parquet (see `fairdebt.io.parquet`); files or stdin.

Every row comes out as either an `Event` or a `Rejected` carrying the file and
the physical line where the row starts (the header is line 1, quoted newlines
count), so nothing read is ever silently dropped.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, cast

from ..model import Event, Rejected
from .normalize import KNOWN_COLUMNS, CsvRowParser, RowError, _text, to_event, unencodable
from .parquet import PARQUET_MAGIC, ParquetUnavailable, read_parquet

try:  # optional (fairdebt[zstd]): its errors are read errors like gzip's
    from zstandard import ZstdError as _ZstdError
except ImportError:  # pragma: no cover - without the extra no zstd stream is opened
    class _ZstdError(Exception):  # type: ignore[no-redef]
        """Stands in for zstandard.ZstdError when zstandard is not installed."""

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAX_FIELD = 1 << 20  # a 1 MiB cell is already far beyond any real log
# The csv module is allowed far more than MAX_FIELD so that it reads an oversized quoted
# field to its end: stopping inside it would resume parsing mid-field, swallow the next
# rows or invent phantom ones. The row is then rejected here, with its line.
CSV_LIMIT = 16 << 20
#: a quoted value spanning more lines than this is a quote left open, not a real cell
MAX_ROW_LINES = 1000

csv.field_size_limit(CSV_LIMIT)


#: what reading a (possibly compressed) file can raise part-way: every reader turns
#: these into a SourceError naming the file
STREAM_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, gzip.BadGzipFile,
                                                  zlib.error, _ZstdError)


class SourceError(Exception):
    """A whole input cannot be read (missing file, no header, wrong format)."""


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        raw: IO[bytes] = sys.stdin.buffer
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as exc:
            raise SourceError(f"{path}: cannot open: {exc.strerror or exc}") from None
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[type-var]
    head = buffered.peek(4)[:4]
    if head[:2] == GZIP_MAGIC:
        return cast(IO[bytes], gzip.GzipFile(fileobj=buffered, mode="rb"))
    if head == ZSTD_MAGIC:  # recognised by content, like gzip: any name, stdin too
        return _zstd(buffered, path)
    return buffered


def _zstd(raw: IO[bytes], path: str) -> IO[bytes]:
    try:
        import zstandard
    except ImportError:
        raw.close()
        raise SourceError(f"{display_name(path)}: zstd-compressed; reading it needs the "
                          "zstandard package: pip install 'fairdebt[zstd]'") from None
    return io.BufferedReader(_ZstdFrames(raw, zstandard.ZstdDecompressor()))


class _ZstdFrames(io.RawIOBase):
    """A zstd stream decompressed frame after frame (`zstd` and `cat a.zst b.zst` may
    write several), failing if the file ends inside a frame.

    zstandard's own stream_reader returns end-of-file on a cut-short frame: half a log
    read as no rows at all, silently (found by fuzz target jsonl). gzip raises there.
    """

    def __init__(self, raw: IO[bytes], dctx: object) -> None:
        super().__init__()
        self.raw, self.dctx = raw, dctx
        self.obj = dctx.decompressobj()  # type: ignore[attr-defined]
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        view = memoryview(buffer)  # type: ignore[arg-type]
        while not self.pending:
            chunk = self.raw.read(1 << 16)
            if not chunk:
                if not self.obj.eof:
                    raise _ZstdError("the file ends inside a zstd frame (cut short?)")
                return 0
            out = []
            while chunk:
                if self.obj.eof:  # the next frame
                    self.obj = self.dctx.decompressobj()  # type: ignore[attr-defined]
                out.append(self.obj.decompress(chunk))
                chunk = self.obj.unused_data if self.obj.eof else b""
            self.pending = b"".join(out)
        size = min(len(view), len(self.pending))
        view[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def close(self) -> None:
        self.raw.close()
        super().close()


def _compressed_suffix(path: str) -> str:
    return path.lower().removesuffix(".gz").removesuffix(".zst")


def _looks_like_jsonl(path: str, head: bytes) -> bool:
    name = _compressed_suffix(path)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return True
    if name.endswith((".csv", ".tsv", ".txt")):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


Keep = Callable[[str | None], bool]


def read_events(path: str, input_zone: tzinfo | None = None, name: str | None = None,
                keep: Keep | None = None) -> Iterator[Event | Rejected]:
    """Yield one `Event` or `Rejected` per data row of ``path`` (``-`` is stdin).

    ``name`` is how findings refer to the file (default: the path itself). ``keep``,
    given a row's raw consumer id (None for a row rejected before it is known), says
    whether to yield the row at all: rows for other processes are skipped unparsed.
    """
    name = name or display_name(path)
    binary = _open_binary(path)
    try:
        head = binary.peek(64)[:64] if hasattr(binary, "peek") else b""
        if head[:4] == PARQUET_MAGIC:  # by content: stdin is spooled to a file, so it works
            binary.close()
            yield from _parquet(path, name, input_zone, keep)
            return
        # invalid bytes survive decoding as lone surrogates, so the one row that has
        # them is rejected with its line instead of the whole file failing
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape",
                                newline="")
        if _looks_like_jsonl(path, head):
            yield from _read_jsonl(text, name, input_zone, keep)
        else:
            yield from _read_csv(text, name, input_zone, tabs=_is_tsv(path), keep=keep)
    except STREAM_ERRORS as exc:
        raise SourceError(f"{name}: cannot read: {exc}") from None
    finally:
        if path != "-":
            binary.close()


def _parquet(path: str, name: str, input_zone: tzinfo | None,
             keep: Keep | None) -> Iterator[Event | Rejected]:
    if path == "-":
        raise SourceError(f"{name}: Parquet cannot be read from a pipe; give its path")
    try:
        yield from read_parquet(path, name, input_zone, keep)
    except ParquetUnavailable as exc:
        raise SourceError(f"{name}: {exc}") from None
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError) and not type(exc).__module__.startswith("pyarrow"):
            raise
        raise SourceError(f"{name}: cannot read as Parquet: {exc}") from None


def _is_tsv(path: str) -> bool:
    return _compressed_suffix(path).endswith(".tsv")


def bad_utf8(text: str, where: str | None = None) -> str | None:
    """A description of the first undecodable byte in ``text``, if any.

    Input is decoded with ``surrogateescape``, so an invalid byte arrives as a lone
    surrogate U+DC80..U+DCFF carrying the byte's value.
    """
    at = unencodable(text)
    if at is None:
        return None
    where = where or f"at character {at + 1} of the line"
    return f"not valid UTF-8: byte 0x{ord(text[at]) - 0xDC00:02x} {where}"


def _too_large(row: list[str], header: list[str]) -> str | None:
    for i, value in enumerate(row):
        if len(value) > MAX_FIELD:
            name = header[i] if i < len(header) else f"#{i + 1}"
            return (f"field '{name}' (column {i + 1}) is {len(value):,} characters long "
                    f"(at most {MAX_FIELD:,})")
    return None


def _nul_field(row: list[str], header: list[str]) -> str | None:
    """A NUL byte is never text: a file saved as UTF-16, or corrupt. Kept, it would make
    "C1\0" a consumer of its own, splitting one history in two."""
    for i, value in enumerate(row):
        if "\x00" in value:
            name = header[i] if i < len(header) else f"#{i + 1}"
            return (f"field '{name}' (column {i + 1}) contains a NUL byte (is the file "
                    "UTF-16? save it as UTF-8)")
    return None


def _bad_field(row: list[str], header: list[str]) -> str | None:
    # one encode of the whole row first: a row of valid text (any message in Chinese, a
    # curly quote) is the usual case, and UTF-8 rejects a surrogate wherever it stands
    if unencodable("".join(row)) is None:
        return None
    for i, value in enumerate(row):
        name = header[i] if i < len(header) else f"#{i + 1}"
        problem = bad_utf8(value, f"in field '{name}' (column {i + 1})")
        if problem:
            return problem
    return None


def _read_csv(text: IO[str], name: str, input_zone: tzinfo | None,
              tabs: bool = False, keep: Keep | None = None) -> Iterator[Event | Rejected]:
    first = text.readline()
    if not first.strip():
        if not text.readline():
            return  # an empty file has no rows to account for
        raise SourceError(f"{name}:1: the first line is empty; a CSV log starts with its "
                          "header")
    if not tabs and "\t" in first and "," not in first:
        tabs = True  # a tab-separated export without the .tsv name
    reader = csv.reader(itertools.chain([first], text), delimiter="\t" if tabs else ",")
    try:
        header = next(reader)
    except StopIteration:
        return  # an empty file has no rows to account for
    except csv.Error as exc:
        raise SourceError(f"{name}:1: cannot parse the CSV header: {exc}") from None
    header = [h.strip() for h in header]
    problem = _bad_field(header, header)
    if problem:
        raise SourceError(f"{name}:1: the header is {problem}")
    if "timestamp" not in header or "consumer_id" not in header:
        missing = [c for c in ("timestamp", "consumer_id") if c not in header]
        # the first line may be data (a dialer export without a header): only ever echo
        # the canonical column names found, never other cells (phone numbers, names)
        known = [h for h in header if h in KNOWN_COLUMNS]
        others = len(header) - len(known)
        if not known:
            found = (f"none of its {len(header)} fields is a canonical column (a raw dialer "
                     "export needs an import preset)")
        else:
            found = (f"canonical columns found: {', '.join(known)}"
                     + (f", and {others} other field(s)" if others else ""))
        raise SourceError(
            f"{name}:1: the header lacks required column(s) {', '.join(missing)}; "
            f"{found}. See docs/log-format.md")
    # counted once: header.count() per column is quadratic, hours on a million columns
    counts = Counter(header)
    dupes = sorted(h for h, n in counts.items() if n > 1 and h in KNOWN_COLUMNS)
    if dupes:
        raise SourceError(f"{name}:1: column(s) named twice: {', '.join(dupes)}")
    width = len(header)
    parse = CsvRowParser(header, name, input_zone)
    consumer_at = header.index("consumer_id")
    mine = keep(None) if keep is not None else True  # rows rejected before parsing
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                # reading on from inside an unfinished field would invent or swallow rows
                raise SourceError(
                    f"{name}:{start}: a value longer than {CSV_LIMIT >> 20} MiB starts in "
                    f"the row at this line (a quote left open?); the file cannot be read "
                    f"reliably past line {reader.line_num}") from None
            last_line = reader.line_num
            if mine:
                yield Rejected(name, start, f"malformed CSV: {exc}")
            continue
        if reader.line_num - start >= MAX_ROW_LINES:
            raise SourceError(
                f"{name}:{start}: a quoted value opened in this row runs over "
                f"{reader.line_num - start + 1:,} lines (to line {reader.line_num}): a quote "
                "is probably left open, so the rows after it cannot be read reliably")
        spans = reader.line_num > start
        last_line = reader.line_num
        if not row:
            continue  # a blank line is not a row (csv yields [] for it)
        joined = "".join(row)
        problem = _too_large(row, header) if len(joined) > MAX_FIELD else None
        if problem is None and not joined.isascii():
            problem = _bad_field(row, header)
        if problem is None and "\x00" in joined:
            problem = _nul_field(row, header)
        if problem:
            if mine:
                yield Rejected(name, start, problem)
            continue
        if len(row) != width:
            where = (f" (the row runs over lines {start}–{last_line}: check its quotes)"
                     if spans else "")
            if mine:
                yield Rejected(name, start, f"expected {width} fields as in the header, "
                                            f"found {len(row)}{where}")
            continue
        if keep is not None and not keep(row[consumer_at].strip()):
            continue
        try:
            yield parse(row, start)
        except ValueError as exc:
            yield Rejected(name, start, str(exc))


def _read_jsonl(text: IO[str], name: str, input_zone: tzinfo | None,
                keep: Keep | None = None) -> Iterator[Event | Rejected]:
    mine = keep(None) if keep is not None else True  # rows rejected before parsing
    for number, raw in enumerate(text, start=1):
        if not raw.strip():
            continue
        problem = bad_utf8(raw)
        if problem:
            if mine:
                yield Rejected(name, number, problem)
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            if mine:
                yield Rejected(name, number, f"not a JSON object: {exc}")
            continue
        if not isinstance(obj, dict):
            if mine:
                yield Rejected(name, number,
                               f"expected a JSON object, got {type(obj).__name__}")
            continue
        if keep is not None:
            try:  # the id exactly as the normalizer reads it (JSON true is "true")
                consumer = _text(obj.get("consumer_id"), "consumer_id")
            except RowError:
                consumer = None
            if not keep(consumer):
                continue
        try:
            yield to_event(obj, name, number, input_zone)
        except ValueError as exc:
            yield Rejected(name, number, str(exc))


def exists(path: str) -> bool:
    return path == "-" or Path(path).is_file()

