"""docs/judgment-calls.md: where the built-in packs chose one reading of an ambiguous
text, the choice is what the packs do, and docs/examples/other-readings.yaml (the other
reading, as a house policy on top of `us`) does the other thing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fairdebt

OTHER = Path(__file__).resolve().parents[1] / "docs" / "examples" / "other-readings.yaml"


def call(eid: str, day: int, hh_mm: str, zone: str, region: str, **fields: Any
         ) -> dict[str, Any]:
    hour, minute = (int(p) for p in hh_mm.split(":"))
    row: dict[str, Any] = {
        "timestamp": datetime(2026, 6, day, hour, minute, tzinfo=ZoneInfo(zone)).isoformat(),
        "consumer_id": "C-1", "event_id": eid, "channel": "call", "outcome": "no_answer",
        "debt_id": "D-1", "destination": "+1-202-555-0142", "timezone": zone,
        "region": region,
    }
    row.update(fields)
    return row


def flagged(rows: list[dict[str, Any]], policy: str | Path, rule: str) -> list[str]:
    report = fairdebt.check(rows, fairdebt.load_policy(policy))
    assert report.rejected == ()
    return sorted(f.event_id for f in report.findings if f.rule == rule)


def test_same_day_burst_warns_from_the_sixth_call_or_from_the_seventh() -> None:
    # Friday 5 June 2026, New York: calls on the hour from 9:00
    rows = [call(f"K{i}", 5, f"{8 + i}:00", "America/New_York", "US-NY")
            for i in range(1, 8)]
    assert flagged(rows[:6], "us", "reg-f/same-day-burst") == ["K6"]
    assert flagged(rows[:6], OTHER, "reg-f/same-day-burst") == []
    assert flagged(rows, "us", "reg-f/same-day-burst") == ["K6", "K7"]
    assert flagged(rows, OTHER, "reg-f/same-day-burst") == ["K7"]


def test_dc_pause_after_a_conversation_ends_on_d_plus_8_or_on_d_plus_7() -> None:
    dc = ("America/New_York", "US-DC")
    # Monday 1 June: a conversation; then one call on D+6, D+7 or D+8
    talk = call("T", 1, "10:00", *dc, outcome="conversation")
    for day, under_us, under_other in ((7, ["K"], ["K"]), (8, ["K"], []), (9, [], [])):
        rows = [talk, call("K", day, "10:00", *dc)]
        assert flagged(rows, "us", "us-dc/call-after-conversation") == under_us, day
        assert flagged(rows, OTHER, "us-dc/call-after-conversation") == under_other, day
        # Regulation F's own presumption allows D+7 either way
        assert flagged(rows, OTHER, "reg-f/after-conversation") == (["K"] if day < 8 else [])


def test_a_contact_at_exactly_nine_pm_is_flagged_or_allowed() -> None:
    tx = ("America/Chicago", "US-TX")
    rows = [call("A", 1, "08:00", *tx), call("B", 2, "21:00", *tx),
            call("C", 3, "21:00", *tx, timestamp="2026-06-03T21:00:01-05:00")]
    assert flagged(rows, "us", "reg-f/hours") == ["B", "C"]
    assert flagged(rows, OTHER, "reg-f/hours") == ["C"]
