"""``--format junit``: JUnit XML, which Jenkins, GitLab and most CI dashboards read.

One test suite per rule and one test case per consumer-and-debt, failing with
that pair's findings. A rule that found nothing still gets a suite with one
passing case, so the dashboard shows it was checked. Rejected rows are skipped
cases: input that was not checked is neither a pass nor a failure. With a baseline,
each suite's ``<properties>`` carry ``fairdebt.suppressed`` and ``fairdebt.baseline``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..model import Finding, Report
from .options import RenderOptions

REJECTED_SUITE = "fairdebt/rejected-rows"
# characters XML 1.0 cannot carry at all, even escaped: a log may contain them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: Report, options: RenderOptions) -> str:
    cases: dict[str, dict[tuple[str, str], list[Finding]]] = defaultdict(dict)
    for rule in options.rules:
        cases[rule.id] = {}
    for f in report.findings:
        cases[f.rule].setdefault((f.consumer_id, f.debt_id or ""), []).append(f)

    root = ET.Element("testsuites", name="fairdebt")
    for rule_id, by_pair in cases.items():
        suite = ET.SubElement(root, "testsuite", name=_x(rule_id))
        _properties(suite, options)
        if not by_pair:
            ET.SubElement(suite, "testcase", classname=_x(rule_id), name="all consumers")
        for (consumer, debt), items in by_pair.items():
            name = f"consumer {consumer}" + (f" · debt {debt}" if debt else "")
            case = ET.SubElement(suite, "testcase", classname=_x(rule_id), name=_x(name),
                                 file=_x(items[0].file), line=str(items[0].line))
            failure = ET.SubElement(case, "failure", type=items[0].severity,
                                    message=_x(_headline(items)))
            failure.text = _x("\n".join(_detail(f) for f in items))
        _count(suite)
    if report.rejected:
        suite = ET.SubElement(root, "testsuite", name=REJECTED_SUITE)
        _properties(suite, options)
        for r in report.rejected:
            case = ET.SubElement(suite, "testcase", classname=REJECTED_SUITE,
                                 name=_x(f"{r.file}:{r.line}"), file=_x(r.file), line=str(r.line))
            ET.SubElement(case, "skipped", message=_x(r.reason))
        _count(suite)
    _count(root)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _properties(suite: ET.Element, options: RenderOptions) -> None:
    """With a baseline, every suite says how many findings it hid and which file did
    (JUnit has no run-wide place for properties; a suite's come first in it)."""
    if options.baseline is None:
        return
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="fairdebt.suppressed", value=str(options.suppressed))
    ET.SubElement(props, "property", name="fairdebt.baseline", value=_x(options.baseline))


def _headline(items: list[Finding]) -> str:
    first = items[0].message
    return first if len(items) == 1 else f"{len(items)} findings; first: {first}"


def _detail(f: Finding) -> str:
    text = (f"{f.file}:{f.line}: [{f.severity}] {f.message}\n"
            f"  event {f.event_id} at {f.local_time or f.timestamp}; {f.citation}")
    if f.evidence:
        text += f"\n  evidence: {', '.join(f.evidence)}"
    return text


def _count(element: ET.Element) -> None:
    cases = element.iter("testcase")
    tests = failures = skipped = 0
    for case in cases:
        tests += 1
        failures += case.find("failure") is not None
        skipped += case.find("skipped") is not None
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", str(skipped))


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
