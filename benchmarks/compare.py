"""fairdebt against the baselines a data team would write: DuckDB SQL and plain Python.

    .venv/bin/pip install duckdb            # the SQL baseline (not a fairdebt dependency)
    .venv/bin/python benchmarks/compare.py --rows 1000000
    .venv/bin/python benchmarks/compare.py --rows 10000000 --skip-python

Generates a deterministic synthetic canonical log (consumers across the US zones;
calls, texts, emails and letters; ~2% of calls outside the hours, call bursts over
a few days; third-party and inbound contacts), then times, on the same file, in the
same run, each in a fresh child process:

(a) fairdebt with the whole ``us-reg-f`` pack, as the target names it: ``fairdebt check
    -p us-reg-f -f json:REPORT``, once with the columnar fast path (``--engine fast``,
    the default when it applies) and once with the streaming engine (``--engine
    stream``, the reference; skip it with ``--skip-stream``). The report is read after
    the clock stops;
(b) one DuckDB SQL query checking only contact hours and the 7-in-7 call rule;
(c) a single-purpose Python script doing the same two checks.

It asserts that fairdebt's ``reg-f/hours`` and ``reg-f/call-frequency`` findings are
exactly the baselines' (by event id), and prints wall time, throughput, peak memory
(the child's maximum RSS, from ``os.wait4``), CPU time (user + system: what a shared
machine cannot inflate the way it inflates wall time) and the ratios. Both fairdebt
runs must give the same report, finding for finding.

fairdebt's sources are compiled to bytecode first (``compileall``), as installing a wheel
does: run from a source checkout with ``PYTHONDONTWRITEBYTECODE`` set (as on some CI
machines), every run would otherwise compile them again (~0.15 s a run, timed in (a)
only; the baselines' packages were compiled when pip installed them).

The log is built so that the two checks have one meaning a SQL query can state: one
zone per consumer, one named debt per row, no account events (no consent or
wrong-number marks) — the rest of the pack still runs over it in (a).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ZONES = [("America/New_York", 47), ("America/Chicago", 29), ("America/Denver", 7),
         ("America/Phoenix", 2), ("America/Los_Angeles", 13), ("America/Anchorage", 1),
         ("Pacific/Honolulu", 1)]
CONSUMER_SIDE = ("consumer", "spouse", "parent", "guardian", "executor", "successor")
NOT_PERSONS = ("consumer_attorney", "credit_bureau", "creditor", "creditor_attorney",
               "collector_attorney")
HEADER = ("timestamp,consumer_id,event_id,channel,direction,party,outcome,debt_id,"
          "destination,timezone")


def generate(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    consumers = max(rows // 10, 1)
    zone_names = [z for z, _ in ZONES]
    weights = [w for _, w in ZONES]
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    span = 90 * 86400
    out: list[tuple[float, str]] = []
    for i in range(rows):
        # a tenth of the rows go to 1% of consumers in bursts: the 7-in-7 violations
        burst = rng.random() < 0.10
        c = rng.randrange(max(consumers // 100, 1)) if burst else rng.randrange(consumers)
        crng = random.Random(seed * 1_000_003 + c)  # per-consumer facts, stable
        zone = crng.choices(zone_names, weights)[0]
        debts = [f"D{c}-{k}" for k in range(crng.randint(1, 3))]
        base = crng.randrange(span - 4 * 86400) if burst else rng.randrange(span)
        offset = base + (rng.randrange(4 * 86400) if burst else 0)
        local_hour = rng.choice([6, 7, 21, 22]) if rng.random() < 0.02 else rng.randint(8, 20)
        ts = start + timedelta(seconds=offset)
        ts = ts.replace(hour=(local_hour + 5) % 24, minute=rng.randrange(60),
                        second=rng.randrange(60))  # near the local hour for most zones
        roll = rng.random()
        channel = "call" if roll < 0.78 else "sms" if roll < 0.9 else "email" if roll < 0.98 \
            else "letter"
        direction = "inbound" if rng.random() < 0.02 else "outbound"
        party = "consumer" if rng.random() < 0.97 else rng.choice(
            ["spouse", "third_party", "employer", "consumer_attorney"])
        outcome = rng.choice(["no_answer"] * 5 + ["voicemail"] * 2 + ["conversation", "busy",
                                                                      "not_connected", ""])
        if channel != "call":
            outcome = "delivered" if channel != "letter" else ""
        destination = f"+1555{c % 10_000_000:07d}" if party in CONSUMER_SIDE else \
            f"+1666{rng.randrange(10_000_000):07d}"
        out.append((ts.timestamp(), ",".join((
            ts.strftime("%Y-%m-%dT%H:%M:%S+00:00"), f"C{c:08d}", f"e{i:09d}", channel,
            direction, party, outcome, rng.choice(debts), destination, zone))))
    out.sort()
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for _, line in out:
            f.write(line + "\n")


DUCKDB = r"""
import json, sys, duckdb
con = duckdb.connect()
con.execute("SET threads TO 1")
con.execute("SET enable_progress_bar = false")  # DuckDB 1.1+ draws it on stdout otherwise
path = sys.argv[1]
con.execute(f"CREATE TABLE log AS SELECT *, timezone(timezone, CAST(timestamp AS TIMESTAMPTZ)) "
            f"AS local FROM read_csv('{path}', header=true, all_varchar=true)")
