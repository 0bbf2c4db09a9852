"""``--format json``: one object, the public contract other formats build on."""

from __future__ import annotations

import json
from typing import Any

from ..model import Report
from .options import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    doc: dict[str, Any] = {
        "fairdebt": options.version,
        "policies": list(report.policies),
        "summary": report.summary.to_dict(),
        "findings": [f.to_dict() for f in report.findings],
        "rejected": [r.to_dict() for r in report.rejected],
    }
    if options.baseline is not None:  # only then, so the contract without one is unchanged
        doc["suppressed"] = {"count": options.suppressed, "baseline": options.baseline}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
