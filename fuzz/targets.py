"""Fuzz targets: one function per input surface, each checking the hardening invariants.

Every target takes the raw bytes libFuzzer (atheris) or a regression test hands it and
either returns or raises. It raises only when an invariant breaks:

- no traceback: the only exceptions allowed out are the documented error types that
  the CLI turns into exit 2 (`SourceError`, `ZoneError`, `PolicyError`, `MappingError`;
  `ValueError` from `decide()`, which is its documented contract);
- accounting: every row read is an event, a rejected row or (for presets that merge
  legs) a merged row, counted against an independent count of the input's records;
- determinism: the same input read twice gives byte-identical JSON;
- row order: a canonical log with its rows shuffled gives the same findings.

No hang is enforced by libFuzzer's ``-timeout`` (see fuzz/run.py and fuzz/README.md).
The targets import nothing of atheris, so tests can replay corpora through them.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import fairdebt
from fairdebt.content import analysis, terms
from fairdebt.content.check import Matcher
from fairdebt.content.text import _prepare_slow, prepare
from fairdebt.io.directory import load_directory
from fairdebt.io.imports import ImportStats, read_import
from fairdebt.io.mapping import MappingError, load_mapping, load_preset, preset_names
from fairdebt.io.normalize import to_event
from fairdebt.io.sources import SourceError, read_events
from fairdebt.location import postal_zones, region_zones
from fairdebt.model import Event, Rejected, Report
from fairdebt.policy.loader import PolicyError
from fairdebt.report import json_format
from fairdebt.report.options import RenderOptions
from fairdebt.runner import check_paths
from fairdebt.tz import ZoneError

# warm the lazily built tables (ZIP codes → zones, state zones) once: the first call
# takes seconds and would otherwise count against the first input's time limit
region_zones("US-NY")
postal_zones("94105", "US")

#: what the CLI catches around reading logs and directories (exit 2)
READ_ERRORS: tuple[type[Exception], ...] = (SourceError, ZoneError)
POLICY = fairdebt.load_policy("us-reg-f")
#: one scratch directory per process: targets write their input there as a file
SCRATCH = Path(tempfile.mkdtemp(prefix="fairdebt-fuzz-"))
ROOT = Path(__file__).resolve().parents[1]
#: a policy loaded from a fuzzed file runs over these rows (content included)
SAMPLE_ROWS: list[dict[str, Any]] = [
    {"timestamp": "2026-04-01T10:00:00-04:00", "consumer_id": "C1", "channel": "sms",
     "text": "Pay now or we will sue you. Reply STOP to opt out.", "event_id": "e1",
     "timezone": "America/New_York"},
    {"timestamp": "2026-04-01T23:00:00-04:00", "consumer_id": "C1", "channel": "call",
     "outcome": "conversation", "event_id": "e2", "timezone": "America/New_York",
     "transcript": "collector: 我们会起诉你 call me\nconsumer: stop calling"},
    {"timestamp": "2026-04-02T09:00:00-04:00", "consumer_id": "C1", "event": "cease",
     "event_id": "e3"},
    {"timestamp": "2026-04-02T10:00:00-04:00", "consumer_id": "C1", "channel": "email",
     "subject": "Your debt", "text": "Final notice", "event_id": "e4"},
]


class Broken(AssertionError):
    """An invariant that does not hold for this input."""


def _write(name: str, data: bytes) -> str:
    path = SCRATCH / name
    path.write_bytes(data)
    return str(path)


def _json(report: Report) -> str:
    return json_format.render(report, RenderOptions(version="fuzz"))


# --- canonical logs ------------------------------------------------------------------


def _csv_records(data: bytes) -> tuple[list[str], list[list[str]]] | None:
    """The header and data records as the stdlib csv module splits them: an oracle
    independent of the reader's own loop (blank lines are not records)."""
    text = data.decode("utf-8-sig", "surrogateescape")
    first = text.splitlines()[0] if text.splitlines() else ""
    tabs = "\t" in first and "," not in first
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tabs else ","))
    except csv.Error:
        return None
    rows = [r for r in rows if r]
    return (rows[0], rows[1:]) if rows else None


