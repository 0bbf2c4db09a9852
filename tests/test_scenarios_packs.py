"""The jurisdiction packs (issue 3), as scenario tests built from REGULATIONS.md.

Each test replays a short contact log against a built-in pack loaded by id
(``us``, ``ca``, ``au``, ``cn``, ``in-rbi``, ``ie``) and asserts the exact
(rule, event) pairs found, so that a missing or wrong rule fails it: every
barred case names its rule and event, and every allowed case (the control
beside it) must produce no finding of that rule.

Times are written as wall-clock times in the consumer's zone (``at``), and the
weekday of every date is checked (``day``), so that "Sunday 12:30" in a test
really is a Sunday. Consumers carry their ``region``; a ``timezone`` column
only where the test says so.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import fairdebt

Row = dict[str, Any]

TORONTO = "America/Toronto"
VANCOUVER = "America/Vancouver"
SYDNEY = "Australia/Sydney"
SHANGHAI = "Asia/Shanghai"
KOLKATA = "Asia/Kolkata"
DUBLIN = "Europe/Dublin"
NY = "America/New_York"
CHICAGO = "America/Chicago"

MOBILE = "+1-555-0101"
THIRD = "+1-555-0199"


# --- helpers --------------------------------------------------------------------------


def day(text: str) -> date:
    """``"Sun 2026-06-07"`` → that date, refusing a weekday that does not match it."""
    weekday, iso = text.split()
    parsed = date.fromisoformat(iso)
    assert parsed.strftime("%a") == weekday, f"{iso} is a {parsed:%A}, not {weekday}"
    return parsed


def at(when: str, hh_mm: str, zone: str) -> str:
    """ISO 8601 instant (with its offset) of a wall-clock time in ``zone``."""
    d = day(when)
    hour, minute = (int(p) for p in hh_mm.split(":"))
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=ZoneInfo(zone)).isoformat()


def contact(eid: str, when: str, hh_mm: str, *, zone: str, consumer: str = "C1",
            region: str | None = None, tz: bool = True, **fields: Any) -> Row:
    """An outbound call to the consumer's mobile about debt D1, unanswered by default.

    ``zone`` is where the wall-clock time is read; it is written to the log's
    ``timezone`` column only if ``tz`` is true.
    """
    r: Row = {
        "timestamp": at(when, hh_mm, zone),
        "consumer_id": consumer,
        "event_id": eid,
        "channel": "call",
        "direction": "outbound",
        "party": "consumer",
        "outcome": "no_answer",
        "debt_id": "D1",
        "destination": MOBILE,
        "destination_type": "mobile",
    }
    if tz:
        r["timezone"] = zone
    if region:
        r["region"] = region
    r.update(fields)
    return r


def lint(rows: list[Row], pack: str) -> fairdebt.Report:
    """Check ``rows`` against a built-in pack; every row must be readable, and the
    log's row order must not matter."""
    policy = fairdebt.load_policy(pack)
    report = fairdebt.check(rows, policy)
    assert report.rejected == (), report.rejected
    assert report.summary.rows_read == len(rows)
    backwards = fairdebt.check(rows[::-1], policy)
    assert sorted(_key(f) for f in backwards.findings) == sorted(_key(f) for f in report.findings)
    return report


def _key(f: fairdebt.Finding) -> tuple[str, str, str | None, tuple[str, ...]]:
    return (f.rule, f.event_id, f.debt_id, f.evidence)


def verdict(report: fairdebt.Report) -> list[tuple[str, str]]:
    """Every finding as (rule, event id), sorted."""
    return sorted((f.rule, f.event_id) for f in report.findings)


def policy_of(report: fairdebt.Report) -> dict[str, str]:
    """Rule id → the pack its findings name."""
    return {f.rule: f.policy for f in report.findings}


# --- Ontario (pack ca, region CA-ON) -----------------------------------------------------


def on_call(eid: str, when: str, hh_mm: str, **fields: Any) -> Row:
    return contact(eid, when, hh_mm, zone=TORONTO, region="CA-ON", **fields)