hours = con.execute('''
  SELECT event_id FROM log
  WHERE direction = 'outbound' AND channel <> 'letter'
    AND party IN ('consumer','spouse','parent','guardian','executor','successor')
    AND (hour(local) < 8 OR hour(local) >= 21)''').fetchall()
calls = con.execute('''
  WITH calls AS (
    SELECT event_id, CAST(timestamp AS TIMESTAMPTZ) AS ts, CAST(local AS DATE) AS day, debt_id,
      CASE WHEN party IN ('consumer','spouse','parent','guardian','executor','successor')
           THEN consumer_id ELSE party || ':' || coalesce(destination, '?') END AS person
    FROM log
    WHERE channel = 'call' AND direction = 'outbound'
      AND coalesce(outcome, '') NOT IN ('busy', 'not_connected')
      AND party NOT IN ('consumer_attorney','credit_bureau','creditor','creditor_attorney',
                        'collector_attorney'))
  SELECT a.event_id FROM calls a JOIN calls b
    ON a.person = b.person AND a.debt_id = b.debt_id
   AND b.day BETWEEN a.day - 6 AND a.day
   AND (b.ts < a.ts OR (b.ts = a.ts AND b.event_id <= a.event_id))
  GROUP BY a.event_id HAVING count(*) > 7''').fetchall()
json.dump({"hours": sorted(r[0] for r in hours), "calls": sorted(r[0] for r in calls)},
          sys.stdout)
"""

PLAIN = r"""
import csv, json, sys
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo
SIDE = {'consumer','spouse','parent','guardian','executor','successor'}
NOT = {'consumer_attorney','credit_bureau','creditor','creditor_attorney','collector_attorney'}
zones, hours, calls = {}, [], []
windows = defaultdict(list)
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
rows.sort(key=lambda r: (r['timestamp'], r['consumer_id'], r['event_id']))
for r in rows:
    tz = zones.get(r['timezone']) or zones.setdefault(r['timezone'], ZoneInfo(r['timezone']))
    local = datetime.fromisoformat(r['timestamp']).astimezone(tz)
    if r['direction'] == 'outbound' and r['channel'] != 'letter' and r['party'] in SIDE \
            and not 8 <= local.hour < 21:
        hours.append(r['event_id'])
    if r['channel'] == 'call' and r['direction'] == 'outbound' and r['party'] not in NOT \
            and r['outcome'] not in ('busy', 'not_connected'):
        person = r['consumer_id'] if r['party'] in SIDE else f"{r['party']}:{r['destination']}"
        day = local.toordinal()
        w = windows[(person, r['debt_id'])]
        w[:] = [d for d in w if d > day - 7]
        w.append(day)
        if len(w) > 7:
            calls.append(r['event_id'])
