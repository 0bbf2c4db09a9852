"""Read a canonical log stored as Parquet (the optional ``fairdebt[parquet]`` extra).

The columns are the canonical log's (docs/log-format.md); other columns are ignored,
as in CSV. Values may be text as in CSV, or typed: booleans for the flags, lists of
text for ``debt_id`` and ``timezone``, timestamps for ``timestamp`` (an instant
without a zone is naive and needs ``--input-timezone``, as in CSV). A row is
referred to by its 1-based number in the file (``line``: there is no header).

Rows go through the same normalizer as CSV and JSON Lines (`to_event`), so a value
is accepted, rejected or explained identically whatever the file format.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from ..model import Event, Rejected
from .normalize import KNOWN_COLUMNS, to_event

if TYPE_CHECKING:
    from .sources import Keep

PARQUET_MAGIC = b"PAR1"
#: rows converted to Python objects at a time: memory stays flat on large files
BATCH_ROWS = 65_536


class ParquetUnavailable(Exception):
    """pyarrow is not installed."""


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable(
            "reading Parquet needs pyarrow: pip install 'fairdebt[parquet]'") from None
    return pq


def read_parquet(path: str, name: str, input_zone: tzinfo | None = None,
                 keep: Keep | None = None) -> Iterator[Event | Rejected]:
    """Yield one `Event` or `Rejected` per row of the Parquet file ``path``.

    Raises `ParquetUnavailable` without pyarrow, and ValueError (from pyarrow) or
    OSError for a file that is not readable Parquet: the caller turns both into a
    `SourceError`.
    """
    pq = _pyarrow_parquet()
    parquet = pq.ParquetFile(path)
    try:
        columns = [c for c in parquet.schema_arrow.names if c in KNOWN_COLUMNS]
        missing = [c for c in ("timestamp", "consumer_id") if c not in columns]
        if missing:
            from .sources import SourceError  # a cycle at import time otherwise
            raise SourceError(f"{name}: the Parquet file lacks required column(s) "
                              f"{', '.join(missing)}; see docs/log-format.md")
        line = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                line += 1
                if keep is not None:
                    consumer = row.get("consumer_id")
                    # as for JSON Lines: the same partition as the single-process run's
                    if not keep(None if consumer is None else str(consumer).strip()):
                        continue
                try:
                    yield to_event(row, name, line, input_zone)
                except ValueError as exc:
                    yield Rejected(name, line, str(exc))
    finally:
        parquet.close()
