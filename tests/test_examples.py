"""examples/dialer_gate.py: runs, and gates its queue with the right decisions."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import fairdebt

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dialer_gate.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dialer_gate", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def rows(output: str) -> dict[str, list[str]]:
    """The table's rows by consumer id, split on whitespace."""
    return {line.split()[0]: line.split() for line in output.splitlines()
            if line.startswith("C-")}


def test_the_script_runs_and_prints_each_decision() -> None:
    done = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    table = rows(done.stdout)
    assert set(table) == {"C-101", "C-202", "C-303", "C-404"}
    # the line reads: id zone <local now: day date time abbr> action detail...
    action = {cid: r[6] for cid, r in table.items()}
    assert action == {"C-101": "drop", "C-202": "reschedule", "C-303": "reschedule",
                      "C-404": "dial"}
    # cease on file: dropped, blocked by the cease rule
    assert table["C-101"][7:] == ["blocked", "by", "reg-f/cease"]
    # conversation on Tue 7 April: the next call is day D+7, Tue 14 April, at 08:00
    assert table["C-202"][7:] == ["at", "Tue", "2026-04-14", "08:00", "CDT",
                                  "(reg-f/after-conversation)"]
    # 06:30 in Honolulu: 08:00 the same morning
    assert table["C-303"][2:5] == ["Wed", "2026-04-08", "06:30"]
    assert table["C-303"][7:] == ["at", "Wed", "2026-04-08", "08:00", "HST", "(reg-f/hours)"]
    # nothing stands in the way: dialled, outcome recorded
    assert table["C-404"][7:] == ["outcome", "voicemail"]
    assert "1 dialled; history of C-404 updated" in done.stdout


def test_gate_decisions_and_history() -> None:
    example = load_example()
    policy = fairdebt.load_policy("us-reg-f")
    store = example.demo_store()
    before = {c.consumer_id: len(store.history(c.consumer_id)) for c in example.DEMO_QUEUE}
    outcomes = {o.call.consumer_id: o
                for o in example.gate(policy, example.DEMO_QUEUE, store, example.NOW,
                                      example.DEMO_RESULTS)}

    assert outcomes["C-101"].action == "drop"
    assert outcomes["C-101"].at is None
    assert outcomes["C-101"].rules == ("reg-f/cease",)

    assert outcomes["C-202"].action == "reschedule"
    assert outcomes["C-202"].rules == ("reg-f/after-conversation",)
    assert outcomes["C-202"].at == datetime(2026, 4, 14, 8, 0,
                                            tzinfo=ZoneInfo("America/Chicago"))

    assert outcomes["C-303"].action == "reschedule"
    assert outcomes["C-303"].rules == ("reg-f/hours",)
    assert outcomes["C-303"].at == datetime(2026, 4, 8, 8, 0,
                                            tzinfo=ZoneInfo("Pacific/Honolulu"))

    assert outcomes["C-404"].action == "dial"
    assert outcomes["C-404"].at == example.NOW
    assert outcomes["C-404"].result == "voicemail"

    # only the dialled call went into the history, with its outcome
    after = {cid: len(store.history(cid)) for cid in before}
    assert after == {**before, "C-404": before["C-404"] + 1}
    last = store.history("C-404")[-1]
    assert last["timestamp"] == example.NOW and last["outcome"] == "voicemail"


def test_a_rescheduled_call_is_allowed_at_its_time_and_dialled_calls_count() -> None:
    example = load_example()
    policy = fairdebt.load_policy("us-reg-f")
    store = example.demo_store()
    first = {o.call.consumer_id: o
             for o in example.gate(policy, example.DEMO_QUEUE, store, example.NOW, {})}
    for cid in ("C-202", "C-303"):
        when = first[cid].at
        assert when is not None
        again = example.gate(policy, [first[cid].call], store, when, {})
        assert again[0].action == "dial", (cid, again)
    # C-404: Monday's call and today's make 2; five more today make 7 in 7 days, so the
    # 8th waits until Monday's call leaves the window (Mon 13 April) at 08:00 local
    call = first["C-404"].call
    for hour in range(1, 6):
        done = example.gate(policy, [call], store, example.NOW + timedelta(hours=hour), {})
        assert done[0].action == "dial", (hour, done)
    eighth = example.gate(policy, [call], store, example.NOW + timedelta(hours=6), {})[0]
    assert eighth.action == "reschedule"
    assert eighth.rules == ("reg-f/call-frequency",)
    assert "reg-f/same-day-burst" in eighth.warnings  # the 7th call today on one number
    assert eighth.at == datetime(2026, 4, 13, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
