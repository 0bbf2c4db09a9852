"""--jobs N: consumers split among processes; the report is byte-identical to one process."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.runner import partition

ROOT = Path(__file__).resolve().parent.parent


def messy_log(tmp_path: Path) -> list[str]:
    """An unsorted CSV with rejected rows of every kind, and a JSON Lines file."""
    rng = random.Random(5)
    lines = ["timestamp,consumer_id,event_id,channel,outcome,debt_id,destination,timezone"]
    for i in range(400):
        day, hour = rng.randint(1, 20), rng.randint(5, 22)
        lines.append(f"2026-04-{day:02d}T{hour:02d}:{rng.randint(0, 59):02d}:00-04:00,"
                     f"C{rng.randint(1, 30)},e{i},{rng.choice(['call', 'call', 'sms'])},"
                     f"{rng.choice(['no_answer', 'conversation', 'voicemail'])},"
                     f"D{rng.randint(1, 3)},+1555{rng.randint(0, 9)},America/New_York")
    lines += ['2026-04-02T10:00:00-04:00,C1,bad1,pigeon,,D1,,America/New_York',
              '2026-04-02T10:00:00-04:00,C2,"open,quote',
              "2026-04-02T10:00:00-04:00,C3,too,few",
              "not a time,C4,bad4,call,,D1,,America/New_York"]
    rng.shuffle(lines[1:])
    csv_path = tmp_path / "calls.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    rows = [json.dumps({"timestamp": f"2026-04-03T0{h}:30:00-04:00", "consumer_id": f"C{h}",
                        "channel": "call", "timezone": "America/New_York"}) for h in range(3, 9)]
    rows += ["{not json", "[1, 2]", json.dumps({"timestamp": "2026-04-03T09:00:00-04:00"})]
    jsonl.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [str(csv_path), str(jsonl)]


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_any_number_of_processes_gives_the_same_report(tmp_path: Path, jobs: int) -> None:
    files = messy_log(tmp_path)
    runner = CliRunner()
    args = ["check", "-p", "us", "-f", "json", "--show-pii", *files]
    one = runner.invoke(main, [*args, "-j", "1"])
    many = runner.invoke(main, [*args, "-j", str(jobs)])
    assert one.exit_code == many.exit_code == 1, (one.output, many.output)
    assert one.output == many.output
    report = json.loads(one.output)
    summary = report["summary"]
    assert summary["rows_rejected"] >= 4 and summary["findings"] > 20
    assert summary["rows_read"] == summary["events_checked"] + summary["rows_rejected"]


def test_library_jobs_match_and_every_row_is_counted_once(tmp_path: Path) -> None:
    files = messy_log(tmp_path)
    policy = fairdebt.load_policy("us-reg-f")
    one = fairdebt.check_files(files, policy)
    two = fairdebt.check_files(files, policy, jobs=2)
    assert one == two


def test_partitions_cover_every_consumer_exactly_once() -> None:
    keeps = [partition(i, 4) for i in range(4)]
    for consumer in [None, "", "C1", "C2", "ünïcode", "x" * 100]:
        assert sum(k(consumer) for k in keeps) == 1
    assert keeps[0](None)  # rows rejected before their consumer is known: partition 0


@pytest.mark.parametrize("extra", [
    ["--from", "asterisk-cdr", "fixtures/imports/asterisk-21col-multileg.csv",
     "fixtures/imports/asterisk-malformed.csv"],
    ["--from", "twilio-calls", "--input-timezone", "UTC", "fixtures/imports/twilio-calls.jsonl"],
])
def test_jobs_with_import_presets_count_merges_and_rejections_once(
        extra: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    args = ["check", "-f", "json", "--show-pii", "--default-timezone", "America/New_York",
            *extra]
    one = runner.invoke(main, [*args, "-j", "1"])
    three = runner.invoke(main, [*args, "-j", "3"])
    assert one.exit_code == three.exit_code and one.exit_code in (0, 1), one.output
    assert one.stdout == three.stdout
    summary = json.loads(one.stdout)["summary"]
    merged = summary.get("rows_merged") or 0
    assert summary["rows_read"] == summary["events_checked"] + summary["rows_rejected"] + merged


def test_parts_travel_between_processes_whole_with_the_collector_restored() -> None:
    """A worker's parts are pickled (and unpickled) with the cyclic collector paused,
    and come back equal; the collector's setting is what it was before."""
    import gc

    from fairdebt.runner import _Part, _received, _sent

    sample = str(Path(__file__).resolve().parent.parent / "fixtures" / "sample-calls.csv")
    report = fairdebt.check_files([sample], fairdebt.load_policy("us-reg-f"))
    parts = [_Part(list(report.findings), list(report.rejected), 5, 2, None, notes=["n"])]
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            assert _received(_sent(parts)) == parts
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
