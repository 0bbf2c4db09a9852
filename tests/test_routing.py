"""Engine capabilities behind the jurisdiction packs, on small inline policies:
routing by region, per-pack default zones, holiday calendars, calendar-period caps,
caps that start after the first conversation, the third-party gate, dated rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fairdebt

HEAD = "title: t\njurisdiction: T\nversion: '1'\n"


def pack(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"id: {name}\n{HEAD}{body}", encoding="utf-8")
    return path


def rule(rid: str, check: str, params: str = "{}", when: str = "{direction: outbound}",
         extra: str = "") -> str:
    return (f"  - id: {rid}\n    title: {rid}\n    check: {check}\n    citation: c\n"
            f"    severity: error\n    when: {when}\n    params: {params}\n{extra}")


def row(ts: str, eid: str, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"timestamp": ts, "consumer_id": "C1", "event_id": eid,
                           "channel": "call"}
    out.update(fields)
    return out


def found(policy: fairdebt.Policy, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    report = fairdebt.check(rows, policy)
    assert not report.rejected, report.rejected
    return [(f.rule, f.event_id) for f in report.findings]


HOURS = "{windows: [{start: '09:00', end: '17:00'}]}"


@pytest.fixture
def layered(tmp_path: Path) -> fairdebt.Policy:
    base = pack(tmp_path, "base", "regions: [XX]\nrules:\n" + rule("base/hours", "contact_hours",
                                                                     HOURS))
    pack(tmp_path, "overlay", "regions: [XX-AB]\ndefault_timezone: Asia/Tokyo\nrules:\n"
         + rule("overlay/cap", "frequency_cap", "{max: 1, days: 1, per: [person]}"))
    top = pack(tmp_path, "top", "extends: [base.yaml, overlay.yaml]\nrules: []\n")
    assert base.exists()
    return fairdebt.load_policy(str(top))


def test_subdivision_rules_apply_only_in_their_region(layered: fairdebt.Policy) -> None:
    rows = [row("2026-04-01T10:00+09:00", f"{c}{i}", consumer_id=c, timezone="Asia/Tokyo",
                **({"region": r} if r else {}))
            for c, r in (("in", "XX-AB"), ("out", "XX-CD"), ("none", None)) for i in (1, 2)]
    hits = found(layered, rows)
    assert hits == [("overlay/cap", "in2")]
    report = fairdebt.check(rows, layered)
    assert report.summary.consumers_without_region == 1
    assert report.summary.to_dict()["consumers_without_region"] == 1


def test_a_region_seen_once_routes_the_consumers_later_rows(layered: fairdebt.Policy) -> None:
    rows = [row("2026-04-01T10:00+09:00", "a", timezone="Asia/Tokyo", region="XX-AB"),
            row("2026-04-01T11:00+09:00", "b", timezone="Asia/Tokyo")]
    assert found(layered, rows) == [("overlay/cap", "b")]


def test_pack_default_zone_for_consumers_without_a_zone(layered: fairdebt.Policy) -> None:
    # 20:00 UTC is 05:00 in Tokyo: outside 09–17 for the consumer the overlay gives Tokyo;
    # the other consumer's zone stays unknown (left to a zone_known rule, not guessed)
    rows = [row("2026-04-01T20:00+00:00", "tokyo", region="XX-AB"),
            row("2026-04-01T20:00+00:00", "unknown", consumer_id="C2", region="XX-CD")]
    report = fairdebt.check(rows, layered)
    assert [(f.rule, f.event_id) for f in report.findings] == [("base/hours", "tokyo")]
    assert report.findings[0].local_time == "2026-04-02T05:00:00+09:00 (Asia/Tokyo)"


def test_country_pack_applies_to_consumers_of_unknown_region(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(
        tmp_path, "cc", "regions: [CN]\ndefault_timezone: Asia/Shanghai\nrules:\n"
        + rule("cc/quiet", "contact_hours", "{windows: [{start: '08:00', end: '22:00'}]}"))))
    rows = [row("2026-04-01T14:30+00:00", "late")]  # 22:30 in Beijing, no zone, no region
    assert found(policy, rows) == [("cc/quiet", "late")]
    assert policy.fallback_zone == ("Asia/Shanghai",)
    elsewhere = [row("2026-04-01T14:30+00:00", "us", region="US-TX")]
    assert found(policy, elsewhere) == []


@pytest.mark.parametrize("day, expected", [
    ("2026-07-01T10:00-04:00", ["hol"]),   # Canada Day
    ("2026-08-03T10:00-04:00", []),        # Civic Holiday: not statutory in Ontario
    ("2026-12-28T10:00-05:00", ["hol"]),   # Boxing Day (Sat 26th) observed on Monday
    ("2026-07-02T10:00-04:00", []),
])
def test_holiday_calendar(tmp_path: Path, day: str, expected: list[str]) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "h", "rules:\n" + rule(
        "h/hours", "contact_hours",
        "{windows: [{start: '07:00', end: '21:00'}], holidays: CA-ON}"))))
    hits = found(policy, [row(day, "hol", timezone="America/Toronto")])
    assert [e for _, e in hits] == expected


def test_holidays_of_the_consumers_region(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "h", "rules:\n" + rule(
        "h/hours", "contact_hours",
        "{windows: [{start: '07:00', end: '21:00'}], holidays: region}"))))
    # Family Day (third Monday of February) is a holiday in Ontario, not in Quebec
    rows = [row("2026-02-16T10:00-05:00", "on", timezone="America/Toronto", region="CA-ON"),
            row("2026-02-16T10:00-05:00", "qc", consumer_id="C2", timezone="America/Toronto",
                region="CA-QC")]
    assert found(policy, rows) == [("h/hours", "on")]


def test_unknown_holiday_calendar_is_a_policy_error(tmp_path: Path) -> None:
    path = pack(tmp_path, "h", "rules:\n" + rule(
        "h/hours", "contact_hours", "{windows: [{start: '07:00', end: '21:00'}], "
        "holidays: CA-ZZ}"))
    with pytest.raises(fairdebt.PolicyError, match="CA-ZZ"):
        fairdebt.load_policy(str(path))


@pytest.mark.parametrize("period, stamps, expected", [
    # ISO week: Sun 5 Apr and Mon 6 Apr are in different weeks
    ("week", ["2026-04-04T10:00", "2026-04-05T10:00", "2026-04-06T10:00"], ["e1"]),
    ("week", ["2026-04-06T10:00", "2026-04-08T10:00", "2026-04-12T10:00"], ["e1", "e2"]),
    ("month", ["2026-04-30T10:00", "2026-05-01T10:00", "2026-05-31T10:00"], ["e2"]),
    ("day", ["2026-04-01T23:00", "2026-04-02T00:30", "2026-04-02T09:00"], ["e2"]),
])
def test_calendar_period_caps(tmp_path: Path, period: str, stamps: list[str],
                              expected: list[str]) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "p", "rules:\n" + rule(
        "p/cap", "frequency_cap", f"{{max: 1, calendar: {period}, per: [person]}}"))))
    rows = [row(f"{ts}-04:00", f"e{i}", timezone="America/New_York")
            for i, ts in enumerate(stamps)]
    assert [e for _, e in found(policy, rows)] == expected


def test_cap_after_the_first_conversation(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "o", "rules:\n" + rule(
        "o/cap", "frequency_cap",
        "{max: 1, days: 7, per: [person], after_first_conversation: true}"))))
    before = [row(f"2026-04-0{d}T10:00-04:00", f"b{d}", outcome="no_answer",
                  timezone="America/Toronto") for d in (1, 2)]
    talk = row("2026-04-03T10:00-04:00", "talk", outcome="conversation",
               timezone="America/Toronto")
    after = [row(f"2026-04-0{d}T10:00-04:00", f"a{d}", outcome="no_answer",
                 timezone="America/Toronto") for d in (4, 5)]
    assert [e for _, e in found(policy, [*before, talk, *after])] == ["a5"]


def test_third_party_gate(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "g", "rules:\n" + rule(
        "g/gate", "third_party_gate", "{failures: 3}",
        when="{direction: outbound, party: [third_party, employer]}"))))
    tz = {"timezone": "Asia/Shanghai"}
    fails = [row(f"2026-04-01T{9 + i:02d}:00+08:00", f"f{i}", outcome="no_answer", **tz)
             for i in range(3)]
    third = {"party": "third_party", "destination": "+8613800000000", **tz}
    early = row("2026-04-01T10:30+08:00", "early", **third)  # after two failures
    late = row("2026-04-01T12:30+08:00", "late", **third)
    assert found(policy, [*fails, early, late]) == [("g/gate", "early")]
    # reaching the consumer starts the count again
    reached = row("2026-04-01T13:00+08:00", "talk", outcome="conversation", **tz)
    again = row("2026-04-01T14:00+08:00", "again", **third)
    assert ("g/gate", "again") in found(policy, [*fails, late, reached, again])
    # an invalid own number (one used to reach the consumer) opens the gate at once
    own = row("2026-04-01T07:00+08:00", "own", outcome="conversation",
              destination="+8613900000000", **tz)
    wrong = {"timestamp": "2026-04-01T08:00+08:00", "consumer_id": "C1",
             "event": "wrong_number", "destination": "+8613900000000"}
    assert found(policy, [own, wrong, early]) == []
    # a mark on someone else's number does not
    other = {**wrong, "destination": "+8613800000000"}
    assert found(policy, [own, other, early]) == [("g/gate", "early")]


def test_dated_rules_apply_only_in_their_range(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "d", "rules:\n" + rule(
        "d/hours", "contact_hours", HOURS,
        extra="    effective_from: 2026-07-01\n    effective_to: 2026-12-31\n"))))
    rows = [row("2026-06-30T20:00-04:00", "before", timezone="America/New_York"),
            row("2026-07-01T20:00-04:00", "during", timezone="America/New_York"),
            row("2027-01-01T20:00-05:00", "after", timezone="America/New_York")]
    assert found(policy, rows) == [("d/hours", "during")]


def test_bad_dates_and_regions_are_policy_errors(tmp_path: Path) -> None:
    path = pack(tmp_path, "bad", "regions: [NOT-A-REGION-CODE]\ndefault_timezone: Mars/Base\n"
                "rules:\n" + rule("bad/hours", "contact_hours", HOURS,
                                  extra="    effective_from: 2026-02-30\n"))
    with pytest.raises(fairdebt.PolicyError) as err:
        fairdebt.load_policy(str(path))
    text = str(err.value)
    assert "NOT-A-REGION-CODE" in text and "Mars/Base" in text and "2026-02-30" in text


def test_layered_countries_keep_each_consumer_under_their_own_country() -> None:
    policy = fairdebt.load_policy("us", "cn")
    rows = [row("2026-04-01T14:30+00:00", "nowhere"),  # no region, no zone
            row("2026-04-01T14:30+00:00", "beijing", consumer_id="C2", region="CN"),
            row("2026-04-01T14:30+00:00", "texas", consumer_id="C3", region="US-TX",
                timezone="America/Chicago")]
    hits = found(policy, rows)
    # no region: both countries' rules; the zone is not guessed from China's default
    assert ("reg-f/unknown-timezone", "nowhere") in hits
    assert policy.fallback_zone == ()
    assert {r for r, e in hits if e == "beijing"} == {"cn/quiet-hours"}
    assert not [r for r, e in hits if e == "texas" and r.startswith("cn/")]


def test_gate_debtor_is_the_consumer_alone_by_default(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "g", "rules:\n" + rule(
        "g/gate", "third_party_gate", "{}",
        when="{direction: outbound, party: [spouse, third_party]}"))))
    spouse = row("2026-04-01T10:00+08:00", "spouse", party="spouse", timezone="Asia/Shanghai")
    assert found(policy, [spouse]) == [("g/gate", "spouse")]


@pytest.mark.parametrize("value, ok", [("ca-on", True), ("US-NY-NYC", True), ("CN", True),
                                       ("New York", False), ("USA-NY", False)])
def test_log_regions_must_be_codes(value: str, ok: bool) -> None:
    report = fairdebt.check([row("2026-04-01T10:00-04:00", "e", region=value,
                                 timezone="America/New_York")], fairdebt.load_policy("us"))
    assert (not report.rejected) is ok
    if not ok:
        assert "field 'region'" in report.rejected[0].reason


@pytest.mark.parametrize("window, stamps, expected", [
    # rolling month: from the same day of the month before, exclusive
    ("months: 1", ["2026-03-15", "2026-04-15", "2026-04-16"], ["e2"]),
    ("months: 1", ["2026-03-31", "2026-04-30"], ["e1"]),
    ("months: 1", ["2026-02-28", "2026-03-28", "2026-03-29"], ["e2"]),
    ("weeks: 2", ["2026-04-01", "2026-04-14", "2026-04-15"], ["e1", "e2"]),
    ("weeks: 2", ["2026-04-01", "2026-04-15"], []),
])
def test_rolling_weeks_and_months(tmp_path: Path, window: str, stamps: list[str],
                                  expected: list[str]) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "p", "rules:\n" + rule(
        "p/cap", "frequency_cap", f"{{max: 1, {window}, per: [person]}}"))))
    rows = [row(f"{ts}T10:00-04:00", f"e{i}", timezone="America/New_York")
            for i, ts in enumerate(stamps)]
    assert [e for _, e in found(policy, rows)] == expected


def test_two_windows_in_one_cap_is_a_policy_error(tmp_path: Path) -> None:
    path = pack(tmp_path, "p", "rules:\n" + rule(
        "p/cap", "frequency_cap", "{max: 1, days: 7, months: 1}"))
    with pytest.raises(fairdebt.PolicyError):
        fairdebt.load_policy(str(path))


def test_caps_per_creditor(tmp_path: Path) -> None:
    policy = fairdebt.load_policy(str(pack(tmp_path, "p", "rules:\n" + rule(
        "p/cap", "frequency_cap", "{max: 1, days: 7, per: [person, creditor]}"))))
    rows = [row("2026-04-01T10:00-04:00", "a1", creditor="Acme Bank", timezone="America/Toronto"),
            row("2026-04-02T10:00-04:00", "b1", creditor="Beta Card", timezone="America/Toronto"),
            row("2026-04-03T10:00-04:00", "a2", creditor="Acme Bank", timezone="America/Toronto"),
            row("2026-04-04T10:00-04:00", "u1", timezone="America/Toronto"),
            row("2026-04-05T10:00-04:00", "u2", timezone="America/Toronto")]
    # unknown creditors share one count (the conservative reading)
    assert [e for _, e in found(policy, rows)] == ["a2", "u2"]
