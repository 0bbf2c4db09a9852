"""Regulation F's own worked examples, as scenario tests.

Each test is named after the comment in the CFPB's Official Interpretations
(12 CFR part 1006, Supplement I; /work/shared/references/us-12cfr1006.txt) or
the section it illustrates, quotes the gist of the example in its docstring,
and replays it as a contact log against the built-in ``us-reg-f`` pack.

Dates: the commentary's weekday/date pairs (Wednesday April 1, Thursday August
13, Tuesday October 6, Friday April 3, Monday June 1, Monday November 9, ...)
are those of the 2020 calendar (2026 matches too); the examples were written
for 2020, so 2020 is used. ``day("Wed Apr 1")`` refuses a weekday that does not
match its date, so every date below is checked against the example's weekday.

Times are in America/New_York and inside 08:00-21:00 unless the example is
about time zones, so the hours rule stays quiet. Where the example is a
"presumed to comply" example the test asserts no finding, then adds the
minimal change that tips it into a violation and asserts that finding appears.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import fairdebt

YEAR = 2020
NY = "America/New_York"
LA = "America/Los_Angeles"
DENVER = "America/Denver"
MOBILE = "+1-212-555-0101"  # the consumer's mobile number
WRONG = "+1-212-555-0199"  # a number that turns out to be someone else's
FRIEND = "+1-718-555-0142"  # a number the collector knows is the consumer's friend's
NEIGHBOR = "+1-718-555-0177"
NEIGHBOR_2 = "+1-718-555-0188"
EMAIL = "consumer@example.com"

PACK = fairdebt.load_policy("us-reg-f")

CALL_FREQUENCY = "reg-f/call-frequency"
AFTER_CONVERSATION = "reg-f/after-conversation"
HOURS = "reg-f/hours"
INCONVENIENT = "reg-f/inconvenient-time"
CEASE = "reg-f/cease"
THIRD_PARTY = "reg-f/third-party-disclosure"
LOCATION_REPEAT = "reg-f/location-repeat"

Row = dict[str, Any]


# --- helpers: build log rows that read like the examples ---------------------------------


def day(text: str, year: int = YEAR) -> date:
    """``"Wed Apr 1"`` → that date, refusing a weekday that does not match it."""
    parsed = datetime.strptime(f"{text} {year}", "%a %b %d %Y").date()
    assert parsed.strftime("%a") == text[:3], f"{text} {year} is a {parsed:%A}"
    return parsed


def at(when: str, hh_mm: str, tz: str = NY, year: int = YEAR) -> str:
    """ISO 8601 timestamp with its UTC offset for a wall-clock time in ``tz``."""
    d = day(when, year)
    hour, minute = (int(p) for p in hh_mm.split(":"))
    local = datetime(d.year, d.month, d.day, hour, minute, tzinfo=ZoneInfo(tz))
    return local.isoformat()


def row(eid: str, when: str, hh_mm: str, *, year: int = YEAR, **fields: Any) -> Row:
    r: Row = {
        "event_id": eid,
        "consumer_id": "C1",
        "timestamp": at(when, hh_mm, year=year),
        "timezone": NY,
    }
    r.update(fields)
    return r


def call(eid: str, when: str, hh_mm: str = "10:00", **fields: Any) -> Row:
    """An outbound call to the consumer's mobile about debt ``cc``; unanswered by default."""
    base: Row = {
        "channel": "call",
        "outcome": "no_answer",
        "debt_id": "cc",
        "destination": MOBILE,
        "destination_type": "mobile",
    }
    base.update(fields)
    return row(eid, when, hh_mm, **base)


def email(eid: str, when: str, hh_mm: str = "10:00", **fields: Any) -> Row:
    """An outbound email to the consumer, with the opt-out notice §1006.6(e) requires."""
    base: Row = {
        "channel": "email",
        "outcome": "sent",
        "debt_id": "cc",
        "destination": EMAIL,
        "destination_type": "email",
        "opt_out_notice": True,
    }
    base.update(fields)
    return row(eid, when, hh_mm, **base)


def account(kind: str, eid: str, when: str, hh_mm: str = "09:00", **fields: Any) -> Row:
    """An account event (``cease``, ``consent``, ``wrong_number``, ``inconvenient``, ...)."""
    return row(eid, when, hh_mm, event=kind, **fields)


def lint(rows: list[Row], *rules: str) -> fairdebt.Report:
    """Check ``rows`` against the pack (or only ``rules``); every row must be readable."""
    policy = PACK.select(list(rules)) if rules else PACK
    report = fairdebt.check(rows, policy)
    assert report.rejected == (), report.rejected
    assert report.summary.rows_read == len(rows)
    # the log's row order must not matter
    backwards = fairdebt.check(rows[::-1], policy)
    assert _outcome(backwards) == _outcome(report)
    return report


