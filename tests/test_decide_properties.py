"""decide() against check(), over random histories and random policies.

For every generated case: the contact is allowed now exactly when check() finds no
error in it now; made at ``next_permitted_at`` it has no error; made at any whole
minute from now until then, it has one; with no next time, waiting does not help.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import fairdebt

REG_F = fairdebt.load_policy("us-reg-f")
ZONES = ["America/New_York", "America/Los_Angeles", "America/Phoenix", "Pacific/Honolulu",
         "America/New_York;America/Los_Angeles"]
_POLICY_DIR = Path(tempfile.mkdtemp(prefix="fairdebt-props-"))

contact = st.fixed_dictionaries({
    "channel": st.sampled_from(["call"] * 5 + ["sms", "email"]),
    "direction": st.sampled_from(["outbound"] * 6 + ["inbound"]),
    "party": st.sampled_from(["consumer"] * 8 + ["third_party"]),
    "outcome": st.sampled_from(["conversation", "no_answer", "voicemail", "answered", ""]),
    "debt_id": st.sampled_from(["D1", "D2", "D1;D2", ""]),
    "destination": st.sampled_from(["+13105550100", "+13105550101", ""]),
})
account = st.fixed_dictionaries({
    "event": st.sampled_from(["consent", "inconvenient", "wrong_number", "cease",
                              "stop_channel"]),
    "debt_id": st.sampled_from(["D1", ""]),
    "detail": st.sampled_from(["Mon-Fri 09:00-12:00", "Sat-Sun", "Mon-Sun 17:00-21:00", ""]),
    "destination": st.just("+13105550101"),
    "channel": st.sampled_from(["sms", ""]),
})
house_rules = st.fixed_dictionaries({
    "start": st.integers(6, 11), "end": st.integers(15, 22),
    "days": st.sampled_from(["Mon-Fri", "Mon-Sat", "Mon-Sun", "Tue,Thu,Sat"]),
    "max": st.integers(1, 4),
    "window": st.sampled_from([{"days": 1}, {"days": 3}, {"days": 7}, {"minutes": 90},
                               {"minutes": 600}]),
    "cooldown": st.integers(1, 4),
})


def house_policy(p: dict[str, Any]) -> fairdebt.Policy:
    window = ", ".join(f"{k}: {v}" for k, v in p["window"].items())
    hours = f'days: "{p["days"]}", start: "{p["start"]:02d}:00", end: "{p["end"]:02d}:00"'
    text = f"""id: house
title: House rules
jurisdiction: US
version: "1"
rules:
  - id: house/hours
    title: hours
    check: contact_hours
    citation: house
    severity: error
    when: {{direction: outbound}}
    params: {{windows: [{{{hours}}}]}}
  - id: house/cap
    title: cap
    check: frequency_cap
    citation: house
    severity: error
    when: {{direction: outbound, channel: call}}
    params: {{max: {p['max']}, {window}, per: [person, debt], exclude_consented: true}}
  - id: house/cooldown
    title: cooldown
    check: cooldown
    citation: house
    severity: error
    when: {{direction: outbound}}
    params: {{days: {p['cooldown']}, trigger: {{outcome: conversation}}}}
  - id: house/inconvenient
    title: inconvenient
    check: inconvenient_times
    citation: house
    severity: error
    when: {{direction: outbound}}
"""
    path = _POLICY_DIR / f"house-{hashlib.sha1(text.encode()).hexdigest()[:12]}.yaml"
    path.write_text(text, encoding="utf-8")
    return fairdebt.load_policy(str(path))


@st.composite
def cases(draw: st.DrawFn) -> tuple[fairdebt.Policy, list[dict[str, Any]], dict[str, Any],
                                    datetime]:
    now = datetime(2026, 2, 20, tzinfo=timezone.utc) + timedelta(
        minutes=draw(st.integers(0, 60 * 24 * 300)))
    zone = draw(st.sampled_from(ZONES))
    history: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 20))):
        back = timedelta(minutes=draw(st.integers(1, 60 * 24 * 12)))
        item = dict(draw(account if draw(st.integers(0, 9)) == 0 else contact))
        if item.get("event") != "inconvenient":
            item.pop("detail", None)
        item.update(timestamp=(now - back).isoformat(), consumer_id="C1", event_id=f"h{i}",
                    timezone=zone)
        history.append({k: v for k, v in item.items() if v != ""})
    proposed = {k: v for k, v in draw(contact).items() if v != ""}
    proposed.update(consumer_id="C1", direction="outbound", party="consumer", timezone=zone)
    proposed.pop("outcome", None)
    policy = REG_F if draw(st.booleans()) else house_policy(draw(house_rules))
    return policy, history, proposed, now


def errors_at(policy: fairdebt.Policy, history: list[dict[str, Any]],
              proposed: dict[str, Any], at: datetime) -> list[str]:
    rows = [*history, {**proposed, "timestamp": at, "event_id": "PROPOSED"}]
    report = fairdebt.check(rows, policy)
    assert not report.rejected, report.rejected
    return [f.rule for f in report.findings
            if f.event_id == "PROPOSED" and f.severity == "error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.lists(st.integers(0, 10**6), min_size=6, max_size=6))
def test_decide_agrees_with_check(case: Any, picks: list[int]) -> None:
    policy, history, proposed, now = case
    decision = fairdebt.decide(policy, history, proposed, now)
    now_errors = errors_at(policy, history, proposed, now)
    assert decision.allowed == (not now_errors), (now_errors, decision)
    assert sorted({f.rule for f in decision.reasons if f.severity == "error"}) == \
        sorted(set(now_errors))
    nxt = decision.next_permitted_at
    event("allowed now" if decision.allowed else "never" if nxt is None else "later")
    if nxt is None:
        assert now_errors and decision.note
        for pick in picks:  # waiting, up to a year, does not help
            later = now + timedelta(minutes=pick % (60 * 24 * 365))
            assert errors_at(policy, history, proposed, later), later
        return
    assert nxt >= now
    assert errors_at(policy, history, proposed, nxt) == [], nxt
    minutes = int((nxt - now).total_seconds() // 60)
    earlier = {0, max(minutes - 1, 0)} | {p % (minutes + 1) for p in picks}
    for k in sorted(earlier):
        at = now + timedelta(minutes=k)
        if at < nxt:
            assert errors_at(policy, history, proposed, at), (at, nxt)