def test_ontario_sunday_before_1pm_is_barred_and_after_1pm_allowed() -> None:
    """Reg. 74: Sunday contact only 13:00–17:00 local time."""
    report = lint([
        on_call("S1", "Sun 2026-06-07", "12:30"),
        on_call("S2", "Sun 2026-06-07", "13:30"),
        on_call("S3", "Sun 2026-06-07", "17:30"),
        on_call("M1", "Mon 2026-06-08", "07:30"),  # Mon-Sat from 07:00
    ], "ca")
    assert verdict(report) == [("ca-on/hours", "S1"), ("ca-on/hours", "S3")]
    assert policy_of(report) == {"ca-on/hours": "ca-on"}


def test_ontario_hours_apply_only_to_ontario_consumers() -> None:
    """The ca composite routes by region: British Columbia has its own rule (with the
    same Sunday window), and a consumer with no region gets no provincial rule."""
    report = lint([
        contact("B1", "Sun 2026-06-07", "12:30", zone=VANCOUVER, consumer="BC",
                region="CA-BC"),
        contact("N1", "Sun 2026-06-07", "12:30", zone=TORONTO, consumer="NOREGION"),
    ], "ca")
    assert verdict(report) == [("ca-bc/hours", "B1")]
    assert report.summary.consumers_without_region == 1


@pytest.mark.parametrize(("when", "holiday"), [
    ("Wed 2026-07-01", "Canada Day"),
    ("Mon 2026-02-16", "Family Day"),
    ("Mon 2026-12-28", "Boxing Day observed (26 December 2026 is a Saturday)"),
])
def test_ontario_statutory_holiday_is_barred(when: str, holiday: str) -> None:
    """Reg. 74: no contact on a holiday, even inside the weekday hours."""
    report = lint([
        on_call("H1", when, "10:00"),
        on_call("W1", "Thu 2026-07-02", "10:00"),  # an ordinary weekday: allowed
    ], "ca")
    assert verdict(report) == [("ca-on/hours", "H1")], holiday


def test_ontario_cap_does_not_run_before_the_first_conversation() -> None:
    """Four voicemails in four days to a debtor never spoken with: no cap yet."""
    report = lint([
        on_call(f"V{i}", d, "10:00", outcome="voicemail", message="limited_content")
        for i, d in enumerate(["Mon 2026-06-01", "Tue 2026-06-02", "Wed 2026-06-03",
                               "Thu 2026-06-04"], start=1)
    ], "ca")
    assert verdict(report) == []


def test_ontario_fourth_contact_in_7_days_after_a_first_conversation_is_barred() -> None:
    """After the first conversation, at most 3 contacts (spoke, email, voicemail) in 7
    days; unanswered attempts are not contacts. The conversation is 9 days before the
    window, so whether it counts itself does not matter here."""
    report = lint([
        on_call("T0", "Mon 2026-06-01", "10:00", outcome="conversation"),
        on_call("K1", "Wed 2026-06-10", "10:00", outcome="voicemail"),
        on_call("K2", "Thu 2026-06-11", "10:00", outcome="voicemail"),
        on_call("N1", "Thu 2026-06-11", "15:00", outcome="no_answer"),
        on_call("K3", "Fri 2026-06-12", "10:00", channel="email", outcome="delivered",
                destination="c1@example.ca", destination_type="email"),
        on_call("N2", "Fri 2026-06-12", "15:00", outcome="no_answer"),
        on_call("K4", "Sat 2026-06-13", "10:00", outcome="conversation"),
        # Thu 18 June: the 7 days from Fri 12 June hold K3, K4 and K5: 3 again
        on_call("K5", "Thu 2026-06-18", "10:00", outcome="voicemail"),
    ], "ca")
    assert verdict(report) == [("ca-on/contact-cap", "K4")]
    finding = next(f for f in report.findings if f.rule == "ca-on/contact-cap")
    assert finding.policy == "ca-on"
    assert set(finding.evidence) == {"K1", "K2", "K3", "K4"}


# --- Australia (pack au) -------------------------------------------------------------------


def au_call(eid: str, when: str, hh_mm: str, **fields: Any) -> Row:
    return contact(eid, when, hh_mm, zone=SYDNEY, region="AU", **fields)


def test_australia_weekday_0745_allowed_weekend_0830_barred() -> None:
    """RG 96: phone 07:30–21:00 Monday to Friday, 09:00–21:00 at weekends."""
    report = lint([
        au_call("D1", "Mon 2026-03-02", "07:45"),
        au_call("D2", "Tue 2026-03-03", "07:15"),  # before 07:30 on a weekday
        au_call("E1", "Sat 2026-03-07", "08:30"),
        au_call("E2", "Sun 2026-03-08", "09:30"),
    ], "au")
    assert verdict(report) == [("au/phone-hours", "D2"), ("au/phone-hours", "E1")]
    assert policy_of(report) == {"au/phone-hours": "au"}


