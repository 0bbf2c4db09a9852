"""``--format jsonl``: one JSON object per line, for runs too large to load as one document.

Every line has a ``kind``: ``finding`` lines (the JSON contract's finding objects),
then ``rejected`` lines, then one ``summary`` line — so a reader streaming the file
loses no rejected row and can tell a truncated file (no summary) from a clean one.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Report
from .options import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    def line(kind: str, doc: dict[str, Any]) -> str:
        return json.dumps({"kind": kind, **doc}, ensure_ascii=False) + "\n"

    out = [line("finding", f.to_dict()) for f in report.findings]
    out.extend(line("rejected", r.to_dict()) for r in report.rejected)
    summary: dict[str, Any] = {"fairdebt": options.version, "policies": list(report.policies),
                               **report.summary.to_dict()}
    if options.baseline is not None:
        summary["suppressed"] = {"count": options.suppressed, "baseline": options.baseline}
    out.append(line("summary", summary))
    return "".join(out)
