"""``--format html``: one self-contained file an auditor can open, keep and hand on.

No network at all — the page's Content-Security-Policy forbids every fetch — and
charts are inline SVG, so the file reads the same offline in ten years. The only
script filters the findings table; without it the page loses nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from html import escape
from typing import Any

from ..model import Finding, Rejected, Report
from . import svg
from .contacts import allowed_window
from .options import RenderOptions

COLOURS = {"error": "#c62828", "warning": "#ef8f00", "info": "#0277bd"}
MAX_FILLED_DAYS = 370  # beyond a year of empty days the chart shows only days with findings
WORST = 10

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;
padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
.meta{color:#666}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.4rem}.error{color:#c62828}.warning{color:#ef8f00}
.info{color:#0277bd}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#fafafa}td.n{text-align:right}svg.chart{max-width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#333}svg text.small{font-size:10px;fill:#666}
input[type=search]{font:inherit;padding:.3rem .5rem;width:24rem;max-width:100%}
.note{color:#666;font-style:italic}
"""
SCRIPT = """
(function () {
  var box = document.getElementById("search");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr"));
  var shown = document.getElementById("shown");
  function filter() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !hit;
      if (hit) { count += 1; }
    });
    shown.textContent = String(count);
  }
  box.addEventListener("input", filter);
  filter();
  document.body.setAttribute("data-ready", "1");
})();
"""