def test_australia_national_public_holiday_barred() -> None:
    """RG 96: no contact on national public holidays (Australia Day, Monday 26 January
    2026), at any hour; the next day is fine."""
    report = lint([
        au_call("H1", "Mon 2026-01-26", "10:00"),
        au_call("H2", "Mon 2026-01-26", "11:00", channel="email", outcome="delivered",
                destination="c1@example.com.au", destination_type="email"),
        au_call("W1", "Tue 2026-01-27", "10:00"),
    ], "au")
    assert verdict(report) == [("au/public-holidays", "H1"), ("au/public-holidays", "H2")]


def test_australia_fourth_contact_made_in_a_week_barred_attempts_do_not_count() -> None:
    """RG 96: at most 3 contacts a week per account, counting contacts actually made
    (answered call, voicemail left, delivered message), not attempts."""
    report = lint([
        au_call("A1", "Mon 2026-03-09", "10:00", outcome="conversation"),
        au_call("N1", "Mon 2026-03-09", "14:00", outcome="no_answer"),
        au_call("A2", "Tue 2026-03-10", "10:00", outcome="voicemail"),
        au_call("N2", "Tue 2026-03-10", "14:00", outcome="no_answer"),
        au_call("N3", "Tue 2026-03-10", "16:00", outcome="busy"),
        au_call("A3", "Wed 2026-03-11", "10:00", channel="sms", outcome="delivered"),
        au_call("N4", "Wed 2026-03-11", "14:00", outcome="not_connected"),
        au_call("A4", "Thu 2026-03-12", "10:00", outcome="conversation"),
    ], "au")
    assert verdict(report) == [("au/contact-cap-week", "A4")]
    finding = report.findings[0]
    assert set(finding.evidence) == {"A1", "A2", "A3", "A4"}
    assert finding.debt_id == "D1"


def test_australia_consumer_without_zone_fails_closed() -> None:
    """Australia has several zones and the pack declares no default one."""
    report = lint([au_call("Z1", "Mon 2026-03-02", "10:00", tz=False)], "au")
    assert verdict(report) == [("au/unknown-timezone", "Z1")]


# --- United States (pack us): Massachusetts and routing ----------------------------------------


def us_call(eid: str, when: str, hh_mm: str, *, zone: str = NY, **fields: Any) -> Row:
    return contact(eid, when, hh_mm, zone=zone, **fields)


def test_massachusetts_third_call_in_7_days_barred() -> None:
    """940 CMR 7.04(1)(f) / 209 CMR 18.16(1): at most 2 calls in 7 days to a personal
    number per debt. Reg F (7 in 7) is silent."""
    report = lint([
        us_call("M1", "Mon 2026-06-01", "10:00", region="US-MA"),
        us_call("M2", "Wed 2026-06-03", "10:00", region="US-MA"),
        us_call("M3", "Fri 2026-06-05", "10:00", region="US-MA"),
        # day 7 after M1 is Sun 7 June: on Mon 8 June only M2 and M3 are in the window...
        us_call("M4", "Mon 2026-06-08", "10:00", region="US-MA"),
        # ...but on Tue 9 June M2, M3 and M4 are: a third call again
        us_call("M5", "Tue 2026-06-09", "10:00", region="US-MA"),
    ], "us")
    assert verdict(report) == [("us-ma/call-cap-home", "M3"), ("us-ma/call-cap-home", "M4"),
                               ("us-ma/call-cap-home", "M5")]
    assert policy_of(report) == {"us-ma/call-cap-home": "us-ma"}


def test_massachusetts_calls_elsewhere_capped_at_2_in_30_days() -> None:
    """Two calls in 30 days to places other than a personal number (e.g. work)."""
    report = lint([
        us_call("W1", "Mon 2026-06-01", "10:00", region="US-MA", destination="+1-617-555-0100",
                destination_type="work"),
        us_call("W2", "Mon 2026-06-15", "10:00", region="US-MA", destination="+1-617-555-0100",
                destination_type="work"),
        us_call("W3", "Tue 2026-06-30", "10:00", region="US-MA", destination="+1-617-555-0100",
                destination_type="work"),
    ], "us")
    assert verdict(report) == [("us-ma/call-cap-elsewhere", "W3")]