def _counts(report: Report) -> tuple[int, int, int, int]:
    s = report.summary
    return s.rows_read, s.events_checked, s.rows_rejected, s.rows_merged or 0


def _check_accounting(report: Report, expected: int | None, what: str) -> None:
    read, events, rejected, merged = _counts(report)
    if read != events + rejected + merged:
        raise Broken(f"{what}: rows_read {read} != {events} + {rejected} + {merged}")
    if len(report.rejected) != rejected:
        raise Broken(f"{what}: {len(report.rejected)} rejected rows listed, {rejected} counted")
    if expected is not None and read != expected:
        raise Broken(f"{what}: {read} rows accounted for, the input has {expected}")


def _run_log(path: str) -> Report | None:
    try:
        return check_paths([path], POLICY)
    except READ_ERRORS:
        return None


def _by_content(report: Report, path: str) -> Counter[tuple[Any, ...]]:
    """Findings keyed by the event they point at as read (normalized: "colLection" and
    "collection" are one purpose), leaving out where it was read, so a shuffled log
    can be compared with the original."""
    events: dict[int, str] = {}
    for item in read_events(path):
        if isinstance(item, Event):
            default = item.event_id == f"{item.file}:{item.line}"
            events[item.line] = repr((*item[:3], "" if default else item.event_id,
                                      *item[4:19], *item[21:]))
    return Counter((f.rule, f.severity, f.debt_id, events.get(f.line))
                   for f in report.findings)


def canonical_csv(data: bytes) -> None:
    path = _write("log.csv", data)
    report = _run_log(path)
    if report is None:
        return
    first = _json(report)
    again = _run_log(path)
    if again is None or _json(again) != first:
        raise Broken("the same CSV read twice gives different JSON")
    records = _csv_records(data)
    # the oracle is exact only when no record spans lines and every byte is text
    simple = records is not None and b'"' not in data and b"\r" not in data
    _check_accounting(report, len(records[1]) if simple and records else None, "csv")
    if not simple or not records or not report.findings:
        return
    lines = data.decode("utf-8-sig", "surrogateescape").split("\n")
    if any("\\" in ln or "\x00" in ln for ln in lines):
        return
    # shuffle the data lines (blank lines kept out), map each line back to its text
    head, rest = lines[0], [ln for ln in lines[1:] if ln.strip()]
    order = list(range(len(rest)))
    random.Random(len(data)).shuffle(order)
    shuffled = [rest[i] for i in order]
    path2 = _write("shuffled.csv", ("\n".join([head, *shuffled]) + "\n").encode(
        "utf-8", "surrogateescape"))
    other = _run_log(path2)
    if other is None:
        raise Broken("the shuffled CSV cannot be read at all")
    if _by_content(report, path) != _by_content(other, path2):
        raise Broken("shuffling the rows of a CSV log changes its findings")
    _check_accounting(other, report.summary.rows_read, "shuffled csv")


def canonical_jsonl(data: bytes) -> None:
    path = _write("log.jsonl", data)
    report = _run_log(path)
    if report is None:
        return
    first = _json(report)
    again = _run_log(path)
    if again is None or _json(again) != first:
        raise Broken("the same JSON Lines read twice gives different JSON")
    text = data.decode("utf-8-sig", "surrogateescape")
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    expected = sum(1 for ln in lines if ln.strip())
    _check_accounting(report, expected, "jsonl")
    if not report.findings or "\x00" in text:
        return
    rest = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip()]
    random.Random(len(data)).shuffle(rest)
    path2 = _write("shuffled.jsonl", "\n".join(ln for _, ln in rest).encode(
        "utf-8", "surrogateescape"))
    other = _run_log(path2)
    if other is None:
        # a line that starts with a gzip/zstd/Parquet signature, moved to the front,
        # makes the shuffled file look compressed: not the reader's fault
        if Path(path2).read_bytes()[:2] in (b"\x1f\x8b", b"\x28\xb5", b"PA"):
            return
        raise Broken("the shuffled JSON Lines cannot be read at all")
    if _by_content(report, path) != _by_content(other, path2):
        raise Broken("shuffling the rows of a JSON Lines log changes its findings")


