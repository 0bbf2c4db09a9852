"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

Escaping follows @actions/core: in the message ``%``, CR and LF are encoded; in
properties (file, title) also ``:`` and ``,``, which would otherwise end the
property. `step_summary` is the Markdown the command appends to
``$GITHUB_STEP_SUMMARY`` when that is set.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Report
from . import layout
from .options import RenderOptions

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str) -> str:
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items())
    return f"::{kind} {props}::{escape_data(message)}" if props else \
        f"::{kind}::{escape_data(message)}"


#: annotations per piece written (as `json_format.BATCH`)
BATCH = 1024


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The annotations in pieces of whole lines."""
    return layout.lines(_lines(report, options), BATCH)


def _lines(report: Report, options: RenderOptions) -> Iterator[str]:
    for f in report.findings:
        where = {"file": f.file, "line": str(f.line)} if f.line >= 1 else {"file": f.file}
        yield command(COMMANDS.get(f.severity, "warning"),
                      f"{f.message} (consumer {f.consumer_id}, event {f.event_id}; "
                      f"{f.citation})",
                      **where, title=f"fairdebt {f.rule}")
    for r in report.rejected:
        yield command("warning", r.reason, file=r.file, line=str(r.line),
                      title="fairdebt: row rejected")
    s = report.summary
    note = f"fairdebt: {s.findings} finding{'s' if s.findings != 1 else ''}"
    if options.baseline is not None:
        note += f", {options.suppressed} suppressed by baseline {options.baseline}"
    yield command("notice", note)


def step_summary(report: Report, options: RenderOptions) -> str:
    """A Markdown job summary: totals, then findings per rule."""
    s = report.summary
    out = ["## fairdebt compliance check", "",
           f"Policies: {', '.join(report.policies)}", "",
           "| rows read | checked | rejected | consumers | findings |",
           "|---:|---:|---:|---:|---:|",
           f"| {s.rows_read} | {s.events_checked} | {s.rows_rejected} | {s.consumers} "
           f"| {s.findings} |", ""]
    if options.baseline is not None:
        out += [f"{options.suppressed} finding{'s' if options.suppressed != 1 else ''} "
                f"suppressed by baseline `{_md(options.baseline)}`.", ""]
    if s.by_rule:
        severity = {f.rule: f.severity for f in report.findings}
        citation = {f.rule: f.citation for f in report.findings}
        out += ["| rule | severity | findings | citation |", "|---|---|---:|---|"]
        for rule, count in sorted(s.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"| `{_md(rule)}` | {severity.get(rule, '')} | {count} "
                       f"| {_md(citation.get(rule, ''))} |")
    else:
        out.append("No findings.")
    return "\n".join(out) + "\n\n"


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes and line breaks would split it."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ").replace("`", "'")
