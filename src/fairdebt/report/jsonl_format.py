"""``--format jsonl``: one JSON object per line, for runs too large to load as one document.

Every line has a ``kind``: ``finding`` lines (the JSON contract's finding objects),
then ``rejected`` lines, then one ``summary`` line — so a reader streaming the file
loses no rejected row and can tell a truncated file (no summary) from a clean one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..model import Report
from .options import RenderOptions

BATCH = 1024


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The lines in pieces of up to `BATCH`, so a large report is never one string."""
    for kind, items in (("finding", report.findings), ("rejected", report.rejected)):
        for start in range(0, len(items), BATCH):
            yield "".join([_line(kind, x.to_dict()) for x in items[start:start + BATCH]])
    summary: dict[str, Any] = {"fairdebt": options.version, "policies": list(report.policies),
                               **report.summary.to_dict()}
    if options.baseline is not None:
        summary["suppressed"] = {"count": options.suppressed, "baseline": options.baseline}
    yield _line("summary", summary)


def _line(kind: str, doc: dict[str, Any]) -> str:
    return json.dumps({"kind": kind, **doc}, ensure_ascii=False) + "\n"
