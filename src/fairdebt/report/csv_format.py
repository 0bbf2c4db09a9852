"""``--format csv``: one finding per row, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR could run as a
formula in Excel or LibreOffice (CSV injection), and consumer ids, messages and
evidence come from the log; such cells get a leading apostrophe, which spreadsheets
show as text and never evaluate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..model import Finding, Report
from .fingerprint import fingerprint
from .options import RenderOptions

COLUMNS = ("rule", "severity", "message", "citation", "policy", "file", "line", "event_id",
           "consumer_id", "debt_id", "timestamp", "local_time", "evidence", "fingerprint")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


#: findings per piece written (see `chunks`)
BATCH = 1024


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The rows in pieces of up to `BATCH` findings, the header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    findings = report.findings
    for start in range(0, len(findings), BATCH):
        writer.writerows([neutralize(cell) for cell in _cells(f)]
                         for f in findings[start:start + BATCH])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()  # the header alone when there is no finding, else ""


def _cells(f: Finding) -> list[str]:
    return [f.rule, f.severity, f.message, f.citation, f.policy, f.file, str(f.line),
            f.event_id, f.consumer_id, f.debt_id or "", f.timestamp, f.local_time or "",
            ";".join(f.evidence), fingerprint(f)]
