"""Pre-contact decisions: may this contact be made now, and if not, when next?

`decide` replays the consumer's history through the same engine that audits
logs, then tries the proposed contact at ``now``. While some rule objects, each
objecting check says the earliest time it could stop objecting (a lower bound:
the next opening of the hours window, the day the oldest counted call leaves a
cap's window, the day a cooldown ends); the contact is tried again at the
latest of those bounds. Because every bound is a lower bound and the trial is
the same evaluation `check` runs, the first time the trial passes is the
earliest permitted time, and `decide` can never allow what `check` would flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .engine import Engine
from .facts import Facts
from .io.normalize import RowError, parse_timestamp, to_event
from .model import Event, Finding
from .order import sort_key
from .policy.model import Policy
from .tz import UTC

#: how far ahead `decide` looks before saying nothing in time lifts the block
DEFAULT_HORIZON = timedelta(days=400)
_MAX_TRIALS = 200
PROPOSED = "<proposed>"


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to "may I make this contact now?"."""

    allowed: bool
    """No error-level finding if the contact is made at ``now``."""
    reasons: list[Finding] = field(default_factory=list)
    """What the contact would violate if made at ``now`` (warnings included)."""
    next_permitted_at: datetime | None = None
    """The earliest time at or after ``now`` with no error-level finding (``now`` itself
    when allowed), in ``now``'s time zone; None when time alone does not lift the block."""
    blocked_by: list[Finding] = field(default_factory=list)
    """The findings that no amount of waiting clears (a cease, an attorney, an opt-out);
    empty when ``next_permitted_at`` is None only because the search ran out (see
    ``note``)."""
    note: str | None = None
    """Why there is no ``next_permitted_at``, in words."""


def decide(policy: Policy, history: Iterable[Event | Mapping[str, Any]],
           proposed: Mapping[str, Any], now: datetime, *,
           default_timezone: str | None = None,
           horizon: timedelta = DEFAULT_HORIZON, facts: Facts | None = None) -> Decision:
    """Whether ``proposed`` (a log row without a timestamp) may be made at ``now``, and
    if not, the earliest time it may.

    ``history`` is the consumer's earlier events (Events or canonical-log mappings, any
    order, none later than ``now``). ``now`` must be timezone-aware (zoneinfo, pytz
    or a fixed offset). ``facts`` (`fairdebt.load_facts`) gives the content rules
    account facts (its rejected rows are not looked at here). Raises ValueError for a
    naive ``now``, an invalid row, or history about another consumer or from after
    ``now``.
    """
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("decide(): 'now' must be a timezone-aware datetime, e.g. "
                         "datetime.now(timezone.utc)")
    now = parse_timestamp(now, None)
    if "timestamp" in proposed:
        raise ValueError("decide(): 'proposed' must not have a timestamp: decide() chooses it")
    events = sorted(_events(history), key=sort_key)
    consumer_id = _consumer(proposed, events)
    engine = _engine(policy, default_timezone)
    engine.facts = facts  # the fork's own: the cached template stays without
    start = now.timestamp()
    for ev in events:
        if ev.epoch > start:
            raise ValueError(f"decide(): history event {ev.event_id} at "
                             f"{ev.timestamp.isoformat()} is later than now ({now.isoformat()})")
        engine.absorb(ev, start)
    row = {**proposed, "consumer_id": consumer_id}
    zone = now.tzinfo
    limit = start + horizon.total_seconds()
    at = start
    reasons: list[Finding] | None = None
    errors: list[Finding] = []
    for _ in range(_MAX_TRIALS):
        ev = _at(row, at)
        found = engine.trial(ev)
        if reasons is None:
            reasons = found
        errors = [f for f in found if f.severity == "error"]
        if not errors:
            when = now if at == start else datetime.fromtimestamp(at, UTC).astimezone(zone)
            return Decision(not _errors(reasons), reasons, when)
        bounds = {f.rule: engine.not_before(f.rule, ev) for f in errors}
        never = [f for f in errors if bounds[f.rule] is None]
        if never:
            return Decision(False, reasons, None, never,
                            "waiting does not lift: " + ", ".join(dict.fromkeys(
                                f.rule for f in never)))
        step = max(b for b in bounds.values() if b is not None)
        at = step if step > at else at + 60.0  # a bound that does not move: step a minute
        if at > limit:
            return Decision(False, reasons, None, [],
                            f"no permitted time within {horizon.days} days of now")
    # e.g. hours and an inconvenient-time designation that never leave a gap in common
    searched = datetime.fromtimestamp(at, UTC).astimezone(zone).isoformat()
    return Decision(False, reasons or [], None, [],
                    f"no permitted time found up to {searched} ({_MAX_TRIALS} candidate times "
                    "tried; the rules' windows may never open at the same time)")


_TEMPLATES: dict[tuple[int, str | None], tuple[Policy, Engine]] = {}


def _engine(policy: Policy, default_timezone: str | None) -> Engine:
    """A fresh engine; checks and dispatch tables are built once per policy object
    (policies are immutable; the tables are caches, safe to share across threads)."""
    key = (id(policy), default_timezone)
    known = _TEMPLATES.get(key)
    if known is None or known[0] is not policy:
        if len(_TEMPLATES) >= 16:
            _TEMPLATES.clear()
        known = _TEMPLATES[key] = (policy, Engine(policy, default_timezone))
    return known[1].fork()


def _errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def _events(history: Iterable[Event | Mapping[str, Any]]) -> Iterable[Event]:
    for number, item in enumerate(history, start=1):
        if isinstance(item, Event):
            yield item
            continue
        try:
            yield to_event(item, "<history>", number)
        except RowError as exc:
            raise ValueError(f"decide(): history item {number}: {exc}") from None


def _consumer(proposed: Mapping[str, Any], events: list[Event]) -> str:
    ids = {ev.consumer_id for ev in events}
    given = proposed.get("consumer_id")
    if given is not None:
        ids.add(str(given))
    if len(ids) > 1:
        raise ValueError("decide(): history and proposal must be about one consumer; got "
                         f"{len(ids)} consumer ids")
    if not ids:
        raise ValueError("decide(): 'proposed' needs a consumer_id (or a history)")
    return ids.pop()


def _at(row: Mapping[str, Any], epoch: float) -> Event:
    try:
        return to_event({**row, "timestamp": datetime.fromtimestamp(epoch, UTC)}, PROPOSED, 0)
    except RowError as exc:
        raise ValueError(f"decide(): proposed contact: {exc}") from None
