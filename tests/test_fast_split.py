"""The fast path's split of a file: byte ranges of whole lines, and shares that keep
every row once, in line order, with its line number, however many pieces it is cut in."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pyarrow")

from fairdebt.fast.columns import Plain, byte_ranges, read_share, split

HEADER = "timestamp,consumer_id,event_id"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.sampled_from(["C1", "C2", "C33", "C444", ""]), max_size=40),
       pieces=st.integers(1, 6), parts=st.integers(1, 4), newline=st.booleans())
def test_every_row_once_in_order_with_its_line(tmp_path: Path, ids: list[str], pieces: int,
                                               parts: int, newline: bool) -> None:
    path = tmp_path / "log.csv"
    rows = [f"2026-03-0{1 + i % 9}T10:00:00Z,{c},E{i}" for i, c in enumerate(ids)]
    text = "\n".join([HEADER, *rows]) + ("\n" if newline or not rows else "")
    path.write_text(text, encoding="ascii")
    data = path.read_bytes()
    ranges = byte_ranges(str(path), pieces)
    # contiguous, after the header, each starting at a line's start
    assert [a for a, _ in ranges[1:]] == [b for _, b in ranges[:-1]]
    if rows:
        assert ranges[0][0] == len(HEADER) + 1 and ranges[-1][1] == len(data)
    assert all(data[a - 1:a] == b"\n" for a, _ in ranges)
    assert len(ranges) <= pieces
    seen: dict[str, tuple[str, int]] = {}
    with split(Plain(str(path), HEADER.split(","), 0), parts, pieces=pieces) as shares:
        for share in shares:
            columns = read_share(share, "log.csv")
            got = list(zip(columns.data["event_id"].to_pylist(),
                           columns.data["consumer_id"].to_pylist(),
                           [columns.line(r) for r in range(columns.rows)], strict=True))
            assert [line for _, _, line in got] == sorted(line for _, _, line in got)
            for event, consumer, line in got:
                assert event not in seen
                seen[event] = (consumer, line)
    assert seen == {f"E{i}": (c, i + 2) for i, c in enumerate(ids)}
