"""--engine spark / fairdebt.spark: PySpark in local mode gives the single-machine findings.

Every comparison is against `fairdebt.check_files` on the same files: findings, rejected
rows and the summary must be equal, not merely similar. The tests that need Spark skip
(saying why) without PySpark or Java; CI installs both (.ci/run).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt import spark as fspark
from fairdebt.cli import main
from fairdebt.engine import Engine
from fairdebt.io.sources import read_events
from test_jobs import messy_log

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "fixtures" / "sample-calls.csv")
POLICY = fairdebt.load_policy("us-reg-f")

_MISSING = [m for m in ("pyspark", "pyarrow", "pandas") if importlib.util.find_spec(m) is None]
needs_spark = pytest.mark.skipif(
    bool(_MISSING) or shutil.which("java") is None,
    reason=(f"PySpark tests need {', '.join(_MISSING)}: pip install -e '.[test,spark]'"
            if _MISSING else "PySpark tests need Java (java not on PATH)"))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = fspark.local_session("local[2]")
    # few shuffle partitions: tiny test logs, and still more than one consumer group each
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session


def assert_same(got: fairdebt.Report, want: fairdebt.Report) -> None:
    assert got.findings == want.findings
    assert got.rejected == want.rejected
    assert got.summary == want.summary


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """benchmarks/generate.py --rows 5000, shuffled: the engine's reference workload."""
    out = tmp_path_factory.mktemp("gen") / "log-5k.csv"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--rows", "5000",
                    "--shuffle", "--out", str(out)], check=True, capture_output=True)
    return str(out)


# -- no Spark needed ---------------------------------------------------------------------

def test_policy_survives_the_trip_to_executors() -> None:
    for packs in (("us-reg-f",), ("us-reg-f", "us-ny-nyc")):
        try:
            policy = fairdebt.load_policy(*packs)
        except fairdebt.PolicyError:
            continue
        loaded = fspark.load_policy(fspark.dump_policy(policy))
        assert loaded == policy
        events = [e for e in read_events(SAMPLE) if isinstance(e, fairdebt.Event)]
        events.sort(key=lambda e: e.epoch)
        assert Engine(loaded).run(events) == Engine(policy).run(events)


def test_missing_pyspark_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fspark, "_importable", lambda module: module != "pyspark")
    result = CliRunner().invoke(main, ["check", "--engine", "spark", SAMPLE])
    assert result.exit_code == 2
    assert "pip install 'fairdebt[spark]'" in result.output
    assert "Traceback" not in result.output


def test_engine_spark_refuses_what_it_cannot_read() -> None:
    result = CliRunner().invoke(main, ["check", "--engine", "spark", "-", "--quiet"], input="")
    assert result.exit_code == 2 and "stdin" in result.output
    result = CliRunner().invoke(main, ["check", "--spark-output", "x", SAMPLE])
    assert result.exit_code == 2 and "--engine spark" in result.output


# -- on Spark (local mode) ----------------------------------------------------------------

@needs_spark
def test_sample_log_same_as_single_machine(spark: Any) -> None:
    report = fspark.check_path(spark, SAMPLE, POLICY).report(POLICY)
    assert report.rejected  # the sample has a bad row: it must come through too
    assert_same(report, fairdebt.check_files([SAMPLE], POLICY))


@needs_spark
def test_generated_log_same_as_single_machine(spark: Any, generated: str) -> None:
    report = fspark.check_path(spark, generated, POLICY, partitions=7).report(POLICY)
    want = fairdebt.check_files([generated], POLICY)
    assert len(want.findings) > 100
    assert_same(report, want)


@needs_spark
def test_several_files_rejections_and_compression(spark: Any, tmp_path: Path) -> None:
    """Unsorted CSV with broken rows of every kind, JSON Lines, a gzip copy: one run."""
    zst = pytest.importorskip("zstandard", reason="the .zst case needs fairdebt[zstd]")
    paths = messy_log(tmp_path)
    packed = tmp_path / "sample.csv.gz"
    packed.write_bytes(gzip.compress(Path(SAMPLE).read_bytes()))
    squeezed = tmp_path / "sample2.csv.zst"
    squeezed.write_bytes(zst.ZstdCompressor().compress(Path(SAMPLE).read_bytes()))
    paths += [str(packed), str(squeezed)]
    report = fspark.check_path(spark, paths, POLICY).report(POLICY)
    want = fairdebt.check_files(paths, POLICY)
    assert len(want.rejected) >= 6
    assert_same(report, want)