def _outcome(report: fairdebt.Report) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    return sorted((f.rule, f.event_id, f.debt_id, f.evidence) for f in report.findings)


def verdict(report: fairdebt.Report) -> list[tuple[str, str]]:
    """Every finding as (rule, event id), sorted."""
    return sorted((f.rule, f.event_id) for f in report.findings)


def the_finding(report: fairdebt.Report, rule: str, eid: str) -> fairdebt.Finding:
    found = [f for f in report.findings if f.rule == rule and f.event_id == eid]
    assert len(found) == 1, verdict(report)
    return found[0]


def ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(1, n + 1)]


# --- 14(b)(2)(i): presumption of compliance -------------------------------------------------


def seven_calls_from_april_1() -> list[Row]:
    return [
        call("c1", "Wed Apr 1", outcome="voicemail", message="limited_content"),
        call("c2", "Thu Apr 2"),
        call("c3", "Fri Apr 3"),
        call("c4", "Sat Apr 4"),
        call("c5", "Sun Apr 5"),
        call("c6", "Mon Apr 6"),
        call("c7", "Tue Apr 7"),
    ]


def test_14_b_2_i_1_i_seven_calls_in_seven_days_presumed_to_comply() -> None:
    """Comment 14(b)(2)(i)-1.i: on Wednesday April 1 the collector calls and leaves a
    limited-content message; between Thursday April 2 and Tuesday April 7 it places six
    more unanswered calls: seven calls in the seven consecutive days that started on
    April 1. No further call until Wednesday April 8. Presumed to comply."""
    rows = [*seven_calls_from_april_1(), call("c8", "Wed Apr 8")]
    assert verdict(lint(rows)) == []

    # Tipped: an eighth call on Tuesday April 7, still inside the period starting April 1.
    tipped = [*seven_calls_from_april_1(), call("x", "Tue Apr 7", "15:00")]
    report = lint(tipped)
    assert verdict(report) == [(CALL_FREQUENCY, "x")]
    finding = the_finding(report, CALL_FREQUENCY, "x")
    assert finding.debt_id == "cc"
    assert finding.evidence == (*ids("c", 7), "x")


def test_14_b_2_i_1_ii_consumer_initiated_conversation_starts_the_period() -> None:
    """Comment 14(b)(2)(i)-1.ii: on Thursday August 13 the consumer calls the collector
    and has a telephone conversation about a debt. The collector does not call the
    consumer about that debt again before Thursday August 20: presumed to comply."""
    inbound = call("in1", "Thu Aug 13", direction="inbound", outcome="conversation")
    assert verdict(lint([inbound, call("c1", "Thu Aug 20")])) == []

    # Tipped: a call one day earlier, Wednesday August 19, is day 7 of that period.
    report = lint([inbound, call("c1", "Wed Aug 19")])
    assert verdict(report) == [(AFTER_CONVERSATION, "c1")]
    finding = the_finding(report, AFTER_CONVERSATION, "c1")
    assert finding.debt_id == "cc"
    assert finding.evidence == ("in1", "c1")


def location_call(eid: str, when: str, hh_mm: str = "11:00", **fields: Any) -> Row:
    """A call to the neighbour (a third party) to acquire location information."""
    base: Row = {"party": "third_party", "purpose": "location", "destination": NEIGHBOR,
                 "destination_type": "landline"}
    base.update(fields)
    return call(eid, when, hh_mm, **base)


def test_14_b_2_i_1_iii_unanswered_location_calls_to_a_third_party() -> None:
    """Comment 14(b)(2)(i)-1.iii: on Tuesday October 6 the collector calls a particular
    third party to acquire location information; the call is unanswered. It places up
    to six more unanswered calls to that third party through Monday October 12.
    Presumed to comply. (The count is per person: the seven calls to the consumer the
    same week are counted separately.)"""
    week = ["Tue Oct 6", "Wed Oct 7", "Thu Oct 8", "Fri Oct 9", "Sat Oct 10", "Sun Oct 11",
            "Mon Oct 12"]
    to_neighbor = [location_call(f"n{i}", d) for i, d in enumerate(week, start=1)]
    to_consumer = [call(f"c{i}", d) for i, d in enumerate(week, start=1)]
    assert verdict(lint(to_neighbor + to_consumer)) == []

    # Tipped: an eighth unanswered call to the same third party on Monday October 12.
    extra = location_call("x", "Mon Oct 12", "16:00")
    report = lint([*to_neighbor, *to_consumer, extra])
    assert verdict(report) == [(CALL_FREQUENCY, "x")]
    assert the_finding(report, CALL_FREQUENCY, "x").evidence == (*ids("n", 7), "x")


