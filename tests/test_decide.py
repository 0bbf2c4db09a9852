"""decide(): may this contact be made now, and if not, when is the earliest it may?"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytz

import fairdebt

POLICY = fairdebt.load_policy("us-reg-f")
LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")


def call(ts: datetime, eid: str, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"timestamp": ts, "consumer_id": "C1", "event_id": eid,
                           "channel": "call", "timezone": "America/Los_Angeles",
                           "debt_id": "D1", "outcome": "no_answer"}
    out.update(fields)
    return out


PROPOSED = {"consumer_id": "C1", "channel": "call", "debt_id": "D1",
            "timezone": "America/Los_Angeles"}


def test_los_angeles_at_six_gets_eight_local() -> None:
    now = datetime(2026, 4, 1, 6, 0, tzinfo=LA)
    d = fairdebt.decide(POLICY, [], PROPOSED, now)
    assert not d.allowed
    assert [f.rule for f in d.reasons] == ["reg-f/hours"]
    assert d.next_permitted_at == datetime(2026, 4, 1, 8, 0, tzinfo=LA)
    assert d.next_permitted_at.utcoffset() == timedelta(hours=-7)  # in now's zone


def test_allowed_now_returns_now() -> None:
    now = datetime(2026, 4, 1, 9, 30, tzinfo=LA)
    d = fairdebt.decide(POLICY, [], PROPOSED, now)
    assert d.allowed and d.reasons == [] and d.next_permitted_at == now


def test_seven_calls_in_the_week_wait_for_the_first_to_leave_at_opening_hour() -> None:
    # calls on Mon 6 Apr .. Sun 12 Apr at 18:00; asked Sun 12 Apr 19:00
    history = [call(datetime(2026, 4, 6 + i, 18, 0, tzinfo=LA), f"c{i}") for i in range(7)]
    d = fairdebt.decide(POLICY, history, PROPOSED, datetime(2026, 4, 12, 19, 0, tzinfo=LA))
    assert not d.allowed
    assert "reg-f/call-frequency" in [f.rule for f in d.reasons]
    # Monday's call leaves the 7-day window on Monday 13 April; the hours open at 08:00
    assert d.next_permitted_at == datetime(2026, 4, 13, 8, 0, tzinfo=LA)


def test_cap_lifting_late_at_night_waits_for_the_morning() -> None:
    history = [call(datetime(2026, 4, 6 + i, 9, 0, tzinfo=LA), f"c{i}") for i in range(7)]
    d = fairdebt.decide(POLICY, history, PROPOSED, datetime(2026, 4, 12, 22, 30, tzinfo=LA))
    assert {f.rule for f in d.reasons} == {"reg-f/call-frequency", "reg-f/hours"}
    assert d.next_permitted_at == datetime(2026, 4, 13, 8, 0, tzinfo=LA)


def test_after_a_conversation_on_day_d_the_next_call_is_day_d_plus_7() -> None:
    history = [call(datetime(2026, 4, 7, 10, 0, tzinfo=LA), "talk", outcome="conversation")]
    d = fairdebt.decide(POLICY, history, PROPOSED, datetime(2026, 4, 8, 12, 0, tzinfo=LA))
    assert [f.rule for f in d.reasons] == ["reg-f/after-conversation"]
    assert d.next_permitted_at == datetime(2026, 4, 14, 8, 0, tzinfo=LA)


def test_a_consumer_in_two_zones_gets_the_later_opening() -> None:
    proposed = {**PROPOSED, "timezone": "America/New_York;America/Los_Angeles"}
    d = fairdebt.decide(POLICY, [], proposed, datetime(2026, 4, 1, 7, 0, tzinfo=NY))
    # 08:00 in Los Angeles is 11:00 in New York
    assert d.next_permitted_at == datetime(2026, 4, 1, 11, 0, tzinfo=NY)


def test_spring_forward_night() -> None:
    # 2026-03-08: Los Angeles clocks jump from 02:00 to 03:00
    now = datetime(2026, 3, 8, 9, 30, tzinfo=timezone.utc)  # 01:30 PST
    d = fairdebt.decide(POLICY, [], PROPOSED, now)
    assert d.next_permitted_at == datetime(2026, 3, 8, 8, 0, tzinfo=LA)
    assert d.next_permitted_at.utcoffset() == timedelta(0)  # now's zone: UTC
    assert d.next_permitted_at.astimezone(LA).utcoffset() == timedelta(hours=-7)


def test_inconvenient_time_waits_until_the_designation_ends() -> None:
    history = [{"timestamp": datetime(2026, 4, 1, 8, 0, tzinfo=LA), "consumer_id": "C1",
                "event": "inconvenient", "detail": "Mon-Fri 09:00-17:00"}]
    d = fairdebt.decide(POLICY, history, PROPOSED, datetime(2026, 4, 2, 10, 0, tzinfo=LA))
    assert [f.rule for f in d.reasons] == ["reg-f/inconvenient-time"]
    assert d.next_permitted_at == datetime(2026, 4, 2, 17, 0, tzinfo=LA)


def test_cease_is_not_lifted_by_time() -> None:
    history = [{"timestamp": datetime(2026, 4, 1, 8, 0, tzinfo=LA), "consumer_id": "C1",
                "event": "cease"}]
    d = fairdebt.decide(POLICY, history, PROPOSED, datetime(2026, 4, 2, 6, 0, tzinfo=LA))
    assert not d.allowed and d.next_permitted_at is None
    assert [f.rule for f in d.blocked_by] == ["reg-f/cease"]
    assert d.note is not None and "reg-f/cease" in d.note
    assert {f.rule for f in d.reasons} == {"reg-f/cease", "reg-f/hours"}


def test_consent_lifts_the_cap() -> None:
    history = [call(datetime(2026, 4, 6 + i, 9, 0, tzinfo=LA), f"c{i}") for i in range(7)]
    history.append({"timestamp": datetime(2026, 4, 12, 9, 30, tzinfo=LA), "consumer_id": "C1",
                    "event": "consent", "debt_id": "D1"})
    d = fairdebt.decide(POLICY, history, PROPOSED, datetime(2026, 4, 12, 10, 0, tzinfo=LA))
    assert d.allowed


def test_warnings_do_not_block() -> None:
    # six calls today to one number, each about a different debt: the 7th is a warning
    number = "+13105550100"
    history = [call(datetime(2026, 4, 1, 9 + i, 0, tzinfo=LA), f"c{i}", debt_id=f"D{i}",
                    destination=number) for i in range(6)]
    proposed = {**PROPOSED, "debt_id": "D9", "destination": number}
    d = fairdebt.decide(POLICY, history, proposed, datetime(2026, 4, 1, 16, 0, tzinfo=LA))
    assert d.allowed
    assert [(f.rule, f.severity) for f in d.reasons] == [("reg-f/same-day-burst", "warning")]


def test_a_minutes_cap_lifts_when_the_oldest_call_is_out(tmp_path: Path) -> None:
    pack = tmp_path / "house.yaml"
    pack.write_text(
        "id: house\ntitle: House\njurisdiction: US\nversion: '1'\nrules:\n"
        "  - id: house/two-an-hour\n    title: two calls an hour\n    check: frequency_cap\n"
        "    citation: house\n    severity: error\n    when: {channel: call}\n"
        "    params: {max: 2, minutes: 60, per: [person]}\n", encoding="utf-8")
    policy = fairdebt.load_policy(str(pack))
    history = [call(datetime(2026, 4, 1, 10, 0, 30, tzinfo=LA), "a"),
               call(datetime(2026, 4, 1, 10, 20, tzinfo=LA), "b")]
    now = datetime(2026, 4, 1, 10, 30, tzinfo=LA)
    d = fairdebt.decide(policy, history, PROPOSED, now)
    assert d.next_permitted_at is not None
    # the first call stops counting just after 11:00:30
    assert datetime(2026, 4, 1, 11, 0, 30, tzinfo=LA) < d.next_permitted_at \
        < datetime(2026, 4, 1, 11, 0, 31, tzinfo=LA)


def test_pytz_now_gives_the_same_answer() -> None:
    history = [call(datetime(2026, 4, 7, 10, 0, tzinfo=LA), "talk", outcome="conversation")]
    zoneinfo_now = datetime(2026, 4, 8, 6, 0, tzinfo=LA)
    pytz_now = pytz.timezone("America/Los_Angeles").localize(datetime(2026, 4, 8, 6, 0))
    a = fairdebt.decide(POLICY, history, PROPOSED, zoneinfo_now)
    b = fairdebt.decide(POLICY, history, PROPOSED, pytz_now)
    assert a.next_permitted_at == b.next_permitted_at == datetime(2026, 4, 14, 8, tzinfo=LA)
    assert b.next_permitted_at is not None and b.next_permitted_at.utcoffset() == \
        timedelta(hours=-7)
    # the classic mistake, tzinfo=pytz zone (LMT), is repaired rather than trusted
    wrong = datetime(2026, 4, 8, 6, 0, tzinfo=pytz.timezone("America/Los_Angeles"))
    assert fairdebt.decide(POLICY, history, PROPOSED, wrong).next_permitted_at == \
        a.next_permitted_at


@pytest.mark.parametrize("bad, message", [
    ({"now": datetime(2026, 4, 1, 9, 0)}, "timezone-aware"),
    ({"proposed": {**PROPOSED, "timestamp": "2026-04-01T09:00Z"}}, "must not have a timestamp"),
    ({"proposed": {**PROPOSED, "channel": "pigeon"}}, "channel"),
    ({"history": [call(datetime(2026, 4, 2, 9, 0, tzinfo=LA), "late")]}, "later than now"),
    ({"history": [{**call(datetime(2026, 3, 2, 9, 0, tzinfo=LA), "x"), "consumer_id": "C2"}]},
     "one consumer"),
    ({"history": [{"consumer_id": "C1", "channel": "call"}]}, "history item 1"),
])
def test_bad_arguments_raise_clear_errors(bad: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"history": [], "proposed": PROPOSED,
                            "now": datetime(2026, 4, 1, 9, 0, tzinfo=LA), **bad}
    with pytest.raises(ValueError, match=message):
        fairdebt.decide(POLICY, args["history"], args["proposed"], args["now"])


def test_decide_does_not_disturb_later_calls() -> None:
    """Trials run on a copy: asking twice gives the same answer."""
    history = [call(datetime(2026, 4, 6 + i, 9, 0, tzinfo=LA), f"c{i}") for i in range(7)]
    now = datetime(2026, 4, 12, 10, 0, tzinfo=LA)
    first = fairdebt.decide(POLICY, history, PROPOSED, now)
    second = fairdebt.decide(POLICY, history, PROPOSED, now)
    assert first == second


ONTARIO = fairdebt.load_policy("ca-on")
TORONTO = ZoneInfo("America/Toronto")
ON_CALL = {"consumer_id": "C9", "channel": "call", "region": "CA-ON",
           "timezone": "America/Toronto"}


def test_ontario_saturday_night_gets_sunday_one_pm() -> None:
    now = datetime(2026, 5, 2, 22, 0, tzinfo=TORONTO)  # Saturday 22:00
    d = fairdebt.decide(ONTARIO, [], ON_CALL, now)
    assert [f.rule for f in d.reasons] == ["ca-on/hours"]
    assert d.next_permitted_at == datetime(2026, 5, 3, 13, 0, tzinfo=TORONTO)


def test_ontario_saturday_night_before_a_sunday_holiday_gets_the_next_open_day() -> None:
    # Sunday 1 July 2029 is Canada Day: next is Monday at 07:00
    now = datetime(2029, 6, 30, 22, 0, tzinfo=TORONTO)
    d = fairdebt.decide(ONTARIO, [], ON_CALL, now)
    assert d.next_permitted_at == datetime(2029, 7, 2, 7, 0, tzinfo=TORONTO)
    # Christmas on Saturday 25 December 2027, Boxing Day on Sunday: observed on Monday
    # 27th and Tuesday 28th, so the next call is on Wednesday
    d = fairdebt.decide(ONTARIO, [], ON_CALL, datetime(2027, 12, 25, 22, 0, tzinfo=TORONTO))
    assert d.next_permitted_at is not None
    assert d.next_permitted_at.astimezone(TORONTO).date().isoformat() == "2027-12-29"