def _three_calls_and_an_early_one(consumer: str, zone: str, region: str | None) -> list[Row]:
    kw: dict[str, Any] = {"consumer": consumer, "zone": zone}
    if region:
        kw["region"] = region
    return [
        us_call(f"{consumer}-1", "Mon 2026-06-01", "07:30", **kw),  # before 08:00
        us_call(f"{consumer}-2", "Tue 2026-06-02", "10:00", **kw),
        us_call(f"{consumer}-3", "Wed 2026-06-03", "10:00", **kw),
    ]


def test_massachusetts_consumer_gets_reg_f_and_massachusetts_findings() -> None:
    report = lint(_three_calls_and_an_early_one("MA", NY, "US-MA"), "us")
    assert verdict(report) == [("reg-f/hours", "MA-1"), ("us-ma/call-cap-home", "MA-3"),
                               ("us-ma/hours", "MA-1")]
    assert policy_of(report) == {"reg-f/hours": "us-reg-f", "us-ma/call-cap-home": "us-ma",
                                 "us-ma/hours": "us-ma"}


def test_texas_consumer_gets_reg_f_only() -> None:
    report = lint(_three_calls_and_an_early_one("TX", CHICAGO, "US-TX"), "us")
    assert verdict(report) == [("reg-f/hours", "TX-1")]
    assert policy_of(report) == {"reg-f/hours": "us-reg-f"}


def test_consumer_without_region_gets_reg_f_only() -> None:
    report = lint(_three_calls_and_an_early_one("NR", NY, None), "us")
    assert verdict(report) == [("reg-f/hours", "NR-1")]
    assert report.summary.consumers_without_region == 1


def test_region_is_carried_forward_per_consumer() -> None:
    """A consumer's last known region routes the rows that do not repeat it."""
    rows = _three_calls_and_an_early_one("MA", NY, None)
    rows[0]["region"] = "US-MA"
    report = lint(rows, "us")
    assert ("us-ma/call-cap-home", "MA-3") in verdict(report)


def test_massachusetts_consumer_without_zone_is_judged_in_eastern_time() -> None:
    """us-ma declares America/New_York (940 CMR 7.05: Eastern time when the debtor's
    hours are unknown), so a Massachusetts consumer with no zone is not an unknown-zone
    finding; a Texas consumer with no zone still is."""
    report = lint([
        us_call("MA-1", "Mon 2026-06-01", "07:30", consumer="MA", region="US-MA", tz=False),
        us_call("TX-1", "Mon 2026-06-01", "10:00", consumer="TX", region="US-TX", tz=False),
    ], "us")
    assert verdict(report) == [("reg-f/hours", "MA-1"), ("reg-f/unknown-timezone", "TX-1"),
                               ("us-ma/hours", "MA-1")]


def test_new_york_city_amended_attempt_cap_is_dated() -> None:
    """6 RCNY 5-77 as amended (3 attempts in 7 days; UNVERIFIED, dated from
    2025-10-01): four unanswered calls are not excessive under the old rule (which
    counts communications), and are an amended-rule warning only from its date."""
    nyc: dict[str, Any] = {"region": "US-NY-NYC"}
    before = ["Mon 2025-09-01", "Tue 2025-09-02", "Wed 2025-09-03", "Thu 2025-09-04"]
    after = ["Mon 2026-06-01", "Tue 2026-06-02", "Wed 2026-06-03", "Thu 2026-06-04"]
    rows = [us_call(f"B{i}", d, "10:00", **nyc) for i, d in enumerate(before, start=1)]
    rows += [us_call(f"A{i}", d, "10:00", **nyc) for i, d in enumerate(after, start=1)]
    report = lint(rows, "us")
    assert verdict(report) == [("us-nyc/attempt-cap-amended", "A4")]
    assert report.findings[0].severity == "warning"