def test_14_b_2_i_3_i_calls_to_a_wrong_number_do_not_count() -> None:
    """Comment 14(b)(2)(i)-3.i: the collector places one unanswered call to a particular
    number on Monday and one on Wednesday. On Thursday it learns the number belongs to
    someone else. For §1006.14(b)(2)(i) it has not yet placed any calls to the consumer
    in that seven-consecutive-day period — so seven more calls to the consumer's real
    number through Sunday stay within the presumption of compliance."""
    wrong = [call("w1", "Mon Apr 6", destination=WRONG),
             call("w2", "Wed Apr 8", destination=WRONG)]
    learned = account("wrong_number", "wn", "Thu Apr 9", "09:00", channel="call",
                      destination=WRONG)
    right = [
        call("r1", "Thu Apr 9", "10:00"), call("r2", "Thu Apr 9", "15:00"),
        call("r3", "Fri Apr 10", "10:00"), call("r4", "Fri Apr 10", "15:00"),
        call("r5", "Sat Apr 11", "10:00"), call("r6", "Sat Apr 11", "15:00"),
        call("r7", "Sun Apr 12", "10:00"),
    ]
    assert verdict(lint([*wrong, learned, *right])) == []

    # Tipped: without learning the number was wrong, Mon Apr 6 - Sun Apr 12 holds 9 calls.
    report = lint([*wrong, *right])
    assert verdict(report) == [(CALL_FREQUENCY, "r6"), (CALL_FREQUENCY, "r7")]
    assert the_finding(report, CALL_FREQUENCY, "r6").evidence == (
        "w1", "w2", "r1", "r2", "r3", "r4", "r5", "r6")


# --- 14(b)(2)(ii): presumption of a violation -----------------------------------------------


def test_14_b_2_ii_1_i_eighth_call_in_seven_days_presumed_violation() -> None:
    """Comment 14(b)(2)(ii)-1.i: on Wednesday April 1 the collector calls about a mortgage
    debt and leaves a limited-content message; on each of the next three business days
    (Thursday April 2, Friday April 3, Monday April 6) it places two more unanswered
    calls; on Tuesday April 7 one more. Eight calls in the seven days starting April 1:
    presumed violation."""
    calls = [
        call("c1", "Wed Apr 1", debt_id="mortgage", outcome="voicemail",
             message="limited_content"),
        call("c2", "Thu Apr 2", "10:00", debt_id="mortgage"),
        call("c3", "Thu Apr 2", "15:00", debt_id="mortgage"),
        call("c4", "Fri Apr 3", "10:00", debt_id="mortgage"),
        call("c5", "Fri Apr 3", "15:00", debt_id="mortgage"),
        call("c6", "Mon Apr 6", "10:00", debt_id="mortgage"),
        call("c7", "Mon Apr 6", "15:00", debt_id="mortgage"),
    ]
    report = lint([*calls, call("c8", "Tue Apr 7", debt_id="mortgage")])
    assert verdict(report) == [(CALL_FREQUENCY, "c8")]
    finding = the_finding(report, CALL_FREQUENCY, "c8")
    assert finding.debt_id == "mortgage"
    assert finding.evidence == tuple(ids("c", 8))
    assert "8 calls" in finding.message

    # The same eighth call one day later (Wednesday April 8) falls in the period starting
    # Thursday April 2, which holds only seven calls.
    assert verdict(lint([*calls, call("c8", "Wed Apr 8", debt_id="mortgage")])) == []


def test_14_b_2_ii_1_ii_call_before_day_eight_after_conversation() -> None:
    """Comment 14(b)(2)(ii)-1.ii: on Tuesday August 11 the collector calls about a credit
    card debt; no answer. On Friday August 14 it calls again and has a telephone
    conversation with the consumer. A call about that debt before Friday August 21 is a
    presumed violation; from August 21 on it is not."""
    rows = [
        call("c1", "Tue Aug 11"),
        call("c2", "Fri Aug 14", outcome="conversation"),
        call("c3", "Thu Aug 20"),
        call("c4", "Fri Aug 21"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "c3")]
    finding = the_finding(report, AFTER_CONVERSATION, "c3")
    assert finding.debt_id == "cc"
    assert finding.evidence == ("c2", "c3")


# --- 14(b)(3)(i): prior consent --------------------------------------------------------------