json.dump({"hours": sorted(hours), "calls": sorted(calls)}, sys.stdout)
"""

# (a) as the target names it: the command line, the JSON report written to a file; the
# report is read and hashed after the clock stops (hashing is the comparison's, not a run's)
FAIRDEBT = ("import sys\nfrom fairdebt.cli import main\nsys.argv[0] = 'fairdebt'\n"
            "main(sys.argv[1:])")


def fairdebt_args(path: Path, engine: str, report: Path) -> tuple[str, ...]:
    return ("check", "--no-config", "--engine", engine, "-p", "us-reg-f", "-f",
            f"json:{report}", str(path))


def read_report(report: Path) -> dict[str, Any]:
    data = report.read_bytes()
    doc = json.loads(data)

    def pick(rule: str) -> list[str]:
        return sorted(f["event_id"] for f in doc["findings"] if f["rule"] == rule)

    return {"hours": pick("reg-f/hours"), "calls": pick("reg-f/call-frequency"),
            "findings": len(doc["findings"]), "rejected": len(doc["rejected"]),
            "json_sha256": hashlib.sha256(data).hexdigest()}


def timed(code: str, args: tuple[str, ...], report: Path | None = None
          ) -> tuple[bytes, float, float, float]:
    """Run ``code`` with ``args`` in a child process: (its stdout, wall s, peak MB, CPU s).
    Results are read only after every run: the peak memory of a child counts its
    parent's at the fork, so the parent stays small until the last run."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code_ok = (0, 1) if report is not None else (0,)  # fairdebt: 1 means findings
        if os.waitstatus_to_exitcode(status) not in code_ok:
            raise SystemExit(f"a measured run failed (exit {status})")
        out.seek(0)
        return (out.read(), wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def compiled() -> None:
    """fairdebt's modules as bytecode in ``__pycache__``, written here even where
    ``PYTHONDONTWRITEBYTECODE`` is set: Python reads it, it only does not write it."""
    spec = importlib.util.find_spec("fairdebt")  # (finds the package without running it)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("fairdebt is not installed: pip install -e '.[fast]'")
    for folder in spec.submodule_search_locations:
        if not compileall.compile_dir(folder, quiet=1):
            raise SystemExit(f"cannot compile fairdebt's sources in {folder}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="FILE", help="write the log here (else a temp file)")
    parser.add_argument("--log", metavar="FILE", type=Path,
                        help="use this log (written by an earlier --keep) instead of generating")
    parser.add_argument("--skip-python", action="store_true", help="skip baseline (c)")
    parser.add_argument("--skip-stream", action="store_true",
                        help="skip fairdebt's streaming engine (the slow reference run)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="fairdebt-compare-")
    path = Path(args.keep) if args.keep else Path(folder.name) / "log.csv"
    t = time.perf_counter()
    if args.log:
        path = args.log
        with open(path, "rb") as f:
            args.rows = sum(1 for _ in f) - 1
    else:
        generate(path, args.rows, args.seed)
    compiled()
    print(f"log: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB "
          f"(ready in {time.perf_counter() - t:.0f} s)")
    fast = "fairdebt fast (us-reg-f, all rules)"
    reports = {engine: Path(folder.name) / f"report-{engine}.json"
               for engine in ("fast", "stream")}
    runs: dict[str, tuple[str, tuple[str, ...], Path | None]] = {
        fast: (FAIRDEBT, fairdebt_args(path, "fast", reports["fast"]), reports["fast"])}
    if not args.skip_stream:
        runs["fairdebt stream (us-reg-f)"] = (
            FAIRDEBT, fairdebt_args(path, "stream", reports["stream"]), reports["stream"])
    runs["DuckDB SQL (2 rules)"] = (DUCKDB, (str(path),), None)
    if not args.skip_python:
        runs["plain Python (2 rules)"] = (PLAIN, (str(path),), None)
    measured = {name: timed(code, extra, out) for name, (code, extra, out) in runs.items()}
    results: dict[str, tuple[dict[str, Any], float, float, float]] = {}
    for name, (stdout, wall, peak, cpu) in measured.items():
        report = runs[name][2]
        results[name] = (read_report(report) if report is not None else json.loads(stdout),
                         wall, peak, cpu)
    ours = results[fast][0]
    duck_wall = results["DuckDB SQL (2 rules)"][1]
    print(f"{'run':<36} {'wall s':>7} {'CPU s':>7} {'rows/s':>10} {'peak MB':>8} "
          f"{'× DuckDB':>9}")
    for name, (_, wall, peak, cpu) in results.items():
        print(f"{name:<36} {wall:7.1f} {cpu:7.1f} {args.rows / wall:10,.0f} {peak:8.0f} "
              f"{wall / duck_wall:9.1f}")
    ok = True
    stream = results.get("fairdebt stream (us-reg-f)")
    if stream is not None and stream[0]["json_sha256"] != ours["json_sha256"]:
        ok = False
        print("MISMATCH: the fast path's JSON report differs from the streaming engine's")
    for name, (found, _, _, _) in results.items():
        for key in ("hours", "calls"):
            if found[key] != ours[key]:
                ok = False
                a, b = set(found[key]), set(ours[key])
                print(f"MISMATCH {name} {key}: only baseline {sorted(a - b)[:5]}, "
                      f"only fairdebt {sorted(b - a)[:5]}")
    print(f"hours findings {len(ours['hours']):,}, call-frequency findings "
          f"{len(ours['calls']):,}: " + ("identical in every run" if ok else "DIFFERENT"))
    if stream is not None and ok:
        print("fairdebt fast and stream: byte-identical JSON reports")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