def test_new_york_city_third_communication_in_7_days_barred() -> None:
    """6 RCNY 5-77: more than 2 communications in 7 days is excessive; unanswered
    attempts are not communications. A consumer in New York State outside the city
    (US-NY) is not under the city's rule."""
    email: dict[str, Any] = {"channel": "email", "outcome": "delivered",
                             "destination": "c1@example.com", "destination_type": "email",
                             "opt_out_notice": True}
    pattern: list[tuple[str, dict[str, Any]]] = [
        ("Mon 2026-06-01", {"outcome": "voicemail"}), ("Tue 2026-06-02", {}),
        ("Wed 2026-06-03", email), ("Thu 2026-06-04", {"outcome": "voicemail"})]
    rows = [us_call(f"C{i}", d, "10:00", region="US-NY-NYC", **f)
            for i, (d, f) in enumerate(pattern, start=1)]
    rows += [us_call(f"S{i}", d, "10:00", consumer="STATE", region="US-NY", **f)
             for i, (d, f) in enumerate(pattern, start=1)]
    report = lint(rows, "us")
    # C4 is also the 4th attempt in 7 days under the amended rule (a warning)
    assert verdict(report) == [("us-nyc/attempt-cap-amended", "C4"),
                               ("us-nyc/communication-cap", "C4")]


# --- District of Columbia (pack us-dc): D.C. Code § 28-3814(d)(4) -------------------------


DC_HOME = "+1-202-555-0102"


def dc_call(eid: str, when: str, hh_mm: str, **fields: Any) -> Row:
    return us_call(eid, when, hh_mm, region="US-DC", **fields)


def dc_wrong_number(eid: str, when: str, hh_mm: str, destination: str) -> Row:
    return {"timestamp": at(when, hh_mm, NY), "consumer_id": "C1", "event_id": eid,
            "event": "wrong_number", "destination": destination, "region": "US-DC",
            "timezone": NY}


def test_dc_fifth_call_per_account_in_7_days_barred() -> None:
    """§ 28-3814(d)(4)(A)(i): "in excess of 4 phone calls per account, inclusive of all
    phone numbers ... in any 7-day period"; "Calls when there is no connection" do not
    count (busy, not_connected), an unanswered call does (a message might have been
    left), and another account has its own count."""
    report = lint([
        dc_call("C1", "Mon 2026-06-01", "10:00"),
        dc_call("C2", "Tue 2026-06-02", "10:00", outcome="voicemail"),
        dc_call("C3", "Wed 2026-06-03", "10:00", destination=DC_HOME,
                destination_type="home"),  # every number counts toward the account
        dc_call("C4", "Thu 2026-06-04", "10:00"),
        dc_call("B1", "Fri 2026-06-05", "10:00", outcome="busy"),
        dc_call("N1", "Fri 2026-06-05", "11:00", outcome="not_connected"),
        # Mon 8 June: the window is Tue 2 .. Mon 8, C1 has left it: C2, C3, C4, C5 = 4
        dc_call("C5", "Mon 2026-06-08", "10:00"),
        dc_call("C6", "Mon 2026-06-08", "15:00"),  # the 5th call: a finding
        dc_call("X1", "Mon 2026-06-08", "16:00", debt_id="D2"),  # account D2: its 1st
    ], "us-dc")
    assert verdict(report) == [("us-dc/call-cap", "C6")]
    assert policy_of(report) == {"us-dc/call-cap": "us-dc"}


def test_dc_calls_to_a_wrong_number_do_not_count() -> None:
    """§ 28-3814(d)(4)(A)(i)(IV): the cap does not apply to "Calls made to a wrong
    number"; once the number is marked wrong_number (within the window), the 5th call
    is withdrawn. Without the mark it stands."""
    rows = [dc_call(f"C{i}", d, "10:00") for i, d in enumerate(
        ["Mon 2026-06-01", "Tue 2026-06-02", "Wed 2026-06-03", "Thu 2026-06-04"], start=1)]
    rows.append(dc_call("W1", "Fri 2026-06-05", "10:00", destination=THIRD))
    assert verdict(lint(rows, "us-dc")) == [("us-dc/call-cap", "W1")]
    rows.append(dc_wrong_number("WN", "Sat 2026-06-06", "09:00", THIRD))
    assert verdict(lint(rows, "us-dc")) == []


