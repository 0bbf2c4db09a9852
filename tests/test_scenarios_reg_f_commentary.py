"""More of Regulation F's worked examples, as scenario tests (audit of the us-reg-f pack).

A companion to ``test_scenarios_reg_f.py``, with the same helpers and conventions: each
test is named after the comment of the CFPB's Official Interpretations (12 CFR part
1006, Supplement I; /work/shared/references/us-12cfr1006.txt) or the section of the
regulation it replays, quotes the gist of the example in its docstring, and asserts
exactly the findings the example implies. Dates are the 2020 calendar's (the
commentary's weekday/date pairs), times America/New_York.

Examples the log cannot express (a "place" designation, §1006.6(b)(1)(ii); a consent
given to the creditor; a call "required by applicable law") are not here. The audit's
disagreements with the regulation were fixed (one reply through a barred medium, the
six-call day, the employer-address exception, a letter's envelope, the opt-out
confirmation): their tests are the ones that failed before the fixes.
"""

from __future__ import annotations

from typing import Any

import fairdebt
from test_scenarios_reg_f import (
    AFTER_CONVERSATION,
    CALL_FREQUENCY,
    EMAIL,
    FRIEND,
    HOURS,
    INCONVENIENT,
    MOBILE,
    PACK,
    THIRD_PARTY,
    Row,
    account,
    call,
    email,
    ids,
    lint,
    row,
    the_finding,
    verdict,
)

RAPID_REDIAL = "reg-f/rapid-redial"
SAME_DAY_BURST = "reg-f/same-day-burst"
STOP_CHANNEL = "reg-f/stop-channel"
OPT_OUT = "reg-f/opt-out"
REPRESENTED = "reg-f/represented"
WORKPLACE = "reg-f/workplace"
EMPLOYER_EMAIL = "reg-f/employer-email"
OBSCENE = "reg-f/content/obscene"
MINI_MIRANDA = "reg-f/content/mini-miranda"
LATER_DISCLOSURE = "reg-f/content/debt-collector-later"
PUBLIC_SOCIAL = "reg-f/content/public-social"
ENVELOPE = "reg-f/content/envelope"
ENVELOPE_TEXT = "reg-f/content/envelope-text"

MOBILE_2 = "+1-212-555-0102"  # the consumer's second mobile number
WORK_PHONE = "+1-212-555-0150"
WORK_EMAIL = "pat.jones@employer.example"
OTHER_EMAIL = "pat.jones@mail.example"
HANDLE = "@pat.jones"

MINI_MIRANDA_EN = ("This is an attempt to collect a debt and any information obtained will be "
                   "used for that purpose.")
LIMITED_CONTENT = ("This is Robin Smith calling from ABC Inc. Please contact me or Jim Johnson "
                   "at 1-800-555-1212.")


def sms(eid: str, when: str, hh_mm: str = "10:00", **fields: Any) -> Row:
    """An outbound text to the consumer's mobile about debt ``cc``, with the opt-out notice."""
    base: Row = {"channel": "sms", "outcome": "sent", "debt_id": "cc", "destination": MOBILE,
                 "destination_type": "mobile", "opt_out_notice": True}
    base.update(fields)
    return row(eid, when, hh_mm, **base)


def letter(eid: str, when: str, hh_mm: str = "09:00", **fields: Any) -> Row:
    base: Row = {"channel": "letter", "outcome": "sent", "debt_id": "cc"}
    base.update(fields)
    return row(eid, when, hh_mm, **base)


# --- 6(a): who is the consumer ---------------------------------------------------------------


def test_6_a_1_1_surviving_spouse_is_the_consumer() -> None:
    """Comment 6(a)(1)-1: the surviving spouse of a deceased consumer is a spouse, so for
    §1006.6 the collector may discuss the debt with them (no third-party disclosure) and
    the consumer's protections (hours) apply to contacts with them."""
    rows = [
        call("s1", "Mon Apr 6", "10:00", party="spouse", outcome="conversation",
             disclosed_debt=True, destination=MOBILE_2),
        call("s2", "Tue Apr 14", "21:15", party="spouse", destination=MOBILE_2),
        # the same conversation with a friend is a disclosure
        call("f1", "Mon Apr 6", "11:00", party="third_party", outcome="conversation",
             disclosed_debt=True, destination=FRIEND, destination_type="landline"),
    ]
    assert verdict(lint(rows)) == [(HOURS, "s2"), (THIRD_PARTY, "f1")]


# --- 6(b)(1): consumer-designated inconvenient times ----------------------------------------


