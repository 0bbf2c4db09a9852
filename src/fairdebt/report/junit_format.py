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
from collections.abc import Iterator

from ..model import Finding, Report
from .options import RenderOptions

REJECTED_SUITE = "fairdebt/rejected-rows"
# characters XML 1.0 cannot carry at all, even escaped: a log may contain them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: Report, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def chunks(report: Report, options: RenderOptions) -> Iterator[str]:
    """`reference`'s text in pieces: each test case laid out by ElementTree on its own,
    indented as in the whole document, so the document is never built whole (~4 KB of
    elements per finding: 1 GB for a quarter of a million)."""
    suites = _suites(report, options)
    totals = [sum(t[k] for _, t, _ in suites) for k in range(3)]
    yield ET.tostring(ET.Element("x"), encoding="unicode", xml_declaration=True).split(
        "\n")[0] + "\n"
    root = _start("testsuites", {"name": "fairdebt"}, totals)
    if not suites:
        yield root[:-1] + " />\n"
        return
    yield root + "\n  "
    for n, (name, counts, elements) in enumerate(suites, 1):
        yield _start("testsuite", {"name": _x(name)}, counts) + "\n    "
        for element, last in _flagged(elements):
            ET.indent(element, level=2)
            element.tail = "\n  " if last else "\n    "
            yield ET.tostring(element, encoding="unicode")
        yield "</testsuite>" + ("\n" if n == len(suites) else "\n  ")
    yield "</testsuites>\n"


def _suites(report: Report, options: RenderOptions
            ) -> list[tuple[str, list[int], Iterator[ET.Element]]]:
    """Per suite: its name, (tests, failures, skipped), and its elements made one at a
    time (its properties, then its test cases)."""
    cases: dict[str, dict[tuple[str, str], list[Finding]]] = defaultdict(dict)
    for rule in options.rules:
        cases[rule.id] = {}
    for f in report.findings:
        cases[f.rule].setdefault((f.consumer_id, f.debt_id or ""), []).append(f)
    out = [(rule_id, [max(len(by_pair), 1), len(by_pair), 0],
            _rule_elements(rule_id, by_pair, options)) for rule_id, by_pair in cases.items()]
    if report.rejected:
        out.append((REJECTED_SUITE, [len(report.rejected), 0, len(report.rejected)],
                    _rejected_elements(report, options)))
    return out


def _rule_elements(rule_id: str, by_pair: dict[tuple[str, str], list[Finding]],
                   options: RenderOptions) -> Iterator[ET.Element]:
    yield from _properties(options)
    if not by_pair:
        yield ET.Element("testcase", classname=_x(rule_id), name="all consumers")
    for (consumer, debt), items in by_pair.items():
        name = f"consumer {consumer}" + (f" · debt {debt}" if debt else "")
        case = ET.Element("testcase", classname=_x(rule_id), name=_x(name),
                          file=_x(items[0].file), line=str(items[0].line))
        failure = ET.SubElement(case, "failure", type=items[0].severity,
                                message=_x(_headline(items)))
        failure.text = _x("\n".join(_detail(f) for f in items))
        yield case


def _rejected_elements(report: Report, options: RenderOptions) -> Iterator[ET.Element]:
    yield from _properties(options)
    for r in report.rejected:
        case = ET.Element("testcase", classname=REJECTED_SUITE, name=_x(f"{r.file}:{r.line}"),
                          file=_x(r.file), line=str(r.line))
        ET.SubElement(case, "skipped", message=_x(r.reason))
        yield case


def _start(tag: str, attributes: dict[str, str], counts: list[int]) -> str:
    """The start tag ElementTree writes for ``tag`` once `_count` has set ``counts``."""
    tests, failures, skipped = counts
    element = ET.Element(tag, attributes, tests=str(tests), failures=str(failures),
                         errors="0", skipped=str(skipped))
    return ET.tostring(element, encoding="unicode")[:-len(" />")] + ">"


def _flagged(items: Iterator[ET.Element]) -> Iterator[tuple[ET.Element, bool]]:
    """Each item, and whether it is the last."""
    previous = next(items, None)
    for item in items:
        assert previous is not None
        yield previous, False
        previous = item
    if previous is not None:
        yield previous, True


def reference(report: Report, options: RenderOptions) -> str:
    """The same elements in one ElementTree document, counted and indented whole: what
    `chunks` must equal."""
    root = ET.Element("testsuites", name="fairdebt")
    for name, _, elements in _suites(report, options):
        suite = ET.SubElement(root, "testsuite", name=_x(name))
        suite.extend(elements)
        _count(suite)
    _count(root)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _properties(options: RenderOptions) -> list[ET.Element]:
    """With a baseline, every suite says how many findings it hid and which file did
    (JUnit has no run-wide place for properties; a suite's come first in it)."""
    if options.baseline is None:
        return []
    props = ET.Element("properties")
    ET.SubElement(props, "property", name="fairdebt.suppressed", value=str(options.suppressed))
    ET.SubElement(props, "property", name="fairdebt.baseline", value=_x(options.baseline))
    return [props]


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
