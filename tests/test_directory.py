"""The consumer directory: joins by number or address, candidate zones from every
source (with where they came from), standing facts, and every row accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.location import e164, phone_number_zones, postal_zones, region_zones

DIRECTORY = """\
consumer_id,mobile,landline,work_phone,email,postal_code,state,timezone,attorney_since
C-1,(212) 555-0142,,+1 415 555 0100,c1@example.com,94105,,,
C-2,+1 406 555 0101,,,,,,America/Denver,2026-04-03
C-3,not-a-number,,,,,,,
C-1,+1 212 555 9999,,,,,,,
C-4,,,,,,FL,,
"""
CALLS = """timestamp,event_id,consumer_id,channel,destination,outcome
2026-04-01T12:00:00Z,a,+12125550142,call,+12125550142,no_answer
2026-04-01T15:30:00Z,b,2125550142,call,212-555-0142,no_answer
2026-04-04T16:00:00Z,c,4065550101,call,406.555.0101,no_answer
2026-04-01T16:00:00Z,d,+13125550000,call,+13125550000,no_answer
2026-04-02T16:00:00Z,e,C1@Example.com,email,C1@Example.com,delivered
2026-04-02T16:30:00Z,g,X-9,call,+12125550142,no_answer
2026-04-02T12:30:00Z,f,C-4,call,,no_answer
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    directory, calls = tmp_path / "consumers.csv", tmp_path / "calls.csv"
    directory.write_text(DIRECTORY, encoding="utf-8")
    calls.write_text(CALLS, encoding="utf-8")
    return str(directory), str(calls)


def run(files: tuple[str, str], *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["check", "-p", "us-reg-f", "-f", "json", "--show-pii",
                                       "--consumers", files[0], files[1], *extra])
    assert result.exit_code == 1, result.output
    report: dict[str, object] = json.loads(result.output)
    return report


def test_location_sources() -> None:
    assert region_zones("US-FL") == ("America/Chicago", "America/New_York")
    assert postal_zones("94105") == ("America/Los_Angeles",)
    assert phone_number_zones("+1 212 555 0142") == ("America/New_York",)
    assert phone_number_zones("+1 800 555 0142") == ()  # toll-free: no geography
    assert e164("(212) 555-0142") == e164("212.555.0142") == "+12125550142"


def test_eastern_mobile_and_pacific_postal_code_allow_11_to_21_eastern(
        files: tuple[str, str]) -> None:
    report = run(files)
    findings = report["findings"]
    assert isinstance(findings, list)
    hours = [f for f in findings if f["rule"] == "reg-f/hours" and f["consumer_id"] == "C-1"]
    # 08:00 Eastern is 05:00 Pacific: flagged; 11:30 Eastern (08:30 Pacific) is not
    assert [f["event_id"] for f in hours] == ["a"]
    assert "America/Los_Angeles: from postal code, work phone" in hours[0]["local_time"]
    assert "America/New_York: from mobile" in hours[0]["local_time"]


def test_rows_join_by_number_or_email_and_facts_become_events(files: tuple[str, str]) -> None:
    report = run(files)
    findings = report["findings"]
    assert isinstance(findings, list)
    represented = [f for f in findings if f["rule"] == "reg-f/represented"]
    assert [(f["event_id"], f["consumer_id"]) for f in represented] == [("c", "C-2")]
    assert represented[0]["evidence"][0].endswith("consumers.csv:3")
    by_event = {f["event_id"]: f["consumer_id"] for f in findings}
    assert by_event.get("d") == "+13125550000"  # joined nobody: checked as it is
    # a Florida consumer: Eastern and Central, 12:30 UTC is 07:30 Central
    assert ("f", "C-4") in {(f["event_id"], f["consumer_id"]) for f in findings
                            if f["rule"] == "reg-f/hours"}


