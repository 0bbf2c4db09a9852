"""Run a policy over log files: read → order → evaluate → one `Report`."""

from __future__ import annotations

import gc
import heapq
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from .engine import Engine
from .io.imports import LogReader
from .io.mapping import ImportMapping
from .io.normalize import to_event
from .io.sources import display_name
from .model import Event, Finding, Rejected, Report, Summary
from .order import DEFAULT_CHUNK, Unsorted, sorted_events, streamed
from .policy.model import Policy
from .tz import get_zone


def check_paths(paths: Sequence[str], policy: Policy, *, input_timezone: str | None = None,
                default_timezone: str | None = None, chunk: int = DEFAULT_CHUNK,
                mapping: ImportMapping | None = None, encoding: str | None = None,
                notes: list[str] | None = None) -> Report:
    """Check every row of ``paths`` (``-`` is stdin) against ``policy``.

    With ``mapping`` (an import preset or mapping file) the files are exports read
    through it; what the import inferred is appended to ``notes``.
    """
    input_zone = get_zone(input_timezone, field="--input-timezone") if input_timezone else None
    reader = LogReader(input_zone, input_timezone, mapping, encoding,
                       notes if notes is not None else [])
    with ExitStack() as stack:
        sources: list[tuple[str, str]] = []
        for path in paths:
            if path == "-":
                spool = stack.enter_context(tempfile.NamedTemporaryFile(prefix="fairdebt-stdin-"))
                shutil.copyfileobj(sys.stdin.buffer, spool)
                spool.flush()
                sources.append((spool.name, display_name(path)))
            else:
                sources.append((path, path))
        with gc_paused():
            try:  # optimistic: a time-sorted log streams in one pass
                return _evaluate(sources, policy, reader, default_timezone, None)
            except Unsorted:  # it went back in time: read again through the sort
                return _evaluate(sources, policy, reader, default_timezone, chunk)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a log is evaluated.

    The engine holds hundreds of thousands of small containers and creates none that
    form cycles; with automatic collection on, full collections rescan them all and
    take close to half the run time. Reference counting still frees everything; the
    previous setting is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _evaluate(sources: list[tuple[str, str]], policy: Policy, reader: LogReader,
              default_timezone: str | None, chunk: int | None) -> Report:
    reader.restart()
    rejected: list[Rejected] = []
    streams = [_events_only(reader(path, name), rejected) for path, name in sources]
    merged: Iterator[Event] = (streams[0] if len(streams) == 1
                               else heapq.merge(*streams, key=lambda e: e.epoch))
    ordered = streamed(merged) if chunk is None else sorted_events(merged, chunk)
    engine = Engine(policy, default_timezone)
    findings = engine.run(ordered)
    order = {name: i for i, (_, name) in enumerate(sources)}
    return build_report(policy, findings, rejected, engine, order, merged=reader.merged)


def _events_only(items: Iterable[Event | Rejected], rejected: list[Rejected]) -> Iterator[Event]:
    for item in items:
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            yield item


def check_events(events: Iterable[Event | Mapping[str, Any]], policy: Policy, *,
                 default_timezone: str | None = None) -> Report:
    """Check in-memory events (or mappings with the canonical log's keys), in any order."""
    rejected: list[Rejected] = []

    def normalized() -> Iterator[Event]:
        for number, item in enumerate(events, start=1):
            if isinstance(item, Event):
                yield item
                continue
            try:
                yield to_event(item, "<events>", number)
            except ValueError as exc:
                rejected.append(Rejected("<events>", number, str(exc)))

    engine = Engine(policy, default_timezone)
    with gc_paused():
        findings = engine.run(sorted_events(normalized()))
    return build_report(policy, findings, rejected, engine, {})


def build_report(policy: Policy, findings: list[Finding], rejected: list[Rejected],
                 engine: Engine, file_order: Mapping[str, int],
                 merged: int | None = None) -> Report:
    findings.sort(key=lambda f: (file_order.get(f.file, len(file_order)), f.file, f.line,
                                 f.rule, f.debt_id or ""))
    rejected.sort(key=lambda r: (file_order.get(r.file, len(file_order)), r.file, r.line))
    by_rule = Counter(f.rule for f in findings)
    by_severity = Counter(f.severity for f in findings)
    summary = Summary(
        rows_read=engine.events + len(rejected) + (merged or 0),
        events_checked=engine.events,
        rows_rejected=len(rejected),
        findings=len(findings),
        by_rule=dict(sorted(by_rule.items())),
        by_severity={s: by_severity[s] for s in ("error", "warning", "info") if by_severity[s]},
        consumers=len(engine.consumers),
        consumers_without_region=engine.without_region(),
        rows_merged=merged,
    )
    return Report(policy.packs or (policy.id,), tuple(findings), tuple(rejected), summary)
