"""Benchmark fairdebt: the full policy pack over one log, throughput and peak memory.

    .venv/bin/python benchmarks/run.py benchmarks/data/log-1m.csv
    .venv/bin/python benchmarks/run.py benchmarks/data/log-1m.csv --via cli --format json
    .venv/bin/python benchmarks/run.py benchmarks/data/log-1m.csv --profile
    .venv/bin/python benchmarks/run.py benchmarks/data/log-1m.csv --engine stream

Each measured run is a fresh child process, so nothing the parent holds is counted:

* ``--via library`` (default) runs ``fairdebt.check_files([path],
  fairdebt.load_policy(pack))`` in ``python -c`` — reading, ordering and checking;
* ``--via cli`` runs ``fairdebt check -p PACK --format json FILE`` (stdout to a
  temporary file) — the same plus rendering the JSON report.

Wall time is the child's whole life (interpreter start-up and imports included) on
``time.perf_counter``; peak memory is the child's maximum resident set size and CPU
time its user + system time, both from ``os.wait4`` (the kernel's rusage for that one
child). ``--engine`` picks the engine as ``fairdebt check --engine`` does: ``auto`` (the
columnar fast path when it applies), ``stream`` (the reference) or ``fast`` (the fast path
or an error). ``--profile`` instead runs the library call under cProfile in this process and
prints the top functions by cumulative and by total (own) time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_PACK = "us-reg-f"
TARGET_EVENTS_PER_SECOND = 150_000
TARGET_PEAK_MB = 500

CHILD = """\
import json, sys, time
started = time.perf_counter()
import fairdebt
policy = fairdebt.load_policy(sys.argv[2])
loaded = time.perf_counter()
options = {"engine": sys.argv[3]}
if len(sys.argv) > 4:
    options["chunk"] = int(sys.argv[4])
report = fairdebt.check_files([sys.argv[1]], policy, **options)
done = time.perf_counter()
s = report.summary
json.dump({"rows_read": s.rows_read, "events_checked": s.events_checked,
           "rows_rejected": s.rows_rejected, "findings": s.findings,
           "consumers": s.consumers, "by_rule": s.by_rule,
           "startup_seconds": loaded - started, "check_seconds": done - loaded}, sys.stdout)
"""


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    mem_kib = 0
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kib = int(line.split()[1])
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024**2, 1) if mem_kib else None,
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def describe(info: dict[str, Any]) -> str:
    memory = f", {info['memory_gib']} GiB RAM" if info["memory_gib"] else ""
    return (f"{info['cpu']}, {info['cpus']} CPUs{memory}; {info['system']}; "
            f"{info['python']}")


def fairdebt_version(python: str) -> str:
    """The version the child will import and, for a git checkout, its commit (+ dirty)."""
    out = subprocess.run(
        [python, "-c", "import fairdebt; print(fairdebt.__version__); print(fairdebt.__file__)"],
        capture_output=True, text=True, check=True)
    version, location = out.stdout.split("\n")[:2]
    try:
        where = str(Path(location).parent)
        commit = subprocess.run(["git", "-C", where, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", where, "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return version
    return f"{version} (git {commit}{', modified sources' if dirty else ''})"


def measure(path: Path, pack: str, via: str, python: str,
            chunk: int | None = None, engine: str = "auto") -> dict[str, Any]:
    """One run in a child process: wall time, CPU time, peak RSS, the report's counts."""
    if via == "cli":
        exe = shutil.which("fairdebt", path=str(Path(python).parent)) or shutil.which("fairdebt")
        if exe is None:
            raise SystemExit("run.py: cannot find the fairdebt command next to " + python)
        command = [exe, "check", "-p", pack, "--engine", engine, "--format", "json", str(path)]
    else:
        command = [python, "-c", CHILD, str(path), pack, engine,
                   *([str(chunk)] if chunk else [])]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        # the CLI exits 1 when it finds errors: that is a result, not a failure
        if code not in (0, 1) or (via == "library" and code != 0):
            err.seek(0)
            message = err.read().decode(errors="replace").strip()
            raise SystemExit(f"run.py: {' '.join(command[:3])} ... exited {code}\n{message}")
        out.seek(0)
        doc = json.load(out)
    summary = doc["summary"] if via == "cli" else doc
    return {
        "rows": summary["rows_read"],
        "events": summary["events_checked"],
        "rejected": summary["rows_rejected"],
        "findings": summary["findings"],
        "consumers": summary["consumers"],
        "by_rule": summary["by_rule"],
        "wall_seconds": wall,
        "check_seconds": doc.get("check_seconds"),
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "events_per_second": summary["events_checked"] / wall if wall else 0.0,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux reports KiB
    }


