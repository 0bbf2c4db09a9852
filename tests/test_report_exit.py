"""Exit thresholds: --fail-on picks the severity that fails a run; --exit-zero never fails it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.report.gate import fails

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "fixtures" / "sample-calls.csv")
HEAD = "timestamp,consumer_id,event_id,channel,outcome,debt_id,timezone,destination\n"
CALL = "2026-04-01T14:0{m}:00Z,C1,e{m},call,no_answer,D1,America/New_York,555-0100\n"
#: two calls two minutes apart: one rapid-redial warning, no errors
WARNING_ONLY = HEAD + CALL.format(m=0) + CALL.format(m=2)
CLEAN = HEAD + CALL.format(m=0)


def code(log: str, *args: str, tmp_path: Path) -> int:
    path = tmp_path / "log.csv"
    path.write_text(log)
    return CliRunner().invoke(main, ["check", str(path), "-f", "json", *args]).exit_code


@pytest.mark.parametrize("log, fail_on, expected", [
    (WARNING_ONLY, "error", 0),
    (WARNING_ONLY, "warning", 1),
    (WARNING_ONLY, "info", 1),
    (CLEAN, "info", 0),
])
def test_fail_on_threshold(tmp_path: Path, log: str, fail_on: str, expected: int) -> None:
    assert code(log, "--fail-on", fail_on, tmp_path=tmp_path) == expected


def test_fail_on_info_counts_info_findings() -> None:
    report = fairdebt.check_files([SAMPLE], fairdebt.load_policy("us-reg-f"))
    info = dataclasses.replace(report, findings=tuple(
        dataclasses.replace(f, severity="info") for f in report.findings))
    assert fails(info, "info") and not fails(info, "warning") and not fails(info, "error")


def test_exit_zero_passes_findings_but_not_usage_errors(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["check", SAMPLE, "-q", "--exit-zero"]).exit_code == 0
    assert code(WARNING_ONLY, "--fail-on", "warning", "--exit-zero", tmp_path=tmp_path) == 0
    bad = CliRunner().invoke(main, ["check", SAMPLE, "--exit-zero", "--fail-on", "loud"])
    assert bad.exit_code == 2 and "Traceback" not in bad.stderr
    missing = CliRunner().invoke(main, ["check", str(tmp_path / "nope.csv"), "--exit-zero"])
    assert missing.exit_code == 2
    strict = CliRunner().invoke(main, ["check", "-", "--strict", "--exit-zero"],
                                input=CLEAN + "bad,C1,e9,call,,,,\n")
    assert strict.exit_code == 2


#: every row rejected: timestamps without a UTC offset and no --input-timezone
UNREADABLE = HEAD + "".join(f"2026-04-01 14:0{m}:00,C1,e{m},call,no_answer,D1,"
                            "America/New_York,555-0100\n" for m in range(3))


def test_a_log_with_no_row_checked_is_an_input_error(tmp_path: Path) -> None:
    """A log none of whose rows could be read (a wrong --from, a missing
    --input-timezone) is not a clean log: exit 2 even with --exit-zero, the reason of
    the first rejected row on stderr, the report written all the same."""
    path = tmp_path / "log.csv"
    path.write_text(UNREADABLE)
    report = tmp_path / "report.json"
    run = CliRunner().invoke(main, ["check", str(path), "--exit-zero", "-f", f"json:{report}"])
    assert run.exit_code == 2
    assert "nothing was checked: all 3 rows read were rejected" in run.stderr
    assert f"{path}:2: field 'timestamp'" in run.stderr and "Traceback" not in run.stderr
    assert '"rows_rejected": 3' in report.read_text()
    # one row read is enough to check: the other two stay rejected rows, exit 0
    assert code(UNREADABLE + CALL.format(m=5), tmp_path=tmp_path) == 0
    # and a log with no rows at all has nothing to reject: a clean run
    assert code(HEAD, tmp_path=tmp_path) == 0


@pytest.mark.parametrize("log, last", [
    (CLEAN, "0 findings — clean"),
    (CLEAN + "bad,C1,e9,call,,,,\n", "0 findings in the rows checked; 1 row rejected, "
                                     "not checked"),
    (UNREADABLE, "0 findings — nothing checked: every row was rejected"),
])
def test_the_text_summary_says_clean_only_when_every_row_was_checked(
        tmp_path: Path, log: str, last: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(log)
    out = CliRunner().invoke(main, ["check", str(path)]).stdout
    assert out.rstrip("\n").splitlines()[-1].strip() == last