# --- import presets and mappings -----------------------------------------------------

SUFFIX = {"amazon-connect": ".json", "twilio-calls": ".csv", "twilio-messages": ".csv",
          "vicidial": ".txt", "asterisk-cdr": ".csv", "freeswitch-cdr": ".csv"}


def _read_all(path: str, mapping: Any) -> tuple[list[Event | Rejected], ImportStats] | None:
    stats = ImportStats()
    try:
        return list(read_import(path, mapping, stats=stats)), stats
    except READ_ERRORS:
        return None


def _import_oracle(data: bytes, mapping: Any) -> int | None:
    """Records in a CSV export as the stdlib splits them (None when not exact)."""
    if mapping.format == "json" or b'"' in data or b"\r" in data:
        return None
    try:
        text = data.decode(mapping.encoding if mapping.encoding != "utf-8" else "utf-8-sig")
    except (UnicodeError, LookupError):
        return None
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
            if r and not (len(r) == 1 and not r[0].strip())]
    if mapping.header:
        # the reader takes the first line with more than whitespace as the header
        while rows and not "".join(rows[0]).strip():
            rows.pop(0)
    return len(rows) - (1 if mapping.header and rows else 0)


def import_target(preset: str) -> Callable[[bytes], None]:
    mapping = load_preset(preset)

    def target(data: bytes) -> None:
        if preset == "twilio-calls" and data[:1] == b"{":
            path = _write("export.jsonl", data)  # Twilio's API gives JSON too
        else:
            path = _write("export" + SUFFIX.get(preset, ".csv"), data)
        got = _read_all(path, mapping)
        if got is None:
            return
        items, stats = got
        again = _read_all(path, mapping)
        if again is None or again[0] != items or again[1].merged != stats.merged:
            raise Broken(f"{preset}: the same export read twice gives other rows")
        expected = _import_oracle(data, mapping) if not path.endswith(".jsonl") else None
        total = len(items) + stats.merged
        if expected is not None and total != expected:
            raise Broken(f"{preset}: {total} rows accounted for, the export has {expected}")
        for item in items:
            if item.line < 1:
                raise Broken(f"{preset}: a row at line {item.line}")

    target.__name__ = f"import_{preset.replace('-', '_')}"
    return target


SAMPLE_EXPORT = (b"Call ID;Call Date;Acct #;Phone;Phone Type;Result;Agent\n"
                 b"A-1;01.04.2026 07:45:10;88-1;+1 312 555 0101;CELL;NOANS;auto\n"
                 b"A-2;01.04.2026 12:02:44;88-1;+1 312 555 0101;HOME;TALK;x\n"
                 b"A-3,2026-04-01T10:00:00Z,C9,1700000000.5,sms,STOP,y\n")


def mapping_loader(data: bytes) -> None:
    folder = SCRATCH / "mapping"
    folder.mkdir(exist_ok=True)
    path = folder / "mapping.yaml"
    path.write_bytes(data)
    try:
        mapping = load_mapping(path)
    except MappingError as exc:
        if not exc.problems:
            raise Broken("a MappingError with no problem listed") from None
        return
    export = _write("sample" + (".json" if mapping.format == "json" else ".csv"),
                    SAMPLE_EXPORT if mapping.format != "json" else
                    b'{"a": "1", "b": {"c": 2}}\n[{"x": null}]\n')
    _read_all(export, mapping)


