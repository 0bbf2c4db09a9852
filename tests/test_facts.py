"""Account facts (--facts FILE, the directory's fact columns, the `facts=` API): the
us-reg-f content rules they decide, how a contact about several debts combines them,
and every bad row rejected with its file, line and field."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.facts import Facts, parse_fact
from fairdebt.io.normalize import RowError

US = fairdebt.load_policy("us-reg-f")
SUIT = "reg-f/content/time-barred-suit"
SEIZURE = "reg-f/content/seizure"
URGENCY = "reg-f/content/false-urgency"
FEES = "reg-f/content/fees"
ENVELOPE = "reg-f/content/envelope"

TEXTS = {
    SUIT: "We will file a lawsuit.",
    SEIZURE: "We will garnish your wages next week.",
    URGENCY: "This offer expires today!",
    FEES: "A $5 convenience fee applies to phone payments.",
}


def sms(text: str, debt: str | list[str] | None = "D1", consumer: str = "C1",
        **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"timestamp": "2026-04-01T15:00:00Z", "consumer_id": consumer,
                           "event_id": "E1", "channel": "sms", "direction": "outbound",
                           "outcome": "delivered", "timezone": "America/New_York",
                           "text": text}
    if debt is not None:
        row["debt_id"] = debt
    row.update(fields)
    return row


def found(rule: str, row: dict[str, Any], facts: Facts | list[dict[str, Any]] | None
          ) -> list[fairdebt.Finding]:
    if isinstance(facts, list):
        facts = Facts.from_rows(facts)
    report = fairdebt.check([row], US.select([rule]), facts=facts)
    assert report.rejected == ()
    return list(report.findings)


def severities(rule: str, row: dict[str, Any], facts: Any) -> list[str]:
    return [f.severity for f in found(rule, row, facts)]


def missing(finding: fairdebt.Finding) -> list[str]:
    assert finding.content is not None
    return list(finding.content.get("missing_facts") or [])


# -- each us-reg-f rule that a fact decides ---------------------------------------------

def test_suit_threat_is_an_error_only_on_a_time_barred_debt() -> None:
    row = sms(TEXTS[SUIT])
    assert severities(SUIT, row, [{"consumer_id": "C1", "time_barred": "yes"}]) == ["error"]
    assert severities(SUIT, row, [{"consumer_id": "C1", "time_barred": "no"}]) == []
    (f,) = found(SUIT, row, None)
    assert f.severity == "warning" and missing(f) == ["time_barred"]
    assert "time_barred" in f.message
    # facts for another consumer leave this one unknown
    (f,) = found(SUIT, row, [{"consumer_id": "C2", "time_barred": True}])
    assert f.severity == "warning" and missing(f) == ["time_barred"]


def test_garnishment_threat_is_excused_by_a_judgment_or_a_security() -> None:
    row = sms(TEXTS[SEIZURE])
    assert severities(SEIZURE, row, [{"consumer_id": "C1", "judgment": False,
                                      "secured": False}]) == ["error"]
    assert severities(SEIZURE, row, [{"consumer_id": "C1", "judgment": True}]) == []
    assert severities(SEIZURE, row, [{"consumer_id": "C1", "secured": "1"}]) == []
    (f,) = found(SEIZURE, row, [])
    assert f.severity == "warning" and missing(f) == ["judgment", "secured"]
    (f,) = found(SEIZURE, row, [{"consumer_id": "C1", "judgment": "false"}])
    assert f.severity == "warning" and missing(f) == ["secured"]


def test_urgency_is_a_warning_until_the_offers_real_deadline_is_known() -> None:
    row = sms(TEXTS[URGENCY])
    deadline = [{"consumer_id": "C1", "offer_expires_at": "2026-04-01T23:59:00-04:00"}]
    assert found(URGENCY, row, deadline) == []
    (f,) = found(URGENCY, row, None)
    assert f.severity == "warning" and missing(f) == ["offer_expires_at"]


def test_a_fee_is_an_error_unless_the_agreement_allows_it() -> None:
    row = sms(TEXTS[FEES])
    assert severities(FEES, row, [{"consumer_id": "C1", "fees_allowed": "no"}]) == ["error"]
    assert severities(FEES, row, [{"consumer_id": "C1", "fees_allowed": "yes"}]) == []
    (f,) = found(FEES, row, None)
    assert f.severity == "warning" and missing(f) == ["fees_allowed"]


def test_envelope_sender_must_be_a_registered_business_name() -> None:
    letter = sms("", channel="letter", outcome="sent", sender="ABC Inc.")
    del letter["text"]
    names = [{"consumer_id": "C1", "business_names": "ACME Holdings; Acme Services"}]
    (f,) = found(ENVELOPE, letter, names)
    assert f.severity == "error" and "not one of the collector's names" in f.message
    assert found(ENVELOPE, {**letter, "sender": "acme  holdings"}, names) == []
    assert found(ENVELOPE, letter, None) == []  # no names known: only the indicators
    # the debt-collection test holds whatever the names
    (f,) = found(ENVELOPE, {**letter, "sender": "ACME Debt Recovery"},
                 [{"consumer_id": "C1", "business_names": "ACME Debt Recovery"}])
    assert "collects debts" in f.message


# -- several debts --------------------------------------------------------------------

def two(rule: str, d1: dict[str, Any], d2: dict[str, Any] | None) -> list[fairdebt.Finding]:
    facts = [{"consumer_id": "C1", "debt_id": "D1", **d1}]
    if d2 is not None:
        facts.append({"consumer_id": "C1", "debt_id": "D2", **d2})
    return found(rule, sms(TEXTS[rule], debt=["D1", "D2"]), facts)


def test_suit_threat_about_several_debts_is_an_error_if_any_is_time_barred() -> None:
    assert [f.severity for f in two(SUIT, {"time_barred": False},
                                    {"time_barred": True})] == ["error"]
    assert two(SUIT, {"time_barred": False}, {"time_barred": False}) == []
    (f,) = two(SUIT, {"time_barred": False}, None)  # D2 unknown
    assert f.severity == "warning" and missing(f) == ["time_barred"]
    (f,) = two(SUIT, {"time_barred": True}, None)  # D1 decides it whatever D2 is
    assert f.severity == "error" and missing(f) == []
    # the finding names the debts that make it one
    assert f.debt_id == "D1;D2" and f.content is not None
    assert f.content["fact_debts"] == ["D1"]
    assert f.message.endswith("; a violation for debt D1 by its account facts")
    (f,) = two(SUIT, {"time_barred": True}, {"time_barred": True})
    assert f.content is not None and f.content["fact_debts"] == ["D1", "D2"]


def test_garnishment_threat_about_several_debts_is_excused_only_if_all_are() -> None:
    assert two(SEIZURE, {"judgment": True}, {"secured": True}) == []
    (f,) = two(SEIZURE, {"judgment": True}, {"judgment": False, "secured": False})
    assert f.severity == "error"
    (f,) = two(SEIZURE, {"judgment": True}, {"judgment": False})
    assert f.severity == "warning" and missing(f) == ["secured"]
    (f,) = two(SEIZURE, {"judgment": True}, None)
    assert f.severity == "warning" and missing(f) == ["judgment", "secured"]


def test_a_debts_own_facts_override_the_consumer_wide_ones() -> None:
    facts = [{"consumer_id": "C1", "time_barred": True},
             {"consumer_id": "C1", "debt_id": "D1", "time_barred": False}]
    assert found(SUIT, sms(TEXTS[SUIT], debt="D1"), facts) == []
    assert severities(SUIT, sms(TEXTS[SUIT], debt="D2"), facts) == ["error"]
    assert severities(SUIT, sms(TEXTS[SUIT], debt=["D1", "D2"]), facts) == ["error"]


def test_a_contact_naming_no_debt_concerns_every_debt_the_facts_know() -> None:
    per_debt = [{"consumer_id": "C1", "debt_id": "D1", "time_barred": False},
                {"consumer_id": "C1", "debt_id": "D2", "time_barred": True}]
    assert severities(SUIT, sms(TEXTS[SUIT], debt=None), per_debt) == ["error"]
    assert found(SUIT, sms(TEXTS[SUIT], debt=None), per_debt[:1]) == []
    # a consumer-wide row stands for the debts not listed: still consulted
    unknown_rest = [{"consumer_id": "C1", "judgment": None}, per_debt[0]]
    (f,) = found(SUIT, sms(TEXTS[SUIT], debt=None), unknown_rest)
    assert f.severity == "warning"


def test_facts_get_and_value_combine_per_debt() -> None:
    facts = Facts.from_rows([
        {"consumer_id": "C1", "business_names": "ACME", "time_barred": "true"},
        {"consumer_id": "C1", "debt_id": "D2", "business_names": ["Beta Co"],
         "time_barred": "false"},
    ])
    assert dict(facts.get("C1")) == {"business_names": ("ACME",), "time_barred": True}
    assert dict(facts.get("C1", "D2")) == {"business_names": ("Beta Co",),
                                           "time_barred": False}
    assert dict(facts.get("C9")) == {}
    assert facts.value("C1", ("D1", "D2"), "business_names") == ("ACME", "Beta Co")
    assert facts.value("C1", ("D1",), "time_barred") is True
    assert facts.value("C1", ("D1", "D2"), "time_barred") is None  # they differ
    assert facts.consumers == 1


# -- values and rows ------------------------------------------------------------------

def test_values_are_validated() -> None:
    for word, value in [("true", True), ("YES", True), ("1", True), (1, True), (True, True),
                        ("false", False), ("no", False), ("0", False), (0, False)]:
        assert parse_fact("judgment", word) is value
    assert parse_fact("judgment", "") is None and parse_fact("judgment", None) is None
    when = parse_fact("offer_expires_at", "2026-05-01T17:00:00-04:00")
    assert when == datetime(2026, 5, 1, 21, 0, tzinfo=timezone.utc)
    assert parse_fact("offer_expires_at", "2026-05-01T21:00:00Z") == when
    assert parse_fact("business_names", " A  Co ;; B;A  Co") == ("A Co", "B")
    for name, bad in [("judgment", "maybe"), ("judgment", 2), ("judgment", [True]),
                      ("offer_expires_at", "2026-05-01"),
                      ("offer_expires_at", "2026-05-01T17:00:00"),
                      ("offer_expires_at", "tomorrow"), ("offer_expires_at", 1714597200),
                      ("offer_expires_at", "0001-01-01T00:00:00+00:00"),
                      ("business_names", 5), ("business_names", ["A", 5])]:
        with pytest.raises(RowError, match=f"^field '{name}': "):
            parse_fact(name, bad)


FACTS_CSV = """\
consumer_id,debt_id,time_barred,judgment,secured,litigation_intended,offer_expires_at,fees_allowed,business_names
C1,,yes,,,,,,ACME Inc.;Acme Recovery
C1,D1,no,true,,,2026-05-01T17:00:00-04:00,,
C1,D1,no,,,,,,
C2,,maybe,,,,,,
C3,,,,,,2026-05-01,,
,,true,,,,,,
C4,D1;D2,1,0,,,,,
C5,D1,true
C6,,,,,perhaps,,,
"""


def test_bad_rows_are_rejected_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(FACTS_CSV, encoding="utf-8")
    facts = fairdebt.load_facts(str(path))
    reasons = {r.line: r.reason for r in facts.rejected}
    assert all(r.file == str(path) for r in facts.rejected)
    assert set(reasons) == {4, 5, 6, 7, 9, 10}
    assert reasons[4] == "consumer 'C1', debt 'D1', is listed twice (first at line 3)"
    assert reasons[5].startswith("field 'time_barred': 'maybe'")
    assert reasons[6].startswith("field 'offer_expires_at': '2026-05-01' is not an ISO 8601")
    assert reasons[7] == "field 'consumer_id': missing (required)"
    assert reasons[9].startswith("expected 9 fields")
    assert reasons[10].startswith("field 'litigation_intended': 'perhaps'")
    assert dict(facts.get("C4", "D2")) == {"time_barred": True, "judgment": False}
    assert facts.consumers == 2


def test_json_lines_gzip_and_unknown_fields(tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl.gz"
    rows = [{"consumer_id": "C1", "time_barred": True, "business_names": ["A", "B"]},
            {"consumer_id": "C2", "time_barde": True},
            [1],
            {"consumer_id": "C3", "debt_id": "D1", "judgment": 2}]
    path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in rows).encode() + b"\n"))
    facts = fairdebt.load_facts(str(path))
    assert [(r.line, r.reason) for r in facts.rejected] == [
        (2, "unknown field(s) time_barde"), (3, "expected a JSON object"),
        (4, "field 'judgment': 2 is not true or false (true/false, yes/no, 1/0)")]
    assert dict(facts.get("C1")) == {"time_barred": True, "business_names": ("A", "B")}


def test_a_file_that_cannot_be_used_raises_source_error(tmp_path: Path) -> None:
    bad = tmp_path / "facts.csv"
    bad.write_text("consumer_id,time_barred,statute\nC1,true,6y\n", encoding="utf-8")
    with pytest.raises(fairdebt.SourceError, match=r"facts.csv:1: unknown column\(s\) "
                                                   r"statute \(known: business_names"):
        fairdebt.load_facts(str(bad))
    bad.write_text("id,time_barred\nC1,true\n", encoding="utf-8")
    with pytest.raises(fairdebt.SourceError, match="a facts file needs a consumer_id column"):
        fairdebt.load_facts(str(bad))
    with pytest.raises(fairdebt.SourceError, match="cannot open"):
        fairdebt.load_facts(str(tmp_path / "none.csv"))
    bad.write_bytes(gzip.compress(b"consumer_id,time_barred\nC1,true\n")[:-12])
    with pytest.raises(fairdebt.SourceError, match="cannot read"):
        fairdebt.load_facts(str(bad))


def test_from_rows_rejects_by_position() -> None:
    facts = Facts.from_rows([{"consumer_id": "C1", "secured": "sure"}, "nope",  # type: ignore[list-item]
                             {"consumer_id": "C1", "secured": True}])
    assert [(r.file, r.line) for r in facts.rejected] == [("<facts>", 1), ("<facts>", 2)]
    assert dict(facts.get("C1")) == {"secured": True}


# -- the API ----------------------------------------------------------------------------

def test_check_reports_the_facts_rejected_rows() -> None:
    facts = Facts.from_rows([{"consumer_id": "C1", "time_barred": "yes"},
                             {"consumer_id": "C1", "time_barred": "perhaps"}])
    report = fairdebt.check([sms(TEXTS[SUIT])], US.select([SUIT]), facts=facts)
    assert [f.severity for f in report.findings] == ["error"]
    assert [(r.file, r.line) for r in report.rejected] == [("<facts>", 2)]
    assert report.summary.rows_read == 2 and report.summary.rows_rejected == 1


def test_checker_takes_facts() -> None:
    facts = Facts.from_rows([{"consumer_id": "C1", "judgment": "no", "secured": "no"},
                             {"consumer_id": "C2", "judgment": "yes"}])
    checker = fairdebt.Checker(US.select([SEIZURE]), facts=facts)
    assert [f.severity for f in checker.feed(sms(TEXTS[SEIZURE]))] == ["error"]
    assert checker.feed(sms(TEXTS[SEIZURE], consumer="C2")) == []
    assert checker.close().summary.findings == 1


def test_decide_takes_facts() -> None:
    now = datetime(2026, 4, 1, 15, 0, tzinfo=timezone.utc)
    proposal = {k: v for k, v in sms(TEXTS[SEIZURE]).items() if k != "timestamp"}
    policy = US.select([SEIZURE])
    assert fairdebt.decide(policy, [], proposal, now,
                           facts=Facts.from_rows([{"consumer_id": "C1",
                                                   "judgment": True}])).allowed
    no = fairdebt.decide(policy, [], proposal, now,
                         facts=Facts.from_rows([{"consumer_id": "C1", "judgment": False,
                                                 "secured": False}]))
    assert not no.allowed and [f.rule for f in no.reasons] == [SEIZURE]
    unknown = fairdebt.decide(policy, [], proposal, now)  # a warning does not block
    assert unknown.allowed and [f.severity for f in unknown.reasons] == ["warning"]
    # the cached engine template does not keep the last call's facts
    assert fairdebt.decide(policy, [], proposal, now).reasons[0].severity == "warning"


# -- files and the command line ---------------------------------------------------------

LOG = """\
timestamp,consumer_id,event_id,channel,debt_id,text,timezone
2026-04-01T15:00:00Z,C1,E1,sms,D1,We will file a lawsuit.,America/New_York
2026-04-01T15:05:00Z,C2,E2,sms,D7,We will garnish your wages next week.,America/New_York
2026-04-01T15:10:00Z,C3,E3,sms,D3,We will file a lawsuit.,America/New_York
"""
SELECT = ["--select", f"{SUIT},{SEIZURE}"]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "-p", "us-reg-f", *args])
    return result.exit_code, result.stdout, result.stderr


def by_event(output: str) -> dict[str, list[tuple[str, str]]]:
    report = json.loads(output)
    out: dict[str, list[tuple[str, str]]] = {}
    for f in report["findings"]:
        out.setdefault(f["event_id"], []).append((f["rule"], f["severity"]))
    return out


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_cli_facts_file_end_to_end(tmp_path: Path, log: Path) -> None:
    facts = tmp_path / "facts.csv"
    facts.write_text("consumer_id,debt_id,time_barred,judgment,secured\n"
                     "C1,,true,,\n"
                     "C2,D7,,no,no\n", encoding="utf-8")
    code, out, _ = cli(*SELECT, "-f", "json", str(log))
    assert code == 0  # without facts: only warnings
    assert by_event(out) == {"E1": [(SUIT, "warning")], "E2": [(SEIZURE, "warning")],
                             "E3": [(SUIT, "warning")]}
    code, out, _ = cli(*SELECT, "-f", "json", "--facts", str(facts), str(log))
    assert code == 1
    assert by_event(out) == {"E1": [(SUIT, "error")], "E2": [(SEIZURE, "error")],
                             "E3": [(SUIT, "warning")]}
    code, out, _ = cli(*SELECT, "-f", "json", "--facts", str(facts), "--jobs", "2", str(log))
    assert by_event(out) == {"E1": [(SUIT, "error")], "E2": [(SEIZURE, "error")],
                             "E3": [(SUIT, "warning")]}


def test_directory_facts_and_facts_file_agree(tmp_path: Path, log: Path) -> None:
    directory = tmp_path / "consumers.csv"
    directory.write_text("consumer_id,timezone,time_barred,judgment,secured\n"
                         "C1,America/New_York,yes,,\n"
                         "C2,America/New_York,,false,false\n"
                         "C3,America/New_York,no,,\n", encoding="utf-8")
    facts = tmp_path / "facts.jsonl"
    facts.write_text("\n".join(json.dumps(r) for r in [
        {"consumer_id": "C1", "time_barred": True},
        {"consumer_id": "C2", "judgment": False, "secured": False},
        {"consumer_id": "C3", "time_barred": False}]) + "\n", encoding="utf-8")
    _, from_directory, _ = cli(*SELECT, "-f", "json", "--consumers", str(directory), str(log))
    _, from_file, _ = cli(*SELECT, "-f", "json", "--facts", str(facts), str(log))
    _, from_both, _ = cli(*SELECT, "-f", "json", "--consumers", str(directory),
                          "--facts", str(facts), str(log))
    expected = {"E1": [(SUIT, "error")], "E2": [(SEIZURE, "error")]}
    assert by_event(from_directory) == by_event(from_file) == by_event(from_both) == expected
    assert json.loads(from_both)["rejected"] == []


def test_directory_and_facts_file_that_disagree_reject_the_facts_row(
        tmp_path: Path, log: Path) -> None:
    directory = tmp_path / "consumers.csv"
    directory.write_text("consumer_id,time_barred,judgment\n"
                         "C1,yes,\n"
                         "C2,,perhaps\n", encoding="utf-8")
    facts = tmp_path / "facts.csv"
    facts.write_text("consumer_id,time_barred\nC1,no\n", encoding="utf-8")
    code, out, _ = cli(*SELECT, "-f", "json", "--consumers", str(directory),
                       "--facts", str(facts), str(log))
    assert code == 1
    report = json.loads(out)
    assert [(r["file"], r["line"]) for r in report["rejected"]] == [
        (str(directory), 3), (str(facts), 2)]
    assert report["rejected"][0]["reason"].startswith("field 'judgment': 'perhaps'")
    assert report["rejected"][1]["reason"] == (
        f"field 'time_barred': consumer 'C1' has false here but true in {directory}:2")
    assert by_event(out)["E1"] == [(SUIT, "error")]  # the directory's fact stands
    assert report["summary"]["rows_rejected"] == 2


def test_cli_rejected_rows_are_listed_and_strict_exits_2(tmp_path: Path, log: Path) -> None:
    facts = tmp_path / "facts.csv"
    facts.write_text("consumer_id,time_barred\nC1,true\nC3,sometimes\n", encoding="utf-8")
    code, out, err = cli(*SELECT, "--facts", str(facts), str(log))
    assert code == 1
    assert f"{facts}:3" in out and "field 'time_barred': 'sometimes'" in out
    code, _, err = cli(*SELECT, "--strict", "--facts", str(facts), str(log))
    assert code == 2 and "rejected (--strict)" in err


def test_cli_refuses_an_unknown_column_and_spark(tmp_path: Path, log: Path) -> None:
    facts = tmp_path / "facts.csv"
    facts.write_text("consumer_id,time_barred,statute_years\nC1,true,6\n", encoding="utf-8")
    code, _, err = cli("--facts", str(facts), str(log))
    assert code == 2 and "unknown column(s) statute_years" in err
    code, _, err = cli("--facts", str(tmp_path / "none.csv"), str(log))
    assert code == 2
    facts.write_text("consumer_id,time_barred\nC1,true\n", encoding="utf-8")
    code, _, err = cli("--engine", "spark", "--facts", str(facts), str(log))
    assert code == 2 and "--facts is not read by --engine spark" in err


# -- house rules and hostile files ------------------------------------------------------

def test_a_rule_may_name_only_facts_that_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: t\nrules:\n  - id: t/garnish\n    check: forbid_phrases\n"
                    "    params: {phrases: [garnish], unless_facts: [judgement]}\n",
                    encoding="utf-8")
    with pytest.raises(fairdebt.PolicyError, match="'judgement' is not one of"):
        fairdebt.load_policy(path)


def test_a_house_rule_on_litigation_intended(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: t\nrules:\n  - id: t/suit\n    check: forbid_phrases\n"
                    "    params: {phrases: [we will sue], unless_facts: [litigation_intended]}\n",
                    encoding="utf-8")
    pol = fairdebt.load_policy(path)
    row = sms("We will sue you.")
    report = fairdebt.check([row], pol, facts=Facts.from_rows(
        [{"consumer_id": "C1", "litigation_intended": "no"}]))
    assert [f.severity for f in report.findings] == ["error"]
    assert fairdebt.check([row], pol, facts=Facts.from_rows(
        [{"consumer_id": "C1", "litigation_intended": "yes"}])).findings == ()


def test_hostile_facts_files_are_rows_rejected_not_tracebacks(tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_bytes(b'{"consumer_id": "C1", "time_barred": true}\n'
                     + b'{"consumer_id": "C2", "judgment": ' + b"[" * 100_000 + b"\n"
                     + b'{"consumer_id": "C3", "secured": "\xff"}\n'
                     + b'{"consumer_id": "C4", "business_names": {"a": 1}}\n'
                     + b'{"consumer_id": "C5", "offer_expires_at": "9999-12-31T23:59:59+14:00"}\n')
    facts = fairdebt.load_facts(str(path))
    assert [r.line for r in facts.rejected] == [2, 3, 4, 5]
    assert dict(facts.get("C1")) == {"time_barred": True}
    wide = tmp_path / "wide.csv"
    wide.write_text("consumer_id," + ",".join(f"c{i}" for i in range(100_000)) + "\n")
    with pytest.raises(fairdebt.SourceError) as exc:
        fairdebt.load_facts(str(wide))
    assert len(str(exc.value)) < 1000 and "and 99,990 more" in str(exc.value)


def test_facts_path_from_the_configuration_file(tmp_path: Path, log: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "facts.csv").write_text("consumer_id,time_barred\nC1,yes\n",
                                                 encoding="utf-8")
    config = tmp_path / "fairdebt.toml"
    config.write_text('facts = "data/facts.csv"\n', encoding="utf-8")
    code, out, _ = cli(*SELECT, "-f", "json", "--config", str(config), str(log))
    assert code == 1 and by_event(out)["E1"] == [(SUIT, "error")]


def test_cn_extra_fees_follow_fees_allowed() -> None:
    policy = fairdebt.load_policy("cn").select(["cn/content/extra-fees"])
    row = sms("需要另外支付上门费500元", region="CN", timezone="Asia/Shanghai")

    def run(facts: Facts | None) -> list[str]:
        return [f.severity for f in fairdebt.check([row], policy, facts=facts).findings]

    # a value that is not a boolean (否) is rejected: the fact stays unknown
    assert run(Facts.from_rows([{"consumer_id": "C1", "fees_allowed": "否"}])) == ["warning"]
    assert run(Facts.from_rows([{"consumer_id": "C1", "fees_allowed": "false"}])) == ["error"]
    assert run(Facts.from_rows([{"consumer_id": "C1", "fees_allowed": "true"}])) == []
    assert run(None) == ["warning"]
