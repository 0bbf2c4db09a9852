"""Benchmark `fairdebt.decide`: latency of one pre-contact decision with a long history.

    .venv/bin/python benchmarks/decide.py                 # both histories, 2000 calls each
    .venv/bin/python benchmarks/decide.py --calls 5000 --format json

Two deterministic 200-event histories for one consumer (Los Angeles), `us-reg-f`:

* ``spread``: 200 events over ~6 months, as a collector within the 7-in-7 rule would
  leave them (calls, texts, emails; some conversations, a consent, an inbound call);
* ``dense``: 200 events in the last 14 days — a worst case, where every event is inside
  the cap and cooldown windows and each decision needs several trials.

Each history is asked about several proposed contacts at several ``now`` values (so
both "allowed now" and "next permitted at" answers are timed). Latency is wall time of
the `decide` call on ``time.perf_counter_ns``, after a warm-up; the policy is loaded
once, as a service would. Prints p50, p90 and p99 per history.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import fairdebt

LA = ZoneInfo("America/Los_Angeles")
END = datetime(2026, 6, 30, 12, 0, tzinfo=LA)


def history(kind: str, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    span = timedelta(days=180 if kind == "spread" else 14)
    stamps = sorted(END - timedelta(seconds=rng.randrange(60, int(span.total_seconds())))
                    for _ in range(200))
    rows: list[dict[str, Any]] = []
    for i, ts in enumerate(stamps):
        row: dict[str, Any] = {
            "timestamp": ts, "consumer_id": "C1", "event_id": f"h{i}",
            "timezone": "America/Los_Angeles", "debt_id": rng.choice(["D1", "D2", "D1;D2"]),
            "destination": rng.choice(["+13105550100", "+13105550101", "c1@example.com"]),
        }
        roll = rng.random()
        if roll < 0.02:
            row.update(event="consent")
        elif roll < 0.05:
            row.update(channel="call", direction="inbound", outcome="conversation")
        else:
            row.update(channel=rng.choice(["call"] * 6 + ["sms", "email"]),
                       outcome=rng.choice(["no_answer"] * 4 + ["voicemail", "conversation"]))
        rows.append(row)
    return rows


PROPOSALS = [
    {"consumer_id": "C1", "channel": "call", "debt_id": "D1", "destination": "+13105550100"},
    {"consumer_id": "C1", "channel": "sms", "debt_id": "D2", "destination": "+13105550101"},
    {"consumer_id": "C1", "channel": "email", "destination": "c1@example.com"},
]
NOWS = [END + timedelta(hours=h) for h in (0, 9, 18)]  # noon, 21:00, 06:00 local


def measure(policy: fairdebt.Policy, events: list[fairdebt.Event], calls: int
            ) -> dict[str, Any]:
    cases = [(p, n) for p in PROPOSALS for n in NOWS]
    for p, n in cases:  # warm-up (zone caches, dispatch tables)
        fairdebt.decide(policy, events, p, n)
    times: list[int] = []
    outcomes = {"allowed": 0, "later": 0, "never": 0}
    for i in range(calls):
        proposed, now = cases[i % len(cases)]
        start = time.perf_counter_ns()
        d = fairdebt.decide(policy, events, proposed, now)
        times.append(time.perf_counter_ns() - start)
        outcomes["allowed" if d.allowed else "later" if d.next_permitted_at else "never"] += 1
    q = statistics.quantiles(times, n=100)
    return {"calls": calls, "p50_ms": q[49] / 1e6, "p90_ms": q[89] / 1e6,
            "p99_ms": q[98] / 1e6, "outcomes": outcomes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("-p", "--policy", default="us-reg-f")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()
    policy = fairdebt.load_policy(args.policy)
    results: dict[str, Any] = {
        "python": platform.python_version(), "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(), "policy": args.policy,
        "history_events": 200,
    }
    for kind in ("spread", "dense"):
        # history as the canonical rows a service would keep, normalized once by check()
        rows = history(kind)
        events = _events(rows)
        results[kind] = measure(policy, events, args.calls)
    if args.format == "json":
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0
    print(f"decide() with a 200-event history, {args.policy}, Python {results['python']}")
    for kind in ("spread", "dense"):
        r = results[kind]
        print(f"  {kind:6}  p50 {r['p50_ms']:.3f} ms  p90 {r['p90_ms']:.3f} ms  "
              f"p99 {r['p99_ms']:.3f} ms  ({r['calls']} calls; {r['outcomes']})")
    return 0


def _events(rows: list[dict[str, Any]]) -> list[fairdebt.Event]:
    from fairdebt.io.normalize import to_event
    return [to_event(r, "<history>", i) for i, r in enumerate(rows, start=1)]


if __name__ == "__main__":
    raise SystemExit(main())
