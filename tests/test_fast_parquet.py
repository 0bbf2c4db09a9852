"""The columnar fast path on Parquet logs whose canonical columns are text, against the
streaming engine (the reference, which reads each Parquet row through `to_event`): the
same report, byte for byte; anything else streams."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdebt.io.normalize import KNOWN_COLUMNS, RowError, to_event
from fairdebt.runner import check_paths

pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

import pyarrow as pa
import pyarrow.parquet as pq

from fairdebt.fast import FastUnavailable
from test_fast_equivalence import HEADER, POLICIES, _json, rows


def _write(path: Path, lines: list[str], nulls: int, large: bool = False,
           instants: str | None = None) -> None:
    """The rows as a Parquet file of text columns; about one empty cell in ``nulls``
    stored as null (0: none), as writers of optional columns do. With ``instants`` (a
    zone, e.g. "UTC"), ``timestamp`` is typed: each cell's instant, null where the
    text is not an ISO date-time with an offset."""
    names = HEADER.split(",")
    cells = [line.split(",") for line in lines]
    rng = random.Random(len(lines) * 31 + nulls)
    columns = {n: [row[i] if not (nulls and row[i] == "" and rng.randrange(nulls) == 0)
                   else None for row in cells] for i, n in enumerate(names)}
    kind = pa.large_string() if large else pa.string()
    arrays = {n: pa.array(v, type=kind) for n, v in columns.items()}
    if instants is not None:
        arrays["timestamp"] = pa.array([_instant(c) for c in columns["timestamp"]],
                                       type=pa.timestamp("us", tz=instants))
    pq.write_table(pa.table(arrays), path, row_group_size=max(1, len(lines) // 3))


def _instant(cell: str | None) -> datetime | None:
    try:
        value = datetime.fromisoformat((cell or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    # (a year outside 1900-2200 makes the whole file stream: test_other_parquet_logs_stream)
    return value if value.tzinfo is not None and 1900 <= value.year <= 2200 else None


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows(), nulls=st.sampled_from([0, 1, 3]), large=st.booleans(),
       instants=st.sampled_from([None, None, "UTC", "+00:00"]),
       share=st.sampled_from([300, 10**9]), jobs=st.sampled_from([1, 2]))
def test_text_parquet_logs_read_column_wise(tmp_path: Path, lines: list[str], nulls: int,
                                            large: bool, instants: str | None, share: int,
                                            jobs: int) -> None:
    """``--engine fast`` reads them (it would raise otherwise), in shares and processes
    too, with the rows numbered from 1 as the streaming reader numbers them; a typed
    ``timestamp`` of UTC instants too (the reader reads aware datetimes)."""
    from fairdebt import runner

    path = tmp_path / "log.parquet"
    _write(path, lines, nulls, large, instants)
    policy = POLICIES["us-reg-f"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "SHARE_BYTES", share)
        stream = check_paths([str(path)], policy, engine="stream")
        fast = check_paths([str(path)], policy, engine="fast", jobs=jobs)
    assert _json(fast) == _json(stream)


@pytest.mark.parametrize("column", sorted(KNOWN_COLUMNS))
@pytest.mark.parametrize("value", ["", "   "])
def test_a_null_cell_reads_as_an_empty_one(column: str, value: str) -> None:
    """Why the fast path may read a null Parquet cell as an empty text cell: for every
    column the normalizer makes the same event (or the same error) of both."""
    row: dict[str, Any] = {"timestamp": "2026-03-02T15:00:00+00:00", "consumer_id": "C1",
                           "channel": "call", "event_id": "E1"}

    def event(cell: Any) -> object:
        try:
            return to_event({**row, column: cell}, "log.parquet", 3)
        except RowError as exc:
            return str(exc)

    assert event(None) == event(value)


@pytest.mark.parametrize("change", [
    "typed", "comma", "quote", "accent", "no-rows", "nanoseconds", "year", "zone", "naive"])
def test_other_parquet_logs_stream(tmp_path: Path, change: str) -> None:
    """A typed column, or a cell a plain CSV file could not hold, is refused by
    ``--engine fast`` and streamed by ``auto``, with the reference's report."""
    good = ("2026-03-02T02:00:00+00:00,C1,E1,contact,call,outbound,consumer,no_answer,D1,"
            "+15550001,mobile,America/New_York,collection,,,,,")
    path = tmp_path / "log.parquet"
    if change == "typed":
        _write(path, [good], 0)
        table = pq.read_table(path)
        at = table.schema.get_field_index("disclosed_debt")
        table = table.set_column(at, "disclosed_debt", pa.array([True]))
        pq.write_table(table, path)
    elif change == "no-rows":
        _write(path, [], 0)
    elif change in ("nanoseconds", "year", "zone", "naive"):
        _write(path, [good], 0)
        table = pq.read_table(path)
        at = table.schema.get_field_index("timestamp")
        utc = timezone.utc
        value, kind = {
            "nanoseconds": (pa.scalar(1772416800000000001, pa.timestamp("ns", "UTC")),
                            pa.timestamp("ns", "UTC")),
            "year": (datetime(1850, 3, 2, 2, 0, tzinfo=utc), pa.timestamp("us", "UTC")),
            "zone": (datetime(2026, 3, 2, 2, 0, tzinfo=utc),
                     pa.timestamp("us", "America/New_York")),
            "naive": (datetime(2026, 3, 2, 2, 0), pa.timestamp("us")),
        }[change]
        table = table.set_column(at, "timestamp", pa.array([value], type=kind))
        pq.write_table(table, path)
    else:
        bad = {"comma": "D1,D2", "quote": 'D"1', "accent": "Dé"}[change]
        _write(path, [good.replace(",D1,", ",#,")], 0)
        table = pq.read_table(path)
        at = table.schema.get_field_index("debt_id")
        table = table.set_column(at, "debt_id", pa.array([bad]))
        pq.write_table(table, path)
    policy = POLICIES["us-reg-f"]
    with pytest.raises(FastUnavailable):
        check_paths([str(path)], policy, engine="fast")
    assert _json(check_paths([str(path)], policy, engine="auto")) == \
        _json(check_paths([str(path)], policy, engine="stream"))