def test_6_b_1_2_iii_website_session_on_an_inconvenient_friday() -> None:
    """Comment 6(b)(1)-2.iii: the consumer says all communications on Fridays are
    inconvenient. On a Friday the consumer uses the collector's website; while they do,
    the collector may convey information about the debt there. Once they stop, no
    further communication or attempt that day, nor on later Fridays. (The website
    session is logged as an inbound contact on channel ``other`` and the collector's
    answer in it as one outbound ``other`` contact.)"""
    rows = [
        account("inconvenient", "fridays", "Mon Apr 6", detail="Fri"),
        row("web", "Fri Apr 10", "12:00", channel="other", direction="inbound",
            outcome="delivered", debt_id="cc"),
        row("portal", "Fri Apr 10", "12:01", channel="other", outcome="delivered",
            debt_id="cc"),
        call("c1", "Fri Apr 10", "15:00"),  # after the session: barred
        call("c2", "Thu Apr 16", "15:00"),  # not a Friday
        sms("t1", "Fri Apr 17", "10:00"),  # a later Friday: barred
    ]
    report = lint(rows)
    assert verdict(report) == [(INCONVENIENT, "c1"), (INCONVENIENT, "t1")]
    assert the_finding(report, INCONVENIENT, "t1").evidence == ("fridays", "t1")


def test_6_b_1_2_iv_consumer_email_at_8_30_pm_on_an_inconvenient_friday() -> None:
    """Comment 6(b)(1)-2.iv: as in -2.iii, and the consumer then emails the collector at
    8:30 p.m. on Friday. The collector may respond once, e.g. by an automated email
    reply; nothing more at that time, and nothing on later Fridays."""
    rows = [
        account("inconvenient", "fridays", "Mon Apr 6", detail="Fri"),
        email("in", "Fri Apr 10", "20:30", direction="inbound", outcome="delivered"),
        email("auto", "Fri Apr 10", "20:31"),  # the one reply: allowed
        email("more", "Fri Apr 10", "20:45"),  # a second email: barred
        email("next", "Fri Apr 17", "10:00"),  # the next Friday: barred
        email("sat", "Sat Apr 18", "10:00"),  # Saturday is not designated
    ]
    report = lint(rows)
    assert verdict(report) == [(INCONVENIENT, "more"), (INCONVENIENT, "next")]
    assert the_finding(report, INCONVENIENT, "more").evidence == ("fridays", "more")


# --- 6(b)(2), 6(b)(3): attorney, workplace ---------------------------------------------------


def test_6_b_2_1_represented_consumer_initiates_one_response() -> None:
    """Comment 6(b)(2)-1: a consumer known to be represented by an attorney emails the
    collector; that is prior consent to that communication, so the collector may
    respond. It does not end the representation: after the response, no further
    communication or attempt with the consumer."""
    rows = [
        account("attorney", "atty", "Mon Apr 6", debt_id="cc"),
        email("in", "Tue Apr 7", "10:00", direction="inbound", outcome="delivered"),
        email("reply", "Tue Apr 7", "11:00"),  # the response: allowed
        email("again", "Wed Apr 8", "11:00"),  # a further email: barred
        call("c1", "Thu Apr 9", "11:00"),  # a call: barred
        call("atty-call", "Thu Apr 9", "12:00", party="consumer_attorney",
             destination="+1-212-555-0300", destination_type="work"),
    ]
    report = lint(rows)
    assert verdict(report) == [(REPRESENTED, "again"), (REPRESENTED, "c1")]
    assert the_finding(report, REPRESENTED, "again").evidence == ("atty", "again")


