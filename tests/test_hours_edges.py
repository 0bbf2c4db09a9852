"""Contact hours at their edges: window boundaries, DST nights, several zones, far zones."""

from __future__ import annotations

import pytest

from helpers import hits, row, run

HOURS = "reg-f/hours"


@pytest.mark.parametrize(("local", "violates"), [
    ("07:59:59", True), ("08:00:00", False), ("08:01:00", False),
    ("20:59:00", False), ("20:59:59", False), ("21:00:00", True), ("21:01:00", True),
    ("00:00:00", True), ("23:59:59", True),
])
def test_one_minute_either_side_of_each_edge(local: str, violates: bool) -> None:
    report = run([row(f"2026-04-01T{local}-04:00", "e1", outcome="no_answer")], HOURS)
    assert (hits(report, HOURS) == ["e1"]) is violates


def test_utc_timestamp_judged_in_consumer_zone_not_utc() -> None:
    # 12:30 UTC is 08:30 in New York (allowed) but 05:30 in Los Angeles (not)
    report = run([row("2026-04-01T12:30:00Z", "ny"),
                  row("2026-04-01T12:30:00Z", "la", consumer="C2", tz="America/Los_Angeles")],
                 HOURS)
    assert hits(report, HOURS) == ["la"]
    assert "05:30" in report.findings[0].message


def test_dst_spring_forward_night() -> None:
    # 2026-03-08 02:00 EST → 03:00 EDT. 11:30 UTC is 07:30 EDT (too early); under EST
    # it would have been 06:30. 12:30 UTC is 08:30 EDT (fine) — with a fixed -05:00 it
    # would be 07:30 and wrongly flagged.
    report = run([row("2026-03-08T11:30:00Z", "early"), row("2026-03-08T12:30:00Z", "ok")],
                 HOURS)
    assert hits(report, HOURS) == ["early"]


def test_dst_fall_back_night() -> None:
    # 2026-11-01 02:00 EDT → 01:00 EST: 01:30 local happens twice, both outside hours.
    # 01:30 UTC is 21:30 EDT on Oct 31 (too late) but 20:30 EST on Nov 1 (fine).
    rows = [row("2026-10-31T01:30:00Z", "edt-2130"),
            row("2026-11-01T05:30:00Z", "first-0130"), row("2026-11-01T06:30:00Z", "second-0130"),
            row("2026-11-02T01:30:00Z", "est-2030"), row("2026-11-02T02:00:00Z", "est-2100")]
    report = run(rows, HOURS)
    assert hits(report, HOURS) == ["edt-2130", "first-0130", "second-0130", "est-2100"]


def test_ambiguous_location_allowed_only_if_allowed_everywhere() -> None:
    # comment 6(b)(1)(i)-2.i: Eastern and Pacific → 11:00–21:00 Eastern
    zones = "America/New_York;America/Los_Angeles"
    rows = [row("2026-04-01T10:59:00-04:00", "e1", tz=zones),
            row("2026-04-02T11:00:00-04:00", "e2", tz=zones),
            row("2026-04-03T20:59:00-04:00", "e3", tz=zones)]
    report = run(rows, HOURS)
    assert hits(report, HOURS) == ["e1"]
    assert "America/Los_Angeles" in report.findings[0].message


@pytest.mark.parametrize(("zone", "utc", "violates"), [
    ("Pacific/Honolulu", "2026-04-01T18:30:00Z", False),  # 08:30 HST (no DST)
    ("Pacific/Honolulu", "2026-04-01T17:30:00Z", True),   # 07:30 HST
    ("America/Anchorage", "2026-04-01T16:30:00Z", False),  # 08:30 AKDT
    ("America/Anchorage", "2026-04-01T15:30:00Z", True),  # 07:30 AKDT
    ("America/Phoenix", "2026-07-01T04:30:00Z", True),    # 21:30 MST (no DST in summer)
    ("America/Phoenix", "2026-07-01T03:30:00Z", False),   # 20:30 MST
])
def test_hawaii_alaska_arizona(zone: str, utc: str, violates: bool) -> None:
    report = run([row(utc, "e1", tz=zone)], HOURS)
    assert bool(hits(report, HOURS)) is violates


def test_unknown_zone_fails_closed_and_default_zone_resolves_it() -> None:
    rows = [row("2026-04-01T12:00:00Z", "e1", tz=None)]
    report = run(rows, "reg-f/*")
    assert hits(report, "reg-f/unknown-timezone") == ["e1"]
    assert hits(report, HOURS) == []
    report = run(rows, "reg-f/*", default_timezone="America/Los_Angeles")  # 05:00 PDT
    assert hits(report, "reg-f/unknown-timezone") == []
    assert hits(report, HOURS) == ["e1"]


def test_zone_carries_forward_from_an_earlier_row_of_the_same_consumer() -> None:
    rows = [row("2026-04-01T16:00:00Z", "e1", tz="America/Los_Angeles"),
            row("2026-04-02T13:00:00Z", "e2", tz=None)]  # 06:00 PDT
    report = run(rows, HOURS, "reg-f/unknown-timezone")
    assert hits(report, HOURS) == ["e2"]


def test_email_timed_when_sent_and_letters_not_timed() -> None:
    rows = [row("2026-04-01T06:00:00-04:00", "mail", channel="email", outcome="delivered",
                opt_out_notice="true"),
            row("2026-04-01T05:00:00-04:00", "letter", channel="letter", outcome="sent")]
    assert hits(run(rows, HOURS), HOURS) == ["mail"]


def test_inbound_and_third_party_contacts_are_not_hours_findings() -> None:
    rows = [row("2026-04-01T06:00:00-04:00", "in", direction="inbound"),
            row("2026-04-01T06:30:00-04:00", "emp", party="employer", outcome="no_answer")]
    assert hits(run(rows, HOURS), HOURS) == []
