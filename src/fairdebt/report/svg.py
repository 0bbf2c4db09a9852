"""Inline SVG charts for the HTML report: no library, no network, readable without script."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .contacts import ContactGrid, Window

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BAR = "#3b6ea5"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-label="{escape(label)}"><title>{escape(label)}</title>{"".join(body)}</svg>')


def hbars(items: Sequence[tuple[str, int, str]], label: str) -> str:
    """Horizontal bars, one per (label, value, colour), longest first as given."""
    left, width, row = 230, 640, 22
    top = max((v for _, v, _ in items), default=0) or 1
    body = []
    for i, (name, value, colour) in enumerate(items):
        y = i * row
        length = max(2, round((width - left - 50) * value / top))
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(name)}</text>'
                    f'<rect class="bar" x="{left}" y="{y + 3}" width="{length}" height="{row - 6}"'
                    f' fill="{colour}"><title>{escape(name)}: {value}</title></rect>'
                    f'<text x="{left + length + 6}" y="{y + 15}">{value}</text>')
    return _svg(width, max(row * len(items), row), label, body)


def vbars(items: Sequence[tuple[str, int]], label: str) -> str:
    """Vertical bars over a category axis (days), labelled at most every few bars."""
    width, height, bottom, left = 880, 220, 40, 30
    step = (width - left - 10) / max(len(items), 1)
    top = max((v for _, v in items), default=0) or 1
    every = max(1, round(len(items) / 12))
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
            f'y2="{height - bottom}" stroke="#999"/>',
            f'<text x="{left - 4}" y="16" text-anchor="end">{top}</text>']
    for i, (name, value) in enumerate(items):
        h = (height - bottom - 20) * value / top
        x = left + i * step
        if value:
            body.append(f'<rect class="bar" x="{x + 1:.1f}" y="{height - bottom - h:.1f}" '
                        f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{BAR}">'
                        f'<title>{escape(name)}: {value}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" '
                        f'text-anchor="middle" class="small">{escape(name[5:])}</text>')
    return _svg(width, height, label, body)


def heatmap(grid: ContactGrid, window: Window | None, label: str) -> str:
    """Contacts per local weekday and hour; the allowed window outlined on each row."""
    cell, left, top = 34, 40, 22
    width, height = left + 24 * cell + 10, top + 7 * cell + 30
    peak = max((max(row) for row in grid.counts), default=0) or 1
    body = [f'<text x="{left + h * cell + cell / 2}" y="{top - 6}" text-anchor="middle" '
            f'class="small">{h:02d}</text>' for h in range(24)]
    for d, row in enumerate(grid.counts):
        y = top + d * cell
        body.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">'
                    f'{DAYS[d]}</text>')
        for h, count in enumerate(row):
            shade = 0.08 + 0.92 * count / peak if count else 0
            fill = f"rgba(59,110,165,{shade:.2f})" if count else "#f4f4f4"
            body.append(f'<rect class="cell" x="{left + h * cell}" y="{y}" width="{cell - 2}" '
                        f'height="{cell - 2}" fill="{fill}" data-count="{count}">'
                        f'<title>{DAYS[d]} {h:02d}:00–{h:02d}:59: {count} contact'
                        f'{"s" if count != 1 else ""}</title></rect>')
        for start, end in (window.ranges[d] if window else ()):
            x0, x1 = left + start / 3600 * cell, left + end / 3600 * cell
            body.append(f'<rect class="window" x="{x0 - 1:.1f}" y="{y - 1}" '
                        f'width="{x1 - x0:.1f}" height="{cell}" fill="none" '
                        f'stroke="#2e7d32" stroke-width="2"/>')
    if window:
        body.append(f'<text x="{left}" y="{height - 8}" class="small">green outline: allowed '
                    f'by {escape(window.rule)}</text>')
    return _svg(width, height, label, body)
