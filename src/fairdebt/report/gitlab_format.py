"""``--format gitlab``: GitLab Code Quality JSON (a subset of the Code Climate spec)."""

from __future__ import annotations

import json
from typing import Any

from ..model import Report
from .fingerprint import fingerprint
from .options import RenderOptions

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render(report: Report, options: RenderOptions) -> str:
    issues: list[dict[str, Any]] = [{
        "type": "issue",
        "description": f"{f.message} (consumer {f.consumer_id}, event {f.event_id})",
        "check_name": f.rule,
        "fingerprint": fingerprint(f),
        "severity": SEVERITIES.get(f.severity, "minor"),
        "categories": ["Compliance"],
        # GitLab needs a line; a finding without a physical row points at the top
        "location": {"path": f.file, "lines": {"begin": max(f.line, 1)}},
    } for f in report.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