def test_every_row_is_accounted_for(files: tuple[str, str]) -> None:
    summary = run(files)["summary"]
    assert isinstance(summary, dict)
    # 7 log rows + 1 standing fact checked; 2 directory rows rejected
    assert summary["events_checked"] == 8 and summary["rows_rejected"] == 2
    assert summary["rows_read"] == 10
    # unmatched: the number nobody owns, and a real id the directory lacks (even though
    # it dialled C-1's number: a real id is never reassigned by a number)
    assert summary["unmatched_rows"] == 2
    rejected = run(files)["rejected"]
    assert isinstance(rejected, list)
    reasons = {r["line"]: r["reason"] for r in rejected}
    assert reasons == {4: "field 'mobile': not a phone number",
                       5: "consumer 'C-1' is listed twice"}


def test_jobs_give_the_same_report_with_a_directory(files: tuple[str, str]) -> None:
    assert run(files) == run(files, "-j", "3")


def test_a_number_two_consumers_share_joins_nobody(tmp_path: Path) -> None:
    directory = tmp_path / "d.csv"
    directory.write_text("consumer_id,landline,timezone\nA,2125550142,America/New_York\n"
                         "B,212-555-0142,America/New_York\n", encoding="utf-8")
    calls = tmp_path / "c.csv"
    calls.write_text("timestamp,consumer_id,channel,destination\n"
                     "2026-04-01T12:00:00Z,+12125550142,call,+12125550142\n", encoding="utf-8")
    report = fairdebt.check_files([str(calls)], fairdebt.load_policy("us-reg-f"),
                                  consumers=str(directory))
    assert report.summary.unmatched_rows == 1
    assert {f.consumer_id for f in report.findings} == {"+12125550142"}


def test_a_directory_with_unknown_columns_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "d.csv"
    directory.write_text("consumer_id,phone_number\nA,2125550142\n", encoding="utf-8")
    calls = tmp_path / "c.csv"
    calls.write_text("timestamp,consumer_id,channel\n2026-04-01T12:00:00Z,A,call\n",
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--consumers", str(directory), str(calls)])
    assert result.exit_code == 2
    assert "unknown column(s) phone_number" in result.output
    assert "Traceback" not in result.output


def test_a_dated_fact_starts_when_the_consumers_day_starts(tmp_path: Path) -> None:
    directory = tmp_path / "d.csv"
    directory.write_text("consumer_id,timezone,cease_since\nS,Asia/Shanghai,2026-04-02\n",
                         encoding="utf-8")
    calls = tmp_path / "c.csv"
    calls.write_text("timestamp,consumer_id,event_id,channel,outcome\n"
                     "2026-04-02T07:30:00+08:00,S,early,call,no_answer\n"
                     "2026-04-01T20:00:00+08:00,S,before,call,no_answer\n", encoding="utf-8")
    report = fairdebt.check_files([str(calls)], fairdebt.load_policy("us-reg-f"),
                                  consumers=str(directory))
    assert [(f.rule, f.event_id) for f in report.findings if f.rule == "reg-f/cease"] == \
        [("reg-f/cease", "early")]


def test_the_html_heat_map_places_contacts_in_the_directorys_zones(tmp_path: Path) -> None:
    """The log gives no zone; the directory does (America/Los_Angeles): the heat map
    places the contact at 05:00 Pacific, not among the contacts with no zone."""
    directory = tmp_path / "d.csv"
    directory.write_text("consumer_id,timezone\nA,America/Los_Angeles\n", encoding="utf-8")
    calls = tmp_path / "c.csv"
    calls.write_text("timestamp,consumer_id,channel\n2026-04-01T12:00:00Z,A,call\n",
                     encoding="utf-8")
    page = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["check", "--consumers", str(directory), str(calls),
                                       "-f", f"html:{page}"])
    assert result.exit_code == 1, result.output  # 05:00 is outside the allowed hours
    text = page.read_text(encoding="utf-8")
    assert "1 outbound contacts, in each consumer" in text
    assert "with no known zone" not in text