def test_14_b_3_i_3_i_call_back_on_monday() -> None:
    """Comment 14(b)(3)(i)-3.i: on Friday April 3 the collector calls and, in the ensuing
    conversation, the consumer says "call back on Monday". Without consent a call on
    Monday April 6 would be a presumed violation (within seven days of the
    conversation); with the consumer's prior consent the collector may place calls on
    Monday April 6 and keep the presumption of compliance."""
    conversation = call("c1", "Fri Apr 3", "10:00", outcome="conversation")
    consent = account("consent", "ok", "Fri Apr 3", "10:05", debt_id="cc")
    monday = [call("c2", "Mon Apr 6", "10:00"), call("c3", "Mon Apr 6", "14:00")]
    assert verdict(lint([conversation, consent, *monday])) == []

    # Tipped: the same Monday calls without the consumer's consent.
    report = lint([conversation, *monday])
    assert verdict(report) == [(AFTER_CONVERSATION, "c2"), (AFTER_CONVERSATION, "c3")]
    assert the_finding(report, AFTER_CONVERSATION, "c2").evidence == ("c1", "c2")


def test_14_b_3_i_3_ii_consent_ends_with_the_next_conversation() -> None:
    """Comment 14(b)(3)(i)-3.ii: as in -3.i, but the consumer names no day to call back.
    On Monday April 6 the collector calls back and has a telephone conversation. The
    consent does not cover later calls: a call on Wednesday April 8 counts and is a
    presumed violation (within seven days of the April 6 conversation)."""
    rows = [
        call("c1", "Fri Apr 3", "10:00", outcome="conversation"),
        account("consent", "ok", "Fri Apr 3", "10:05", debt_id="cc"),
        call("c2", "Mon Apr 6", outcome="conversation"),
        call("c3", "Wed Apr 8"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "c3")]
    finding = the_finding(report, AFTER_CONVERSATION, "c3")
    assert finding.debt_id == "cc"
    assert finding.evidence == ("c2", "c3")


def consent_by_email_june_4() -> list[Row]:
    """Monday June 1 - Wednesday June 3: three unanswered calls and an email; Thursday
    June 4: the consumer emails back "You can call me at ..." (prior consent)."""
    return [
        call("c1", "Mon Jun 1"),
        call("c2", "Tue Jun 2"),
        call("c3", "Wed Jun 3"),
        email("e1", "Wed Jun 3", "11:00"),
        email("in1", "Thu Jun 4", "12:00", direction="inbound", outcome="delivered"),
        account("consent", "ok", "Thu Jun 4", "12:00", debt_id="cc"),
    ]


def test_14_b_3_i_3_iii_consent_covers_seven_days_from_receipt() -> None:
    """Comment 14(b)(3)(i)-3.iii: three unanswered calls Monday June 1 - Wednesday June 3
    and an email on June 3; the consumer's emailed consent arrives Thursday June 4; the
    collector then places eight unanswered calls Monday June 8 - Wednesday June 10. They
    fall in the seven-day period that began with receipt of the consent and do not
    count. Calls on or after Thursday June 11 count again."""
    eight = [
        call("k1", "Mon Jun 8", "09:00"), call("k2", "Mon Jun 8", "12:00"),
        call("k3", "Mon Jun 8", "15:00"), call("k4", "Tue Jun 9", "09:00"),
        call("k5", "Tue Jun 9", "12:00"), call("k6", "Tue Jun 9", "15:00"),
        call("k7", "Wed Jun 10", "09:00"), call("k8", "Wed Jun 10", "12:00"),
    ]
    assert verdict(lint([*consent_by_email_june_4(), *eight])) == []

    # Tipped (1): the same eight calls without the consent: 8 calls June 4 - June 10.
    no_consent = [r for r in consent_by_email_june_4() if r["event_id"] != "ok"]
    report = lint([*no_consent, *eight])
    assert verdict(report) == [(CALL_FREQUENCY, "k8")]
    assert the_finding(report, CALL_FREQUENCY, "k8").evidence == tuple(ids("k", 8))

    # Tipped (2): eight calls from Thursday June 11 (day 8 after receipt) count, the
    # June 11 call included.
    later = [
        call("l1", "Thu Jun 11", "09:00"),
        call("l2", "Fri Jun 12", "09:00"), call("l3", "Fri Jun 12", "11:00"),
        call("l4", "Fri Jun 12", "13:00"), call("l5", "Fri Jun 12", "15:00"),
        call("l6", "Sat Jun 13", "09:00"), call("l7", "Sat Jun 13", "12:00"),
        call("l8", "Sat Jun 13", "15:00"),
    ]
    report = lint([*consent_by_email_june_4(), *later])
    assert verdict(report) == [(CALL_FREQUENCY, "l8")]
    assert the_finding(report, CALL_FREQUENCY, "l8").evidence == tuple(ids("l", 8))


# --- 14(b)(3)(ii): unconnected calls ---------------------------------------------------------


