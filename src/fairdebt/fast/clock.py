"""Timestamps and local clocks for whole columns at once.

`epochs` accepts only the one spelling every Python version's ``fromisoformat``
reads the same way (``YYYY-MM-DDTHH:MM:SS`` then ``Z`` or ``±HH:MM``), checks the
calendar itself, and leaves any other cell to the streaming path. `utc_offsets`
finds a zone's offset for each instant from the zone itself (`zoneinfo`): it asks
the zone hourly across the span of the log and bisects each hour in which the
offset changes down to the second, so the result is what ``astimezone`` gives as
long as a zone never changes its offset twice within one hour (none does).
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone, tzinfo
from typing import Any

from ..io.normalize import MAX_YEAR, MIN_YEAR

PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"
WIDTH = 25  # 2026-03-01T11:31:02+00:00
#: proleptic Gregorian ordinal of 1970-01-01 (``date(1970, 1, 1).toordinal()``)
EPOCH_ORDINAL = 719163
DAY = 86400
HOUR = 3600
BLOCK = 1 << 22  # ~49 days: the spans of zone tables are whole blocks


def epochs(column: Any) -> tuple[Any, Any]:
    """(epoch seconds as int64, a mask of the cells read) for an Arrow string column."""
    import numpy as np
    import pyarrow.compute as pc

    from .columns import arrow_of, numpy_of

    column = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    n = len(column)
    if n and _widths(np, column) == {WIDTH}:
        # the usual log: every cell 25 characters, read in place (checked below)
        text, ok = column, np.ones(n, dtype=bool)
    else:
        ok = numpy_of(pc.match_substring_regex(column, PATTERN))
        # (not `pa.scalar`, which imports pandas: see `numpy_of`)
        filler = pc.utf8_replace_slice(column, 0, 1 << 30, "1970-01-01T00:00:00+00:00")
        text = pc.if_else(arrow_of(ok, "bool"),
                          pc.replace_substring_regex(column, "Z$", "+00:00"), filler)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=n + 1,
                            offset=text.offset * 4)
    if not (np.diff(offsets) == WIDTH).all():  # cannot happen after the regex: be safe
        raise ValueError("timestamps of unexpected width")
    raw = np.frombuffer(text.buffers()[2], dtype=np.uint8, count=n * WIDTH,
                        offset=int(offsets[0])).reshape(n, WIDTH)
    for at, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (22, ":")):
        ok &= raw[:, at] == ord(char)
    ok &= (raw[:, 19] == ord("+")) | (raw[:, 19] == ord("-"))
    for at in (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24):
        ok &= (raw[:, at] >= ord("0")) & (raw[:, at] <= ord("9"))

    def number(start: int, width: int) -> Any:
        out = np.zeros(n, dtype=np.int64)
        for i in range(start, start + width):
            out = out * 10 + (raw[:, i].astype(np.int64) - 48)
        return out

    year, month, day = number(0, 4), number(5, 2), number(8, 2)
    hour, minute, second = number(11, 2), number(14, 2), number(17, 2)
    off_h, off_m = number(20, 2), number(23, 2)
    sign = np.where(raw[:, 19] == ord("-"), -1, 1)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    last = month_days[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    ok &= (year >= MIN_YEAR) & (year <= MAX_YEAR) & (month >= 1) & (month <= 12)
    ok &= (day >= 1) & (day <= last) & (hour <= 23) & (minute <= 59) & (second <= 59)
    ok &= (off_h <= 23) & (off_m <= 59)
    days = _days_from_civil(np, year, month, day)
    epoch = days * DAY + hour * HOUR + minute * 60 + second - sign * (off_h * HOUR + off_m * 60)
    return np.where(ok, epoch, 0), ok


def _widths(np: Any, column: Any) -> set[int]:
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32, count=len(column) + 1,
                            offset=column.offset * 4)
    if column.null_count:
        return set()
    return set(np.unique(np.diff(offsets)).tolist())


def _days_from_civil(np: Any, y: Any, m: Any, d: Any) -> Any:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


class ZoneTable:
    """A zone's offsets over a span of time: where each one starts, and its value."""

    def __init__(self, zone: tzinfo, first: int, last: int) -> None:
        import numpy as np

        # the span widened to whole blocks, so a file's shares (each with a slightly
        # different span) share one computation per zone instead of ~5 ms each
        self.starts, values = _transitions(zone, first - first % BLOCK,
                                           last - last % BLOCK + BLOCK - 1)
        self.first, self.last = first, last
        self.np = np
        self.starts_array = np.array(self.starts, dtype=np.int64)
        self.values = np.array(values, dtype=np.int64)

    def __call__(self, epoch: Any) -> Any:
        """The offset in seconds at each epoch (all within the table's span)."""
        index = self.np.searchsorted(self.starts_array, epoch, side="right") - 1
        return self.values[index]


def utc_offsets(zone: tzinfo, epoch: Any) -> Any:
    """The zone's UTC offset in seconds at each epoch (an int64 array)."""
    import numpy as np

    if len(epoch) == 0:
        return np.zeros(0, dtype=np.int64)
    return ZoneTable(zone, int(epoch.min()), int(epoch.max()))(epoch)


@functools.lru_cache(maxsize=256)
def _transitions(zone: tzinfo, lo: int, hi: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    first = lo // HOUR * HOUR
    grid = range(first, hi + HOUR + 1, HOUR)

    def offset(at: int) -> int:
        delta = datetime.fromtimestamp(at, timezone.utc).astimezone(zone).utcoffset()
        assert delta is not None
        return int(delta.total_seconds())

    starts = [first]
    values = [offset(first)]
    previous = first
    for at in grid[1:]:
        value = offset(at)
        if value != values[-1]:
            lo, hi = previous, at  # offset(lo) is the old value, offset(hi) the new one
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(mid) == values[-1]:
                    lo = mid
                else:
                    hi = mid
            starts.append(hi)
            values.append(value)
        previous = at
    return tuple(starts), tuple(values)  # shared through the cache: immutable


def local_days(epoch: Any, offset: Any) -> tuple[Any, Any]:
    """(local day as a proleptic ordinal, local second of the day)."""
    import numpy as np

    local = epoch + offset
    return np.floor_divide(local, DAY) + EPOCH_ORDINAL, np.mod(local, DAY)
