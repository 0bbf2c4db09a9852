"""The columnar fast path of ``fairdebt check`` (optional extra ``fairdebt[fast]``).

`check_columnar` evaluates a plain canonical log (a CSV file, see `columns.plain_csv`,
`columns.plain_copy` for a compressed one, or a Parquet file of text columns,
`columns.plain_parquet`) with
Arrow and NumPy for the consumers it can decide exactly, and through the streaming
engine for all the others, giving the streaming engine's report (docs/scale.md).
`FastUnavailable` says why it cannot be used for an input; callers then stream.
"""

from __future__ import annotations

from .columns import NotPlain

__all__ = ["FastUnavailable", "NotPlain", "available"]


class FastUnavailable(Exception):
    """The fast path cannot evaluate this input (the reason is the message)."""


def available() -> str | None:
    """None when the extra's packages import; otherwise why not."""
    try:
        import numpy  # noqa: F401
        import pyarrow
        import pyarrow.compute
        import pyarrow.csv  # noqa: F401
    except ImportError as exc:
        return f"the fast path needs pyarrow and numpy (pip install 'fairdebt[fast]'): {exc}"
    return None