def test_14_b_3_ii_1_busy_and_not_in_service_do_not_count() -> None:
    """Comment 14(b)(3)(ii)-1: a call that gets a busy signal or a not-in-service
    indication does not connect and does not count. A call counts if it is answered
    (even if it then drops), rings unanswered, or reaches voicemail (even if no message
    can be left). Eleven dials Monday June 1 - Sunday June 7, seven of which connect:
    presumed to comply; one more voicemail is the eighth counted call."""
    dials = [
        call("b1", "Mon Jun 1", "10:00", outcome="busy"),
        call("a1", "Mon Jun 1", "10:30", outcome="answered"),
        call("n1", "Tue Jun 2", "10:00", outcome="not_connected"),
        call("r1", "Tue Jun 2", "11:00", outcome="no_answer"),
        call("v1", "Wed Jun 3", "10:00", outcome="voicemail", message="none"),
        call("b2", "Thu Jun 4", "10:00", outcome="busy"),
        call("r2", "Thu Jun 4", "11:00", outcome="no_answer"),
        call("v2", "Fri Jun 5", "10:00", outcome="voicemail", message="limited_content"),
        call("n2", "Sat Jun 6", "10:00", outcome="not_connected"),
        call("r3", "Sat Jun 6", "11:00", outcome="no_answer"),
        call("r4", "Sun Jun 7", "10:00", outcome="no_answer"),
    ]
    assert verdict(lint(dials)) == []

    report = lint([*dials, call("v3", "Sun Jun 7", "15:00", outcome="voicemail",
                                message="limited_content")])
    assert verdict(report) == [(CALL_FREQUENCY, "v3")]
    assert the_finding(report, CALL_FREQUENCY, "v3").evidence == (
        "a1", "r1", "v1", "r2", "v2", "r3", "r4", "v3")


# --- 14(b)(4): particular debt ---------------------------------------------------------------

WEEK_OF_NOV_9 = ["Mon Nov 9", "Tue Nov 10", "Wed Nov 11", "Thu Nov 12", "Fri Nov 13",
                 "Sat Nov 14", "Sun Nov 15"]


def test_14_b_4_2_i_twenty_one_calls_seven_per_debt() -> None:
    """Comment 14(b)(4)-2.i: a medical debt and credit card debts A and B. Within seven
    consecutive days the collector places 21 unanswered calls, counting seven toward
    each debt. Presumed to comply. (An eighth call counted toward debt A is over.)"""
    calls = []
    for i, d in enumerate(WEEK_OF_NOV_9, start=1):
        calls += [call(f"m{i}", d, "09:00", debt_id="medical"),
                  call(f"a{i}", d, "12:00", debt_id="card-a"),
                  call(f"b{i}", d, "15:00", debt_id="card-b")]
    assert len(calls) == 21
    assert verdict(lint(calls)) == []

    report = lint([*calls, call("x", "Sun Nov 15", "18:00", debt_id="card-a")])
    assert verdict(report) == [(CALL_FREQUENCY, "x")]
    finding = the_finding(report, CALL_FREQUENCY, "x")
    assert finding.debt_id == "card-a"
    assert finding.evidence == (*ids("a", 7), "x")


def test_14_b_4_2_ii_limited_content_voicemail_naming_no_debt() -> None:
    """Comment 14(b)(4)-2.ii: a medical debt and a credit card debt. The collector calls
    meaning to discuss both, reaches voicemail and leaves a limited-content message,
    which refers to no debt: it may count the call toward either debt. The log must say
    which; if it does not, the call is counted toward every debt and the finding says
    so."""
    letter = row("L", "Mon Nov 2", "09:00", channel="letter", debt_id="medical;card")
    medical = [call("m1", "Mon Nov 9", "09:00", debt_id="medical")]
    medical += [call(f"m{i}", d, debt_id="medical")
                for i, d in enumerate(WEEK_OF_NOV_9[:6], start=2)]
    assert len(medical) == 7

    def voicemail(debt: str) -> Row:
        return call("vm", "Sun Nov 15", outcome="voicemail", message="limited_content",
                    debt_id=debt)

    # Counted toward the credit card debt, as the collector may: 7 medical calls, 1 card.
    assert verdict(lint([letter, *medical, voicemail("card")])) == []

    # Counted toward the medical debt: the eighth medical call.
    report = lint([letter, *medical, voicemail("medical")])
    assert verdict(report) == [(CALL_FREQUENCY, "vm")]
    assert "names no debt" not in the_finding(report, CALL_FREQUENCY, "vm").message

    # Not recorded: counted toward both debts, so over for the medical debt, and said so.
    report = lint([letter, *medical, voicemail("")])
    assert verdict(report) == [(CALL_FREQUENCY, "vm")]
    finding = the_finding(report, CALL_FREQUENCY, "vm")
    assert finding.debt_id == "medical"
    assert finding.evidence == (*ids("m", 7), "vm")
    assert "names no debt" in finding.message


