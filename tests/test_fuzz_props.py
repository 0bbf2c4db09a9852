"""The fuzzers' invariants as bounded hypothesis properties, in the normal suite.

Structured logs (rows written with the csv/json modules, so the exact row count is
known) check the accounting and row-order invariants exactly; raw bytes go through
the same targets as fuzz/run.py. Kept small: the whole file runs in well under 20 s.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fairdebt
from fairdebt.content.check import Matcher
from fairdebt.content.text import _prepare_slow, prepare
from fairdebt.io.imports import ImportStats, read_import
from fairdebt.io.mapping import load_preset
from fairdebt.model import Report
from fairdebt.policy.yamlsrc import YamlError, load
from fairdebt.report import json_format
from fairdebt.report.options import RenderOptions

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
sys.path.insert(0, str(FUZZ))
try:
    import targets  # type: ignore[import-not-found]
finally:
    sys.path.remove(str(FUZZ))

POLICY = fairdebt.load_policy("us-reg-f")
FAST = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: cell values: good ones, and the kinds of damage exports carry
junk = st.sampled_from(["", " ", "\x00", "\ufeff", "\r\n", '"', ",", ";", "\t", "é", "债",
                        "\u202e", "nan", "2026-02-30", "9999-12-31T00:00:00Z", "-1"])
stamp = st.one_of(
    st.integers(0, 60 * 24 * 12).map(
        lambda m: f"2026-04-{1 + m // 1440:02d}T{m % 1440 // 60:02d}:{m % 60:02d}:00Z"),
    junk, st.text(max_size=12))
cell = st.one_of(junk, st.text(max_size=8))
row = st.fixed_dictionaries({
    "timestamp": stamp,
    "consumer_id": st.one_of(st.sampled_from(["C1", "C2", " C1 "]), cell),
    "event_id": st.one_of(st.just(""), st.sampled_from(["E1", "E2", "E3"])),
    "event": st.one_of(st.just(""), st.sampled_from(["contact", "cease", "consent",
                                                     "inconvenient"]), cell),
    "channel": st.one_of(st.sampled_from(["call", "sms", "email"]), cell),
    "outcome": st.one_of(st.sampled_from(["", "conversation", "no_answer"]), cell),
    "timezone": st.sampled_from(["", "America/New_York", "Nowhere/Zone", "Asia/Kathmandu"]),
    "text": st.one_of(st.just(""), st.text(max_size=30)),
})
COLUMNS = ["timestamp", "consumer_id", "event_id", "event", "channel", "outcome", "timezone",
           "text"]


def _csv(rows: list[dict[str, str]]) -> tuple[bytes, dict[int, int]]:
    """The file, and the physical line each row starts on → its index in ``rows``
    (a quoted value may span lines; the reader ends a line at \n, \r\n or \r)."""
    out = io.StringIO(newline="")
    # "\r\n" ends records: the writer then quotes any value holding \r or \n (with
    # "\n" alone it writes a bare \r unquoted, which every reader takes as a line end)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    starts, line = {}, 2
    for i, r in enumerate(rows):
        before = out.tell()
        writer.writerow([r[c] for c in COLUMNS])
        starts[line] = i
        line += len(re.split(r"\r\n|\r|\n", out.getvalue()[before:])) - 1
    return out.getvalue().encode("utf-8", "surrogatepass"), starts


def _json(report: Report) -> str:
    return json_format.render(report, RenderOptions(version="test"))


def _by_row(report: Report, rows: list[dict[str, str]], starts: dict[int, int]
            ) -> list[tuple[Any, ...]]:
    """Findings and rejections keyed by the row they point at, not by its line."""
    def key(line: int) -> str:
        return json.dumps(rows[starts[line]], sort_keys=True)
    return sorted([(f.rule, f.severity, f.debt_id or "", key(f.line)) for f in report.findings]
                  + [("rejected", r.reason, "", key(r.line)) for r in report.rejected])


def _blank(r: dict[str, str]) -> bool:
    # a row whose cells are all empty is written as a blank line (or one that csv reads
    # as nothing): not a row
    return not "".join(r[c] for c in COLUMNS)


@FAST
@given(st.lists(row, max_size=12), st.randoms(use_true_random=False))
def test_csv_every_row_accounted_order_free_deterministic(tmp_path_factory: Any,
                                                          rows: list[dict[str, str]],
                                                          rnd: random.Random) -> None:
    rows = [r for r in rows if not _blank(r)]
    folder = tmp_path_factory.mktemp("csv")
    first, second = folder / "a.csv", folder / "b.csv"
    data, starts = _csv(rows)
    first.write_bytes(data)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    data, shuffled_starts = _csv(shuffled)
    second.write_bytes(data)
    report = fairdebt.check_files([str(first)], POLICY)
    summary = report.summary
    assert summary.rows_read == summary.events_checked + summary.rows_rejected == len(rows)
    assert _json(fairdebt.check_files([str(first)], POLICY)) == _json(report)
    other = fairdebt.check_files([str(second)], POLICY)
    assert _by_row(report, rows, starts) == _by_row(other, shuffled, shuffled_starts)


@FAST
@given(st.lists(st.one_of(row.map(lambda r: json.dumps(r, ensure_ascii=False)),
                          st.sampled_from(["[1]", "{", '{"a": ' * 50, "null", '"x"']),
                          st.text(max_size=20).filter(lambda t: t.strip() and "\n" not in t
                                                      and "\r" not in t)),
                max_size=20))
def test_jsonl_every_line_accounted(tmp_path_factory: Any, lines: list[str]) -> None:
    lines = [ln for ln in lines if ln.strip() and not any(c in ln for c in "\x0b\x0c\x1c"
                                                           "\x1d\x1e\x85\u2028\u2029")]
    path = tmp_path_factory.mktemp("jsonl") / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    report = fairdebt.check_files([str(path)], POLICY)
    summary = report.summary
    assert summary.rows_read == summary.events_checked + summary.rows_rejected == len(lines)
    assert _json(fairdebt.check_files([str(path)], POLICY)) == _json(report)


CDR = st.lists(st.one_of(cell, st.sampled_from(["ANSWERED", "NO ANSWER", "BUSY", "2125550101",
                                                "2026-04-01 10:00:00", "1775037600.12"])),
               min_size=15, max_size=22)


@FAST
@given(st.lists(CDR, max_size=15))
def test_asterisk_rows_are_events_rejected_or_merged(tmp_path_factory: Any,
                                                     rows: list[list[str]]) -> None:
    rows = [r for r in rows if "".join(r).strip()]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    path = tmp_path_factory.mktemp("cdr") / "Master.csv"
    path.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
    stats = ImportStats()
    try:
        items = list(read_import(str(path), load_preset("asterisk-cdr"), stats=stats))
    except fairdebt.SourceError:
        return
    assert len(items) + stats.merged == len(rows)


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
              st.sampled_from(["2026-02-30", "21:00", "!!int x", "*a", "&a"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)


@FAST
@given(st.one_of(st.text(max_size=200),
                 yaml_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True))))
def test_yaml_loader_raises_only_yaml_error(text: str) -> None:
    try:
        load(text, "f.yaml")
    except YamlError as exc:
        assert exc.line >= 1


policy_docs = st.fixed_dictionaries(
    {"id": st.one_of(st.just("p"), yaml_values)},
    optional={"extends": st.one_of(st.sampled_from(["us-reg-f", "../x.yaml", "/etc/passwd"]),
                                   yaml_values),
              "regions": yaml_values, "default_timezone": yaml_values,
              "rules": st.lists(st.fixed_dictionaries(
                  {"id": st.sampled_from(["p/a", "reg-f/hours", "x"])},
                  optional={"check": st.sampled_from(["hours", "forbid_phrases", "nope"]),
                            "params": yaml_values, "when": yaml_values,
                            "tests": yaml_values, "disabled": yaml_values}), max_size=3)})


@settings(FAST, max_examples=20)
@given(policy_docs)
def test_policy_loader_raises_only_policy_error(tmp_path_factory: Any,
                                                doc: dict[str, Any]) -> None:
    path = tmp_path_factory.mktemp("policy") / "p.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    targets.policy_loader(path.read_bytes())


@FAST
@given(st.text(max_size=40), st.lists(st.text(min_size=1, max_size=6), max_size=3),
       st.text(max_size=12))
def test_matcher_spans_stay_inside_the_text(text: str, phrases: list[str],
                                            pattern: str) -> None:
    data = "\x00".join([pattern, "|".join(phrases), text, "text"]).encode(
        "utf-8", "surrogatepass")
    targets.content_matcher(data)
    if text.isascii():
        assert prepare(text).norm == _prepare_slow(text).norm
    try:
        Matcher({"patterns": [pattern]}, {})
    except ValueError as exc:
        assert "RE2" in str(exc)


@FAST
@given(st.binary(min_size=0, max_size=64))
def test_decide_agrees_with_check(data: bytes) -> None:
    targets.decide_target(data)


@FAST
@given(st.binary(max_size=300))
def test_directory_reader_never_crashes(data: bytes) -> None:
    targets.directory_reader(b"consumer_id,mobile,timezone,attorney_since\n" + data)
    targets.directory_reader(data)
