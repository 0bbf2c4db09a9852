"""Regression tests for defects found in review: each would fail on the code before its fix."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from helpers import hits, row, run

FREQ, AFTER = "reg-f/call-frequency", "reg-f/after-conversation"


def seven_calls(debt: str, **kw: object) -> list[dict[str, object]]:
    return [row(f"2026-04-0{d}T10:00:00-04:00", f"{debt}{d}", outcome="no_answer",
                debt_id=debt, **kw) for d in range(1, 8)]  # type: ignore[arg-type]


def test_consent_for_one_debt_does_not_hide_calls_about_another() -> None:
    rows = [row("2026-03-31T18:00:00-04:00", "ok", event="consent", debt_id="A"),
            *seven_calls("B"),
            row("2026-04-07T15:00:00-04:00", "both", outcome="no_answer", debt_id="A;B")]
    report = run(rows, FREQ)
    assert hits(report, FREQ) == ["both"] and report.findings[0].debt_id == "B"


def test_consumer_consent_does_not_cover_calls_to_third_parties() -> None:
    rows = [row("2026-03-31T18:00:00-04:00", "ok", event="consent"),
            *seven_calls("A", party="employer", destination="555-0190"),
            row("2026-04-07T15:00:00-04:00", "x", outcome="no_answer", debt_id="A",
                party="employer", destination="555-0190")]
    assert hits(run(rows, FREQ), FREQ) == ["x"]


def test_only_the_consumers_own_contact_opens_a_reply_after_attorney() -> None:
    base = [row("2026-04-01T10:00:00-04:00", "atty", event="attorney"),
            row("2026-04-02T10:05:00-04:00", "out", outcome="no_answer")]
    creditor_in = row("2026-04-02T10:00:00-04:00", "in", direction="inbound",
                      party="creditor", outcome="conversation")
    consumer_in = {**creditor_in, "party": "consumer"}
    assert hits(run([*base, creditor_in], "reg-f/represented"), "reg-f/represented") == ["out"]
    assert hits(run([*base, consumer_in], "reg-f/represented"), "reg-f/represented") == []


def test_inconvenient_reply_allowed_late_on_a_25_hour_day() -> None:
    rows = [row("2026-10-31T00:40:00Z", "sms", channel="sms", outcome="delivered",
                opt_out_notice="true", consumer="C2"),  # moves time on for another consumer
            row("2026-10-01T12:00:00Z", "designate", event="inconvenient", detail="Sun"),
            row("2026-11-01T04:10:00Z", "in", direction="inbound", outcome="conversation"),
            row("2026-11-02T04:50:00Z", "reply", outcome="conversation")]  # 23:50 EST, Sunday
    assert hits(run(rows, "reg-f/inconvenient-time"), "reg-f/inconvenient-time") == []


def test_an_expired_conversation_does_not_name_the_debt_of_a_later_finding() -> None:
    rows = [row("2026-04-01T10:00:00-04:00", "talkA", outcome="conversation", debt_id="A"),
            row("2026-04-12T10:00:00-04:00", "talk", outcome="conversation"),
            row("2026-04-13T10:00:00-04:00", "call", outcome="no_answer")]
    with_noise = [*rows, row("2026-04-06T10:00:00-04:00", "sms", channel="sms", consumer="C2",
                             outcome="delivered", opt_out_notice="true")]
    for log in (rows, with_noise):
        report = run(log, AFTER)
        assert hits(report, AFTER) == ["call"]
        assert report.findings[0].debt_id is None, report.findings[0]


def test_wrong_number_withdrawal_rebuilds_count_and_debts() -> None:
    rows = [row(f"2026-04-0{d}T10:00:00-04:00", f"a{d}", outcome="no_answer", debt_id="A",
                destination="555-0100") for d in range(1, 8)]
    rows += [row("2026-04-07T11:00:00-04:00", "x", outcome="no_answer", debt_id="A",
                 destination="555-0199"),
             row("2026-04-07T12:00:00-04:00", "y", outcome="no_answer", debt_id="A",
                 destination="555-0100"),
             row("2026-04-07T13:00:00-04:00", "wrong", event="wrong_number", channel="call",
                 destination="555-0199")]
    report = run(rows, FREQ)
    (finding,) = report.findings
    assert finding.event_id == "y" and "8 calls" in finding.message
    assert "x" not in finding.evidence


def test_unnamed_calls_count_toward_debts_known_when_they_were_made() -> None:
    rows = [row("2026-04-01T09:00:00-04:00", "a", outcome="no_answer", debt_id="A")]
    rows += [row(f"2026-04-0{d}T10:00:00-04:00", f"u{d}", outcome="no_answer")
             for d in range(1, 8)]
    rows.append(row("2026-04-07T12:00:00-04:00", "b", outcome="no_answer", debt_id="B"))
    report = run(rows, FREQ)
    assert [(f.event_id, f.debt_id) for f in report.findings] == [("u7", "A")]


def test_window_pruning_survives_a_zone_change() -> None:
    ny, la = "America/New_York", "America/Los_Angeles"
    rows = [row("2026-04-02T04:30:00Z", "x", tz=ny, outcome="no_answer", debt_id="D"),
            row("2026-04-02T05:00:00Z", "y", tz=la, outcome="no_answer", debt_id="D")]
    rows += [row(f"2026-04-0{d}T16:00:00Z", f"c{d}", tz=ny, outcome="no_answer", debt_id="D")
             for d in range(3, 8)]
    rows.append(row("2026-04-08T16:00:00Z", "z", tz=ny, outcome="no_answer", debt_id="D"))
    # z's window is Apr 2..8 (New York days): x (Apr 2 NY) counts, y (Apr 1 LA) does not
    assert hits(run(rows, FREQ), FREQ) == []


def test_cease_does_not_bar_location_inquiries_to_third_parties() -> None:
    rows = [row("2026-04-01T10:00:00-04:00", "cease", event="cease"),
            row("2026-04-02T10:00:00-04:00", "loc", party="employer", purpose="location",
                disclosed_debt="false", outcome="conversation", destination="555-0190")]
    assert hits(run(rows, "reg-f/cease"), "reg-f/cease") == []


def _check(tmp_path: Path, name: str, data: bytes, *args: str) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def test_far_years_are_rejected_not_crashed(tmp_path: Path) -> None:
    body = ("timestamp,consumer_id,channel,timezone\n"
            "9999-12-31T23:00:00-05:00,C1,call,America/New_York\n"
            "0001-01-01T00:00:00+05:00,C1,call,\n"
            "2026-04-01T14:00:00Z,C1,call,America/New_York\n")
    code, out, _ = _check(tmp_path, "y.csv", body.encode())
    doc = json.loads(out)
    assert code == 0 and [r["line"] for r in doc["rejected"]] == [2, 3]


def test_corrupt_gzip_is_a_clear_error(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b"timestamp,consumer_id,channel\n" * 200))
    data[20:40] = b"\xff" * 20
    code, _, err = _check(tmp_path, "bad.csv.gz", bytes(data))
    assert code == 2 and "cannot read" in err


def test_lone_surrogate_in_json_is_a_rejected_row(tmp_path: Path) -> None:
    line = '{"timestamp":"2026-04-01T13:05:00Z","consumer_id":"\\ud800","channel":"call"}\n'
    good = ('{"timestamp":"2026-04-01T14:05:00Z","consumer_id":"C2","channel":"call",'
            '"timezone":"America/New_York"}\n')  # (a run that checks no row exits 2)
    code, out, _ = _check(tmp_path, "s.jsonl", (line + good).encode())
    doc = json.loads(out)
    assert code == 0 and "surrogate" in doc["rejected"][0]["reason"]


def test_empty_file_is_not_an_error(tmp_path: Path) -> None:
    for name, data in (("empty.csv", b""), ("bom.csv", b"\xef\xbb\xbf")):
        code, out, _ = _check(tmp_path, name, data)
        assert code == 0 and json.loads(out)["summary"]["rows_read"] == 0, name


def test_too_many_debts_in_one_row_is_rejected(tmp_path: Path) -> None:
    debts = ";".join(f"D{i}" for i in range(5000))
    body = (f"timestamp,consumer_id,channel,debt_id\n2026-04-01T14:00:00Z,C1,call,{debts}\n"
            "2026-04-01T14:00:00Z,C2,call,D1\n")  # (a run that checks no row exits 2)
    code, out, _ = _check(tmp_path, "d.csv", body.encode(), "--default-timezone", "UTC")
    assert code == 0 and "at most 1000" in json.loads(out)["rejected"][0]["reason"]


def test_evidence_stays_bounded_however_many_calls_the_window_holds() -> None:
    rows = [row(f"2026-04-01T{8 + i // 60:02d}:{i % 60:02d}:00-04:00", f"c{i}",
                outcome="no_answer", debt_id="D") for i in range(200)]
    report = run(rows, FREQ)
    assert len(report.findings) == 200 - 7
    last = report.findings[-1]
    assert "200 calls" in last.message
    assert last.evidence == (*(f"c{i}" for i in range(7)), "c199")


def test_pytz_attached_without_localize_on_an_ambiguous_time_is_rejected() -> None:
    from datetime import datetime

    import pytz

    import fairdebt

    ts = datetime(2026, 11, 1, 1, 30, tzinfo=pytz.timezone("America/New_York"))  # LMT
    report = fairdebt.check([{"timestamp": ts, "consumer_id": "C1", "channel": "call"}],
                            fairdebt.load_policy("us-reg-f"))
    assert report.rejected and "happens twice" in report.rejected[0].reason


# --- found in review, session 2 -------------------------------------------------------

def test_decide_uses_the_zone_a_region_gives() -> None:
    """A consumer whose only zone comes from their region (us-ma's Eastern default)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")
    d = fairdebt.decide(fairdebt.load_policy("us"), [],
                        {"consumer_id": "C", "channel": "call", "region": "US-MA"},
                        datetime(2026, 4, 8, 22, 0, tzinfo=ny))
    assert d.next_permitted_at == datetime(2026, 4, 9, 8, 0, tzinfo=ny)


def test_decide_with_region_only_in_the_history_uses_its_holidays(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")
    pack = tmp_path / "hol.yaml"
    pack.write_text(
        "id: hol\nrules:\n  - id: hol/hours\n    check: contact_hours\n    citation: c\n"
        "    params: {windows: [{start: '08:00', end: '21:00'}], holidays: region}\n",
        encoding="utf-8")
    history = [{"timestamp": "2026-06-30T10:00:00-04:00", "consumer_id": "C", "channel": "sms",
                "region": "US-NY", "timezone": "America/New_York"}]
    d = fairdebt.decide(fairdebt.load_policy(str(pack)), history,
                        {"consumer_id": "C", "channel": "call"},
                        datetime(2026, 7, 3, 9, 0, tzinfo=ny))  # Independence Day, observed
    assert d.next_permitted_at == datetime(2026, 7, 5, 8, 0, tzinfo=ny)


def test_a_house_policy_on_a_single_zone_pack_keeps_its_zone(tmp_path: Path) -> None:
    house = tmp_path / "house.yaml"
    house.write_text("id: house\nextends: [cn]\nrules:\n  - id: house/none\n    check: forbid\n"
                     "    citation: c\n    when: {channel: social}\n", encoding="utf-8")
    rows = [{"timestamp": "2026-04-01T22:30:00+08:00", "consumer_id": "C1", "event_id": "a",
             "channel": "call", "outcome": "no_answer"}]
    for policy in (fairdebt.load_policy(str(house)), fairdebt.load_policy("cn", str(house))):
        assert [f.rule for f in fairdebt.check(rows, policy).findings] == ["cn/quiet-hours"]


@pytest.mark.parametrize("visit, asked, expected", [
    ("2026-01-31", "2026-02-15", "2026-03-01"), ("2026-03-31", "2026-04-15", "2026-05-01")])
def test_rolling_month_cap_ends_the_day_after_the_clamped_date(
        tmp_path: Path, visit: str, asked: str, expected: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")
    pack = tmp_path / "cap.yaml"
    pack.write_text(
        "id: cap\nrules:\n  - id: cap/visits\n    check: frequency_cap\n    citation: c\n"
        "    when: {channel: visit}\n    params: {max: 1, months: 1, per: [person]}\n"
        "  - id: cap/hours\n    check: contact_hours\n    citation: c\n"
        "    params: {windows: [{start: '08:00', end: '21:00'}]}\n", encoding="utf-8")
    history = [{"timestamp": f"{visit}T10:00:00-05:00", "consumer_id": "C", "channel": "visit",
                "timezone": "America/New_York"}]
    d = fairdebt.decide(fairdebt.load_policy(str(pack)), history,
                        {"consumer_id": "C", "channel": "visit", "timezone": "America/New_York"},
                        datetime.fromisoformat(f"{asked}T12:00:00").replace(tzinfo=ny))
    assert d.next_permitted_at is not None
    assert d.next_permitted_at.astimezone(ny).date().isoformat() == expected


def test_decide_waits_for_a_dated_rule_to_go_out_of_force(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")
    pack = tmp_path / "eff.yaml"
    pack.write_text(
        "id: eff\nrules:\n  - id: eff/no-sms\n    check: forbid\n    citation: c\n"
        "    when: {channel: sms}\n    effective_from: 2026-04-01\n    effective_to: 2026-04-10\n",
        encoding="utf-8")
    d = fairdebt.decide(fairdebt.load_policy(str(pack)), [],
                        {"consumer_id": "C", "channel": "sms", "timezone": "America/New_York"},
                        datetime(2026, 4, 5, 12, 0, tzinfo=ny))
    assert d.next_permitted_at == datetime(2026, 4, 11, 0, 0, tzinfo=ny)


def test_jobs_keep_a_consumer_whose_json_id_is_a_boolean_together(tmp_path: Path) -> None:
    log = tmp_path / "b.jsonl"
    rows = [{"timestamp": f"2026-04-0{d}T12:00:00-04:00", "consumer_id": cid, "channel": "call",
             "debt_id": "D", "timezone": "America/New_York"}
            for d, cid in zip(range(1, 9), [True, "true"] * 4, strict=True)]
    log.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    policy = fairdebt.load_policy("us-reg-f")
    one = fairdebt.check_files([str(log)], policy)
    for jobs in (2, 3, 4):
        assert fairdebt.check_files([str(log)], policy, jobs=jobs) == one
    assert one.summary.consumers == 1
