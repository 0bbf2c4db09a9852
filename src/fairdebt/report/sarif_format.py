"""``--format sarif``: SARIF 2.1.0, the format GitHub code scanning uploads.

Rejected rows are tool execution notifications rather than results: they are
input the tool could not check, not violations.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from ..model import Finding, Report
from ..policy.model import Rule, When
from .fingerprint import SARIF_KEY, fingerprint
from .options import RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render(report: Report, options: RenderOptions) -> str:
    rules = _rules(report, options)
    index = {r["id"]: i for i, r in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "fairdebt", "version": options.version,
                            "semanticVersion": options.version, "rules": rules}},
        "results": [_result(f, index[f.rule]) for f in report.findings],
        "invocations": [_invocation(report, options)],
        "properties": {"policies": list(report.policies), "summary": report.summary.to_dict()},
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def uri(path: str) -> str:
    """A URI reference for a log path: relative paths stay relative (code scanning
    resolves them against the repository), absolute ones become ``file:`` URIs."""
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else quote(pure.as_posix(), safe="/")


def _rules(report: Report, options: RenderOptions) -> list[dict[str, Any]]:
    known = {r.id: r for r in options.rules}
    out = [_rule(r) for r in options.rules]
    # findings from rules the caller did not describe still need a rule entry
    for f in report.findings:
        if f.rule not in known:
            known[f.rule] = Rule(id=f.rule, check="", params={}, when=When(),
                                 severity=f.severity, message=None, citation=f.citation,
                                 description="", title="", verified=True, policy=f.policy)
            out.append(_rule(known[f.rule]))
    return out


def _rule(r: Rule) -> dict[str, Any]:
    summary = r.summary
    full = " ".join(r.description.split()) or summary
    cite = f"Citation: {r.citation}" if r.citation else "No citation given."
    help_text = f"{full}\n\n{cite}"
    unverified = "" if r.verified else "\n\n_Unverified: the figure is second-hand._"
    return {
        "id": r.id,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text,
                 "markdown": f"{full}\n\n**Citation:** {r.citation or '—'}{unverified}"},
        "defaultConfiguration": {"level": LEVELS.get(r.severity, "warning")},
        "properties": {"policy": r.policy, "citation": r.citation,
                       "tags": ["compliance", r.policy] if r.policy else ["compliance"]},
    }


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": uri(f.file)}}
    if f.line >= 1:  # SARIF lines start at 1; 0 means the finding has no physical row
        location["region"] = {"startLine": f.line}
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f"{f.message} (consumer {f.consumer_id}, event {f.event_id})"},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {SARIF_KEY: fingerprint(f)},
        "properties": {"consumer_id": f.consumer_id, "debt_id": f.debt_id,
                       "event_id": f.event_id, "timestamp": f.timestamp,
                       "local_time": f.local_time, "evidence": list(f.evidence),
                       "citation": f.citation},
    }


def _invocation(report: Report, options: RenderOptions) -> dict[str, Any]:
    notes = []
    for r in report.rejected:
        location: dict[str, Any] = {"artifactLocation": {"uri": uri(r.file)}}
        if r.line >= 1:
            location["region"] = {"startLine": r.line}
        notes.append({"level": "warning", "message": {"text": f"row rejected: {r.reason}"},
                      "locations": [{"physicalLocation": location}]})
    inv: dict[str, Any] = {"executionSuccessful": True, "toolExecutionNotifications": notes}
    if options.baseline is not None:
        inv["properties"] = {"suppressed": options.suppressed, "baseline": options.baseline}
    return inv
