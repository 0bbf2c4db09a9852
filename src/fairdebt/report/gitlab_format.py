"""``--format gitlab``: GitLab Code Quality JSON (a subset of the Code Climate spec).

Written in pieces, each issue laid out from a template (`layout`): the text is
``json.dumps(issues, indent=2)`` (`reference`), byte for byte.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from ..model import Finding, Report
from . import layout
from .fingerprint import fingerprint
from .layout import slot, text
from .options import RenderOptions

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}
#: issues per piece written (as `json_format.BATCH`)
BATCH = 1024


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    template = _template()
    yield from layout.array(report.findings, lambda f: template.fill(_values(f)), 0, BATCH)
    yield "\n"


def reference(report: Report, options: RenderOptions) -> str:
    """The report the standard library's way: what `chunks` must equal."""
    return json.dumps([_issue(f) for f in report.findings], indent=2, ensure_ascii=False) + "\n"


def _issue(f: Finding) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": f"{f.message} (consumer {f.consumer_id}, event {f.event_id})",
        "check_name": f.rule,
        "fingerprint": fingerprint(f),
        "severity": SEVERITIES.get(f.severity, "minor"),
        "categories": ["Compliance"],
        # GitLab needs a line; a finding without a physical row points at the top
        "location": {"path": f.file, "lines": {"begin": max(f.line, 1)}},
    }


@functools.lru_cache(maxsize=1)
def _template() -> layout.Template:
    return layout.Template({
        "type": "issue", "description": slot("description"), "check_name": slot("rule"),
        "fingerprint": slot("fingerprint"), "severity": slot("severity"),
        "categories": ["Compliance"],
        "location": {"path": slot("path"), "lines": {"begin": slot("line")}},
    }, 1)


def _values(f: Finding) -> dict[str, str]:
    return {"description": text(f"{f.message} (consumer {f.consumer_id}, event {f.event_id})"),
            "rule": text(f.rule), "fingerprint": text(fingerprint(f)),
            "severity": text(SEVERITIES.get(f.severity, "minor")), "path": text(f.file),
            "line": str(max(f.line, 1))}