def test_6_b_3_1_consumer_cannot_take_personal_calls_at_work() -> None:
    """Comment 6(b)(3)-1: the consumer tells the collector they cannot take personal calls
    at work. The collector has reason to know the employer prohibits such
    communications: no communication or attempt at the workplace. Other numbers stay
    open."""
    rows = [
        call("w1", "Mon Apr 6", "10:00", destination=WORK_PHONE, destination_type="work"),
        account("no_work_contact", "told", "Mon Apr 6", "10:05"),
        call("w2", "Wed Apr 8", "10:00", destination=WORK_PHONE, destination_type="work"),
        call("m1", "Wed Apr 8", "18:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(WORKPLACE, "w2")]
    assert the_finding(report, WORKPLACE, "w2").evidence == ("told", "w2")


# --- 6(d)(4)(ii)(D), 14(h), 42(a)(1)-4: opt-outs and prohibited media ----------------------


def test_6_d_4_ii_D_1_opt_out_of_one_address_after_the_opt_out_period() -> None:
    """Comment 6(d)(4)(ii)(D)-1: after the opt-out period the consumer asks the collector
    not to use the email address in the creditor's notice: §1006.14(h)(1) bars that
    address. If instead the consumer asks not to be contacted by email, every email
    address is barred."""
    one_address = [
        email("e1", "Mon Apr 6"),
        account("opt_out", "oo", "Tue Apr 7", channel="email", destination=EMAIL),
        email("e2", "Wed Apr 8"),
        email("e3", "Wed Apr 8", "11:00", destination=OTHER_EMAIL),
    ]
    report = lint(one_address)
    assert verdict(report) == [(OPT_OUT, "e2")]
    assert the_finding(report, OPT_OUT, "e2").evidence == ("oo", "e2")

    no_email = [
        email("e1", "Mon Apr 6"),
        account("stop_channel", "no-email", "Tue Apr 7", channel="email"),
        email("e2", "Wed Apr 8"),
        email("e3", "Wed Apr 8", "11:00", destination=OTHER_EMAIL),
    ]
    report = lint(no_email)
    assert verdict(report) == [(STOP_CHANNEL, "e2"), (STOP_CHANNEL, "e3")]


def test_6_d_4_ii_D_2_opt_out_is_not_a_cease_request() -> None:
    """Comment 6(d)(4)(ii)(D)-2: absent evidence that the consumer refuses to pay or
    wants all communication to cease, an opt-out of one email address is not a cease
    notice under §1006.6(c)(1): calls and letters about the debt remain allowed."""
    rows = [
        account("opt_out", "oo", "Tue Apr 7", channel="email", destination=EMAIL),
        call("c1", "Wed Apr 8"),
        letter("l1", "Thu Apr 9"),
        sms("t1", "Fri Apr 10"),
    ]
    assert verdict(lint(rows)) == []


def test_14_h_1_2_one_of_two_mobile_numbers() -> None:
    """Comment 14(h)-2: a person with two mobile numbers may ask the collector not to use
    one of them. Calls and texts to that number are barred; the other number is not."""
    rows = [
        account("stop_channel", "not-m2", "Mon Apr 6", destination=MOBILE_2),
        call("a1", "Tue Apr 7", "10:00", destination=MOBILE_2),
        sms("a2", "Tue Apr 7", "12:00", destination=MOBILE_2),
        call("b1", "Wed Apr 8", "10:00"),
        sms("b2", "Wed Apr 8", "12:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(STOP_CHANNEL, "a1"), (STOP_CHANNEL, "a2")]
    assert the_finding(report, STOP_CHANNEL, "a1").evidence == ("not-m2", "a1")


def test_14_h_1_3_i_stop_calling_bars_calls_only() -> None:
    """Comment 14(h)-3.i: the person says "stop calling": §1006.14(h)(1) bars telephone
    calls to the person, every number; texts and emails are other media and stay open.
    (Comment 14(b)(2)(i)-2.iii: such a request also weighs against the calls' frequency
    being innocent, but the calls are barred outright here.)"""
    rows = [
        call("c0", "Mon Apr 6", "10:00", outcome="conversation"),
        account("stop_channel", "stop", "Mon Apr 6", "10:05", channel="call"),
        call("c1", "Tue Apr 14", "10:00"),
        call("c2", "Tue Apr 14", "12:00", destination=MOBILE_2),
        sms("t1", "Tue Apr 14", "14:00"),
        email("e1", "Tue Apr 14", "15:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(STOP_CHANNEL, "c1"), (STOP_CHANNEL, "c2")]
    assert the_finding(report, STOP_CHANNEL, "c2").evidence == ("stop", "c2")


def test_14_h_1_3_ii_opt_out_of_texts_to_one_number_for_any_debt() -> None:
    """Comment 14(h)-3.ii: in reply to the §1006.6(e) opt-out notice, the consumer opts
    out of electronic communications at a telephone number. The collector must not
    communicate electronically through that number about any debt; a call to it is not
    an electronic communication, and the other number stays open."""
    rows = [
        sms("t0", "Mon Apr 6", "10:00"),
        account("opt_out", "stop", "Mon Apr 6", "10:02", destination=MOBILE),
        sms("t1", "Tue Apr 7", "10:00"),
        sms("t2", "Tue Apr 7", "11:00", debt_id="medical"),
        sms("t3", "Tue Apr 7", "12:00", destination=MOBILE_2),
        call("c1", "Wed Apr 8", "10:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(OPT_OUT, "t1"), (OPT_OUT, "t2")]
    assert the_finding(report, OPT_OUT, "t2").debt_id == "medical"


def test_1006_14_h_2_ii_person_initiates_contact_on_a_barred_medium() -> None:
    """§1006.14(h)(2)(ii): if a person initiates contact using a medium they asked the
    collector not to use, the collector may respond once through that medium. The
    consumer said "stop texting me", then texts the collector: one text in reply is
    allowed, a second is not. The same holds after an opt-out of the number
    (§1006.6(e), which comment 14(h)-3.ii makes a §1006.14(h)(1) request)."""
    for kind, rule in (("stop_channel", STOP_CHANNEL), ("opt_out", OPT_OUT)):
        rows = [
            account(kind, "stop", "Mon Apr 6", channel="sms", destination=MOBILE),
            sms("t1", "Mon Apr 6", "12:00"),  # barred
            row("in", "Tue Apr 7", "10:00", channel="sms", direction="inbound",
                outcome="delivered", destination=MOBILE, debt_id="cc"),
            sms("reply", "Tue Apr 7", "10:10"),  # the one response: allowed
            sms("t2", "Tue Apr 7", "11:00"),  # a second text: barred
        ]
        report = lint(rows)
        assert verdict(report) == [(rule, "t1"), (rule, "t2")], kind
        assert the_finding(report, rule, "t2").evidence == ("stop", "t2")


def test_1006_14_h_2_i_confirmation_of_an_opt_out() -> None:
    """§1006.14(h)(2)(i): after a person opts out of electronic communications, the
    collector may send an electronic confirmation that says only that it received the
    request and will honour it (logged as ``message: opt_out_confirmation``). A second
    message is barred."""
    rows = [
        sms("t0", "Mon Apr 6", "10:00",
            text=f"ABC Inc., a debt collector: {MINI_MIRANDA_EN} Reply STOP to opt out."),
        row("in", "Mon Apr 6", "10:30", channel="sms", direction="inbound",
            outcome="delivered", destination=MOBILE, text="STOP"),
        account("opt_out", "stop", "Mon Apr 6", "10:30", channel="sms", destination=MOBILE),
        sms("confirm", "Mon Apr 6", "10:31", opt_out_notice=False,
            message="opt_out_confirmation",
            text="You have opted out and will no longer receive texts from ABC Inc."),
        sms("t1", "Tue Apr 7", "10:00",
            text="ABC Inc., a debt collector: please call us. Reply STOP to opt out."),
    ]
    assert verdict(lint(rows)) == [(OPT_OUT, "t1")]


def test_1006_14_h_2_i_one_confirmation_that_says_nothing_else() -> None:
    """Only one confirmation per request is excepted, and one that says more (a debt
    word) is still reported, by the content rule that checks it says nothing else."""
    rows = [
        account("opt_out", "stop", "Mon Apr 6", "10:30", channel="sms", destination=MOBILE),
        sms("confirm", "Mon Apr 6", "10:31", opt_out_notice=False,
            message="opt_out_confirmation",
            text="You have opted out and will no longer receive texts from ABC Inc."),
        sms("again", "Mon Apr 6", "10:32", opt_out_notice=False,
            message="opt_out_confirmation",
            text="You have opted out and will no longer receive texts from ABC Inc."),
        account("opt_out", "stop2", "Tue Apr 7", "10:30", channel="sms", destination=MOBILE),
        sms("more", "Tue Apr 7", "10:31", opt_out_notice=False,
            message="opt_out_confirmation",
            text="You have opted out of texts from ABC Inc. Your balance of $300 is past due."),
    ]
    found = verdict(lint(rows))
    assert (OPT_OUT, "confirm") not in found and (OPT_OUT, "again") in found
    assert (OPT_OUT, "more") not in found  # the second request's own confirmation
    assert ("reg-f/content/opt-out-confirmation", "more") in found


def test_42_a_1_4_no_required_disclosure_to_an_opted_out_address() -> None:
    """Comment 42(a)(1)-4: once the consumer has opted out of communications at an email
    address, the collector cannot use it to send required disclosures (such as the
    validation notice or a notice of a specific remedy); by mail they remain fine."""
    rows = [
        account("opt_out", "oo", "Mon Apr 6", channel="email", destination=EMAIL),
        email("notice", "Tue Apr 7", purpose="remedy"),
        letter("mailed", "Tue Apr 7", purpose="remedy"),
    ]
    report = lint(rows)
    assert verdict(report) == [(OPT_OUT, "notice")]


# --- 2(b), 14(b)-1: attempts and what counts as placing a call ------------------------------


def test_2_b_1_unanswered_calls_and_any_voicemail_are_attempts() -> None:
    """Comment 2(b)-1.i and .ii: a call about a debt is an attempt to communicate whether
    or not it reaches the person, and so is leaving a voicemail, limited-content or not.
    Comment 14(b)-1: "placing a telephone call" includes a ringless voicemail but not a
    text or email. So an unanswered call at 7:55 a.m. is an inconvenient-time attempt,
    and a week of six unanswered calls, a fuller voicemail and a ringless voicemail is
    eight calls; a text in place of the ringless voicemail is not a call."""
    assert verdict(lint([call("early", "Wed Apr 1", "07:55")])) == [(HOURS, "early")]

    disclosed = f"ABC Inc., a debt collector. {MINI_MIRANDA_EN} Please call 1-800-555-1212."
    week = [call(f"c{i}", d) for i, d in enumerate(
        ["Wed Apr 1", "Thu Apr 2", "Fri Apr 3", "Sat Apr 4", "Sun Apr 5", "Mon Apr 6"],
        start=1)]
    week.append(call("c7", "Tue Apr 7", "10:00", outcome="voicemail", message="full",
                     text=disclosed))
    ringless = call("rvm", "Tue Apr 7", "15:00", outcome="voicemail",
                    message="limited_content")
    report = lint([*week, ringless])
    assert verdict(report) == [(CALL_FREQUENCY, "rvm")]
    assert the_finding(report, CALL_FREQUENCY, "rvm").evidence == (*ids("c", 7), "rvm")

    text = sms("t1", "Tue Apr 7", "15:00",
               text="ABC Inc. is a debt collector. Please call us. Reply STOP to opt out.")
    assert verdict(lint([*week, text])) == []


# --- the after-conversation period across a daylight-saving change ---------------------------


def test_14_b_2_ii_1_ii_across_the_end_of_daylight_saving_time() -> None:
    """Comment 14(b)(2)(i)-1 and (ii)-1.ii, moved to the week clocks fall back (Sunday
    November 1, 2020 in New York): after a conversation on Friday October 30 (day 1), a
    call on Thursday November 5 (day 7) is a presumed violation and one at 8:30 a.m. on
    Friday November 6 (day 8) is not, although fewer than 7 x 24 hours have passed
    (a 25-hour day is in the period: 168 hours end at 9:00 a.m. EST)."""
    rows = [
        call("talk", "Fri Oct 30", "10:00", outcome="conversation"),
        call("day7", "Thu Nov 5", "20:00"),
        call("day8", "Fri Nov 6", "08:30"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "day7")]
    assert the_finding(report, AFTER_CONVERSATION, "day7").evidence == ("talk", "day7")


def test_14_b_2_ii_1_ii_across_the_start_of_daylight_saving_time() -> None:
    """As above, the week clocks spring forward (Sunday March 8, 2020): after a
    conversation at 8:30 p.m. on Friday March 6, a call on Thursday March 12 is day 7
    and barred; 8:00 a.m. on Friday March 13 is day 8 and clean, although a 168-hour
    reading would bar it until 9:30 p.m. that day."""
    rows = [
        call("talk", "Fri Mar 6", "20:30", outcome="conversation"),
        call("day7", "Thu Mar 12", "20:55"),
        call("day8", "Fri Mar 13", "08:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "day7")]


# --- 14(a), 14(b)(1): what the call counts do not cover ---------------------------------------


def test_14_a_2_i_seven_calls_and_emails_are_within_the_call_presumption() -> None:
    """Comment 14(a)-2.i: seven unanswered calls within seven consecutive days, and
    several unsolicited emails the same week. The calls do not exceed §1006.14(b)(2)(i):
    presumed to comply with §1006.14(b)(1); emails never count toward it. (Whether the
    cumulative effect is harassment under §1006.14(a) is a judgement the pack does not
    make: no finding.)"""
    days = ["Wed Apr 1", "Thu Apr 2", "Fri Apr 3", "Sat Apr 4", "Sun Apr 5", "Mon Apr 6",
            "Tue Apr 7"]
    rows = [call(f"c{i}", d) for i, d in enumerate(days, start=1)]
    rows += [email(f"e{i}", d, "16:00") for i, d in enumerate(days, start=1)]
    assert verdict(lint(rows)) == []


def test_14_b_1_2_obscene_voicemail_within_the_frequency_limits() -> None:
    """Comment 14(b)(1)-2: the collector calls about a debt no more often than
    §1006.14(b)(2)(i) allows, so it is presumed to comply as to frequency; but one call
    leaves a voicemail with obscene language, which violates §1006.14(a) and (d)."""
    vm = (f"This is Robin Smith of ABC Inc., a debt collector. {MINI_MIRANDA_EN} "
          "Pay up, you deadbeat. Call 1-800-555-1212.")
    rows = [
        call("c1", "Wed Apr 1"),
        call("c2", "Thu Apr 2"),
        call("c3", "Fri Apr 3", outcome="voicemail", message="full", text=vm),
        call("c4", "Mon Apr 6"),
    ]
    report = lint(rows)
    assert verdict(report) == [(OBSCENE, "c3")]


# --- 14(b)(2)(i)-2: factors that may rebut the presumption of compliance --------------------


def test_14_b_2_i_2_i_six_calls_on_friday_april_3() -> None:
    """Comment 14(b)(2)(i)-2.i: as in -1.i, but after the first call on Wednesday April 1
    the collector places the six other calls on Friday April 3. Seven calls in seven days:
    presumed to comply, but the high concentration of calls on April 3 is a factor that
    may rebut it (a warning, not a call-frequency finding)."""
    rows = [call("c1", "Wed Apr 1", outcome="voicemail", message="limited_content")]
    rows += [call(f"f{i}", "Fri Apr 3", f"{9 + i}:00") for i in range(1, 7)]
    report = lint(rows)
    assert verdict(report) == [(SAME_DAY_BURST, "f6")]
    finding = the_finding(report, SAME_DAY_BURST, "f6")
    assert finding.severity == "warning"
    assert finding.evidence == tuple(ids("f", 6))

    # spread over Thursday and Friday, the same calls are not concentrated
    spread = [call("c1", "Wed Apr 1", outcome="voicemail", message="limited_content")]
    spread += [call(f"f{i}", "Thu Apr 2" if i <= 3 else "Fri Apr 3", f"{9 + i}:00")
               for i in range(1, 7)]
    assert verdict(lint(spread)) == []


def test_14_b_2_i_2_i_two_unanswered_calls_within_five_minutes() -> None:
    """Comment 14(b)(2)(i)-2.i: calls in rapid succession, e.g. two unanswered calls to
    the same number within five minutes, may rebut the presumption of compliance. Two
    calls six minutes apart, or to two different numbers, are not that."""
    rows = [
        call("a1", "Wed Apr 1", "10:00"),
        call("a2", "Wed Apr 1", "10:04"),
        call("b1", "Thu Apr 2", "10:00"),
        call("b2", "Thu Apr 2", "10:06"),
        call("m1", "Fri Apr 3", "10:00"),
        call("m2", "Fri Apr 3", "10:01", destination=MOBILE_2),
    ]
    report = lint(rows)
    assert verdict(report) == [(RAPID_REDIAL, "a2")]
    assert the_finding(report, RAPID_REDIAL, "a2").severity == "warning"
    assert the_finding(report, RAPID_REDIAL, "a2").evidence == ("a1", "a2")


def test_14_b_2_i_2_ii_voicemails_in_rapid_succession_and_concentrated() -> None:
    """Comment 14(b)(2)(i)-2.ii: two voicemails within five minutes at the same number,
    or seven voicemails at the same number within one day, may rebut the presumption of
    compliance. (Seven calls in the seven days: no call-frequency finding.)"""
    vm = {"outcome": "voicemail", "message": "limited_content"}
    rows = [call("v1", "Wed Apr 1", "10:00", **vm), call("v2", "Wed Apr 1", "10:03", **vm)]
    assert verdict(lint(rows)) == [(RAPID_REDIAL, "v2")]

    seven = [call(f"v{i}", "Wed Apr 1", f"{8 + 2 * i}:00", **vm) for i in range(1, 7)]
    seven.append(call("v7", "Wed Apr 1", "20:30", **vm))
    report = lint(seven)
    assert (SAME_DAY_BURST, "v7") in verdict(report)
    assert {rule for rule, _ in verdict(report)} == {SAME_DAY_BURST}


# --- 14(b)(2)(ii)-2: factors that may rebut the presumption of a violation --------------------


def test_14_b_2_ii_2_rebuttal_factors_leave_a_presumed_violation_to_review() -> None:
    """Comment 14(b)(2)(ii)-2.iii and -2.iv.C: as in -1.ii (a conversation on Friday
    August 14), the collector calls again before Friday August 21 — to give information
    the consumer asked for (a factor that may rebut), or to push a "one-time" discount
    it could have offered later (not a factor). Either way the call is presumed to
    violate §1006.14(b)(1): the finding stands and says it is a rebuttable presumption,
    for review."""
    rows = [
        call("c1", "Tue Aug 11"),
        call("c2", "Fri Aug 14", outcome="conversation"),
        call("info", "Mon Aug 17", "10:00"),
        call("offer", "Mon Aug 17", "15:00"),
    ]
    report = lint(rows)
    assert verdict(report) == [(AFTER_CONVERSATION, "info"), (AFTER_CONVERSATION, "offer")]
    assert "rebuttable presumption" in the_finding(report, AFTER_CONVERSATION, "info").message


# --- 14(b)(3)(i)-1, 14(b)(4)-2.vii -----------------------------------------------------------


def test_14_b_3_i_1_consent_to_calls_is_not_consent_to_inconvenient_times_or_media() -> None:
    """Comment 14(b)(3)(i)-1: prior consent excludes calls from the frequency counts, but
    does not permit communicating at inconvenient times (§1006.6(b)) or through a medium
    the person asked the collector not to use (§1006.14(h)). Eight consented calls in a
    week are not counted; the one at 9:30 p.m. is still an hours violation."""
    rows = [account("consent", "ok", "Mon Jun 1", "09:00", debt_id="cc")]
    rows += [call(f"k{i}", day, hh_mm) for i, (day, hh_mm) in enumerate(
        [(d, h) for d in ("Tue Jun 2", "Wed Jun 3") for h in ("10:00", "13:00", "16:00")]
        + [("Thu Jun 4", "10:00")], start=1)]
    rows.append(call("late", "Thu Jun 4", "21:30"))
    report = lint(rows)
    assert verdict(report) == [(HOURS, "late")]

    stopped = [
        account("consent", "ok", "Mon Jun 1", "09:00", debt_id="cc"),
        account("stop_channel", "stop", "Mon Jun 1", "09:30", channel="call"),
        call("k1", "Tue Jun 2", "10:00"),
    ]
    assert verdict(lint(stopped)) == [(STOP_CHANNEL, "k1")]


def test_14_b_4_2_vii_student_loans_under_one_account_number_are_one_debt() -> None:
    """Comment 14(b)(4)-2.vii: three student loans serviced under one account number when
    the collector obtained them are a single debt for §1006.14(b)(2). Logged under that
    account number, seven calls in seven days are presumed to comply, an eighth is
    not, and a conversation about the loans restricts calls about any of them."""
    days = ["Mon Nov 9", "Tue Nov 10", "Wed Nov 11", "Thu Nov 12", "Fri Nov 13", "Sat Nov 14",
            "Sun Nov 15"]
    rows = [call(f"s{i}", d, debt_id="SL-ACCT-1") for i, d in enumerate(days, start=1)]
    assert verdict(lint(rows)) == []
    report = lint([*rows, call("s8", "Sun Nov 15", "15:00", debt_id="SL-ACCT-1")])
    assert verdict(report) == [(CALL_FREQUENCY, "s8")]
    assert the_finding(report, CALL_FREQUENCY, "s8").debt_id == "SL-ACCT-1"

    talk = [call("t1", "Mon Nov 16", outcome="conversation", debt_id="SL-ACCT-1"),
            call("t2", "Wed Nov 18", debt_id="SL-ACCT-1")]
    assert verdict(lint(talk)) == [(AFTER_CONVERSATION, "t2")]


# --- 18(e): disclosures ----------------------------------------------------------------------


def test_18_e_1_a_limited_content_message_needs_no_disclosure_a_fuller_one_does() -> None:
    """Comment 18(e)-1: a limited-content message is not a communication, so it needs no
    §1006.18(e) disclosures. A voicemail that adds information about the debt is a
    communication: the initial one must carry the §1006.18(e)(1) disclosure."""
    lcm = [call("vm", "Wed Apr 1", outcome="voicemail", message="limited_content",
                text=LIMITED_CONTENT)]
    assert verdict(lint(lcm)) == []

    fuller = [call("vm", "Wed Apr 1", outcome="voicemail", message="full",
                   text=LIMITED_CONTENT + " It is about your past-due balance of $450.")]
    report = lint(fuller)
    assert verdict(report) == [(MINI_MIRANDA, "vm")]


def test_18_e_1_1_consumer_calls_back_after_a_limited_content_message() -> None:
    """Comment 18(e)(1)-1: the collector's first attempt is a limited-content message;
    the consumer listens to it and calls the collector. That consumer-initiated call is
    the initial communication: the collector must say during it that it is attempting
    to collect a debt and that any information obtained will be used for that purpose."""
    def callback(words: str) -> list[Row]:
        return [
            call("vm", "Wed Apr 1", outcome="voicemail", message="limited_content",
                 text=LIMITED_CONTENT),
            call("in", "Wed Apr 1", "15:00", direction="inbound", outcome="conversation",
                 transcript=[{"speaker": "consumer", "text": "Hi, I got a message from Robin."},
                             {"speaker": "collector", "text": words}]),
        ]

    silent = lint(callback("Thanks for calling back. You owe $450 on your card account."))
    assert verdict(silent) == [(MINI_MIRANDA, "in")]
    disclosed = lint(callback(f"Thanks for calling back. {MINI_MIRANDA_EN} "
                              "You owe $450 on your card account."))
    assert verdict(disclosed) == []


def test_18_e_4_1_i_spanish_then_english_and_spanish() -> None:
    """Comment 18(e)(4)-1.i: the initial communication takes place in Spanish, so the
    §1006.18(e)(1) disclosure must be in Spanish. A later communication partly in
    English and partly in Spanish needs the §1006.18(e)(2) disclosure in both."""
    initial = ("Hola, le habla ABC. Este es un intento de cobrar una deuda y cualquier "
               "información obtenida se usará para ese propósito. Llámenos al 800-555-0100.")
    both = ("ABC Inc. is a debt collector. Your payment of $50 is due Friday. "
            "ABC es una agencia de cobranza. Su pago de 50 dólares vence el viernes.")
    english_only = ("ABC Inc. is a debt collector. Your payment of $50 is due Friday. "
                    "Su pago de 50 dólares vence el viernes, llame hoy por favor.")

    def log(later: str) -> list[Row]:
        return [sms("t1", "Mon Apr 6", text=initial + " Responda STOP para darse de baja.",
                    lang="es"),
                sms("t2", "Tue Apr 7", text=later + " Reply STOP to opt out. Responda STOP.",
                    lang="en;es")]

    assert verdict(lint(log(both))) == []
    report = lint(log(english_only))
    assert verdict(report) == [(LATER_DISCLOSURE, "t2")]
    assert "es" in the_finding(report, LATER_DISCLOSURE, "t2").message


# --- 22(f): envelopes, employer email, social media ------------------------------------------

ENVELOPE_FACE = ("Pat Jones, 12 Main St, Springfield, IL 62701. "
                 "Forwarding and address correction requested")


def test_22_f_2_1_envelope_may_carry_name_address_and_postal_language() -> None:
    """Comment 22(f)(2)-1: the debtor's name and address, postage, and language such as
    "forwarding and address correction requested" facilitate mail and are not
    prohibited "language or symbol" on the envelope; a debt word there is."""
    body = f"ABC Inc. {MINI_MIRANDA_EN} Your balance is $450."
    ok = [letter("L1", "Mon Apr 6", sender="ABC Inc.", subject=ENVELOPE_FACE, text=body)]
    assert verdict(lint(ok)) == []
    bad = [letter("L1", "Mon Apr 6", sender="ABC Inc.", text=body,
                  subject=ENVELOPE_FACE + ". PAST DUE NOTICE")]
    assert verdict(lint(bad)) == [(ENVELOPE_TEXT, "L1")]


def test_22_f_2_1_an_envelope_logged_without_the_letter_body() -> None:
    """Comment 22(f)(2)-1, as above, with only the envelope logged (the letter's body is
    not in the log): the envelope is lawful and the unknown body cannot be checked, so
    no finding."""
    rows = [letter("L1", "Mon Apr 6", sender="ABC Inc.", subject=ENVELOPE_FACE)]
    assert verdict(lint(rows)) == []


def test_a_letter_s_disclosure_is_read_in_the_letter_not_on_its_envelope() -> None:
    """The disclosures belong in the letter: wording printed on the envelope (where
    §1006.22(f)(2) forbids it anyway) does not stand for a body that lacks it."""
    rows = [letter("L1", "Mon Apr 6", sender="ABC Inc.", text="ABC Inc. Your balance is $450.",
                   subject=f"{ENVELOPE_FACE}. {MINI_MIRANDA_EN}")]
    rules = {rule for rule, _ in verdict(lint(rows))}
    assert "reg-f/content/mini-miranda" in rules


def test_22_f_3_employer_provided_email() -> None:
    """§1006.22(f)(3): no email to an address the collector knows the consumer's employer
    provides (unless the consumer used it or consented: see the tests below)."""
    rows = [email("w1", "Mon Apr 6", destination=WORK_EMAIL, destination_type="work_email"),
            email("p1", "Mon Apr 6", "11:00")]
    report = lint(rows)
    assert verdict(report) == [(EMPLOYER_EMAIL, "w1")]


def test_22_f_3_1_consumer_used_the_work_email_to_contact_the_collector() -> None:
    """Comment 22(f)(3)-1: the prohibition does not apply to an address described in
    §1006.6(d)(4)(i): one the consumer used to communicate with the collector about the
    debt, even if the collector knows it is employer-provided."""
    rows = [
        email("in", "Mon Apr 6", "09:30", direction="inbound", outcome="delivered",
              destination=WORK_EMAIL, destination_type="work_email"),
        email("reply", "Mon Apr 6", "11:00", destination=WORK_EMAIL,
              destination_type="work_email"),
        email("later", "Wed Apr 8", "11:00", destination=WORK_EMAIL,
              destination_type="work_email"),
    ]
    assert verdict(lint(rows)) == []


def test_22_f_3_1_the_exception_needs_that_address_and_ends_with_an_opt_out() -> None:
    """Comment 22(f)(3)-1 / §1006.6(d)(4)(i)(A): the consumer's use of one work address
    opens that address only, from the use on, and not after the consumer opts out of
    it."""
    other = "pat@other-employer.example"
    rows = [
        email("before", "Mon Apr 6", "09:00", destination=WORK_EMAIL,
              destination_type="work_email"),
        email("in", "Mon Apr 6", "09:30", direction="inbound", outcome="delivered",
              destination=WORK_EMAIL, destination_type="work_email"),
        email("reply", "Mon Apr 6", "11:00", destination=WORK_EMAIL,
              destination_type="work_email"),
        email("elsewhere", "Mon Apr 6", "11:30", destination=other,
              destination_type="work_email"),
        account("opt_out", "oo", "Tue Apr 7", "09:00", channel="email",
                destination=WORK_EMAIL),
        email("after", "Wed Apr 8", "11:00", destination=WORK_EMAIL,
              destination_type="work_email"),
    ]
    flagged = [event for rule, event in verdict(lint(rows)) if rule == EMPLOYER_EMAIL]
    assert sorted(flagged) == ["after", "before", "elsewhere"]


def test_22_f_4_1_social_media_public_post_private_message_wrong_person() -> None:
    """Comment 22(f)(4)-1: a message about the debt posted where the general public or
    the person's social-media contacts can see it is prohibited; a private message is
    not (under §1006.22(f)(4)); a private message about the debt sent to the wrong
    person violates §1006.6(d)(1)."""
    words = f"ABC Inc. is a debt collector. {MINI_MIRANDA_EN} Pat, your account is past due."
    social: Row = {"channel": "social", "outcome": "sent", "debt_id": "cc",
                   "destination": HANDLE, "destination_type": "other", "text": words}
    rows = [
        row("dm", "Mon Apr 6", "10:00", **social, public=False),
        row("post", "Tue Apr 7", "10:00", **social, public=True),
        row("wrong", "Wed Apr 8", "10:00", **{**social, "destination": "@pat.jones.2"},
            party="third_party", public=False, disclosed_debt=True),
    ]
    report = lint(rows)
    assert verdict(report) == [(PUBLIC_SOCIAL, "post"), (THIRD_PARTY, "wrong")]
    assert the_finding(report, PUBLIC_SOCIAL, "post").severity == "error"


def test_every_rule_named_here_is_in_the_pack() -> None:
    names = {RAPID_REDIAL, SAME_DAY_BURST, STOP_CHANNEL, OPT_OUT, REPRESENTED, WORKPLACE,
             EMPLOYER_EMAIL, OBSCENE, MINI_MIRANDA, LATER_DISCLOSURE, PUBLIC_SOCIAL, ENVELOPE,
             ENVELOPE_TEXT, CALL_FREQUENCY, AFTER_CONVERSATION, HOURS, INCONVENIENT,
             THIRD_PARTY}
    assert names <= {r.id for r in PACK.rules}
    assert isinstance(PACK, fairdebt.Policy)