def test_14_b_4_2_iii_conversation_about_one_debt_only() -> None:
    """Comment 14(b)(4)-2.iii: a medical debt and a credit card debt. On Monday November 9
    the collector calls and has a telephone conversation solely about the medical debt.
    For the credit card debt it has neither placed a call nor had a conversation: a card
    call the next day is not restricted; a medical call the next day is."""
    rows = [
        call("c1", "Mon Nov 9", outcome="conversation", debt_id="medical"),
        call("k1", "Tue Nov 10", "10:00", debt_id="card"),
        call("m1", "Tue Nov 10", "14:00", debt_id="medical"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "m1")]
    finding = the_finding(report, AFTER_CONVERSATION, "m1")
    assert finding.debt_id == "medical"
    assert finding.evidence == ("c1", "m1")


def test_14_b_4_2_iv_conversation_about_both_debts() -> None:
    """Comment 14(b)(4)-2.iv: as in -2.iii, but the November 9 conversation is about both
    the medical debt and the credit card debt: the collector has placed a call and had a
    conversation about both, so a call the next day about either is restricted."""
    rows = [
        call("c1", "Mon Nov 9", outcome="conversation", debt_id="medical;card"),
        call("k1", "Tue Nov 10", "10:00", debt_id="card"),
        call("m1", "Tue Nov 10", "14:00", debt_id="medical"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "k1"), (AFTER_CONVERSATION, "m1")]
    assert the_finding(report, AFTER_CONVERSATION, "k1").debt_id == "card"
    assert the_finding(report, AFTER_CONVERSATION, "k1").evidence == ("c1", "k1")
    assert the_finding(report, AFTER_CONVERSATION, "m1").debt_id == "medical"


def calls_nov_9_to_12(conversation_debt: str) -> list[Row]:
    """Two medical and four card calls Monday November 9 - Wednesday November 11, then a
    general conversation on Thursday November 12 counted toward ``conversation_debt``."""
    return [
        call("m1", "Mon Nov 9", "09:00", debt_id="medical"),
        call("k1", "Mon Nov 9", "12:00", debt_id="card"),
        call("k2", "Mon Nov 9", "15:00", debt_id="card"),
        call("m2", "Tue Nov 10", "09:00", debt_id="medical"),
        call("k3", "Tue Nov 10", "12:00", debt_id="card"),
        call("k4", "Wed Nov 11", "12:00", debt_id="card"),
        call("g", "Thu Nov 12", outcome="conversation", debt_id=conversation_debt),
    ]


def test_14_b_4_2_v_general_conversation_about_neither_debt() -> None:
    """Comment 14(b)(4)-2.v: two medical and four card calls, all unanswered, Monday
    November 9 - Wednesday November 11; on Thursday November 12 a general conversation
    about neither debt. The collector may count that call and conversation toward
    either debt. If it counts them toward the medical debt, the card debt has four calls
    and no conversation: a card call on Friday November 13 is not restricted, a medical
    call is. If the log does not say, both are restricted and the finding says the
    conversation named no debt."""
    friday = [call("k5", "Fri Nov 13", "10:00", debt_id="card"),
              call("m3", "Fri Nov 13", "14:00", debt_id="medical")]

    recorded = lint([*calls_nov_9_to_12("medical"), *friday])
    assert verdict(recorded) == [(AFTER_CONVERSATION, "m3")]
    assert the_finding(recorded, AFTER_CONVERSATION, "m3").evidence == ("g", "m3")

    assert verdict(lint(calls_nov_9_to_12(""))) == []  # 3 medical, 5 card calls at most
    unrecorded = lint([*calls_nov_9_to_12(""), *friday])
    assert verdict(unrecorded) == [(AFTER_CONVERSATION, "k5"), (AFTER_CONVERSATION, "m3")]
    card = the_finding(unrecorded, AFTER_CONVERSATION, "k5")
    assert card.debt_id == "card"
    assert card.evidence == ("g", "k5")
    assert "no debt" in card.message  # the conservative assumption is stated


def test_14_b_4_2_vi_consumer_turns_the_conversation_to_another_debt() -> None:
    """Comment 14(b)(4)-2.vi: on Monday November 9 the collector calls about the medical
    debt; the consumer refuses to discuss it and starts a discussion about the credit
    card debt. The collector has had a conversation about both debts, so a call the next
    day about either is restricted. (The log keeps one debt list per call, so the call
    is recorded against both debts.)"""
    rows = [
        call("c1", "Mon Nov 9", outcome="conversation", debt_id="medical;card"),
        call("k1", "Tue Nov 10", "10:00", debt_id="card"),
        call("m1", "Wed Nov 11", "10:00", debt_id="medical"),
        call("k2", "Mon Nov 16", "10:00", debt_id="card"),  # day 8: clean again
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "k1"), (AFTER_CONVERSATION, "m1")]
    assert the_finding(report, AFTER_CONVERSATION, "k1").debt_id == "card"
    assert the_finding(report, AFTER_CONVERSATION, "m1").debt_id == "medical"
    assert the_finding(report, AFTER_CONVERSATION, "m1").evidence == ("c1", "m1")


