"""``--format sarif``: SARIF 2.1.0, the format GitHub code scanning uploads.

Rejected rows are tool execution notifications rather than results: they are
input the tool could not check, not violations.

The document is exactly ``json.dumps(doc, indent=2, ensure_ascii=False)`` of the SARIF
dict (`reference`), written in pieces as `json_format` writes its report: the results
laid out from a template with the C string encoder (the standard library's encoder is
pure Python with ``indent``: ~60 µs a result), never one string for all of them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from ..model import Finding, Report
from ..policy.model import Rule, When
from . import layout
from .fingerprint import SARIF_KEY, fingerprint
from .layout import slot, text, text_or_null
from .options import RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


#: results per piece written (as `json_format.BATCH`)
BATCH = 1024
#: stands for the results while the rest of the document is laid out
_RESULTS = "\x00results\x00"


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The document in pieces; joined, they are `reference`'s text."""
    rules = _rules(report, options)
    index = {r["id"]: i for i, r in enumerate(rules)}
    document = json.dumps(_document(report, options, rules, _RESULTS), indent=2,
                          ensure_ascii=False) + "\n"
    # (a line break only the layout writes, so no text in the report can look like it)
    key = '\n      "results": '
    head, tail = document.split(key + json.dumps(_RESULTS), 1)
    yield head + key
    yield from layout.array(report.findings, lambda f: _result_text(f, index[f.rule]), 3,
                            BATCH)
    yield tail


def reference(report: Report, options: RenderOptions) -> str:
    """The document the standard library's way: what `chunks` must equal."""
    rules = _rules(report, options)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [_result(f, index[f.rule]) for f in report.findings]
    return json.dumps(_document(report, options, rules, results), indent=2,
                      ensure_ascii=False) + "\n"


def _document(report: Report, options: RenderOptions, rules: list[dict[str, Any]],
              results: Any) -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "fairdebt", "version": options.version,
                            "semanticVersion": options.version, "rules": rules}},
        "results": results,
        "invocations": [_invocation(report, options)],
        "properties": {"policies": list(report.policies), "summary": report.summary.to_dict()},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


@functools.lru_cache(maxsize=1024)  # a report names few files, each on many results
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


@functools.lru_cache(maxsize=2)
def _template(region: bool) -> layout.Template:
    """A result as ``json.dumps(indent=2)`` lays it out inside the results list."""
    location: dict[str, Any] = {"artifactLocation": {"uri": slot("uri")}}
    if region:
        location["region"] = {"startLine": slot("line")}
    shape = {
        "ruleId": slot("rule"), "ruleIndex": slot("index"), "level": slot("level"),
        "message": {"text": slot("message")},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {SARIF_KEY: slot("fingerprint")},
        "properties": {"consumer_id": slot("consumer"), "debt_id": slot("debt"),
                       "event_id": slot("event"), "timestamp": slot("timestamp"),
                       "local_time": slot("local"), "evidence": slot("evidence"),
                       "citation": slot("citation")},
    }
    return layout.Template(shape, 4)


def _result_text(f: Finding, rule_index: int) -> str:
    """`_result`'s dict as ``indent=2`` writes it inside the results list."""
    return _template(f.line >= 1).fill({
        "rule": text(f.rule), "index": str(rule_index),
        "level": text(LEVELS.get(f.severity, "warning")),
        "message": text(f"{f.message} (consumer {f.consumer_id}, event {f.event_id})"),
        "uri": text(uri(f.file)), "line": str(f.line), "fingerprint": text(fingerprint(f)),
        "consumer": text(f.consumer_id), "debt": text_or_null(f.debt_id),
        "event": text(f.event_id), "timestamp": text(f.timestamp),
        "local": text_or_null(f.local_time), "evidence": layout.text_list(f.evidence, 6),
        "citation": text(f.citation),
    })


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
