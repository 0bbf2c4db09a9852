"""Machine formats: each one parses with its consumer's reader and keeps its contract."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import select
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.report import FORMATS, RenderOptions
from fairdebt.report.csv_format import neutralize
from fairdebt.report.fingerprint import SARIF_KEY, fingerprint
from fairdebt.report.github_format import escape_data, escape_property

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample-calls.csv"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
POLICY = fairdebt.load_policy("us-reg-f")


def sample_report() -> fairdebt.Report:
    return fairdebt.check_files([str(SAMPLE)], POLICY)


def rendered(fmt: str, report: fairdebt.Report | None = None) -> str:
    return FORMATS[fmt](report or sample_report(), RenderOptions(rules=POLICY.rules))


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


# --- sarif ---------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema() -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    doc = json.loads(rendered("sarif"))
    errors = [e.message for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]
    # the schema is strict enough to catch a broken document (the check is not vacuous)
    broken = {**doc, "runs": [{**doc["runs"][0], "results": [{"level": "loud"}]}]}
    assert list(validator.iter_errors(broken))


def test_sarif_describes_rules_and_locates_results() -> None:
    run = json.loads(rendered("sarif"))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in POLICY.rules]  # also rules with no hits
    hours = next(r for r in rules if r["id"] == "reg-f/hours")
    assert hours["defaultConfiguration"]["level"] == "error"
    assert "1006.6(b)(1)(i)" in hours["help"]["text"] and hours["shortDescription"]["text"]
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "reg-f/hours"
    where = first["locations"][0]["physicalLocation"]
    assert where["region"]["startLine"] == 3
    assert where["artifactLocation"]["uri"] == SAMPLE.as_uri()
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == 1  # the rejected row


def test_sarif_relative_paths_stay_relative_uris() -> None:
    report = sample_report()
    moved = dataclasses.replace(report, findings=tuple(
        dataclasses.replace(f, file="exports/april calls.csv") for f in report.findings))
    uri = json.loads(rendered("sarif", moved))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "exports/april%20calls.csv"


def test_sarif_fingerprints_ignore_line_numbers(tmp_path: Path) -> None:
    head, *rows = SAMPLE.read_text().splitlines()
    reordered = tmp_path / "reexport.csv"
    reordered.write_text("\n".join([head, *reversed(rows)]) + "\n")

    def prints(path: Path) -> dict[str, int]:
        report = fairdebt.check_files([str(path)], POLICY)
        results = json.loads(rendered("sarif", report))["runs"][0]["results"]
        return {r["partialFingerprints"][SARIF_KEY]:
                r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}

    before, after = prints(SAMPLE), prints(reordered)
    assert set(before) == set(after)
    assert any(before[k] != after[k] for k in before)  # the lines did move


def test_fingerprint_is_the_identity() -> None:
    f = sample_report().findings[0]
    assert fingerprint(dataclasses.replace(f, line=99, file="other.csv")) == fingerprint(f)
    for change in ({"rule": "x"}, {"consumer_id": "x"}, {"debt_id": "x"}, {"event_id": "x"}):
        assert fingerprint(dataclasses.replace(f, **change)) != fingerprint(f), change


# --- junit ---------------------------------------------------------------------------

def test_junit_one_suite_per_rule_one_case_per_consumer_and_debt() -> None:
    root = ET.fromstring(rendered("junit"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {r.id for r in POLICY.rules} | {"fairdebt/rejected-rows"}
    freq = suites["reg-f/call-frequency"]
    (case,) = freq.findall("testcase")  # two findings, one consumer and debt
    assert case.get("name") == "consumer C-1001 · debt CC-77"
    failure = case.find("failure")
    assert failure is not None and "E009" in (failure.text or "") and "E010" in failure.text
    assert freq.get("tests") == "1" and freq.get("failures") == "1"
    quiet = next(s for name, s in suites.items()
                 if name not in {f.rule for f in sample_report().findings}
                 and name != "fairdebt/rejected-rows")
    assert quiet.get("failures") == "0" and quiet.get("tests") == "1"
    assert root.get("failures") == str(sum(int(s.get("failures") or 0) for s in suites.values()))
    assert suites["fairdebt/rejected-rows"].find("testcase/skipped") is not None


def test_junit_survives_control_characters() -> None:
    report = sample_report()
    f = dataclasses.replace(report.findings[0], message="bell\x07 <&> \"q\"")
    ET.fromstring(rendered("junit", dataclasses.replace(report, findings=(f,))))


# --- github --------------------------------------------------------------------------

def test_github_escaping_follows_the_toolkit() -> None:
    assert escape_data("50%\r\nnext: a,b") == "50%25%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotations_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    code, out, _ = invoke("check", str(SAMPLE), "--format", "github",
                          env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 1
    lines = out.splitlines()
    first = lines[0]
    assert first.startswith(f"::error file={escape_property(str(SAMPLE))},line=3,"
                            "title=fairdebt reg-f/hours::")
    assert any(line.startswith("::warning ") and "rapid-redial" in line for line in lines)
    assert lines[-1].startswith("::notice::fairdebt: 16 findings")
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "## fairdebt" in text and "| `reg-f/hours` | error | 3 |" in text


def test_github_without_step_summary_env_writes_no_file(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from fairdebt.report import outputs

    saved: list[tuple[str, str]] = []
    real_save = outputs._save

    def spy(path: str, text: Callable[[bool], str], mode: str) -> None:
        saved.append((path, mode))
        real_save(path, text, mode)

    monkeypatch.setattr(outputs, "_save", spy)
    summary = tmp_path / "summary.md"
    # the control: with the variable set, the summary is appended to that file ...
    code, _, _ = invoke("check", str(SAMPLE), "--format", "github",
                        env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 1 and saved == [(str(summary), "a")] and summary.is_file()
    summary.unlink()
    # ... unset (the autouse fixture removed it) or empty, nothing is written anywhere
    for env in ({}, {"GITHUB_STEP_SUMMARY": ""}):
        saved.clear()
        code, out, _ = invoke("check", str(SAMPLE), "--format", "github", env=env)
        assert code == 1 and out.startswith("::error") and "## fairdebt" not in out
        assert saved == [] and list(tmp_path.iterdir()) == []


def test_unwritable_step_summary_warns_and_keeps_the_exit_code(tmp_path: Path) -> None:
    for args, expected in ((), 1), (("--exit-zero",), 0):
        code, out, err = invoke("check", str(SAMPLE), "--format", "github", *args,
                                env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "s.md")})
        assert code == expected and out.startswith("::error"), err
        assert "fairdebt: warning: job summary not written: cannot write" in err
        assert "Traceback" not in err and "error:" not in err


# --- gitlab --------------------------------------------------------------------------

def test_gitlab_code_quality_fields() -> None:
    issues = json.loads(rendered("gitlab"))
    assert len(issues) == 16
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == str(SAMPLE)
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert issues[0]["check_name"] == "reg-f/hours" and issues[0]["severity"] == "major"


# --- csv -----------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=1+2", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralizes_formula_cells(cell: str) -> None:
    assert neutralize(cell) == "'" + cell


def test_csv_rows_parse_and_carry_no_formulas() -> None:
    report = sample_report()
    evil = dataclasses.replace(report.findings[0], consumer_id='=HYPERLINK("http://x")',
                               message="-2+3 calls", evidence=("@E1", "E2"))
    text = rendered("csv", dataclasses.replace(report, findings=(evil, *report.findings[1:])))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 16
    assert rows[0]["consumer_id"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["message"] == "'-2+3 calls" and rows[0]["evidence"] == "'@E1;E2"
    assert rows[1]["rule"] == "reg-f/hours" and rows[1]["line"] == "4"
    assert rows[1]["fingerprint"] == fingerprint(report.findings[1])


# --- jsonl ---------------------------------------------------------------------------

def test_jsonl_one_object_per_line_ending_with_the_summary() -> None:
    docs = [json.loads(line) for line in rendered("jsonl").splitlines()]
    kinds = [d["kind"] for d in docs]
    assert kinds == ["finding"] * 16 + ["rejected", "summary"]
    assert docs[0]["rule"] == "reg-f/hours" and docs[-1]["rows_read"] == 30


# --- several formats in one run ------------------------------------------------------

def test_several_formats_in_one_run(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    code, out, _ = invoke("check", str(SAMPLE), "-f", "json", "--format", f"sarif:{sarif}",
                          "-f", f"junit:{junit}")
    assert code == 1
    assert json.loads(out)["summary"]["findings"] == 16
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert ET.parse(junit).getroot().tag == "testsuites"


def test_only_files_means_nothing_on_stdout(tmp_path: Path) -> None:
    code, out, _ = invoke("check", str(SAMPLE), "-f", f"csv:{tmp_path / 'f.csv'}")
    assert code == 1 and out == ""
    assert (tmp_path / "f.csv").read_bytes().startswith(b"rule,severity,")


@pytest.mark.parametrize("args, message", [
    (("-f", "json", "-f", "text"), "only one format can go to stdout"),
    (("-f", "pdf"), "unknown format 'pdf'"),
    (("-f", "sarif:"), "no path after ':'"),
    (("-f", "csv:a.csv", "-f", "jsonl:a.csv"), "more than one --format"),
])
def test_bad_format_values_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    code, _, err = invoke("check", str(SAMPLE), *args)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (("-f", "csv:a.out", "-f", "jsonl:./a.out"), "a.out and ./a.out named by more than one"),
    (("-f", "csv:out/../a.out", "-f", "sarif:a.out"), "named by more than one --format"),
    (("-f", "csv:calls.csv"), "would overwrite the input log calls.csv"),
    (("-f", "json:./logs/../calls.csv"), "would overwrite the input log calls.csv"),
    (("-f", "json:link.csv"), "would overwrite the input log calls.csv"),
    (("-f", "json:./b.json", "--baseline", "b.json"), "would overwrite the baseline b.json"),
    (("-f", "github", "-f", "csv:./summary.md"), "would overwrite $GITHUB_STEP_SUMMARY"),
    (("-q", "--baseline", "./calls.csv", "--update-baseline"),
     "--update-baseline ./calls.csv would overwrite the input log calls.csv"),
])
def test_outputs_never_overwrite_inputs_each_other_or_the_baseline(
        tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "logs").mkdir()
    log = tmp_path / "calls.csv"
    log.write_text(SAMPLE.read_text())
    (tmp_path / "link.csv").symlink_to(log)
    (tmp_path / "b.json").write_text('{"entries": []}')
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, out, err = invoke("check", "calls.csv", *args,
                            env={"GITHUB_STEP_SUMMARY": "summary.md"})
    assert code == 2 and message in err and out == "", err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_text_file_gets_no_colour_when_run_from_a_terminal(tmp_path: Path) -> None:
    fairdebt_bin = Path(sys.executable).parent / "fairdebt"
    main_fd, terminal = os.openpty()

    def run(*args: str) -> str:
        proc = subprocess.Popen([str(fairdebt_bin), "check", str(SAMPLE), *args],
                                stdout=terminal, stderr=subprocess.PIPE, cwd=tmp_path)
        proc.communicate(timeout=120)
        chunks = []
        while select.select([main_fd], [], [], 0.2)[0]:
            try:
                chunks.append(os.read(main_fd, 65536))
            except OSError:
                break
        return b"".join(chunks).decode("utf-8", "replace")

    try:
        on_screen = run("-f", "text", "-f", "jsonl:out.jsonl")
        assert "\x1b[" in on_screen  # stdout is the terminal: coloured
        run("-f", "text:out.txt")
        assert "\x1b[" not in (tmp_path / "out.txt").read_text()
        run("-f", "text:forced.txt", "--color")  # asked for: honoured
        assert "\x1b[" in (tmp_path / "forced.txt").read_text()
    finally:
        os.close(main_fd)
        os.close(terminal)


def test_unwritable_output_path_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = invoke("check", str(SAMPLE), "-f", f"sarif:{tmp_path / 'no' / 'x.sarif'}")
    assert code == 2 and "cannot write" in err and "Traceback" not in err


# --- fingerprints of logs without an event_id column ---------------------------------

def _without_event_ids(tmp_path: Path, name: str, reverse: bool = False) -> Path:
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(), newline="")))
    drop = rows[0].index("event_id")
    body = [[c for i, c in enumerate(r) if i != drop] for r in rows[1:]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [[c for i, c in enumerate(rows[0]) if i != drop], *(body[::-1] if reverse else body)])
    path = tmp_path / name
    path.write_text(out.getvalue())
    return path


def test_fingerprints_without_event_ids_do_not_follow_the_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same name in two directories, so the FILE of the FILE:LINE ids is the same and
    # only the lines move (the rows reversed)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _without_event_ids(tmp_path / "a", "calls.csv")
    _without_event_ids(tmp_path / "b", "calls.csv", reverse=True)

    def prints(directory: str) -> set[str]:
        monkeypatch.chdir(tmp_path / directory)
        report = fairdebt.check_files(["calls.csv"], POLICY)
        assert len(report.findings) > 10
        assert all(f.event_id == f"calls.csv:{f.line}" for f in report.findings)
        return {fingerprint(f) for f in report.findings}

    first, again = prints("a"), prints("b")
    assert first == again and len(first) > 10


@pytest.mark.parametrize("args, warned", [
    (("-f", "sarif:o.sarif"), True),
    (("-f", "gitlab:o.json"), True),
    (("-f", "csv:o.csv", "-f", "sarif:o.sarif"), True),
    (("-q", "--baseline", "b.json", "--update-baseline"), True),
    (("-f", "json",), False),
    (("-q",), False),
])
def test_warns_once_when_fingerprinting_file_line_ids(tmp_path: Path, args: tuple[str, ...],
                                                      warned: bool) -> None:
    log = _without_event_ids(tmp_path, "noid.csv")
    code, _, err = invoke("check", str(log), *args)
    assert code in (0, 1), err
    assert err.count("FILE:LINE") == (1 if warned else 0), err
    # a log with its own event ids: never
    code, _, err = invoke("check", str(SAMPLE), *args)
    assert "FILE:LINE" not in err


# --- text ----------------------------------------------------------------------------

def test_text_groups_by_consumer_then_rule() -> None:
    report = sample_report()
    c1 = [f for f in report.findings if f.consumer_id == "C-1001"]
    hours = [f for f in c1 if f.rule == "reg-f/hours"]
    redial = [f for f in c1 if f.rule == "reg-f/rapid-redial"]
    other = [f for f in report.findings if f.consumer_id != "C-1001"]
    # interleaved, as findings of several rules at one row come out
    mixed = dataclasses.replace(report, findings=(hours[0], *redial, hours[1], *other))
    lines = rendered("text", mixed).splitlines()
    start = lines.index("consumer C-1001 — 3 findings")
    block = lines[start + 1:lines.index("", start)]
    heads = [line for line in block if not line.startswith("   ")]
    assert heads == ["  reg-f/hours — 2 findings", "  reg-f/rapid-redial — 1 finding"]
    hours_lines = [line for line in block if "inconvenient time" in line]
    assert len(hours_lines) == 2
    assert block.index(hours_lines[1]) < block.index(heads[1])  # together, under their rule


def test_text_shows_control_characters_from_the_log_instead_of_sending_them() -> None:
    # an OSC sequence retitles a terminal, CSI 2J clears it, a newline forges a line
    rows = [{"timestamp": "2026-04-01T02:00:00Z", "consumer_id": "C\x1b[2J1",
             "event_id": "e\x1b]0;pwn\x07\nfake: clean", "channel": "call",
             "timezone": "America/New_York", "debt_id": "D\x9b1"}]
    report = fairdebt.check(rows, fairdebt.load_policy("us-reg-f").select(["reg-f/hours"]))
    out = rendered("text", report)
    assert "consumer C\\x1b[2J1" in out
    assert "event e\\x1b]0;pwn\\x07\\x0afake: clean" in out
    assert "debt D\\x9b1" in out
    assert not [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0]