# --- 6(b)(1): consumer-designated inconvenient times ----------------------------------------


def test_6_b_1_1_i_creditor_notes_tuesdays_and_thursdays() -> None:
    """Comment 6(b)(1)-1.i: the creditor's file says the consumer cannot be disturbed on
    Tuesdays and Thursdays through the end of the calendar year. The collector must not
    communicate or attempt to communicate on those days until then."""
    rows = [
        account("inconvenient", "notes", "Mon Oct 5", detail="Tue,Thu"),
        call("c1", "Tue Oct 6"),
        call("c2", "Wed Oct 7"),
        email("e1", "Thu Oct 8"),
        call("c3", "Fri Oct 9"),
        call("c4", "Tue Dec 29"),
        # the end of the calendar year ends the designation
        account("inconvenient", "new-year", "Fri Jan 1", "00:00", year=2021),
        row("c5", "Tue Jan 5", "10:00", year=2021, channel="call", outcome="no_answer",
            debt_id="cc", destination=MOBILE, destination_type="mobile"),
    ]
    report = lint(rows)
    assert verdict(report) == [(INCONVENIENT, "c1"), (INCONVENIENT, "c4"), (INCONVENIENT, "e1")]
    assert the_finding(report, INCONVENIENT, "c1").evidence == ("notes", "c1")


def weekday_afternoons_and_weekends() -> list[Row]:
    """Comment 6(b)(1)-1.ii's facts: on Tuesday August 11 the consumer, on the phone,
    says weekdays 3-5 p.m. and all weekend are inconvenient."""
    return [
        call("c0", "Tue Aug 11", outcome="conversation"),
        account("inconvenient", "said", "Tue Aug 11", "10:05",
                detail="Mon-Fri 15:00-17:00; Sat-Sun"),
    ]


