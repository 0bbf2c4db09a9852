"""Where is the consumer? Time zones by IANA name, and local wall-clock time there.

Zones come from the standard library's ``zoneinfo`` backed by the ``tzdata``
package, so results do not depend on the host's tz database.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc


class ZoneError(ValueError):
    """An unknown or unusable time-zone name."""


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def get_zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The zone called ``name``; `ZoneError` names the field when it does not exist."""
    try:
        if not name or name != name.strip() or ".." in name or name.startswith("/"):
            raise ValueError
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ZoneError(
            f"field '{field}': unknown IANA time zone {name!r} "
            "(examples: America/New_York, America/Phoenix, Pacific/Honolulu)") from None


def localize_naive(naive: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone`` to a wall-clock time, refusing times DST makes ambiguous or impossible.

    A naive 01:30 on the night clocks fall back happened twice; on the night
    they spring forward it never happened. Guessing would move a call by an
    hour across an hours boundary, so the row is refused with the reason.
    """
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        # fold differs only for times inside a DST transition: ambiguous or skipped
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise ValueError(
                f"field 'timestamp': {naive.isoformat()} does not exist in {zone} "
                "(clocks skip it when DST starts); add an explicit UTC offset")
        raise ValueError(
            f"field 'timestamp': {naive.isoformat()} happens twice in {zone} "
            "(clocks repeat it when DST ends); add an explicit UTC offset")
    return first


def repair_pytz(ts: datetime) -> datetime:
    """Undo the classic pytz mistake, ``datetime(..., tzinfo=pytz.timezone(name))``.

    pytz zones must be attached with ``localize``; attached directly they carry the
    zone's local mean time (New York: -04:56), which would shift every hour check.
    A pytz zone still on LMT after 1900 can only be that mistake, so the wall time is
    localized properly. Correctly localized pytz datetimes, zoneinfo and fixed offsets
    pass through unchanged.
    """
    zone = ts.tzinfo
    name = getattr(zone, "zone", None)
    if not isinstance(name, str) or not hasattr(zone, "localize") or ts.year < 1900 \
            or zone is None or zone.tzname(ts) != "LMT":
        return ts
    # the same refusals as for naive input: no guessing on DST-ambiguous or skipped times
    return localize_naive(ts.replace(tzinfo=None), get_zone(name))


def earliest_at_or_after(wall: datetime, zone: tzinfo) -> float:
    """The first instant whose wall-clock time in ``zone`` is ``wall`` or later (an epoch).

    An ambiguous wall time (clocks fall back) is taken at its first occurrence; one
    that never happens (clocks spring forward) gives the moment the clocks jump past it.
    """
    wall = wall.replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return min(first.timestamp(), wall.replace(tzinfo=zone, fold=1).timestamp())
    # in a gap: fold=1 reads it with the later offset (before the jump), fold=0 after it
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(first.timestamp()) + 1
    while low + 1 < high:  # the jump is on a whole second: find it by bisection
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return float(high)