#: table rows per piece written (as `json_format.BATCH`)
BATCH = 1024


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The page in pieces: the tables of findings and rejected rows a batch of rows at a
    time (a page of a quarter of a million findings was ~1.2 GB as one string)."""
    yield "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>fairdebt report — {escape(', '.join(report.policies))}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Compliance report</h1>",
        f'<p class="meta">Policies: {escape(", ".join(report.policies))} · '
        f"fairdebt {escape(options.version)} · files: {escape(_files(report, options))}</p>",
        _cards(report, options),
        "<h2>Findings by rule</h2>", _by_rule(report),
        "<h2>Findings by day</h2>", _by_day(report.findings),
        "<h2>Contacts by local weekday and hour</h2>", _heatmap(options),
        "<h2>Consumers with the most findings</h2>", _worst(report.findings),
        "<h2>Findings</h2>", ""])
    findings = report.findings
    yield ('<p><label>Search: <input type="search" id="search" '
           'placeholder="rule, consumer, debt, word…"></label> '
           f'<span id="shown">{len(findings)}</span> of {len(findings)} shown</p>'
           '<table id="findings"><thead><tr><th>severity</th><th>rule</th><th>consumer</th>'
           "<th>debt</th><th>when (local)</th><th>finding</th><th>row</th></tr></thead>"
           "<tbody>")
    yield from _rows(findings, _row)
    yield "</tbody></table>\n"
    if report.rejected:
        yield ("<h2>Rejected rows</h2>\n"
               "<table><thead><tr><th>row</th><th>reason</th></tr></thead><tbody>")
        yield from _rows(report.rejected, _rejected_row)
        yield "</tbody></table>\n"
    yield f"<script>{SCRIPT}</script>\n</body></html>\n"


def _rows(items: Sequence[Any], row: Callable[[Any], str]) -> Iterator[str]:
    for start in range(0, len(items), BATCH):
        yield "".join([row(x) for x in items[start:start + BATCH]])


def _cards(report: Report, options: RenderOptions) -> str:
    s = report.summary
    cards = [("rows read", s.rows_read, ""), ("checked", s.events_checked, ""),
             ("rejected", s.rows_rejected, "warning" if s.rows_rejected else ""),
             ("consumers", s.consumers, ""), ("findings", s.findings, "")]
    cards += [(f"{k}s", n, k) for k, n in s.by_severity.items()]
    if options.baseline is not None:
        cards.append((f"suppressed by {options.baseline}", options.suppressed, ""))
    return '<div class="cards">' + "".join(
        f'<div class="card"><b class="{c}">{n}</b>{escape(label)}</div>'
        for label, n, c in cards) + "</div>"


def _by_rule(report: Report) -> str:
    if not report.summary.by_rule:
        return '<p class="note">No findings.</p>'
    severity = {f.rule: f.severity for f in report.findings}
    items = [(rule, n, COLOURS.get(severity.get(rule, ""), svg.BAR))
             for rule, n in sorted(report.summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))]
    return svg.hbars(items, "Findings by rule")


def _by_day(findings: tuple[Finding, ...]) -> str:
    days = Counter((f.local_time or f.timestamp)[:10] for f in findings)
    if not days:
        return '<p class="note">No findings.</p>'
    try:
        first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    except ValueError:  # a timestamp the log gave in some other shape: show what there is
        return svg.vbars(sorted(days.items()), "Findings by day (local date)")
    span = (last - first).days + 1
    if span > MAX_FILLED_DAYS:
        return svg.vbars(sorted(days.items()), "Findings by day (local date)")
    filled = [((first + timedelta(d)).isoformat(), 0) for d in range(span)]
    return svg.vbars([(name, days.get(name, 0)) for name, _ in filled],
                     "Findings by day (local date)")


def _files(report: Report, options: RenderOptions) -> str:
    """The inputs the caller named, else those the findings and rejected rows name (a
    clean log's report still says which log was checked when the caller says)."""
    named = options.sources or sorted({f.file for f in report.findings}
                                      | {r.file for r in report.rejected})
    return ", ".join(named) or "—"


def _heatmap(options: RenderOptions) -> str:
    grid = options.contacts
    if grid is None:
        return f'<p class="note">Not available: {escape(options.no_contacts)}.</p>'
    note = (f'<p class="note">{grid.total} outbound contacts, in each consumer\'s first '
            "listed time zone")
    note += (f"; {grid.unknown_zone} more with no known zone are not shown.</p>"
             if grid.unknown_zone else ".</p>")
    return svg.heatmap(grid, allowed_window(options.rules), "Contacts by local weekday and hour"
                       ) + note


def _worst(findings: tuple[Finding, ...]) -> str:
    if not findings:
        return '<p class="note">No findings.</p>'
    total = Counter(f.consumer_id for f in findings)
    errors = Counter(f.consumer_id for f in findings if f.severity == "error")
    rules: dict[str, set[str]] = {}
    for f in findings:
        rules.setdefault(f.consumer_id, set()).add(f.rule)
    worst = sorted(total, key=lambda c: (-errors[c], -total[c], c))[:WORST]
    rows = "".join(f'<tr><td>{escape(c)}</td><td class="n">{total[c]}</td>'
                   f'<td class="n">{errors[c]}</td><td>{escape(", ".join(sorted(rules[c])))}'
                   "</td></tr>" for c in worst)
    return ('<table id="worst"><thead><tr><th>consumer</th><th>findings</th><th>errors</th>'
            f"<th>rules</th></tr></thead><tbody>{rows}</tbody></table>")


def _row(f: Finding) -> str:
    evidence = f" · evidence {escape(', '.join(f.evidence))}" if f.evidence else ""
    return (f'<tr><td class="{escape(f.severity)}">{escape(f.severity)}</td>'
            f"<td>{escape(f.rule)}</td><td>{escape(f.consumer_id)}</td>"
            f"<td>{escape(f.debt_id or '')}</td><td>{escape(f.local_time or f.timestamp)}</td>"
            f"<td>{escape(f.message)}<br><small>{escape(f.citation)} · event "
            f"{escape(f.event_id)}{evidence}</small></td>"
            f"<td>{escape(f.file)}:{f.line}</td></tr>")


def _rejected_row(r: Rejected) -> str:
    return f"<tr><td>{escape(r.file)}:{r.line}</td><td>{escape(r.reason)}</td></tr>"
