"""docs/examples/house-policy.yaml: the worked example of a house policy (docs/policies.md).

"Never more than 5 calls a week, no calls on Sundays", on top of the `us` pack.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fairdebt

HOUSE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "house-policy.yaml"
CHICAGO = "America/Chicago"


def call(eid: str, iso_day: str, hh_mm: str = "10:00", **fields: Any) -> dict[str, Any]:
    y, m, d = (int(p) for p in iso_day.split("-"))
    hour, minute = (int(p) for p in hh_mm.split(":"))
    row: dict[str, Any] = {
        "timestamp": datetime(y, m, d, hour, minute, tzinfo=ZoneInfo(CHICAGO)).isoformat(),
        "consumer_id": "C-7", "event_id": eid, "channel": "call", "outcome": "no_answer",
        "debt_id": "CARD-9", "destination": "+1-312-555-0142", "timezone": CHICAGO,
        "region": "US-TX",
    }
    row.update(fields)
    return row


def verdict(report: fairdebt.Report) -> list[tuple[str, str]]:
    return sorted((f.rule, f.event_id) for f in report.findings)


def test_house_policy_loads_on_top_of_us() -> None:
    policy = fairdebt.load_policy(HOUSE)
    assert policy.id == "acme-house"
    ids = {r.id for r in policy.rules}
    assert {"acme/weekly-calls", "acme/no-sunday-calls"} <= ids
    assert {r.id for r in fairdebt.load_policy("us").rules} <= ids
    assert policy.rule("acme/weekly-calls").policy == "acme-house"  # type: ignore[union-attr]
    assert policy.rule("reg-f/hours").policy == "us-reg-f"  # type: ignore[union-attr]


def test_sixth_call_in_a_week_and_a_sunday_call_are_flagged() -> None:
    # Mon 1 June .. Sat 6 June 2026: one call a day; Sun 7 June: a seventh
    days = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05",
            "2026-06-06", "2026-06-07"]
    assert datetime(2026, 6, 7).strftime("%a") == "Sun"
    rows = [call(f"K{i}", d) for i, d in enumerate(days, start=1)]
    house = fairdebt.check(rows, fairdebt.load_policy(HOUSE))
    assert house.rejected == ()
    assert verdict(house) == [("acme/no-sunday-calls", "K7"), ("acme/weekly-calls", "K6"),
                              ("acme/weekly-calls", "K7")]
    assert {f.policy for f in house.findings} == {"acme-house"}
    # the same log is clean under the `us` pack alone: 7 calls in 7 days is Reg F's limit
    assert fairdebt.check(rows, fairdebt.load_policy("us")).findings == ()


def test_a_rolling_week_five_calls_are_fine() -> None:
    rows = [call(f"K{i}", d) for i, d in enumerate(
        ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05",
         "2026-06-08", "2026-06-09"], start=1)]
    # Mon 8 June: K2..K5 and K6 in 2–8 June (5); Tue 9 June: K3..K7 in 3–9 June (5)
    assert verdict(fairdebt.check(rows, fairdebt.load_policy(HOUSE))) == []
    rows.append(call("K8", "2026-06-09", "15:00"))  # a sixth in 3–9 June
    assert verdict(fairdebt.check(rows, fairdebt.load_policy(HOUSE))) == [
        ("acme/weekly-calls", "K8")]
