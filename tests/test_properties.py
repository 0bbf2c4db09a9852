"""Properties over random logs: row order never matters, evidence always proves its rule,
every row is accounted for."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fairdebt

POLICY = fairdebt.load_policy("us-reg-f")
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Pacific/Honolulu",
         "America/New_York;America/Los_Angeles"]
START = datetime(2026, 3, 1, tzinfo=timezone.utc)

contact = st.fixed_dictionaries({
    "minute": st.integers(0, 60 * 24 * 20).map(lambda m: m - m % 15),  # ties are common
    "consumer_id": st.sampled_from(["C1", "C2", "C3"]),
    "channel": st.sampled_from(["call"] * 6 + ["sms", "email"]),
    "direction": st.sampled_from(["outbound"] * 5 + ["inbound"]),
    "party": st.sampled_from(["consumer"] * 8 + ["employer", "third_party",
                                                  "consumer_attorney"]),
    "outcome": st.sampled_from(["conversation", "no_answer", "voicemail", "busy",
                                "not_connected", "answered", ""]),
    "debt_id": st.sampled_from(["A", "B", "A;B", ""]),
    "destination": st.sampled_from(["555-01", "555-02", ""]),
    "timezone": st.sampled_from([*ZONES, ""]),
    "purpose": st.sampled_from(["collection"] * 4 + ["location"]),
    "opt_out_notice": st.sampled_from(["true", "false", ""]),
})
account = st.fixed_dictionaries({
    "minute": st.integers(0, 60 * 24 * 20).map(lambda m: m - m % 15),  # ties are common
    "consumer_id": st.sampled_from(["C1", "C2", "C3"]),
    "event": st.sampled_from(["cease", "attorney", "consent", "stop_channel", "opt_out",
                              "wrong_number", "no_work_contact", "inconvenient"]),
    "channel": st.sampled_from(["call", "sms", ""]),
    "debt_id": st.sampled_from(["A", ""]),
    "destination": st.sampled_from(["555-01", ""]),
    "detail": st.sampled_from(["Mon-Fri 15:00-17:00", "Sat-Sun", ""]),
})
logs = st.lists(st.one_of(contact, contact, contact, account), min_size=1, max_size=60)


def to_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, item in enumerate(items):
        r = {k: v for k, v in item.items() if k != "minute" and v != ""}
        r["timestamp"] = (START + timedelta(minutes=item["minute"])).isoformat()
        r["event_id"] = f"e{i}"
        rows.append(r)
    return rows


def identity(report: fairdebt.Report) -> list[tuple[Any, ...]]:
    return sorted((f.rule, f.event_id, f.debt_id or "", f.message, f.evidence)
                  for f in report.findings)


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(logs, st.randoms(use_true_random=False))
def test_shuffling_rows_never_changes_findings(items: list[dict[str, Any]],
                                               rnd: random.Random) -> None:
    rows = to_rows(items)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert identity(fairdebt.check(rows, POLICY)) == identity(fairdebt.check(shuffled, POLICY))


@SETTINGS
@given(logs)
def test_every_row_is_accounted_for_and_runs_are_repeatable(items: list[dict[str, Any]]
                                                            ) -> None:
    rows = to_rows(items)
    first = fairdebt.check(rows, POLICY)
    s = first.summary
    assert s.rows_read == len(rows) == s.events_checked + s.rows_rejected
    assert fairdebt.check(rows, POLICY) == first


def _local_day(row: dict[str, Any]) -> date:
    zone = (row.get("timezone") or "UTC").split(";")[0]
    return datetime.fromisoformat(row["timestamp"]).astimezone(ZoneInfo(zone)).date()


@SETTINGS
@given(logs)
def test_call_frequency_evidence_proves_the_finding(items: list[dict[str, Any]]) -> None:
    # consumers keep one zone so "local day" is well defined for the oracle
    for item in items:
        item["timezone"] = {"C1": ZONES[0], "C2": ZONES[2], "C3": ZONES[3]}[item["consumer_id"]]
    rows = to_rows(items)
    by_id = {r["event_id"]: r for r in rows}
    report = fairdebt.check(rows, POLICY)
    for f in report.findings:
        if f.rule == "reg-f/call-frequency":
            evidence = [by_id[e] for e in f.evidence]
            assert len(evidence) > 7
            days = {_local_day(r) for r in evidence}
            assert (max(days) - min(days)).days < 7
            assert f.event_id in f.evidence
            for r in evidence:
                assert r["channel"] == "call" and r.get("direction", "outbound") == "outbound"
                assert r.get("outcome") not in ("busy", "not_connected")
                assert r["consumer_id"] == f.consumer_id
        if f.rule == "reg-f/after-conversation":
            trigger = by_id[f.evidence[0]]
            assert trigger["channel"] == "call" and trigger.get("outcome") == "conversation"
            gap = (_local_day(by_id[f.event_id]) - _local_day(trigger)).days
            assert 0 <= gap < 7
        if f.rule == "reg-f/rapid-redial":
            first, second = (by_id[e] for e in f.evidence[-2:])
            t1 = datetime.fromisoformat(first["timestamp"])
            t2 = datetime.fromisoformat(second["timestamp"])
            assert first["destination"] == second["destination"]
            assert timedelta(0) <= t2 - t1 <= timedelta(minutes=5)
