"""Differential test: fairdebt's hours and 7-in-7 findings equal those of an independent
single-purpose implementation (the plain-Python baseline of benchmarks/compare.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import fairdebt

COMPARE = Path(__file__).resolve().parent.parent / "benchmarks" / "compare.py"


def _compare_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("compare", COMPARE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hours_and_call_frequency_match_the_plain_baseline(tmp_path: Path) -> None:
    compare = _compare_module()
    log = tmp_path / "log.csv"
    compare.generate(log, 20_000, 3)
    out = subprocess.run([sys.executable, "-c", compare.PLAIN, str(log)], check=True,
                         capture_output=True, text=True).stdout
    baseline = json.loads(out)
    report = fairdebt.check_files([str(log)], fairdebt.load_policy("us-reg-f"))
    assert not report.rejected
    ours = {rule: sorted(f.event_id for f in report.findings if f.rule == rule)
            for rule in ("reg-f/hours", "reg-f/call-frequency")}
    assert len(baseline["hours"]) > 100 and len(baseline["calls"]) > 100
    assert ours["reg-f/hours"] == baseline["hours"]
    assert ours["reg-f/call-frequency"] == baseline["calls"]
