"""Import presets against the real telephony samples and against fixtures written from
the vendors' documented formats: every row read is checked, rejected with a reason, or
merged into the attempt it belongs to, and the totals add up."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.io.imports import ImportStats, LogReader, read_import
from fairdebt.io.mapping import load_preset, preset_names
from fairdebt.model import Event, Rejected
from fairdebt.runner import check_paths
from fairdebt.tz import get_zone

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "imports"
# the repository checkout (/work/main, a worktree) sits next to the shared samples
SAMPLES = ROOT.parent / "shared" / "samples" / "telephony"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"real telephony samples not found at {SAMPLES} "
                                 "(the fixtures/imports excerpts still cover each preset)")


def read(path: Path, preset: str, zone: str | None = None
         ) -> tuple[list[Event], list[Rejected], int]:
    stats = ImportStats()
    items = list(read_import(str(path), load_preset(preset),
                             get_zone(zone) if zone else None, stats=stats, zone_name=zone))
    events = [i for i in items if isinstance(i, Event)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    return events, rejected, stats.merged


def csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as f:
        return sum(1 for row in csv.reader(f) if row)


def test_the_presets_are_shipped() -> None:
    assert set(preset_names()) >= {"asterisk-cdr", "freeswitch-cdr", "twilio-calls",
                                   "twilio-messages", "vicidial", "amazon-connect"}


# --- the real samples ---------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize(("name", "events", "rejected", "merged"), [
    ("asterisk-master-18col.csv", 264, 2, 3),
    ("asterisk-master-voicemail.csv", 105, 0, 0),
    ("asterisk-master-21col-multileg.csv", 36, 0, 48),
])
def test_asterisk_samples_every_row_accounted(name: str, events: int, rejected: int,
                                              merged: int) -> None:
    path = SAMPLES / name
    got_events, got_rejected, got_merged = read(path, "asterisk-cdr")
    assert (len(got_events), len(got_rejected), got_merged) == (events, rejected, merged)
    assert len(got_events) + len(got_rejected) + got_merged == csv_rows(path)
    for r in got_rejected:  # the two rows with no dialed number
        assert r.reason == "field 'consumer_id': missing (required): column 'dst' empty"
    # the samples' servers wrote UTC: uniqueid proves it, so nothing needs declaring
    assert all(e.timestamp.utcoffset().total_seconds() == 0 for e in got_events)  # type: ignore[union-attr]


@needs_samples
def test_asterisk_voicemail_and_failed_rows_from_the_sample() -> None:
    events, _, _ = read(SAMPLES / "asterisk-master-voicemail.csv", "asterisk-cdr")
    by_line = {e.line: e.outcome for e in events}
    assert by_line[33] == "voicemail"      # lastapp VoiceMail, ANSWERED
    assert by_line[75] == "voicemail"      # lastapp VoiceMail, NO ANSWER
    assert by_line[13] == "not_connected"  # FAILED
    assert by_line[74] == "busy"


@needs_samples
def test_asterisk_multileg_sample_collapses_on_linkedid() -> None:
    events, _, merged = read(SAMPLES / "asterisk-master-21col-multileg.csv", "asterisk-cdr")
    rows = list(csv.reader((SAMPLES / "asterisk-master-21col-multileg.csv").open()))
    assert len(events) == len({r[19] for r in rows}) == 36 and merged == 84 - 36
    local = next(e for e in events if e.event_id == "1706407446.50")
    # the originating channel's row, answered on the SIP/301 leg
    assert (local.line, local.outcome, local.consumer_id) == (23, "conversation", "211553")


@needs_samples
def test_freeswitch_sample_needs_the_hosts_zone() -> None:
    path = SAMPLES / "freeswitch-master-example.csv"
    events, rejected, merged = read(path, "freeswitch-cdr")
    assert not events and merged == 0 and len(rejected) == csv_rows(path) == 82
    assert all("no UTC offset" in r.reason and "--input-timezone" in r.reason for r in rejected)
    events, rejected, merged = read(path, "freeswitch-cdr", "America/Los_Angeles")
    assert (len(events), len(rejected), merged) == (82, 0, 0)
    outcomes = Counter(e.outcome for e in events)
    assert outcomes == {"no_answer": 56, "busy": 12, "conversation": 11, "not_connected": 3}


@needs_samples
def test_check_accounts_for_every_sample_row() -> None:
    policy = fairdebt.load_policy("us-reg-f")
    paths = sorted(str(p) for p in SAMPLES.glob("asterisk-*.csv"))
    notes: list[str] = []
    report = check_paths(paths, policy, mapping=load_preset("asterisk-cdr"),
                         default_timezone="America/New_York", notes=notes)
    s = report.summary
    assert s.rows_read == 269 + 105 + 84
    assert s.rows_read == s.events_checked + s.rows_rejected + (s.rows_merged or 0)
    assert (s.events_checked, s.rows_rejected, s.rows_merged) == (405, 2, 51)
    assert len(notes) == 3 and all("inferred UTC+00:00" in n for n in notes)


# --- excerpts and vendor-format fixtures (no ../shared needed) ------------------------


@pytest.mark.parametrize(("name", "preset", "zone", "events", "rejected", "merged"), [
    ("asterisk-18col.csv", "asterisk-cdr", None, 12, 2, 3),
    ("asterisk-voicemail.csv", "asterisk-cdr", None, 8, 0, 0),
    ("asterisk-21col-multileg.csv", "asterisk-cdr", None, 5, 0, 7),
    ("asterisk-malformed.csv", "asterisk-cdr", None, 2, 3, 0),
    ("freeswitch-example.csv", "freeswitch-cdr", "America/Los_Angeles", 10, 0, 0),
    ("twilio-calls.jsonl", "twilio-calls", None, 7, 2, 1),
    ("twilio-calls-console.csv", "twilio-calls", None, 3, 0, 1),
    ("twilio-messages.jsonl", "twilio-messages", None, 5, 2, 0),
    ("twilio-messages-console.csv", "twilio-messages", None, 3, 0, 0),
    ("vicidial-export.txt", "vicidial", "America/New_York", 6, 2, 0),
    ("amazon-connect-firehose.json", "amazon-connect", None, 5, 1, 2),
])
def test_fixture_totals(name: str, preset: str, zone: str | None, events: int,
                        rejected: int, merged: int) -> None:
    got = read(FIXTURES / name, preset, zone)
    assert (len(got[0]), len(got[1]), got[2]) == (events, rejected, merged)
    assert all(r.reason for r in got[1])


def test_asterisk_malformed_rows_are_rejected_without_echoing_numbers() -> None:
    _, rejected, _ = read(FIXTURES / "asterisk-malformed.csv", "asterisk-cdr")
    assert [(r.line, r.reason) for r in rejected] == [
        (2, "expected 16, 17, 18 or 21 fields (asterisk-cdr layout), found 12"),
        (3, "field 'timestamp': '2026-04-01 25:61:00' in column 'start' is not a "
            "'%Y-%m-%d %H:%M:%S' time"),
        (4, "field 'outcome': unknown disposition 'RINGING' (this mapping knows: ANSWERED, "
            "BUSY, CANCEL, CONGESTION, FAILED, NO ANSWER; add it under extra_values.outcome "
            "in a --mapping file)"),
    ]
    assert not any("555" in r.reason for r in rejected)


def test_asterisk_16_column_rows_take_the_offset_proven_by_earlier_rows() -> None:
    events, _, _ = read(FIXTURES / "asterisk-malformed.csv", "asterisk-cdr")
    sixteen = events[-1]
    assert (sixteen.line, sixteen.outcome) == (5, "busy")
    assert sixteen.event_id == f"{FIXTURES / 'asterisk-malformed.csv'}:5"  # no uniqueid
    assert sixteen.timestamp.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_twilio_calls_rest_fields() -> None:
    events, rejected, merged = read(FIXTURES / "twilio-calls.jsonl", "twilio-calls")
    by_id = {e.event_id: e for e in events}
    assert by_id["CA001"].outcome == "conversation" and "CA002" not in by_id  # child merged
    assert merged == 1
    assert by_id["CA004"].outcome == "voicemail"                             # AMD machine
    inbound = by_id["CA005"]
    assert (inbound.direction, inbound.consumer_id) == ("inbound", "+12125550101")
    assert by_id["CA009"].timestamp.hour == 15 and by_id["CA009"].outcome == "no_answer"
    assert [r.line for r in rejected] == [6, 10]
    assert "queued" in rejected[0].reason and "'on-hold'" in rejected[1].reason


def test_twilio_console_pascal_case_export() -> None:
    events, _, merged = read(FIXTURES / "twilio-calls-console.csv", "twilio-calls")
    assert [(e.event_id, e.outcome) for e in events] == [
        ("CA101", "conversation"), ("CA103", "no_answer"), ("CA104", "voicemail")]
    assert merged == 1


def test_twilio_messages_both_spellings() -> None:
    events, rejected, _ = read(FIXTURES / "twilio-messages.jsonl", "twilio-messages")
    assert [(e.event_id, e.channel, e.direction, e.outcome) for e in events] == [
        ("SM001", "sms", "outbound", "delivered"), ("SM002", "sms", "outbound", "failed"),
        ("SM003", "sms", "inbound", "delivered"), ("SM004", "sms", "outbound", "sent"),
        ("SM006", "social", "outbound", "delivered")]
    assert [r.line for r in rejected] == [5, 7]
    events, _, _ = read(FIXTURES / "twilio-messages-console.csv", "twilio-messages")
    assert [e.consumer_id for e in events] == ["+12125550101"] * 2 + ["+12125550102"]
    assert events[0].timestamp.utcoffset().total_seconds() == -4 * 3600  # type: ignore[union-attr]


def test_vicidial_statuses_leads_and_direction() -> None:
    events, rejected, _ = read(FIXTURES / "vicidial-export.txt", "vicidial", "America/New_York")
    assert [(e.consumer_id, e.outcome, e.direction) for e in events] == [
        ("5001", "conversation", "outbound"), ("5002", "no_answer", "outbound"),
        ("5003", "voicemail", "outbound"), ("5004", "busy", "outbound"),
        ("5005", "answered", "outbound"), ("5001", "conversation", "inbound")]
    assert events[0].destination == "2125550101"
    assert [r.line for r in rejected] == [8, 9]
    assert "unknown status 'PTP'" in rejected[0].reason
    assert "still in progress" in rejected[1].reason


def test_amazon_connect_dedup_transfers_and_outcomes() -> None:
    events, rejected, merged = read(FIXTURES / "amazon-connect-firehose.json", "amazon-connect")
    by_id = {e.event_id: e for e in events}
    assert set(by_id) == {"c-001", "c-002", "c-004", "c-005", "c-007"}
    # the second delivery (later LastUpdateTimestamp), on the line of concatenated records
    lines = (FIXTURES / "amazon-connect-firehose.json").read_text().splitlines()
    assert by_id["c-001"].outcome == "conversation"
    assert by_id["c-001"].line == len(lines) - 4
    assert (by_id["c-002"].direction, by_id["c-002"].outcome) == ("inbound", "conversation")
    assert by_id["c-004"].outcome == "voicemail"
    assert by_id["c-005"].outcome == "not_connected"
    assert (by_id["c-007"].channel, by_id["c-007"].direction, by_id["c-007"].outcome) == \
        ("other", "inbound", None)
    assert [r.reason for r in rejected] == [
        "field 'channel': Channel 'TASK': a task is internal work, not a communication "
        "with the consumer"]
    assert merged == 2


def test_cli_check_from_preset_reports_merged_rows() -> None:
    result = CliRunner().invoke(main, [
        "check", "--from", "twilio-calls", "--format", "json", "--no-config",
        "--default-timezone", "America/New_York", str(FIXTURES / "twilio-calls.jsonl")])
    assert result.exit_code in (0, 1), result.output
    summary = json.loads(result.stdout)["summary"]
    assert (summary["rows_read"], summary["events_checked"], summary["rows_rejected"],
            summary["rows_merged"]) == (10, 7, 2, 1)
    assert "1 row(s) merged" in result.stderr


def test_cli_check_rejects_a_raw_export_without_a_preset_and_names_bad_presets() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--no-config", "--from", "avaya",
                                  str(FIXTURES / "twilio-calls.jsonl")])
    assert result.exit_code == 2 and "no import preset 'avaya'" in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["check", "--no-config", "--encoding", "cp1252",
                                  str(ROOT / "fixtures" / "sample-calls.csv")])
    assert result.exit_code == 2 and "--encoding applies to exports" in result.stderr


def test_canonical_logs_keep_their_summary() -> None:
    report = check_paths([str(ROOT / "fixtures" / "sample-calls.csv")],
                         fairdebt.load_policy("us-reg-f"))
    assert report.summary.rows_merged is None
    assert "rows_merged" not in report.summary.to_dict()


def test_an_unsorted_export_is_read_twice_but_counted_once(tmp_path: Path) -> None:
    lines = (FIXTURES / "twilio-calls.jsonl").read_text().splitlines()
    early = json.loads(lines[2])
    early.update(sid="CA011", start_time="Wed, 01 Apr 2026 09:00:00 +0000")
    path = tmp_path / "calls.jsonl"
    # the last row goes back in time: the first pass is abandoned after its merges
    path.write_text("\n".join([*lines, json.dumps(early)]) + "\n")
    report = check_paths([str(path)], fairdebt.load_policy("us-reg-f"),
                         mapping=load_preset("twilio-calls"),
                         default_timezone="America/New_York")
    s = report.summary
    assert (s.rows_read, s.events_checked, s.rows_rejected, s.rows_merged) == (11, 8, 2, 1)


def test_a_second_pass_starts_its_counts_afresh() -> None:
    notes = ["an earlier note"]
    reader = LogReader(None, None, load_preset("asterisk-cdr"), None, notes)
    list(reader(str(FIXTURES / "asterisk-21col-multileg.csv"), "multileg.csv"))
    assert reader.merged == 7 and len(notes) == 2
    reader.restart()
    assert reader.merged == 0 and notes == ["an earlier note"]
