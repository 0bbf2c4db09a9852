"""The report's findings are in one total order however the run was split into parts
(processes, shares of the fast path): each part is ordered, then the parts are merged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt import runner
from fairdebt.model import Finding
from fairdebt.policy import load_policy

small = st.sampled_from(["a", "b", ""])
findings = st.builds(Finding, rule=small, severity=st.just("error"), message=small,
                     citation=st.just("c"), file=st.sampled_from(["x.csv", "y.csv", "z.csv"]),
                     line=st.integers(1, 4), event_id=small, consumer_id=small,
                     debt_id=st.one_of(st.none(), small), timestamp=small, local_time=small,
                     evidence=st.lists(small, max_size=2).map(tuple))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(findings, max_size=8), max_size=5), st.data())
def test_merged_parts_are_the_stable_sort_of_all(groups: list[list[Finding]],
                                                 data: st.DataObject) -> None:
    order = {"y.csv": 0, "x.csv": 1}  # z.csv: not named, so after both
    parts = []
    for group in groups:
        part = runner._Part(list(group), [], len(group), 1, None)
        if data.draw(st.booleans()):  # some parts arrive in order already (spilled shares)
            runner._order_findings(part, order)
        parts.append(part)
    expected = [f for g in groups for f in g]
    expected.sort(key=lambda f: (order.get(f.file, 2), f.file, f.line, f.rule,
                                 f.debt_id or "", f.event_id, f.message))
    report = runner._report(load_policy("us-reg-f"), parts, order)
    # identity, not equality: equal findings from different parts keep the parts' order
    assert [id(f) for f in report.findings] == [id(f) for f in expected]
    assert report.summary.findings == len(expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(findings, max_size=30), st.booleans())
def test_sorting_one_file_by_line_then_by_the_whole_key(items: list[Finding],
                                                        one_file: bool) -> None:
    """`runner._sort_findings` takes a shortcut when every finding is from one file:
    the same order as the whole key's stable sort, finding for finding."""
    import dataclasses

    if one_file:
        items = [dataclasses.replace(f, file="x.csv") for f in items]
    expected = sorted(items, key=runner._finding_order({"x.csv": 0}))
    got = list(items)
    runner._sort_findings(got, {"x.csv": 0})
    assert [id(f) for f in got] == [id(f) for f in expected]
