"""Input at scale: Parquet logs, zstd-compressed CSV, and progress on a terminal."""

from __future__ import annotations

import builtins
import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.scale.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "sample-calls.csv"
POLICY = fairdebt.load_policy("us-reg-f")


def _as_parquet(tmp_path: Path, name: str = "calls.parquet") -> Path:
    pa = pytest.importorskip("pyarrow", reason="Parquet needs fairdebt[parquet]")
    import csv

    import pyarrow.parquet as pq
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    table = pa.Table.from_pylist(rows)  # every column text, as in the CSV
    out = tmp_path / name
    pq.write_table(table, out)
    return out


def _shifted(report: fairdebt.Report) -> list[tuple[Any, ...]]:
    """A Parquet row is numbered from 1 (no header): CSV line - 1."""
    return [(f.rule, f.line, f.event_id, f.message, f.local_time, f.evidence)
            for f in report.findings]


def test_parquet_same_findings_as_csv(tmp_path: Path) -> None:
    path = _as_parquet(tmp_path)
    got = fairdebt.check_files([str(path)], POLICY)
    want = fairdebt.check_files([str(SAMPLE)], POLICY)
    assert got.summary == want.summary
    assert _shifted(got) == [(r, line - 1, *rest) for r, line, *rest in _shifted(want)]
    assert [(r.line, r.reason) for r in got.rejected] == \
        [(r.line - 1, r.reason) for r in want.rejected]
    assert {f.file for f in got.findings} == {str(path)}


def test_parquet_jobs_same_report(tmp_path: Path) -> None:
    path = str(_as_parquet(tmp_path))
    one = fairdebt.check_files([path], POLICY)
    assert fairdebt.check_files([path], POLICY, jobs=3) == one


def test_parquet_typed_columns(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet needs fairdebt[parquet]")
    import pyarrow.parquet as pq
    at = datetime(2026, 4, 1, 6, 30, tzinfo=timezone.utc)  # 02:30 in New York: too early
    table = pa.table({
        "timestamp": pa.array([at, at.replace(hour=15)], pa.timestamp("us", tz="UTC")),
        "consumer_id": ["C1", "C1"],
        "channel": ["call", "call"],
        "timezone": [["America/New_York"], ["America/New_York"]],
        "debt_id": [["D1", "D2"], ["D1"]],
        "disclosed_debt": [True, None],
    })
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    report = fairdebt.check_files([str(path)], POLICY)
    assert not report.rejected
    assert [(f.rule, f.line) for f in report.findings] == [("reg-f/hours", 1)]


def test_parquet_missing_column_and_garbage(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet needs fairdebt[parquet]")
    import pyarrow.parquet as pq
    path = tmp_path / "nocons.parquet"
    pq.write_table(pa.table({"timestamp": ["2026-04-01T10:00:00-04:00"]}), path)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "consumer_id" in result.output
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + b"\0" * 20)
    result = CliRunner().invoke(main, ["check", str(broken)])
    assert result.exit_code == 2 and "cannot read as Parquet" in result.output
    assert "Traceback" not in result.output


def test_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "calls.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 20)
    real = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "pip install 'fairdebt[parquet]'" in result.output


def test_zstd_csv_same_as_plain(tmp_path: Path) -> None:
    zstd = pytest.importorskip("zstandard", reason=".zst needs fairdebt[zstd]")
    data = SAMPLE.read_bytes()
    packed = tmp_path / "calls.csv.zst"
    # two frames: what `cat a.zst b.zst` gives; the reader must not stop after the first
    half = data.index(b"\n", len(data) // 2) + 1
    packed.write_bytes(zstd.ZstdCompressor().compress(data[:half])
                       + zstd.ZstdCompressor().compress(data[half:]))
    nameless = tmp_path / "calls"  # recognised by its magic bytes, not its name
    nameless.write_bytes(packed.read_bytes())
    want = fairdebt.check_files([str(SAMPLE)], POLICY)
    for path in (packed, nameless):
        got = fairdebt.check_files([str(path)], POLICY)
        assert got.summary == want.summary
        assert [(f.rule, f.line) for f in got.findings] == \
            [(f.rule, f.line) for f in want.findings]
    result = CliRunner().invoke(main, ["check", "--format", "json", "-"],
                                input=packed.read_bytes())
    assert json.loads(result.stdout)["summary"] == want.summary.to_dict()


def test_zstd_without_zstandard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packed = tmp_path / "calls.csv.zst"
    packed.write_bytes(b"\x28\xb5\x2f\xfd" + b"\0" * 16)
    real = builtins.__import__

    def no_zstd(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "zstandard":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_zstd)
    result = CliRunner().invoke(main, ["check", str(packed)])
    assert result.exit_code == 2
    assert "pip install 'fairdebt[zstd]'" in result.output


def test_damaged_zstd_is_an_input_error(tmp_path: Path) -> None:
    pytest.importorskip("zstandard", reason=".zst needs fairdebt[zstd]")
    packed = tmp_path / "calls.csv.zst"
    packed.write_bytes(b"\x28\xb5\x2f\xfd" + b"\xff" * 64)
    result = CliRunner().invoke(main, ["check", str(packed)])
    assert result.exit_code == 2 and "cannot read" in result.output
    assert "Traceback" not in result.output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    assert Progress.on_terminal(io.StringIO()) is None
    assert isinstance(Progress.on_terminal(_Terminal()), Progress)


def test_progress_line_and_cleanup() -> None:
    term = _Terminal()
    progress = Progress(term, interval=0.05)
    with progress:
        assert list(progress.counted(range(10_000))) == list(range(10_000))
        progress._start -= 60  # as if a minute had passed
        line = progress.line()
    assert progress.rows == 10_000
    assert line.startswith("fairdebt: 10,000 rows read, ") and "0:01:00 elapsed" in line
    # a run shorter than a second leaves nothing behind
    assert term.getvalue() == ""


def test_progress_counts_rows_across_jobs(tmp_path: Path) -> None:
    progress = Progress(_Terminal())  # check_files starts and stops it
    report = fairdebt.check_files([str(SAMPLE)], POLICY, jobs=2, progress=progress)
    assert progress.rows == report.summary.rows_read


def test_cli_prints_no_progress_when_not_a_terminal() -> None:
    result = CliRunner().invoke(main, ["check", "--format", "json", str(SAMPLE)])
    assert "rows/s" not in result.output
