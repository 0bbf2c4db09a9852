"""``--format text``: findings grouped by consumer and then by rule, then a summary an
auditor can read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby
from operator import attrgetter

from ..model import Finding, Report, Summary
from . import layout
from .gate import nothing_checked
from .options import RenderOptions

COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
Paint = Callable[[str, str], str]

#: control characters (C0 but tab, DEL, C1) shown as \xNN: a log's ids and text reach an
#: auditor's terminal, where ESC sequences could retitle the window, hide lines or fake
#: a clean report, and a newline could forge a line of its own
_SHOWN = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0a, 0x20),
                                       *range(0x7f, 0xa0))}


def shown(text: str) -> str:
    """``text`` with its control characters made visible (see `_SHOWN`)."""
    # every character of _SHOWN is unprintable: a printable text (nearly all of them) has
    # none, and the test is C-fast where translating with a dict is not (~50 ns a char)
    return text if text.isprintable() else text.translate(_SHOWN)


#: lines per piece written (see `chunks`)
BATCH = 1024
_CONSUMER = attrgetter("consumer_id")


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The report in pieces of up to `BATCH` lines: a run with hundreds of thousands of
    findings is never one string."""
    return layout.lines(_lines(report, options), BATCH)


def _lines(report: Report, options: RenderOptions) -> Iterator[str]:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if options.color else text

    if not options.quiet:
        # stable: within a consumer, the report order (file, line) — timestamps may carry
        # different UTC offsets, so their text does not sort in time order
        by_consumer = sorted(report.findings, key=_CONSUMER)
        for consumer, group in groupby(by_consumer, key=_CONSUMER):
            items = list(group)
            yield paint(f"consumer {shown(consumer)} — {_count(len(items))}", BOLD)
            # then by rule, rules in the order they first appear for this consumer
            by_rule: dict[str, list[Finding]] = {}
            for f in items:
                by_rule.setdefault(f.rule, []).append(f)
            for rule, hits in by_rule.items():
                yield f"  {paint(shown(rule), BOLD)} — {_count(len(hits))}"
                for f in hits:
                    yield _finding(f, paint)
            yield ""
        for r in report.rejected:
            yield (f"{shown(r.file)}:{r.line}: {paint('rejected', COLORS['warning'])}: "
                   f"{shown(r.reason)}")
        if report.rejected:
            yield ""
    yield from _summary(report, paint)
    if options.baseline is not None:
        n = options.suppressed
        yield (f"  {n} finding{'s' if n != 1 else ''} suppressed by baseline "
               f"{options.baseline}")


def _count(n: int) -> str:
    return f"{n} finding{'s' if n != 1 else ''}"


def _finding(f: Finding, paint: Paint) -> str:
    when = f.local_time or f.timestamp
    head = (f"    {shown(f.file)}:{f.line}: {paint(f.severity, COLORS.get(f.severity, ''))} "
            f"{shown(f.message)}")
    tail = f"        {shown(when)} · event {shown(f.event_id)}"
    if f.debt_id:
        tail += f" · debt {shown(f.debt_id)}"
    if f.citation:
        tail += f" · {shown(f.citation)}"
    if f.evidence:
        listed = ", ".join(f.evidence[:12]) + (" …" if len(f.evidence) > 12 else "")
        tail += f"\n        evidence: {shown(listed)}"
    return f"{head}\n{paint(tail, DIM)}"


def _summary(report: Report, paint: Paint) -> list[str]:
    s = report.summary
    out = [paint("Summary", BOLD),
           f"  policies: {shown(', '.join(report.policies))}",
           f"  rows read {s.rows_read} · checked {s.events_checked} · rejected {s.rows_rejected}"
           + (f" · merged {s.rows_merged}" if s.rows_merged else "")
           + f" · consumers {s.consumers}"]
    if s.unmatched_rows:
        out.append(f"  {s.unmatched_rows} row{'s' if s.unmatched_rows != 1 else ''} matched no "
                   "consumer in the directory: checked as they are")
    if s.consumers_without_region:
        out.append(f"  {s.consumers_without_region} consumer"
                   f"{'s' if s.consumers_without_region != 1 else ''} with no region: "
                   "country-wide rules only (add a 'region' column to apply regional rules)")
    if s.by_rule:
        width = max(len(r) for r in s.by_rule)
        severity = {f.rule: f.severity for f in report.findings}
        out.append(f"  {'rule'.ljust(width)}  findings")
        for rule, count in sorted(s.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  {shown(rule).ljust(width)}  {count:>8}  {severity.get(rule, '')}")
    sev = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in s.by_severity.items())
    out.append(f"  {s.findings} finding{'s' if s.findings != 1 else ''}"
               + (f" ({sev})" if sev else "") + (_verdict(s) if not s.findings else ""))
    return out


def _verdict(s: Summary) -> str:
    """What no finding means: a clean log only if no row was left unchecked."""
    if not s.rows_rejected:
        return " — clean"
    if nothing_checked(s):
        return " — nothing checked: every row was rejected"
    rows = f"{s.rows_rejected} row{'s' if s.rows_rejected != 1 else ''}"
    return f" in the rows checked; {rows} rejected, not checked"
