"""State release: what a quiet consumer keeps, and that releasing changes no finding."""

from __future__ import annotations

import fairdebt
from fairdebt.engine import Engine, _Consumer
from fairdebt.io.normalize import to_event
from fairdebt.order import sorted_events
from helpers import hits, row, run

POLICY = fairdebt.load_policy("us-reg-f")


def test_a_quiet_consumer_is_folded_and_keeps_zone_and_debts() -> None:
    rows = [row("2026-04-01T10:00:00-04:00", "a", consumer="C1", debt_id="D1",
                tz="America/Los_Angeles", outcome="no_answer"),
            # another consumer's events move time on by 30 days
            row("2026-05-01T10:00:00-04:00", "b", consumer="C2", outcome="no_answer"),
            # C1 again, no zone on the row: Los Angeles is carried forward (06:00 there)
            row("2026-05-02T09:00:00-04:00", "c", consumer="C1", tz=None, outcome="no_answer")]
    engine = Engine(POLICY)
    events = list(sorted_events(to_event(r, "<t>", i) for i, r in enumerate(rows, 1)))
    engine.feed(events[0])
    engine.feed(events[1])
    assert engine.consumers["C1"] == (("America/Los_Angeles",), ("D1",), None, None, 0)  # folded
    found = engine.feed(events[2])
    assert [f.rule for f in found] == ["reg-f/hours"]
    assert isinstance(engine.consumers["C1"], _Consumer)
    assert engine.consumers["C1"].debts == ("D1",)


def test_a_consumer_with_standing_facts_is_never_folded() -> None:
    rows = [row("2026-04-01T10:00:00-04:00", "cease", consumer="C1", event="cease"),
            row("2026-04-01T11:00:00-04:00", "a", consumer="C1", channel="letter",
                outcome="sent"),
            row("2026-09-01T10:00:00-04:00", "b", consumer="C2", outcome="no_answer"),
            row("2026-09-02T10:00:00-04:00", "c", consumer="C1", outcome="no_answer")]
    assert hits(run(rows, "reg-f/cease"), "reg-f/cease") == ["a", "c"]


def test_release_does_not_change_findings_over_a_long_log() -> None:
    # the same calls, once with long quiet gaps (state released and folded between
    # bursts) and checked burst by burst: the findings must be the same
    rows = []
    for month in range(1, 10):
        for d in range(1, 9):  # 8 calls on days 1..7 (two on day 7)
            day = min(d, 7)
            rows.append(row(f"2026-{month:02d}-{day:02d}T{10 + d:02d}:00:00-04:00",
                            f"m{month}d{d}", outcome="no_answer", debt_id="D1",
                            destination=f"555-{d}"))
    whole = hits(run(rows, "reg-f/call-frequency"), "reg-f/call-frequency")
    per_month = [e for month in range(1, 10)
                 for e in hits(run([r for r in rows if r["event_id"].startswith(f"m{month}d")],
                                   "reg-f/call-frequency"), "reg-f/call-frequency")]
    assert whole == per_month == [f"m{m}d8" for m in range(1, 10)]
