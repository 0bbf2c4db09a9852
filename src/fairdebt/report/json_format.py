"""``--format json``: one object, the public contract other formats build on.

The document is exactly ``json.dumps(doc, indent=2, ensure_ascii=False)`` of the
contract's dict (`reference`), but written in pieces: the standard library's encoder
runs in pure Python whenever ``indent`` is set (~20 µs a finding, most of a large
run's time), and one string for a whole report holds millions of findings at once.
Each finding is laid out here from a fixed template with the C string encoder; a test
compares the two byte for byte.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from ..model import Finding, Rejected, Report
from . import layout
from .options import RenderOptions

#: findings per piece written: large enough that writing is not per finding, small
#: enough that a piece is a few hundred kilobytes
BATCH = 1024


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """The document in pieces; joined, they are `reference`'s text."""
    head = json.dumps(_head(report, options), indent=2, ensure_ascii=False)
    yield head[:-2] + ',\n  "findings": '  # the head without its closing "\n}"
    yield from layout.array(report.findings, _finding, 1, BATCH)
    yield ',\n  "rejected": '
    yield from layout.array(report.rejected, _rejected, 1, BATCH)
    if options.baseline is not None:  # only then, so the contract without one is unchanged
        suppressed = {"count": options.suppressed, "baseline": options.baseline}
        yield ',\n  "suppressed": ' + layout.value(suppressed, 1)
    yield "\n}\n"


def reference(report: Report, options: RenderOptions) -> str:
    """The document the standard library's way: what `chunks` must equal."""
    doc = _head(report, options)
    doc["findings"] = [f.to_dict() for f in report.findings]
    doc["rejected"] = [r.to_dict() for r in report.rejected]
    if options.baseline is not None:
        doc["suppressed"] = {"count": options.suppressed, "baseline": options.baseline}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _head(report: Report, options: RenderOptions) -> dict[str, Any]:
    return {"fairdebt": options.version, "policies": list(report.policies),
            "summary": report.summary.to_dict()}


_IN = ",\n      "
_S = encode_basestring
_EVIDENCE = ",\n        "


def _finding(f: Finding) -> str:
    # the fields typed str are encoded directly: one call each, no type test; the
    # fields a rule repeats in every finding are laid out once per rule (`_around`)
    head, middle = _around(f.rule, f.severity, f.citation, f.policy, f.file)
    debt, local = f.debt_id, f.local_time
    evidence = ("[\n        " + _EVIDENCE.join(map(_S, f.evidence)) + "\n      ]") \
        if f.evidence else "[]"
    text = (f'{head}{_S(f.message)}{middle}{f.line!r},\n      "event_id": {_S(f.event_id)},\n'
            f'      "consumer_id": {_S(f.consumer_id)},\n'
            f'      "debt_id": {"null" if debt is None else _S(debt)},\n'
            f'      "timestamp": {_S(f.timestamp)},\n'
            f'      "local_time": {"null" if local is None else _S(local)},\n'
            f'      "evidence": {evidence}')
    if f.content is not None:
        text += _IN + '"content": ' + layout.value(dict(f.content), 3)
    return text + "\n    }"


@functools.lru_cache(maxsize=1024)
def _around(rule: str, severity: str, citation: str, policy: str, file: str
            ) -> tuple[str, str]:
    """A finding's text before its message, and between the message and the line."""
    return (f'{{\n      "rule": {_S(rule)},\n      "severity": {_S(severity)},\n'
            '      "message": ',
            f',\n      "citation": {_S(citation)},\n      "policy": {_S(policy)},\n'
            f'      "file": {_S(file)},\n      "line": ')


def _rejected(r: Rejected) -> str:
    return ('{\n      "file": ' + _S(r.file) + _IN + '"line": ' + repr(r.line)
            + _IN + '"reason": ' + _S(r.reason) + "\n    }")