def test_dc_no_call_back_for_7_days_after_a_completed_call() -> None:
    """§ 28-3814(d)(4)(A)(ii): after "a completed call" (a telephone conversation, (iv))
    no call back "for 7 days": read conservatively, after a conversation on day D the
    first allowed day is D+8. Per consumer, any account; a conversation on the
    consumer's own call starts the pause too; a busy signal is not a call made."""
    report = lint([
        dc_call("T1", "Mon 2026-06-01", "10:00", outcome="conversation"),
        dc_call("B1", "Sun 2026-06-07", "10:00", outcome="busy"),
        dc_call("R1", "Mon 2026-06-08", "10:00", debt_id="D2"),  # day D+7: barred
        dc_call("R2", "Tue 2026-06-09", "10:00"),  # day D+8: allowed
        dc_call("I1", "Wed 2026-06-10", "09:00", direction="inbound", outcome="conversation"),
        dc_call("R3", "Thu 2026-06-11", "10:00"),
    ], "us-dc")
    assert verdict(report) == [("us-dc/call-after-conversation", "R1"),
                               ("us-dc/call-after-conversation", "R3")]


def test_dc_sixth_electronic_message_per_account_in_7_days_barred() -> None:
    """§ 28-3814(d)(4)(B)(iii)(I): "more than 5 text messages, emails, and private
    messages per account in any 7-day period": the three media share one count; the
    consumer's own messages do not count, nor (once marked) a wrong address."""
    sms: dict[str, Any] = {"channel": "sms", "outcome": "delivered"}
    mail: dict[str, Any] = {"channel": "email", "outcome": "delivered",
                            "destination": "c1@example.com", "destination_type": "email"}
    dm: dict[str, Any] = {"channel": "social", "outcome": "delivered",
                          "destination": "@c1", "destination_type": "other"}
    rows = [
        dc_call("E1", "Mon 2026-06-01", "10:00", **sms),
        dc_call("E2", "Tue 2026-06-02", "10:00", **mail),
        dc_call("E3", "Wed 2026-06-03", "10:00", **dm),
        dc_call("IN", "Wed 2026-06-03", "12:00", **{**sms, "direction": "inbound"}),
        dc_call("E4", "Thu 2026-06-04", "10:00", **sms),
        dc_call("E5", "Fri 2026-06-05", "10:00", **mail),  # the 5th: allowed
        dc_call("E6", "Sun 2026-06-07", "10:00", **sms),  # the 6th within 7 days
    ]
    assert verdict(lint(rows, "us-dc")) == [("us-dc/electronic-cap", "E6")]
    # an address that turns out not to be the consumer's is taken out of the count
    rows.append(dc_call("WA", "Sat 2026-06-06", "10:00",
                        **{**mail, "destination": "x@example.com"}))
    assert verdict(lint(rows, "us-dc")) == [("us-dc/electronic-cap", "E6"),
                                             ("us-dc/electronic-cap", "WA")]
    rows.append(dc_wrong_number("WN", "Sat 2026-06-06", "12:00", "x@example.com"))
    assert verdict(lint(rows, "us-dc")) == [("us-dc/electronic-cap", "E6")]


# --- China (pack cn) -------------------------------------------------------------------------


def cn_call(eid: str, when: str, hh_mm: str, **fields: Any) -> Row:
    """A consumer in CN with no timezone column: Beijing time comes from the pack."""
    fields.setdefault("tz", False)
    return contact(eid, when, hh_mm, zone=SHANGHAI, region="CN", **fields)


def test_china_2230_beijing_barred_for_consumer_with_unknown_zone() -> None:
    """No collection 22:00–08:00 Beijing time; the log gives no zone for the consumer."""
    report = lint([
        cn_call("Q1", "Tue 2026-03-03", "22:30"),
        cn_call("Q2", "Tue 2026-03-03", "21:30"),
        cn_call("Q3", "Wed 2026-03-04", "07:30"),
        cn_call("Q4", "Wed 2026-03-04", "08:00"),
    ], "cn")
    assert verdict(report) == [("cn/quiet-hours", "Q1"), ("cn/quiet-hours", "Q3")]
    q1 = next(f for f in report.findings if f.event_id == "Q1")
    assert q1.policy == "cn"
    assert q1.local_time is not None and "Asia/Shanghai" in q1.local_time


def test_china_fourth_conversation_in_a_day_barred() -> None:
    """GB/T 45251-2025: at most 3 effective conversations with one debtor a day."""
    report = lint([
        cn_call("T1", "Tue 2026-03-03", "09:00", outcome="conversation"),
        cn_call("T2", "Tue 2026-03-03", "11:00", outcome="conversation",
                destination="+86-138-0000-0002"),
        cn_call("T3", "Tue 2026-03-03", "14:00", outcome="conversation"),
        cn_call("T4", "Tue 2026-03-03", "16:00", outcome="conversation"),
        cn_call("T5", "Wed 2026-03-04", "09:00", outcome="conversation"),  # a new day
    ], "cn")
    assert verdict(report) == [("cn/conversation-cap", "T4")]


