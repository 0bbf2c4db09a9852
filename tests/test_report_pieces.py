"""The JSON, JSON Lines and SARIF reports written in pieces are exactly the standard
library's text: the JSON contract (and SARIF) byte-for-byte what ``json.dumps(doc,
indent=2)`` gives."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import fairdebt
from fairdebt.cli import main
from fairdebt.model import Finding, Rejected, Report, Summary
from fairdebt.report import (
    csv_format,
    github_format,
    gitlab_format,
    html_format,
    json_format,
    jsonl_format,
    junit_format,
    render,
    render_chunks,
    sarif_format,
    text_format,
)
from fairdebt.report.options import RenderOptions

ROOT = Path(__file__).resolve().parent.parent

text = st.text(st.characters(codec="utf-8"), max_size=12)  # control characters, quotes, CJK
scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), text)
nested = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)), max_leaves=8)

findings = st.builds(
    Finding, rule=text, severity=st.sampled_from(["error", "warning", "info"]), message=text,
    citation=text, file=text, line=st.integers(0, 10**9), event_id=text, consumer_id=text,
    debt_id=st.one_of(st.none(), text), timestamp=text, local_time=st.one_of(st.none(), text),
    evidence=st.lists(text, max_size=3).map(tuple), policy=text,
    content=st.one_of(st.none(), st.dictionaries(text, nested, max_size=4)))
rejected = st.builds(Rejected, file=text, line=st.integers(0, 10**9), reason=text)


def _report(found: list[Finding], bad: list[Rejected]) -> Report:
    summary = Summary(rows_read=len(found) + len(bad), events_checked=len(found),
                      rows_rejected=len(bad), findings=len(found), by_rule={"r": len(found)})
    return Report(("p",), tuple(found), tuple(bad), summary)


@settings(max_examples=200, deadline=None)
@given(st.lists(findings, max_size=6), st.lists(rejected, max_size=3),
       st.one_of(st.none(), text), st.integers(1, 4))
def test_json_pieces_equal_the_standard_library(found: list[Finding], bad: list[Rejected],
                                                baseline: str | None, batch: int) -> None:
    report = _report(found, bad)
    options = RenderOptions(version="t", baseline=baseline, suppressed=3)
    with pytest.MonkeyPatch.context() as mp:  # several pieces even for a few findings
        mp.setattr(json_format, "BATCH", batch)
        pieces = list(json_format.chunks(report, options))
    assert "".join(pieces) == json_format.reference(report, options)
    if len(found) > batch:
        assert len(pieces) > 6


@settings(max_examples=200, deadline=None)
@given(st.lists(findings, max_size=6), st.lists(rejected, max_size=3),
       st.one_of(st.none(), text), st.integers(1, 4),
       st.lists(st.sampled_from(["/abs/log.csv", "calls 2026.csv", "C:\\x.csv", "ü/ä.csv"]),
                max_size=6))
def test_sarif_pieces_equal_the_standard_library(found: list[Finding], bad: list[Rejected],
                                                 baseline: str | None, batch: int,
                                                 files: list[str]) -> None:
    import dataclasses

    # also files the URI quotes or makes absolute, and rules named more than once
    found = [dataclasses.replace(f, file=files[i] if i < len(files) else f.file,
                                 rule=f.rule if i % 2 else "r1") for i, f in enumerate(found)]
    report = _report(found, bad)
    options = RenderOptions(version="t", baseline=baseline, suppressed=3)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sarif_format, "BATCH", batch)
        pieces = list(sarif_format.chunks(report, options))
    assert "".join(pieces) == sarif_format.reference(report, options)


@settings(max_examples=100, deadline=None)
@given(st.lists(findings, max_size=6), st.integers(1, 4))
def test_gitlab_pieces_equal_the_standard_library(found: list[Finding], batch: int) -> None:
    report = _report(found, [])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gitlab_format, "BATCH", batch)
        pieces = list(gitlab_format.chunks(report, RenderOptions()))
    assert "".join(pieces) == gitlab_format.reference(report, RenderOptions())


@settings(max_examples=100, deadline=None)
@given(st.lists(findings, max_size=6), st.lists(rejected, max_size=3), st.integers(1, 4))
def test_github_pieces_are_whole_lines(found: list[Finding], bad: list[Rejected],
                                       batch: int) -> None:
    report = _report(found, bad)
    whole = github_format.render(report, RenderOptions())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(github_format, "BATCH", batch)
        pieces = list(github_format.chunks(report, RenderOptions()))
    assert "".join(pieces) == whole and all(p.endswith("\n") for p in pieces)
    # one command per finding and rejected row, and the closing notice
    assert whole.count("\n") == len(found) + len(bad) + 1


_RULES = fairdebt.load_policy("us-reg-f").rules


@settings(max_examples=150, deadline=None)
@given(st.lists(findings, max_size=6), st.lists(rejected, max_size=3),
       st.one_of(st.none(), text), st.integers(0, 3), st.lists(st.sampled_from(
           [_RULES[0].id, _RULES[1].id, "other"]), min_size=6, max_size=6))
def test_junit_pieces_equal_the_whole_document(found: list[Finding], bad: list[Rejected],
                                               baseline: str | None, rules: int,
                                               names: list[str]) -> None:
    import dataclasses

    # findings of described rules and of others, several per consumer and debt
    found = [dataclasses.replace(f, rule=names[i], consumer_id=f.consumer_id[:1])
             for i, f in enumerate(found)]
    report = _report(found, bad)
    options = RenderOptions(version="t", baseline=baseline, suppressed=3,
                            rules=_RULES[:rules])
    pieces = list(junit_format.chunks(report, options))
    assert "".join(pieces) == junit_format.reference(report, options)


@settings(max_examples=60, deadline=None)
@given(st.lists(findings, max_size=6), st.lists(rejected, max_size=3), st.integers(1, 4))
def test_html_pieces_join_to_the_page(found: list[Finding], bad: list[Rejected],
                                      batch: int) -> None:
    report = _report(found, bad)
    whole = "".join(html_format.chunks(report, RenderOptions()))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(html_format, "BATCH", batch)
        pieces = list(html_format.chunks(report, RenderOptions()))
    assert "".join(pieces) == whole
    table = whole.split('<table id="findings">')[1].split("</table>")[0]
    assert table.count("<tr><td") == len(found) and whole.endswith("</html>\n")


@settings(max_examples=100, deadline=None)
@given(st.lists(findings, max_size=6), st.lists(rejected, max_size=3), st.integers(1, 4))
def test_jsonl_pieces_are_one_object_per_line(found: list[Finding], bad: list[Rejected],
                                              batch: int) -> None:
    report = _report(found, bad)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonl_format, "BATCH", batch)
        # "\n" only: JSON Lines ends lines there; U+0085 or U+2028 inside a string is text
        lines = "".join(jsonl_format.chunks(report, RenderOptions())).split("\n")[:-1]
    docs = [json.loads(line) for line in lines]
    assert [d.pop("kind") for d in docs] == ["finding"] * len(found) + ["rejected"] * len(bad) \
        + ["summary"]
    assert docs[:len(found)] == [json.loads(json.dumps(f.to_dict())) for f in found]
    assert docs[len(found):-1] == [r.to_dict() for r in bad]


def test_real_reports_with_content_findings_render_identically(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "timestamp,consumer_id,channel,text,destination\n"
        "2026-03-02T15:00:00Z,C1,sms,\"Pay now or you will be arrested, call 555-123-4567\","
        "+15551234567\n"
        "2026-03-02T04:00:00Z,C2,call,,+15550000000\n"
        "not a time,C3,call,,\n", encoding="utf-8")
    reports = [fairdebt.check_files([str(path)], fairdebt.load_policy("us-reg-f"),
                                    default_timezone="America/New_York")
               for path in (log, ROOT / "fixtures" / "sample-calls.csv")]
    assert reports[0].rejected and any(f.content for f in reports[0].findings)
    for report in reports:
        for options in (RenderOptions(), RenderOptions(baseline="b.json", suppressed=2)):
            assert json_format.render(report, options) == json_format.reference(report, options)


@pytest.mark.parametrize("module", [text_format, csv_format, json_format, jsonl_format])
@pytest.mark.parametrize("batch", [1, 2, 5])
def test_pieces_of_any_size_join_to_the_same_text(module: Any, batch: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    report = fairdebt.check_files([str(ROOT / "fixtures" / "sample-calls.csv")],
                                  fairdebt.load_policy("us-reg-f"))
    for options in (RenderOptions(), RenderOptions(baseline="b.json", suppressed=1),
                    RenderOptions(quiet=True)):
        whole = module.render(report, options)  # the default batch holds every finding
        default = list(module.chunks(report, options))
        monkeypatch.setattr(module, "BATCH", batch)
        pieces = list(module.chunks(report, options))
        monkeypatch.undo()
        assert "".join(pieces) == whole
        assert len(pieces) > len(default) or options.quiet


def test_render_chunks_join_to_render_and_mask_like_it() -> None:
    report = fairdebt.check_files([str(ROOT / "fixtures" / "sample-calls.csv")],
                                  fairdebt.load_policy("us-reg-f"))
    for fmt in ("json", "jsonl", "text", "csv", "sarif"):
        for options in (RenderOptions(), RenderOptions(redact=True)):
            assert "".join(render_chunks(fmt, report, options)) == render(fmt, report, options)


def test_cli_writes_json_in_pieces_to_stdout_and_files(tmp_path: Path,
                                                        monkeypatch: Any) -> None:
    monkeypatch.setattr(json_format, "BATCH", 2)
    sample = str(ROOT / "fixtures" / "sample-calls.csv")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["check", "-p", "us-reg-f", "-f", "json", "-f",
                                       f"jsonl:{tmp_path / 'r.jsonl'}", "-f", f"json:{out}",
                                       sample])
    assert result.exit_code == 1, result.output
    report = fairdebt.check_files([sample], fairdebt.load_policy("us-reg-f"))
    expected = json_format.reference(report, RenderOptions())
    assert json.loads(result.output)["findings"] == json.loads(expected)["findings"]
    assert out.read_text(encoding="utf-8") == result.output
    lines = io.StringIO((tmp_path / "r.jsonl").read_text(encoding="utf-8")).readlines()
    assert len(lines) == len(report.findings) + len(report.rejected) + 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_text_shows_control_characters_whatever_shortcut_it_takes(value: str) -> None:
    """`text_format.shown` skips the translation for printable text: the same result."""
    assert text_format.shown(value) == value.translate(text_format._SHOWN)


@settings(max_examples=100, deadline=None)
@given(st.lists(findings, max_size=4))
def test_findings_pickle_as_their_fields(found: list[Finding]) -> None:
    """`Finding.__reduce__` (how `--jobs` sends findings back): every field, content too."""
    import pickle

    back = pickle.loads(pickle.dumps(found))
    assert back == found and all(type(f) is Finding for f in back)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                     st.floats(allow_nan=True, allow_infinity=True))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.dictionaries(st.integers(0, 9), inner, max_size=2)),  # keys json.dumps converts
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(item=_VALUES, depth=st.integers(0, 4))
def test_any_value_laid_out_as_json_dumps_lays_it_out(item: Any, depth: int) -> None:
    """`layout.value` (a content finding's details in the JSON report) is the standard
    library's ``indent=2`` text, indented ``depth`` levels."""
    from fairdebt.report import layout

    want = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)
    assert layout.value(item, depth) == want