def test_6_b_1_1_ii_weekdays_three_to_five_and_weekends() -> None:
    """Comment 6(b)(1)-1.ii: the consumer says "on weekdays, except from 3:00 p.m. to 5:00
    p.m." and that no time on weekends is convenient. Thereafter the collector must not
    communicate or attempt to at those times; other times are open. (The calls come
    more than seven days after the conversation, so only the times matter.)"""
    rows = [
        *weekday_afternoons_and_weekends(),
        call("c1", "Wed Aug 19", "14:55"),
        call("c2", "Wed Aug 19", "15:30"),
        call("c3", "Wed Aug 19", "17:05"),
        row("s1", "Sat Aug 22", "10:00", channel="sms", outcome="sent", debt_id="cc",
            destination=MOBILE, destination_type="mobile", opt_out_notice=True),
        call("c4", "Mon Aug 24", "10:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(INCONVENIENT, "c2"), (INCONVENIENT, "s1")]
    assert the_finding(report, INCONVENIENT, "c2").evidence == ("said", "c2")


def test_6_b_1_2_i_consumer_email_at_inconvenient_time_allows_one_reply() -> None:
    """Comment 6(b)(1)-2.i: same facts as -1.ii; the consumer emails the collector at
    3:30 p.m. on Wednesday. The collector may respond once by email before 5:00 p.m.
    that day, and once to each further consumer email; nothing else at those times (no
    second email, no call, no reply on a later day)."""
    rows = [
        *weekday_afternoons_and_weekends(),
        email("in1", "Wed Aug 19", "15:30", direction="inbound", outcome="delivered"),
        email("r1", "Wed Aug 19", "15:45"),  # the one reply: allowed
        call("c1", "Wed Aug 19", "15:50"),  # another medium: not allowed
        email("r2", "Wed Aug 19", "16:00"),  # a second email: not allowed
        email("in2", "Wed Aug 19", "16:20", direction="inbound", outcome="delivered"),
        email("r3", "Wed Aug 19", "16:30"),  # one reply to the consumer's next email
        email("in3", "Wed Aug 19", "16:50", direction="inbound", outcome="delivered"),
        email("r4", "Thu Aug 20", "15:40"),  # the next day is not "at that time"
    ]
    report = lint(rows)
    assert verdict(report) == [(INCONVENIENT, "c1"), (INCONVENIENT, "r2"), (INCONVENIENT, "r4")]


# --- 6(b)(1)(i): ambiguous location ----------------------------------------------------------


def test_6_b_1_i_2_i_eastern_mobile_and_pacific_home() -> None:
    """Comment 6(b)(1)(i)-2.i: a mobile area code in the Eastern time zone and a home
    address in the Pacific time zone: convenient times are after 11:00 a.m. Eastern
    (8:00 a.m. Pacific) and before 9:00 p.m. Eastern (6:00 p.m. Pacific)."""
    both = f"{NY};{LA}"
    rows = [
        call("t1", "Wed Apr 1", "10:59", timezone=both),
        call("t2", "Thu Apr 2", "11:01", timezone=both),
        call("t3", "Fri Apr 3", "20:59", timezone=both),
        call("t4", "Mon Apr 6", "21:00", timezone=both),
        # the same 10:59 call to a consumer known to be in the Eastern zone only
        call("t5", "Wed Apr 1", "10:59", consumer_id="C2"),
    ]
    report = lint(rows)
    assert verdict(report) == [(HOURS, "t1"), (HOURS, "t4")]
    assert "07:59 in America/Los_Angeles" in the_finding(report, HOURS, "t1").message
    assert "21:00 in America/New_York" in the_finding(report, HOURS, "t4").message


def test_6_b_1_i_2_ii_eastern_mobile_and_mountain_landline() -> None:
    """Comment 6(b)(1)(i)-2.ii: a mobile area code in the Eastern time zone and a landline
    area code in the Mountain time zone: convenient times are after 10:00 a.m. Eastern
    (8:00 a.m. Mountain) and before 9:00 p.m. Eastern (7:00 p.m. Mountain)."""
    both = f"{NY};{DENVER}"
    rows = [
        call("t1", "Wed Apr 1", "09:59", timezone=both),
        call("t2", "Thu Apr 2", "10:01", timezone=both),
        call("t3", "Fri Apr 3", "20:59", timezone=both),
        call("t4", "Mon Apr 6", "21:00", timezone=both),
    ]
    report = lint(rows)
    assert verdict(report) == [(HOURS, "t1"), (HOURS, "t4")]
    assert "07:59 in America/Denver" in the_finding(report, HOURS, "t1").message


# --- 6(c)(1): cease, effective on receipt ----------------------------------------------------


def test_6_c_1_1_i_cease_effective_on_receipt() -> None:
    """Comment 6(c)(1)-1.i: on August 3 the consumer mails a written cease notice; on
    August 4 the collector emails the consumer; the collector receives the notice on
    August 6. The August 4 email does not violate §1006.6(c)(1): the notice is complete
    on receipt. Communications after receipt do (other than saying efforts end)."""
    rows = [
        email("e1", "Tue Aug 4"),
        account("cease", "notice", "Thu Aug 6", "09:00", debt_id="cc"),
        call("c1", "Thu Aug 6", "14:00"),
        email("e2", "Fri Aug 7"),
        row("l1", "Mon Aug 10", "09:00", channel="letter", debt_id="cc",
            purpose="collection_ends"),
    ]
    report = lint(rows)
    assert verdict(report) == [(CEASE, "c1"), (CEASE, "e2")]
    assert the_finding(report, CEASE, "c1").evidence == ("notice", "c1")


# --- 2(j): limited-content message ----------------------------------------------------------


def test_2_j_2_voicemail_knowingly_left_for_a_third_party() -> None:
    """Comment 2(j)-2: a voicemail left at a number the collector knows is the consumer's
    friend's is not a limited-content message, even if it says no more than one would,
    because it was knowingly left for someone other than the consumer. The same message
    on the consumer's own voicemail is a limited-content message."""
    rows = [
        call("f1", "Wed Apr 1", party="third_party", destination=FRIEND,
             destination_type="landline", outcome="voicemail", message="limited_content"),
        call("v1", "Wed Apr 1", consumer_id="C2", outcome="voicemail",
             message="limited_content"),
    ]
    report = lint(rows)
    assert verdict(report) == [(THIRD_PARTY, "f1")]
    assert "voicemail to the third party" in the_finding(report, THIRD_PARTY, "f1").message


# --- §1006.10(c): location communications ---------------------------------------------------


def test_1006_10_c_location_communication_with_the_same_third_party_once() -> None:
    """§1006.10(c): a collector seeking location information must not communicate with
    the same third party more than once (absent a request or reason to believe the
    earlier answer was wrong). A conversation with a neighbour on Tuesday October 6 is
    fine, so is one with another neighbour, and an unanswered call is no communication;
    a second conversation with the first neighbour on Wednesday October 14 is not."""
    rows = [
        location_call("l1", "Tue Oct 6", outcome="conversation", disclosed_debt=False),
        location_call("l2", "Thu Oct 8", outcome="conversation", disclosed_debt=False,
                      destination=NEIGHBOR_2),
        location_call("l3", "Tue Oct 13", outcome="no_answer"),
        location_call("l4", "Wed Oct 14", outcome="conversation", disclosed_debt=False),
    ]
    report = lint(rows)
    assert verdict(report) == [(LOCATION_REPEAT, "l4")]
    assert the_finding(report, LOCATION_REPEAT, "l4").evidence == ("l1", "l4")
