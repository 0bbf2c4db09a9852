"""A dialer gating its call queue with `fairdebt.decide`.

Before every attempt the service asks fairdebt "may I call this consumer now, and if
not, when next?", and then does one of three things:

- dial: the call is allowed now; it is made and recorded in the consumer's history,
  so the next decision about that consumer counts it;
- reschedule: the call is not allowed now but will be at ``next_permitted_at``;
- drop: nothing in time lifts the block (``next_permitted_at`` is None; the findings
  in ``blocked_by`` say why: a cease request, an attorney, an opt-out ...).

Everything is in memory and ``NOW`` is fixed, so the output is the same on every run::

    python examples/dialer_gate.py
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

import fairdebt

#: The moment the queue is worked: Wednesday 8 April 2026, 16:30 UTC
#: (12:30 in New York, 11:30 in Chicago, 09:30 in Los Angeles, 06:30 in Honolulu).
NOW = datetime(2026, 4, 8, 16, 30, tzinfo=timezone.utc)

Action = Literal["dial", "reschedule", "drop"]


class HistoryStore:
    """Each consumer's earlier events, as canonical-log rows (the service's database)."""

    def __init__(self) -> None:
        self._events: dict[str, list[dict[str, Any]]] = {}

    def history(self, consumer_id: str) -> list[dict[str, Any]]:
        return list(self._events.get(consumer_id, []))

    def record(self, row: Mapping[str, Any]) -> None:
        events = self._events.setdefault(str(row["consumer_id"]), [])
        events.append({"event_id": f"{row['consumer_id']}-{len(events) + 1}", **row})


@dataclass(frozen=True)
class PendingCall:
    """One entry of the dialer's queue."""

    consumer_id: str
    timezone: str
    debt_id: str
    number: str


@dataclass(frozen=True)
class Outcome:
    """What the gate did with one pending call."""

    call: PendingCall
    action: Action
    at: datetime | None = None
    """dial: when the call was made; reschedule: ``next_permitted_at``."""
    rules: tuple[str, ...] = ()
    """reschedule: the error-level rules that object now; drop: those waiting does not lift."""
    note: str | None = None
    result: str | None = None
    """dial: the call's outcome, as recorded in the history."""
    warnings: tuple[str, ...] = ()
    """Warning-level rules the call meets at ``now`` (they do not block it)."""


def proposed_call(call: PendingCall) -> dict[str, Any]:
    """The contact the dialer wants to make: a log row without a timestamp."""
    return {"consumer_id": call.consumer_id, "channel": "call", "direction": "outbound",
            "party": "consumer", "debt_id": call.debt_id, "destination": call.number,
            "destination_type": "mobile", "timezone": call.timezone}


def gate(policy: fairdebt.Policy, queue: Iterable[PendingCall], store: HistoryStore,
         now: datetime, dial: Mapping[str, str]) -> list[Outcome]:
    """Decide every pending call at ``now``; dial the allowed ones (``dial`` maps a
    consumer id to the outcome the simulated call gets) and record them in ``store``."""
    outcomes: list[Outcome] = []
    for call in queue:
        proposed = proposed_call(call)
        decision = fairdebt.decide(policy, store.history(call.consumer_id), proposed, now)
        # reasons holds every finding the call would get now; only errors block it
        errors = tuple(dict.fromkeys(f.rule for f in decision.reasons if f.severity == "error"))
        warnings = tuple(dict.fromkeys(f.rule for f in decision.reasons
                                       if f.severity != "error"))
        if decision.allowed:
            result = dial.get(call.consumer_id, "no_answer")
            store.record({**proposed, "timestamp": now, "outcome": result})
            outcomes.append(Outcome(call, "dial", now, result=result, warnings=warnings))
        elif decision.next_permitted_at is not None:
            outcomes.append(Outcome(call, "reschedule", decision.next_permitted_at, errors,
                                    warnings=warnings))
        else:
            rules = tuple(dict.fromkeys(f.rule for f in decision.blocked_by))
            outcomes.append(Outcome(call, "drop", None, rules, decision.note, warnings=warnings))
    return outcomes


def demo_store() -> HistoryStore:
    """Histories for four consumers, as of ``NOW``."""
    store = HistoryStore()
    # C-101 (New York) sent a written cease request last month
    store.record({"timestamp": "2026-03-20T15:00:00-04:00", "consumer_id": "C-101",
                  "event": "cease", "timezone": "America/New_York"})
    # C-202 (Chicago) had a telephone conversation with a collector yesterday
    store.record({"timestamp": "2026-04-07T14:10:00-05:00", "consumer_id": "C-202",
                  "channel": "call", "outcome": "conversation", "debt_id": "AUTO-7",
                  "destination": "+1-312-555-0142", "timezone": "America/Chicago"})
    # C-404 (Los Angeles) was called on Monday, with no answer
    store.record({"timestamp": "2026-04-06T10:00:00-07:00", "consumer_id": "C-404",
                  "channel": "call", "outcome": "no_answer", "debt_id": "LOAN-4",
                  "destination": "+1-213-555-0177", "timezone": "America/Los_Angeles"})
    # C-303 (Honolulu) has no history
    return store


DEMO_QUEUE = (
    PendingCall("C-101", "America/New_York", "CARD-1", "+1-212-555-0101"),
    PendingCall("C-202", "America/Chicago", "AUTO-7", "+1-312-555-0142"),
    PendingCall("C-303", "Pacific/Honolulu", "CARD-3", "+1-808-555-0123"),
    PendingCall("C-404", "America/Los_Angeles", "LOAN-4", "+1-213-555-0177"),
)

#: what the simulated dialer hears when it calls
DEMO_RESULTS = {"C-404": "voicemail"}


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M %Z")


def render(outcomes: Iterable[Outcome], now: datetime) -> str:
    lines = [f"queue worked at {now.isoformat()}", "",
             f"{'consumer':<9} {'zone':<20} {'local now':<24} {'action':<11} detail"]
    for o in outcomes:
        call = o.call
        if o.action == "dial":
            detail = f"outcome {o.result}" + (f"; warnings: {', '.join(o.warnings)}"
                                              if o.warnings else "")
        elif o.action == "reschedule" and o.at is not None:
            detail = f"at {local(o.at, call.timezone)} ({', '.join(o.rules)})"
        else:
            detail = f"blocked by {', '.join(o.rules)}"
        lines.append(f"{call.consumer_id:<9} {call.timezone:<20} "
                     f"{local(now, call.timezone):<24} {o.action:<11} {detail}")
    return "\n".join(lines)


def main() -> int:
    policy = fairdebt.load_policy("us-reg-f")
    store = demo_store()
    outcomes = gate(policy, DEMO_QUEUE, store, NOW, DEMO_RESULTS)
    print(render(outcomes, NOW))
    dialled = [o.call.consumer_id for o in outcomes if o.action == "dial"]
    print(f"\n{len(dialled)} dialled; history of {', '.join(dialled) or 'nobody'} updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
