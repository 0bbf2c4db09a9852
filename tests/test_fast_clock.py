"""The fast path's column-wise clocks agree with `datetime` and `zoneinfo`."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")

from fairdebt.fast.clock import epochs, local_days, utc_offsets  # noqa: E402
from fairdebt.tz import get_zone  # noqa: E402

ZONES = ["America/New_York", "America/Phoenix", "Pacific/Honolulu", "America/Anchorage",
         "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/Dublin",
         "Pacific/Chatham", "Africa/Casablanca", "Europe/London"]


@settings(max_examples=200, deadline=None)
@given(instants=st.lists(st.integers(min_value=-2_200_000_000, max_value=7_000_000_000),
                         min_size=1, max_size=30),
       zone=st.sampled_from(ZONES))
def test_offsets_days_and_seconds_match_zoneinfo(instants: list[int], zone: str) -> None:
    tz = get_zone(zone)
    epoch = np.array(instants, dtype=np.int64)
    day, second = local_days(epoch, utc_offsets(tz, epoch))
    for e, d, s in zip(instants, day.tolist(), second.tolist(), strict=True):
        local = datetime.fromtimestamp(e, timezone.utc).astimezone(tz)
        assert (d, s) == (local.toordinal(), local.hour * 3600 + local.minute * 60
                          + local.second)


@settings(max_examples=100, deadline=None)
@given(instants=st.lists(st.integers(min_value=1_772_000_000, max_value=1_800_000_000),
                         min_size=1, max_size=50), zone=st.sampled_from(ZONES))
def test_offsets_around_one_season(instants: list[int], zone: str) -> None:
    """Instants close together (the hourly grid and its bisection)."""
    test_offsets_days_and_seconds_match_zoneinfo.hypothesis.inner_test(  # type: ignore[attr-defined]
        instants, zone)


CELLS = st.one_of(
    st.builds(lambda y, mo, d, h, mi, s, sign, oh, om: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:"
              f"{s:02d}{sign}{oh:02d}:{om:02d}",
              st.integers(1800, 2300), st.integers(0, 13), st.integers(0, 32),
              st.integers(0, 25), st.integers(0, 61), st.integers(0, 61),
              st.sampled_from("+-"), st.integers(0, 25), st.integers(0, 61)),
    st.sampled_from(["2026-03-08T02:30:00Z", "2024-02-29T12:00:00+00:00",
                     "2023-02-29T12:00:00+00:00", "2026-03-08T02:30:00", "x", "",
                     "2026-03-08 02:30:00+00:00", "2026-03-08T02:30:00.5+00:00"]),
    st.text(max_size=30))


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(CELLS, min_size=1, max_size=20))
def test_timestamps_read_as_fromisoformat_or_not_at_all(cells: list[str]) -> None:
    """Every cell accepted column-wise is accepted by `datetime.fromisoformat`, in the
    normalizer's year range, with the same instant."""
    epoch, ok = epochs(pa.array(cells, type=pa.string()))
    for cell, e, good in zip(cells, epoch.tolist(), ok.tolist(), strict=True):
        if not good:
            continue
        ts = datetime.fromisoformat(cell[:-1] + "+00:00" if cell.endswith("Z") else cell)
        assert 1900 <= ts.year <= 2200
        assert ts.timestamp() == e
