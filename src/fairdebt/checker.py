"""Incremental checking for services: one event at a time, findings as they become known."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .engine import Engine, OutOfOrder
from .facts import Facts
from .io.normalize import RowError, to_event
from .model import Event, Finding, Report, Summary
from .policy.model import Policy


class Checker:
    """Check events fed one at a time, in time order (same-instant events are taken in
    the order fed: see docs/api.md for the order that matches `check`).

    ``feed`` returns the findings known once that event is in: usually the event's
    own, sometimes earlier ones whose window has just closed (a cap that waits for
    a wrong-number mark). Memory is the live per-consumer state plus, with
    ``keep_findings`` (the default), the findings for the final `Report`; pass
    ``keep_findings=False`` for an unbounded stream and keep what ``feed`` returns.
    ``facts`` (`fairdebt.load_facts`) gives the content rules account facts; its
    rejected rows are in the final report.
    """

    def __init__(self, policy: Policy, *, default_timezone: str | None = None,
                 keep_findings: bool = True, facts: Facts | None = None) -> None:
        self._engine = Engine(policy, default_timezone, facts)
        self._facts_rejected = tuple(facts.rejected) if facts is not None else ()
        self._policy = policy
        self._keep = keep_findings
        self._findings: list[Finding] = []
        self._by_rule: Counter[str] = Counter()
        self._by_severity: Counter[str] = Counter()
        self._closed = False

    def feed(self, event: Event | Mapping[str, Any]) -> list[Finding]:
        """Check one event (an `Event` or a mapping with the canonical log's keys).

        Raises ValueError naming the field for an invalid mapping, and for an event
        older than one already fed.
        """
        if self._closed:
            raise ValueError("Checker.feed(): the checker is closed")
        if not isinstance(event, Event):
            try:
                event = to_event(event, "<feed>", self._engine.events + 1)
            except RowError as exc:
                raise ValueError(f"Checker.feed(): {exc}") from None
        try:
            found = self._engine.feed(event)
        except OutOfOrder as exc:
            raise ValueError(f"Checker.feed(): events must come in time order: {exc}") from None
        self._count(found)
        return found

    def close(self) -> Report:
        """Findings still held back, and the report of the whole run."""
        if self._closed:
            raise ValueError("Checker.close(): already closed")
        self._closed = True
        last = self._engine.close()
        self._count(last)
        findings = self._findings if self._keep else last
        engine = self._engine
        rejected = self._facts_rejected
        summary = Summary(
            rows_read=engine.events + len(rejected), events_checked=engine.events,
            rows_rejected=len(rejected),
            findings=sum(self._by_rule.values()),
            by_rule=dict(sorted(self._by_rule.items())),
            by_severity={s: self._by_severity[s] for s in ("error", "warning", "info")
                         if self._by_severity[s]},
            consumers=len(engine.consumers), consumers_without_region=engine.without_region())
        return Report(self._policy.packs or (self._policy.id,), tuple(findings), rejected,
                      summary)

    def _count(self, found: list[Finding]) -> None:
        for f in found:
            self._by_rule[f.rule] += 1
            self._by_severity[f.severity] += 1
        if self._keep:
            self._findings += found