def profile(path: Path, pack: str, top: int, dump: Path | None,
            chunk: int | None = None, engine: str = "auto") -> None:
    """Run the library call under cProfile here and print where the time goes."""
    import fairdebt

    policy = fairdebt.load_policy(pack)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    options: dict[str, Any] = {"chunk": chunk, "engine": engine} if chunk else {"engine": engine}
    report = profiler.runcall(fairdebt.check_files, [str(path)], policy, **options)
    wall = time.perf_counter() - started
    s = report.summary
    print(f"profiled {path}: {s.rows_read:,} rows, {s.findings:,} findings, {wall:.1f} s "
          f"under cProfile ({s.events_checked / wall:,.0f} events/s; the profiler itself "
          "slows Python code down, so use the shares, not the absolute times)")
    if dump:
        profiler.dump_stats(dump)
        print(f"raw stats written to {dump} (python -m pstats {dump})")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    for key in ("cumulative", "tottime"):
        print(f"\n=== top {top} functions by {key} time ===")
        stats.sort_stats(key).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run a fairdebt policy pack over a log; report throughput and peak memory.")
    parser.add_argument("file", type=Path, help="log to check (see benchmarks/generate.py)")
    parser.add_argument("-p", "--policy", default=DEFAULT_PACK,
                        help=f"policy pack [{DEFAULT_PACK}]")
    parser.add_argument("--via", choices=("library", "cli"), default="library",
                        help="library: fairdebt.check_files in python -c; cli: fairdebt check "
                             "--format json (adds rendering) [library]")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs (each a fresh process); the fastest is reported [1]")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format [text]")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with fairdebt installed [this one]")
    parser.add_argument("--chunk", type=int,
                        help="library: check_files(chunk=N), events sorted in memory before "
                             "unsorted input spills to disk [the library's default]")
    parser.add_argument("--engine", choices=("auto", "stream", "fast"), default="auto",
                        help="auto: the columnar fast path when it applies; stream: the "
                             "streaming engine (the reference); fast: the fast path or an "
                             "error [auto]")
    parser.add_argument("--profile", action="store_true",
                        help="instead of measuring, run cProfile in-process and print the top "
                             "functions by cumulative and by total time")
    parser.add_argument("--top", type=int, default=25, help="--profile: rows per table [25]")
    parser.add_argument("--profile-out", type=Path, help="--profile: also save the raw stats")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    if args.chunk is not None and (args.chunk < 1 or args.via != "library"):
        parser.error("--chunk takes a positive number and --via library")
    if args.profile:
        profile(args.file, args.policy, args.top, args.profile_out, args.chunk, args.engine)
        return 0

    info = machine()
    info["fairdebt"] = fairdebt_version(args.python)
    runs = [measure(args.file, args.policy, args.via, args.python, args.chunk, args.engine)
            for _ in range(max(1, args.repeat))]
    best = min(runs, key=lambda r: r["wall_seconds"])
    result = {
        "file": str(args.file),
        "bytes": args.file.stat().st_size,
        "policy": args.policy,
        "via": args.via,
        "engine": args.engine,
        "chunk": args.chunk,
        "machine": info,
        **best,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "runs": [{k: r[k] for k in ("wall_seconds", "cpu_seconds", "peak_rss_mb")}
                 for r in runs],
        "targets": {
            "events_per_second": {"target": TARGET_EVENTS_PER_SECOND,
                                  "met": best["events_per_second"] >= TARGET_EVENTS_PER_SECOND},
            "peak_rss_mb": {"target": TARGET_PEAK_MB,
                            "met": max(r["peak_rss_mb"] for r in runs) < TARGET_PEAK_MB},
        },
    }
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return 0
    targets = result["targets"]
    check = "" if best["check_seconds"] is None else f" (check_files {best['check_seconds']:.1f})"
    lines = [
        f"file          {args.file} ({result['bytes'] / 1e6:,.0f} MB)",
        f"policy        {args.policy}, via {args.via}, engine {args.engine}"
        + (f" (chunk={args.chunk:,})" if args.chunk else "") + f", fairdebt {info['fairdebt']}",
        f"machine       {describe(info)}",
        f"rows          {best['rows']:,} ({best['rejected']:,} rejected, "
        f"{best['consumers']:,} consumers)",
        f"wall seconds  {best['wall_seconds']:.1f}{check}; "
        f"cpu seconds {best['cpu_seconds']:.1f}",
        f"events/s      {best['events_per_second']:,.0f} "
        f"(target >= {TARGET_EVENTS_PER_SECOND:,}: "
        f"{'met' if targets['events_per_second']['met'] else 'NOT met'})",
        f"peak RSS MB   {result['peak_rss_mb']:,.0f} "
        f"(target < {TARGET_PEAK_MB}: {'met' if targets['peak_rss_mb']['met'] else 'NOT met'})",
        f"findings      {best['findings']:,}",
    ]
    lines += [f"  {rule:<30} {count:>9,}" for rule, count in best["by_rule"].items()]
    if len(runs) > 1:
        lines.append("runs          " + ", ".join(
            f"{r['wall_seconds']:.1f} s ({r['cpu_seconds']:.1f} s CPU)/"
            f"{r['peak_rss_mb']:,.0f} MB" for r in runs))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
