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
import re
from collections.abc import Iterator
from json.encoder import encode_basestring
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from ..model import Finding, Report
from ..policy.model import Rule, When
from .fingerprint import SARIF_KEY, fingerprint
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
    text = json.dumps(_document(report, options, rules, _RESULTS), indent=2,
                      ensure_ascii=False) + "\n"
    head, tail = text.split(json.dumps(_RESULTS))
    yield head
    findings = report.findings
    if not findings:
        yield "[]"
    else:
        yield "[\n        "
        for start in range(0, len(findings), BATCH):
            if start:
                yield ",\n        "
            yield ",\n        ".join([_result_text(f, index[f.rule])
                                      for f in findings[start:start + BATCH]])
        yield "\n      ]"
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


_SLOT = re.compile(r'"\\u0001(\w+)\\u0001"')  # a slot of the template, as json.dumps writes it


@functools.lru_cache(maxsize=2)
def _template(region: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A result as ``json.dumps(indent=2)`` lays it out four levels down, cut at its
    values: (the text between them, the names of the values in order)."""
    slots = {name: f"\x01{name}\x01" for name in (
        "rule", "index", "level", "message", "uri", "line", "fingerprint", "consumer",
        "debt", "event", "timestamp", "local", "evidence", "citation")}
    location: dict[str, Any] = {"artifactLocation": {"uri": slots["uri"]}}
    if region:
        location["region"] = {"startLine": slots["line"]}
    shape = {
        "ruleId": slots["rule"], "ruleIndex": slots["index"], "level": slots["level"],
        "message": {"text": slots["message"]},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {SARIF_KEY: slots["fingerprint"]},
        "properties": {"consumer_id": slots["consumer"], "debt_id": slots["debt"],
                       "event_id": slots["event"], "timestamp": slots["timestamp"],
                       "local_time": slots["local"], "evidence": slots["evidence"],
                       "citation": slots["citation"]},
    }
    assert list(shape) == list(_result(_SHAPE, 0)) and \
        list(shape["properties"]) == list(_result(_SHAPE, 0)["properties"])
    text = json.dumps(shape, indent=2, ensure_ascii=False).replace("\n", "\n        ")
    cut = _SLOT.split(text)
    return tuple(cut[0::2]), tuple(cut[1::2])


def _result_text(f: Finding, rule_index: int) -> str:
    """`_result`'s dict as ``indent=2`` writes it inside the results list."""
    region = f.line >= 1
    texts, names = _template(region)
    values = {
        "rule": encode_basestring(f.rule), "index": str(rule_index),
        "level": encode_basestring(LEVELS.get(f.severity, "warning")),
        "message": encode_basestring(
            f"{f.message} (consumer {f.consumer_id}, event {f.event_id})"),
        "uri": encode_basestring(uri(f.file)), "line": str(f.line),
        "fingerprint": encode_basestring(fingerprint(f)),
        "consumer": encode_basestring(f.consumer_id), "debt": _text_or_null(f.debt_id),
        "event": encode_basestring(f.event_id),
        "timestamp": encode_basestring(f.timestamp), "local": _text_or_null(f.local_time),
        "evidence": ("[\n              " + ",\n              ".join(
            map(encode_basestring, f.evidence)) + "\n            ]") if f.evidence else "[]",
        "citation": encode_basestring(f.citation),
    }
    out = [texts[0]]
    for name, text in zip(names, texts[1:], strict=True):
        out += (values[name], text)
    return "".join(out)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


_SHAPE = Finding("r", "error", "m", "c", "f", 1, "e", "c", None, "t", None)


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