def policy_loader(data: bytes) -> None:
    folder = SCRATCH / "policy"
    folder.mkdir(exist_ok=True)
    path = folder / "policy.yaml"
    path.write_bytes(data)
    try:
        policy = fairdebt.load_policy(path)
    except PolicyError as exc:
        if not exc.problems:
            raise Broken("a PolicyError with no problem listed") from None
        return
    report = fairdebt.check(SAMPLE_ROWS, policy)
    again = fairdebt.check(list(reversed(SAMPLE_ROWS)), policy)
    # in-memory rows are numbered by position: compare by their explicit event ids
    if _by_id(report) != _by_id(again):
        raise Broken("a fuzzed policy gives other findings when the rows come reversed")
    if _json(fairdebt.check(SAMPLE_ROWS, policy)) != _json(report):
        raise Broken("a fuzzed policy gives other JSON the second time")


def _by_id(report: Report) -> list[tuple[Any, ...]]:
    return sorted((f.rule, f.event_id, f.severity, f.debt_id or "", f.message)
                  for f in report.findings)


SAMPLE_EVENTS = [
    to_event({"timestamp": "2026-04-01T10:00:00Z", "consumer_id": "+12125550101",
              "channel": "call", "destination": "(212) 555-0101"}, "log.csv", 2),
    to_event({"timestamp": "2026-04-01T11:00:00Z", "consumer_id": "C1", "channel": "email",
              "destination": "A@Example.com"}, "log.csv", 3),
]


def directory_reader(data: bytes) -> None:
    path = _write("consumers.csv", data)
    try:
        first = load_directory(path)
    except READ_ERRORS:
        return
    second = load_directory(path)
    if (first.people.keys() != second.people.keys() or first.rejected != second.rejected
            or first.addresses != second.addresses):
        raise Broken("the same directory read twice differs")
    for ev in SAMPLE_EVENTS:
        first.join(ev)
    first.facts()
    # the reader ends lines at \n, \r\n or a lone \r (universal newlines)
    lines = len(re.split(rb"\r\n|\r|\n", data))
    for r in first.rejected:
        if not 1 <= r.line <= lines + 1:
            raise Broken(f"a directory row rejected at line {r.line} of {lines}")


# --- content matcher and decide() ----------------------------------------------------


def _split(data: bytes, parts: int) -> list[str]:
    pieces = data.decode("utf-8", "replace").split("\x00", parts - 1)
    return pieces + [""] * (parts - len(pieces))


def content_matcher(data: bytes) -> None:
    # a fresh phrase index per input: the process-wide one only ever grows. Put back
    # afterwards: policies loaded before (in a test run) hold ids in the original
    saved = terms.INDEX
    terms.INDEX = analysis.INDEX = terms.TermIndex()
    try:
        _content_matcher(data)
    finally:
        terms.INDEX = analysis.INDEX = saved


def _content_matcher(data: bytes) -> None:
    pattern, phrases, text, field = _split(data, 4)
    spec: dict[str, Any] = {"phrases": [p for p in phrases.split("|") if p][:4]}
    if pattern:
        spec["patterns"] = [pattern]
    prepared = prepare(text)
    if text.isascii() and prepared.norm != _prepare_slow(text).norm:
        raise Broken("the ASCII fast path normalizes differently from the full pass")
    try:
        matcher = Matcher(spec, {})
    except ValueError:
        return  # an empty phrase or a pattern RE2 refuses: a policy error at load
    row: dict[str, Any] = {"timestamp": "2026-04-01T10:00:00Z", "consumer_id": "C1",
                           "channel": "sms"}
    row["transcript" if field.startswith("t") else "text"] = text
    try:
        ev = to_event(row, "log.csv", 2)
    except ValueError:
        return
    for seg in analysis.segments(ev):
        norm = seg.prep.norm
        for start, end in matcher.find(seg):
            if not 0 <= start < end <= len(norm):
                raise Broken(f"a match [{start}, {end}) outside the text ({len(norm)})")
            a, b = seg.prep.span(start, end)
            if not 0 <= a <= b <= len(seg.prep.original):
                raise Broken(f"a match maps to [{a}, {b}) of {len(seg.prep.original)}")
            seg.prep.clause(start, end)


