"""Checker: incremental checking gives what check() gives, one event at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

import fairdebt
from fairdebt.io.sources import read_events
from helpers import row

POLICY = fairdebt.load_policy("us-reg-f")
SAMPLE = Path(__file__).parent.parent / "fixtures" / "sample-calls.csv"


def sample_rows() -> list[fairdebt.Event]:
    return [e for e in read_events(str(SAMPLE)) if isinstance(e, fairdebt.Event)]


def test_feeding_the_sample_gives_the_same_findings_as_check() -> None:
    # time order; at the same instant account events first, as check() orders them
    events = sorted(sample_rows(), key=lambda e: (e.epoch, e.event == "contact"))
    checker = fairdebt.Checker(POLICY)
    streamed = [f for ev in events for f in checker.feed(ev)]
    report = checker.close()
    expected = fairdebt.check(events, POLICY)
    key = sorted((f.rule, f.event_id) for f in expected.findings)
    assert sorted((f.rule, f.event_id) for f in report.findings) == key
    assert len(key) > 10
    assert report.summary.findings == expected.summary.findings
    assert report.summary.by_rule == expected.summary.by_rule
    # nearly all findings come back from feed() itself, not at close()
    assert len(streamed) >= len(key) - 2


def test_feed_returns_the_events_own_findings_at_once() -> None:
    checker = fairdebt.Checker(POLICY)
    assert checker.feed(row("2026-04-01T10:00-04:00", "ok", outcome="no_answer")) == []
    found = checker.feed(row("2026-04-01T22:00-04:00", "late", outcome="no_answer"))
    assert [(f.rule, f.event_id) for f in found] == [("reg-f/hours", "late")]


def test_keep_findings_false_counts_everything_but_keeps_nothing() -> None:
    checker = fairdebt.Checker(POLICY, keep_findings=False)
    for day, hour in ((1, 5), (2, 6), (3, 22)):
        checker.feed(row(f"2026-04-0{day}T{hour:02d}:00-04:00", f"e{day}", outcome="no_answer"))
    report = checker.close()
    assert report.findings == ()
    assert report.summary.findings == 3 and report.summary.by_rule == {"reg-f/hours": 3}


def test_out_of_order_and_invalid_events_raise_value_error() -> None:
    checker = fairdebt.Checker(POLICY)
    checker.feed(row("2026-04-02T10:00-04:00", "b"))
    with pytest.raises(ValueError, match="time order"):
        checker.feed(row("2026-04-01T10:00-04:00", "a"))
    with pytest.raises(ValueError, match="field 'channel'"):
        checker.feed(row("2026-04-03T10:00-04:00", "c", channel="pigeon"))
    checker.close()
    with pytest.raises(ValueError, match="closed"):
        checker.feed(row("2026-04-04T10:00-04:00", "d"))
