"""``--format csv``: one finding per row, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR could run as a
formula in Excel or LibreOffice (CSV injection), and consumer ids, messages and
evidence come from the log; such cells get a leading apostrophe, which spreadsheets
show as text and never evaluate.
"""

from __future__ import annotations

import csv
import io

from ..model import Finding, Report
from .fingerprint import fingerprint
from .options import RenderOptions

COLUMNS = ("rule", "severity", "message", "citation", "policy", "file", "line", "event_id",
           "consumer_id", "debt_id", "timestamp", "local_time", "evidence", "fingerprint")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def render(report: Report, options: RenderOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([neutralize(cell) for cell in _cells(f)] for f in report.findings)
    return out.getvalue()


def _cells(f: Finding) -> list[str]:
    return [f.rule, f.severity, f.message, f.citation, f.policy, f.file, str(f.line),
            f.event_id, f.consumer_id, f.debt_id or "", f.timestamp, f.local_time or "",
            ";".join(f.evidence), fingerprint(f)]