def test_china_seventh_unanswered_attempt_to_one_number_in_a_day_barred() -> None:
    """CBA 2026: if the debtor does not answer, at most 6 attempts a day per number."""
    rows = [cn_call(f"U{i}", "Tue 2026-03-03", f"{8 + i:02d}:00") for i in range(1, 8)]
    rows.append(cn_call("X1", "Tue 2026-03-03", "16:30", destination="+86-138-0000-0002"))
    rows.append(cn_call("Y1", "Wed 2026-03-04", "09:00"))
    report = lint(rows, "cn")
    assert verdict(report) == [("cn/unanswered-attempts", "U7")]


def test_china_third_party_only_after_the_debtor_is_unreachable() -> None:
    """CBA 2026: third parties only once the debtor is unreachable (3 consecutive
    failures); never reveal the debt to them."""
    third: dict[str, Any] = {"party": "third_party", "destination": THIRD,
                             "destination_type": "other", "purpose": "location",
                             "outcome": "conversation", "disclosed_debt": False}
    report = lint([
        cn_call("F1", "Tue 2026-03-03", "09:00"),
        cn_call("P1", "Tue 2026-03-03", "10:00", **third),  # 1 failure: too early
        cn_call("F2", "Tue 2026-03-03", "11:00"),
        cn_call("P2", "Tue 2026-03-03", "11:30", **third),  # 2 failures: still too early
        cn_call("F3", "Tue 2026-03-03", "12:00", outcome="busy"),
        cn_call("P3", "Tue 2026-03-03", "13:00", **third),  # 3 failures: allowed
        cn_call("P4", "Tue 2026-03-03", "14:00", **{**third, "disclosed_debt": True}),
    ], "cn")
    assert verdict(report) == [("cn/third-party-disclosure", "P4"),
                               ("cn/third-party-gate", "P1"), ("cn/third-party-gate", "P2")]
    assert policy_of(report) == {"cn/third-party-disclosure": "cn",
                                 "cn/third-party-gate": "cn"}


def test_china_reaching_the_debtor_resets_the_failures() -> None:
    third: dict[str, Any] = {"party": "third_party", "destination": THIRD,
                             "purpose": "location", "outcome": "conversation",
                             "disclosed_debt": False}
    report = lint([
        cn_call("F1", "Tue 2026-03-03", "09:00"),
        cn_call("F2", "Tue 2026-03-03", "10:00"),
        cn_call("R1", "Tue 2026-03-03", "11:00", outcome="conversation"),
        cn_call("F3", "Tue 2026-03-03", "12:00"),
        cn_call("P1", "Tue 2026-03-03", "13:00", **third),
    ], "cn")
    assert verdict(report) == [("cn/third-party-gate", "P1")]


def test_china_invalid_own_number_opens_the_gate() -> None:
    third: dict[str, Any] = {"party": "third_party", "destination": THIRD,
                             "purpose": "location", "outcome": "conversation",
                             "disclosed_debt": False}
    wrong = cn_call("W1", "Tue 2026-03-03", "09:30", event="wrong_number")
    for key in ("channel", "direction", "party", "outcome", "destination_type", "debt_id"):
        wrong.pop(key)
    report = lint([
        cn_call("F1", "Tue 2026-03-03", "09:00"),
        wrong,
        cn_call("P1", "Tue 2026-03-03", "10:00", **third),
    ], "cn")
    assert verdict(report) == []


# --- India, Ireland -----------------------------------------------------------------------------


def test_india_1930_barred() -> None:
    """RBI (12 Aug 2022): no calls before 08:00 or after 19:00 IST."""
    report = lint([
        contact("I1", "Tue 2026-03-03", "19:30", zone=KOLKATA, region="IN", tz=False),
        contact("I2", "Tue 2026-03-03", "18:30", zone=KOLKATA, region="IN", tz=False),
        contact("I3", "Wed 2026-03-04", "07:30", zone=KOLKATA, region="IN", tz=False),
    ], "in-rbi")
    assert verdict(report) == [("in-rbi/hours", "I1"), ("in-rbi/hours", "I3")]
    assert policy_of(report) == {"in-rbi/hours": "in-rbi"}