@needs_spark
def test_directory_of_logs(spark: Any, tmp_path: Path) -> None:
    """A directory is every file in it; findings name each file by its path."""
    folder = tmp_path / "logs"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.csv")
    report = fspark.check_path(spark, str(folder), POLICY).report(POLICY)
    want = fairdebt.check_files([str(folder / "a.csv")], POLICY)
    assert_same(report, want)


@needs_spark
def test_dataframe_same_as_single_machine(spark: Any) -> None:
    """Rows already in Spark (text columns, plus where each came from) give the same
    findings; with the rows' ``file`` and ``line`` even the references are equal."""
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        rows = [dict(r, file=SAMPLE, line=str(n))
                for n, r in enumerate(csv.DictReader(f), start=2)]
    columns = list(rows[0])
    df = spark.createDataFrame([[r[c] for c in columns] for r in rows],
                               ", ".join(f"{c} string" for c in columns))
    run = fspark.run_dataframe(df, POLICY)
    assert_same(run.report(POLICY), fairdebt.check_files([SAMPLE], POLICY))
    findings = fspark.check_dataframe(df, POLICY)
    assert findings.columns == list(POLICY_FINDING_KEYS)
    assert findings.count() == len(fairdebt.check_files([SAMPLE], POLICY).findings)


POLICY_FINDING_KEYS = fairdebt.check_files([SAMPLE], POLICY).findings[0].to_dict().keys()


@needs_spark
def test_dataframe_without_row_references(spark: Any) -> None:
    df = spark.read.option("header", True).csv(SAMPLE)
    report = fspark.run_dataframe(df, POLICY, name="calls").report(POLICY)
    want = fairdebt.check_files([SAMPLE], POLICY)
    assert [f.rule for f in report.findings] == [f.rule for f in want.findings]
    assert {f.file for f in report.findings} == {"calls"}
    assert [r.reason for r in report.rejected] == [r.reason for r in want.rejected]


@needs_spark
def test_dataframe_without_required_columns(spark: Any) -> None:
    df = spark.createDataFrame([("x",)], "event_id string")
    with pytest.raises(fairdebt.SourceError, match="consumer_id"):
        fspark.run_dataframe(df, POLICY)


@needs_spark
def test_cli_engine_spark_json_identical(spark: Any, tmp_path: Path) -> None:
    args = ["check", "-p", "us-reg-f", "--format", "json", SAMPLE]
    plain = CliRunner().invoke(main, args)
    out = tmp_path / "out"
    page = tmp_path / "report.html"
    on_spark = CliRunner().invoke(main, [*args, "--engine", "spark",
                                         "--spark-output", str(out), "-f", f"html:{page}"])
    assert on_spark.exit_code == plain.exit_code == 1
    assert on_spark.stdout == plain.stdout
    # (FILEs may be directories or URLs there: the heat map does not read them again)
    assert "with --engine spark the logs are not read again" in page.read_text()
    # the Parquet copy: the JSON findings, row for row
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(out / "findings").to_pylist()
    want = json.loads(plain.stdout)["findings"]
    key = lambda d: (d["file"], d["line"], d["rule"], d["message"])  # noqa: E731
    assert sorted(table, key=key) == sorted(want, key=key)
    rejected = pq.read_table(out / "rejected").to_pylist()
    assert rejected == json.loads(plain.stdout)["rejected"]


@needs_spark
def test_cli_engine_spark_bad_path(spark: Any) -> None:
    result = CliRunner().invoke(main, ["check", "--engine", "spark", "/no/such/log.csv"])
    assert result.exit_code == 2
    assert "Path does not exist" in result.output
    assert "Traceback" not in result.output