_VOCAB = {
    "event": ["contact", "cease", "attorney", "consent", "opt_out", "stop_channel",
              "inconvenient", "wrong_number", "no_work_contact"] + ["contact"] * 20,
    "channel": ["call", "sms", "email", "letter", ""],
    "outcome": ["conversation", "no_answer", "voicemail", ""],
    "party": ["consumer", "third_party", "employer"],
    "timezone": ["America/New_York", "Pacific/Honolulu", "Asia/Kathmandu", ""],
    "detail": ["Mon-Fri 15:00-17:00", "Sat-Sun", "", "whenever"],
    "destination": ["555-01", "555-02", "555-01", ""],
    "debt_id": ["A", "B", "A;B", ""],
}


class _Picks:
    """Choices read byte by byte from the input, so the fuzzer's mutations map onto
    them (a hash-seeded random generator would hide all structure from it)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def randrange(self, start: int, stop: int) -> int:
        if self.at >= len(self.data):
            return start
        value = int.from_bytes(self.data[self.at:self.at + 2], "big")
        self.at += 2
        return start + value % (stop - start)

    def choice(self, items: list[Any]) -> Any:
        return items[self.randrange(0, len(items))]


def decide_target(data: bytes) -> None:
    rnd = _Picks(data)
    base = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)

    def pick(key: str) -> str:
        return rnd.choice(_VOCAB[key])

    history = []
    for i in range(rnd.randrange(0, 12)):
        row = {"timestamp": (base + timedelta(minutes=rnd.randrange(0, 60 * 24 * 9))
                             ).isoformat(), "consumer_id": "C1", "event_id": f"h{i}"}
        for key in _VOCAB:
            value = pick(key)
            if value:
                row[key] = value
        history.append(row)
    proposed = {k: v for k in ("channel", "party", "timezone", "destination", "debt_id")
                if (v := pick(k))}
    proposed["consumer_id"] = "C1"
    offset = timedelta(minutes=rnd.choice([0, -300, 330, 345, 840]))
    now = (base + timedelta(days=10, minutes=rnd.randrange(0, 60 * 24 * 5))).astimezone(
        timezone(offset))
    try:
        decision = fairdebt.decide(POLICY, history, proposed, now)
    except ValueError:
        return  # an invalid row or zone: decide()'s documented error
    again = fairdebt.decide(POLICY, list(reversed(history)), proposed, now)
    if (decision.allowed, decision.next_permitted_at) != (again.allowed, again.next_permitted_at):
        raise Broken("decide() answers differently for the history in another order")
    when = decision.next_permitted_at
    if when is None:
        return
    if when < now:
        raise Broken(f"next_permitted_at {when} is before now {now}")
    trial = {**proposed, "timestamp": when.isoformat(), "event_id": "proposed"}
    report = fairdebt.check([*history, trial], POLICY)
    wrong = [f.rule for f in report.findings
             if f.event_id == "proposed" and f.severity == "error"]
    if wrong:
        raise Broken(f"decide() permits at {when.isoformat()} what check flags: {wrong}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "csv": canonical_csv,
    "jsonl": canonical_jsonl,
    **{f"import-{name}": import_target(name) for name in preset_names()},
    "mapping": mapping_loader,
    "policy": policy_loader,
    "directory": directory_reader,
    "content": content_matcher,
    "decide": decide_target,
}


def corpus(target: str) -> list[Path]:
    folder = Path(__file__).resolve().parent / "corpus" / target
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


if os.environ.get("FAIRDEBT_FUZZ_KEEP_SCRATCH") is None:
    import atexit
    import shutil

    atexit.register(shutil.rmtree, SCRATCH, True)