def test_ireland_sunday_and_public_holiday_barred() -> None:
    """Consumer Credit Act 1995 s.46: no phoning 21:00–09:00, on Sundays or on public
    holidays (St Patrick's Day, Tuesday 17 March 2026)."""
    report = lint([
        contact("R1", "Sun 2026-03-08", "11:00", zone=DUBLIN, region="IE", tz=False),
        contact("R2", "Sat 2026-03-07", "11:00", zone=DUBLIN, region="IE", tz=False),
        contact("R3", "Tue 2026-03-17", "11:00", zone=DUBLIN, region="IE", tz=False),
        contact("R4", "Wed 2026-03-18", "08:30", zone=DUBLIN, region="IE", tz=False),
        contact("R5", "Wed 2026-03-18", "09:30", zone=DUBLIN, region="IE", tz=False),
    ], "ie")
    assert verdict(report) == [("ie/hours", "R1"), ("ie/hours", "R3"), ("ie/hours", "R4")]


# --- pack metadata ---------------------------------------------------------------------------


PACKS = {
    "us-ma": ("US-MA",), "us-wa": ("US-WA",), "us-dc": ("US-DC",),
    "us-nyc": ("US-NY-NYC",), "ca-on": ("CA-ON",), "ca-bc": ("CA-BC",),
    "ca-qc": ("CA-QC",), "au": ("AU",), "cn": ("CN",), "in-rbi": ("IN",), "ie": ("IE",),
    "uk-fca": ("GB",),
}


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_pack_rules_are_cited_described_and_routed(pack: str) -> None:
    policy = fairdebt.load_policy(pack)
    assert policy.rules
    for rule in policy.rules:
        assert rule.id.startswith(f"{pack}/"), rule.id
        assert rule.policy == pack
        assert rule.citation and rule.description and rule.title, rule.id
        assert rule.regions == PACKS[pack], rule.id
    info = policy.pack(pack)
    assert info is not None and info.sources
    assert all(s.get("title") for s in info.sources), pack


def test_default_zones() -> None:
    zones = {p: fairdebt.load_policy(p).pack(p).default_timezone  # type: ignore[union-attr]
             for p in ("cn", "in-rbi", "ie", "au", "ca-on", "ca-bc", "ca-qc")}
    assert zones == {"cn": SHANGHAI, "in-rbi": KOLKATA, "ie": DUBLIN, "au": None,
                     "ca-on": None, "ca-bc": None, "ca-qc": None}


def test_composites_layer_every_overlay_without_rules_of_their_own() -> None:
    us = fairdebt.load_policy("us")
    assert {r.policy for r in us.rules} == {"us-reg-f", "us-ma", "us-wa", "us-dc", "us-nyc"}
    assert {r.id for r in us.rules if r.policy == "us-reg-f"} == {
        r.id for r in fairdebt.load_policy("us-reg-f").rules}
    ca = fairdebt.load_policy("ca")
    assert {r.policy for r in ca.rules} == {"ca-on", "ca-bc", "ca-qc"}


def test_unverified_rules_are_the_ones_regulations_md_marks() -> None:
    """UNVERIFIED in REGULATIONS.md: the amended NYC rules, GB/T 45251-2025's figures;
    Washington's figures come from state agency summaries (statute not read). D.C.'s
    caps were verified against the codified D.C. Code § 28-3814(d)(4)."""
    unverified = {r.id for p in ("us", "ca", "au", "cn", "in-rbi", "ie", "uk-fca")
                  for r in fairdebt.load_policy(p).rules
                  if not r.verified and "/content/" not in r.id}
    assert unverified == {
        "us-nyc/attempt-cap-amended",
        "cn/conversation-cap", "us-wa/communication-cap", "us-wa/workplace-cap",
        "us-wa/home-hours",
    }


def test_uk_hours_are_a_warning_level_default() -> None:
    rule = fairdebt.load_policy("uk-fca").rule("uk-fca/hours")
    assert rule is not None and rule.severity == "warning"
    assert "MCOB 13.5.4G" in rule.description and "not a CONC rule" in rule.description
    report = lint([contact("G1", "Tue 2026-03-03", "21:30", zone="Europe/London",
                           region="GB", tz=False)], "uk-fca")
    assert verdict(report) == [("uk-fca/hours", "G1")]
