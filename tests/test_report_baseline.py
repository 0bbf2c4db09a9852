"""Baselines: accepted findings hidden by identity, waivers, expiry, and always reported."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import fairdebt
from fairdebt.cli import main
from fairdebt.report.baseline import BaselineError, Entry, apply, load, updated
from fairdebt.report.fingerprint import fingerprint

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample-calls.csv"
TODAY = date(2026, 5, 1)


def report() -> fairdebt.Report:
    return fairdebt.check_files([str(SAMPLE)], fairdebt.load_policy("us-reg-f"))


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", str(SAMPLE), *args])


def test_update_then_check_suppresses_everything_and_says_so(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    first = check("-f", "json", "--baseline", str(base), "--update-baseline")
    assert first.exit_code == 0
    entries = json.loads(base.read_text())["entries"]
    assert len(entries) == 16
    assert all({"fingerprint", "rule", "consumer_id", "event_id", "file"} <= set(e)
               <= {"fingerprint", "rule", "consumer_id", "debt_id", "event_id", "file"}
               for e in entries)
    assert {e["file"] for e in entries} == {os.path.relpath(SAMPLE, tmp_path)}
    again = check("-f", "json", "--baseline", str(base))
    assert again.exit_code == 0
    doc = json.loads(again.stdout)
    assert doc["findings"] == [] and doc["summary"]["findings"] == 0
    assert doc["suppressed"] == {"count": 16, "baseline": str(base)}
    assert f"16 findings suppressed by baseline {base}" in again.stderr
    text = check("-q", "--baseline", str(base))
    assert f"16 findings suppressed by baseline {base}" in text.stdout


def test_baseline_holds_no_messages(tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    check("-q", "--baseline", str(base), "--update-baseline")
    assert "Contact at" not in base.read_text()


def test_new_findings_still_fail(tmp_path: Path) -> None:
    r = report()
    hours = [f for f in r.findings if f.rule == "reg-f/hours"]
    outcome = apply(r, [Entry(fingerprint(f)) for f in hours], TODAY)
    assert outcome.suppressed == 3
    assert outcome.report.summary.findings == 13
    assert "reg-f/hours" not in outcome.report.summary.by_rule
    assert sum(outcome.report.summary.by_severity.values()) == 13


def test_matches_by_identity_not_line(tmp_path: Path) -> None:
    head, *rows = SAMPLE.read_text().splitlines()
    moved = tmp_path / "reexport.csv"
    moved.write_text("\n".join([head, "", "", *reversed(rows)]) + "\n")
    base = tmp_path / "b.json"
    check("-q", "--baseline", str(base), "--update-baseline")
    result = CliRunner().invoke(main, ["check", str(moved), "-q", "--baseline", str(base)])
    assert result.exit_code == 0 and "16 findings suppressed" in result.stderr


def test_baseline_keeps_every_other_summary_field() -> None:
    r = report()
    odd = dataclasses.replace(r.findings[0], rule="house/odd", severity="critical")
    r = dataclasses.replace(r, findings=(*r.findings, odd), summary=dataclasses.replace(
        r.summary, consumers_without_region=4, findings=17,
        by_rule=dict(sorted({**r.summary.by_rule, "house/odd": 1}.items())),
        by_severity={**r.summary.by_severity, "critical": 1}))
    outcome = apply(r, [Entry(rule="reg-f/hours")], TODAY)
    s = outcome.report.summary
    assert s.consumers_without_region == 4
    assert (s.rows_read, s.events_checked, s.rows_rejected, s.consumers) == (
        r.summary.rows_read, r.summary.events_checked, r.summary.rows_rejected,
        r.summary.consumers)
    assert s.findings == 14 and s.by_severity["critical"] == 1
    assert sum(s.by_severity.values()) == 14
    assert apply(r, [], TODAY).report.summary == r.summary


def test_waivers_by_rule_glob_and_consumer() -> None:
    r = report()
    by_rule = apply(r, [Entry(rule="reg-f/after-*")], TODAY)
    assert by_rule.suppressed == 2
    by_consumer = apply(r, [Entry(consumer_id="C-1001")], TODAY)
    assert by_consumer.suppressed == sum(f.consumer_id == "C-1001" for f in r.findings) > 0
    both = apply(r, [Entry(rule="reg-f/hours", consumer_id="C-1001")], TODAY)
    assert both.suppressed == 2


def test_waivers_narrow_by_debt_and_event_too(tmp_path: Path) -> None:
    r = report()
    # C-1001 has reg-f/hours on E002 and E003, both for debt CC-77
    by_event = apply(r, [Entry(rule="reg-f/hours", consumer_id="C-1001", event_id="E002")],
                     TODAY)
    assert by_event.suppressed == 1
    assert [f.event_id for f in by_event.report.findings if f.rule == "reg-f/hours"
            and f.consumer_id == "C-1001"] == ["E003"]
    by_debt = apply(r, [Entry(debt_id="MED-5")], TODAY)
    assert by_debt.suppressed == sum(f.debt_id == "MED-5" for f in r.findings) == 2
    assert apply(r, [Entry(rule="reg-f/hours", debt_id="NOPE")], TODAY).suppressed == 0
    # read from a file, the fields count as well; an event id alone is a valid waiver
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"entries": [{"rule": "reg-f/hours", "event_id": "E002"},
                                            {"event_id": "E016"}]}))
    assert apply(r, load(str(base)), TODAY).suppressed == 1 + 2  # E016: hours, opt-out


def test_expired_entries_stop_suppressing() -> None:
    r = report()
    entries = [Entry(rule="reg-f/hours", expires=date(2026, 4, 30)),
               Entry(rule="reg-f/cease", expires=date(2026, 5, 1))]  # valid through that day
    outcome = apply(r, entries, TODAY)
    assert outcome.suppressed == 1 and outcome.expired == 1
    assert outcome.report.summary.by_rule["reg-f/hours"] == 3


def test_expired_entry_is_reported_on_the_command_line(tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"entries": [
        {"rule": "reg-f/hours", "reason": "pilot", "expires": "2000-01-01"}]}))
    result = check("-q", "--baseline", str(base))
    assert result.exit_code == 1
    assert "0 findings suppressed" in result.stderr and "1 expired entry" in result.stderr


def test_update_keeps_waivers_reasons_and_expiry_and_drops_fixed(tmp_path: Path) -> None:
    r = report()
    keep = r.findings[0]
    old = [Entry(rule="reg-f/cease", reason="legal review"),
           Entry(fingerprint(keep), reason="accepted by compliance", expires=date(2027, 1, 1)),
           Entry("0" * 32, rule="reg-f/gone", reason="fixed since")]
    new = updated(r, old)
    assert new[0] == old[0]
    by_print = {e.fingerprint: e for e in new}
    assert by_print[fingerprint(keep)].reason == "accepted by compliance"
    assert by_print[fingerprint(keep)].expires == date(2027, 1, 1)
    assert "0" * 32 not in by_print
    assert not any(e.rule == "reg-f/cease" and e.fingerprint for e in new)  # waived already
    assert len(new) == 1 + 15


def test_update_keeps_entries_for_rules_not_selected(tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    check("-q", "--baseline", str(base), "--update-baseline")
    everything = json.loads(base.read_text())["entries"]
    assert len(everything) == 16
    for args in (("--select", "reg-f/hours"), ("--ignore", "reg-f/*-*")):
        assert check("-q", *args, "--baseline", str(base), "--update-baseline").exit_code == 0
        assert json.loads(base.read_text())["entries"] == everything, args
    # a full run still drops what is gone: an acceptance for a finding no longer raised
    doc = json.loads(base.read_text())
    doc["entries"].append({**everything[0], "fingerprint": "0" * 32, "event_id": "E999"})
    base.write_text(json.dumps(doc))
    check("-q", "--baseline", str(base), "--update-baseline")
    assert json.loads(base.read_text())["entries"] == everything


def test_update_keeps_entries_for_logs_not_given(tmp_path: Path) -> None:
    a, b = tmp_path / "logs" / "a.csv", tmp_path / "logs" / "b.csv"
    a.parent.mkdir()
    a.write_text(SAMPLE.read_text())
    b.write_text(SAMPLE.read_text().replace(",C-", ",D-"))  # other consumers, same shapes
    base = tmp_path / "b.json"

    def update(*logs: Path) -> list[dict[str, str]]:
        result = CliRunner().invoke(main, ["check", *map(str, logs), "-q", "--baseline",
                                           str(base), "--update-baseline"])
        assert result.exit_code == 0, result.output
        entries: list[dict[str, str]] = json.loads(base.read_text())["entries"]
        return entries

    both = update(a, b)
    assert len(both) == 32 and {e["file"] for e in both} == {"logs/a.csv", "logs/b.csv"}
    assert update(a) == both
    # another spelling of the same path is the same log, so its fixed findings do go
    head, *rows = a.read_text().splitlines()
    a.write_text("\n".join([head, *(r for r in rows if ",E016," not in r)]) + "\n")
    fewer = update(tmp_path / "logs" / ".." / "logs" / "a.csv")
    assert len(fewer) == 30 and not any(e["event_id"] == "E016" and e["consumer_id"] == "C-3003"
                                        for e in fewer)
    assert sum(e["file"] == "logs/b.csv" for e in fewer) == 16


@pytest.mark.parametrize("content, message", [
    ("{", "not a JSON baseline"),
    ('{"entries": {}}', "'entries' list"),
    ('{"entries": [{}]}', "entry 1: needs"),
    ('{"entries": [{"rule": "x", "until": "2026-01-01"}]}', "unknown field(s) until"),
    ('{"entries": [{"rule": "x", "expires": "soon"}]}', "'expires' must be a date"),
    ('{"entries": [{"rule": 5}]}', "must be a string"),
    ('{"entries": [{"rule": "x", "file": "a.csv"}]}', "cannot be limited to a file"),
])
def test_bad_baselines_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    base = tmp_path / "b.json"
    base.write_text(content)
    with pytest.raises(BaselineError, match=r"b\.json"):
        load(str(base))
    result = check("-q", "--baseline", str(base))
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr
    # a broken file is not silently replaced: it may hold waivers
    assert check("-q", "--baseline", str(base), "--update-baseline").exit_code == 2
    assert base.read_text() == content


def test_missing_baseline_and_update_without_baseline_exit_2(tmp_path: Path) -> None:
    result = check("-q", "--baseline", str(tmp_path / "none.json"))
    assert result.exit_code == 2 and "--update-baseline" in result.stderr
    result = check("-q", "--update-baseline")
    assert result.exit_code == 2 and "--baseline FILE" in result.stderr


def test_machine_formats_carry_the_suppressed_count(tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"entries": [{"rule": "reg-f/hours"}]}))
    sarif = tmp_path / "o.sarif"
    result = check("-f", "jsonl", "-f", f"sarif:{sarif}", "--baseline", str(base))
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["suppressed"] == {"count": 3, "baseline": str(base)}
    invocation = json.loads(sarif.read_text())["runs"][0]["invocations"][0]
    assert invocation["properties"] == {"suppressed": 3, "baseline": str(base)}


def test_junit_carries_the_suppressed_count(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    base = tmp_path / "b.json"
    base.write_text(json.dumps({"entries": [{"rule": "reg-f/hours"}]}))
    junit = tmp_path / "o.xml"
    result = check("-q", "-f", f"junit:{junit}", "--baseline", str(base))
    assert result.exit_code == 1
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert suites
    for suite in suites:
        assert suite[0].tag == "properties"  # first, as the JUnit schema has it
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props == {"fairdebt.suppressed": "3", "fairdebt.baseline": str(base)}
    # without a baseline nothing changes
    plain = tmp_path / "p.xml"
    check("-q", "-f", f"junit:{plain}")
    assert ET.parse(plain).getroot().find("testsuite/properties") is None
