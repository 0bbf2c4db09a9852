"""Callers may pass pytz-aware (and zoneinfo-aware) datetimes; answers must not change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import pytz

import fairdebt

POLICY = fairdebt.load_policy("us-reg-f").select(["reg-f/hours", "reg-f/call-frequency"])
NY = "America/New_York"


def rows_at(stamps: list[datetime]) -> list[dict[str, object]]:
    return [{"timestamp": ts, "consumer_id": "C1", "event_id": f"e{i}", "channel": "call",
             "outcome": "no_answer", "debt_id": "D", "timezone": NY}
            for i, ts in enumerate(stamps)]


def verdict(stamps: list[datetime]) -> list[tuple[str, str]]:
    report = fairdebt.check(rows_at(stamps), POLICY)
    assert not report.rejected, report.rejected
    return [(f.rule, f.event_id) for f in report.findings]


@pytest.mark.parametrize("hour", [7, 8, 20, 21])
def test_pytz_localized_zoneinfo_and_text_agree(hour: int) -> None:
    eastern = pytz.timezone(NY)
    wall = datetime(2026, 7, 1, hour, 30)
    via_pytz = verdict([eastern.localize(wall)])
    via_zoneinfo = verdict([wall.replace(tzinfo=ZoneInfo(NY))])
    via_text = fairdebt.check([{**rows_at([wall])[0], "timestamp": f"{wall.isoformat()}-04:00"}],
                              POLICY)
    assert via_pytz == via_zoneinfo == [(f.rule, f.event_id) for f in via_text.findings]
    assert bool(via_pytz) is (hour in (7, 21))


def test_pytz_attached_with_replace_is_read_as_the_wall_time() -> None:
    # tzinfo=pytz.timezone(...) gives New York's local mean time (-04:56); the caller meant
    # 07:58 EDT, which is too early: with LMT it would be 08:54 EDT and pass.
    wrong = datetime(2026, 7, 1, 7, 58, tzinfo=pytz.timezone(NY))
    assert verdict([wrong]) == [("reg-f/hours", "e0")]


def test_pytz_across_the_dst_change() -> None:
    eastern = pytz.timezone(NY)
    # 7 calls Sat Mar 7 .. Fri Mar 13 (DST starts Sun Mar 8), the 8th on Mar 13 evening
    stamps = [eastern.localize(datetime(2026, 3, d, 12)) for d in range(7, 14)]
    stamps.append(eastern.localize(datetime(2026, 3, 13, 19)))
    assert verdict(stamps) == [("reg-f/call-frequency", "e7")]


def test_naive_datetime_is_rejected_with_a_reason() -> None:
    report = fairdebt.check(rows_at([datetime(2026, 7, 1, 9)]), POLICY)
    assert report.rejected and "naive" in report.rejected[0].reason
