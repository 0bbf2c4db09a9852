"""Baselines: findings already accepted, hidden from later runs until they expire.

A baseline is a JSON file of entries. An entry with a ``fingerprint`` accepts one
finding (its identity: rule, consumer, debt, event — not its line, so re-exported
logs keep matching). An entry without one is a waiver: every finding of ``rule``
(a glob) for ``consumer_id``, ``debt_id`` and ``event_id`` — each one left out
means any. Either kind may say why
(``reason``) and until when (``expires``, a date, inclusive); an expired entry
stops suppressing. The file holds ids and hashes only, never messages, so it can
be committed without personal data.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..io.atomic import replacing
from ..model import Finding, Report
from .fingerprint import fingerprint

VERSION = 1
ENTRY_FIELDS = frozenset({"fingerprint", "rule", "consumer_id", "debt_id", "event_id", "reason",
                          "expires", "file"})
STDIN = "<stdin>"

#: what a waiver (an entry without a fingerprint) narrows by; every one given must match
WAIVER_KEYS = ("fingerprint", "rule", "consumer_id", "debt_id", "event_id")


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: str | None = None
    rule: str | None = None
    consumer_id: str | None = None
    debt_id: str | None = None
    event_id: str | None = None
    reason: str | None = None
    expires: date | None = None
    #: the log the accepted finding was in, relative to the baseline's directory: only
    #: so --update-baseline can tell which entries a run that did not read that log
    #: must leave alone. Never part of matching (re-exported logs keep matching).
    file: str | None = None

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def matches(self, f: Finding, print_: str) -> bool:
        if self.fingerprint is not None:
            return self.fingerprint == print_
        return (fnmatch.fnmatchcase(f.rule, self.rule or "*")
                and (self.consumer_id is None or self.consumer_id == f.consumer_id)
                and (self.debt_id is None or self.debt_id == f.debt_id)
                and (self.event_id is None or self.event_id == f.event_id))

    def to_dict(self) -> dict[str, Any]:
        doc = {k: v for k, v in dataclasses.asdict(self).items() if v is not None}
        if self.expires is not None:
            doc["expires"] = self.expires.isoformat()
        return doc


@dataclass(frozen=True, slots=True)
class Outcome:
    """A report with the baseline applied, and what the baseline did."""

    report: Report
    suppressed: int
    expired: int  # entries past their date that would otherwise have hidden a finding

    def note(self, path: str) -> str:
        n, e = self.suppressed, self.expired
        text = f"{n} finding{'s' if n != 1 else ''} suppressed by baseline {path}"
        if e:
            text += (f" ({e} expired entr{'ies' if e != 1 else 'y'} no longer "
                     f"suppress{'' if e != 1 else 'es'})")
        return text


def load(path: str) -> list[Entry]:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline (create it with --update-baseline)"
                            ) from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a JSON baseline: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise BaselineError(f"{path}: expected an object with an 'entries' list")
    return [_entry(path, i, item) for i, item in enumerate(doc["entries"], 1)]


def _entry(path: str, number: int, item: Any) -> Entry:
    where = f"{path}: entry {number}"
    if not isinstance(item, dict):
        raise BaselineError(f"{where}: expected an object")
    unknown = sorted(set(item) - ENTRY_FIELDS)
    if unknown:
        raise BaselineError(f"{where}: unknown field(s) {', '.join(unknown)} "
                            f"(expected: {', '.join(sorted(ENTRY_FIELDS))})")
    for name, value in item.items():
        if not isinstance(value, str):
            raise BaselineError(f"{where}: field '{name}' must be a string")
    if "file" in item and not item.get("fingerprint"):
        raise BaselineError(f"{where}: 'file' belongs to entries with a 'fingerprint'; a "
                            "waiver cannot be limited to a file (use consumer_id, debt_id, "
                            "event_id)")
    if not any(item.get(k) for k in WAIVER_KEYS):
        # an entry with none of these would hide every finding
        raise BaselineError(f"{where}: needs 'fingerprint', or one or more of 'rule', "
                            "'consumer_id', 'debt_id', 'event_id'")
    expires = None
    if "expires" in item:
        try:
            expires = date.fromisoformat(item["expires"])
        except ValueError:
            raise BaselineError(f"{where}: 'expires' must be a date like 2026-12-31, "
                                f"got {item['expires']!r}") from None
    return Entry(**{**item, "expires": expires})


def apply(report: Report, entries: list[Entry], today: date) -> Outcome:
    kept: list[Finding] = []
    suppressed = 0
    expired_hits: set[int] = set()
    for f in report.findings:
        print_ = fingerprint(f)
        hits = [i for i, e in enumerate(entries) if e.matches(f, print_)]
        if any(not entries[i].expired(today) for i in hits):
            suppressed += 1
        else:
            expired_hits.update(hits)
            kept.append(f)
    return Outcome(_with_findings(report, kept), suppressed, len(expired_hits))


def updated(report: Report, entries: list[Entry], *, rules: Collection[str] | None = None,
            files: Collection[str] | None = None, base: str = ".") -> list[Entry]:
    """The baseline accepting every finding in ``report``: waivers are kept, entries for
    findings that are gone are dropped, and a kept entry keeps its reason and expiry.

    ``rules`` (the rule ids the run checked) and ``files`` (the logs it read, as given
    on the command line) bound what "gone" can mean: an entry for a rule not checked,
    or for a log not read, is kept as it is — the run cannot know whether its finding is
    still there. ``base`` is the baseline's directory, which entries' files are relative
    to. ``None`` means everything was checked."""
    waivers = [e for e in entries if e.fingerprint is None]
    old = {e.fingerprint: e for e in entries if e.fingerprint is not None}
    read = None if files is None else {_where(p, ".") for p in files}

    def out_of_scope(e: Entry) -> bool:
        return ((rules is not None and e.rule is not None and e.rule not in rules)
                or (read is not None and e.file is not None and _where(e.file, base) not in read))

    accepted: dict[str, Entry] = {}
    for f in report.findings:
        print_ = fingerprint(f)
        if any(w.matches(f, print_) for w in waivers) or print_ in accepted:
            continue
        previous = old.get(print_)
        accepted[print_] = Entry(print_, f.rule, f.consumer_id, f.debt_id, f.event_id,
                                 previous.reason if previous else None,
                                 previous.expires if previous else None,
                                 file=_relative(f.file, base))
    for print_, e in old.items():
        if print_ not in accepted and out_of_scope(e):
            accepted[print_] = e
    ordered = sorted(accepted.values(),
                     key=lambda e: (e.rule or "", e.consumer_id or "", e.debt_id or "",
                                    e.event_id or "", e.file or ""))
    return waivers + ordered


def _where(path: str, base: str) -> str:
    """A comparable form of a log path (relative ones taken from ``base``)."""
    if path in ("-", STDIN):
        return STDIN
    return os.path.normcase(os.path.realpath(os.path.join(base, path)))


def _relative(path: str, base: str) -> str:
    if path in ("-", STDIN):
        return STDIN
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return Path(os.path.abspath(path)).as_posix()


def dump(entries: list[Entry]) -> str:
    return json.dumps({"fairdebt_baseline": VERSION, "entries": [e.to_dict() for e in entries]},
                      indent=2, ensure_ascii=False) + "\n"


def _with_findings(report: Report, findings: list[Finding]) -> Report:
    """``report`` showing only ``findings``: the counts of findings follow them, every
    other summary field (rows, consumers, consumers without a region, …) stays."""
    by_rule = Counter(f.rule for f in findings)
    by_severity = Counter(f.severity for f in findings)
    known = ("error", "warning", "info")
    # the usual order first; a custom pack's own severities after, never dropped
    order = [*known, *sorted(k for k in by_severity if k not in known)]
    summary = dataclasses.replace(
        report.summary, findings=len(findings), by_rule=dict(sorted(by_rule.items())),
        by_severity={k: by_severity[k] for k in order if by_severity[k]})
    return dataclasses.replace(report, findings=tuple(findings), summary=summary)


def use(report: Report, path: str, *, update: bool, today: date,
        rules: Collection[str] | None = None, files: Collection[str] | None = None) -> Outcome:
    """Apply the baseline at ``path`` — first rewritten from ``report`` if ``update``
    (a missing file is then created; ``rules`` and ``files`` as for `updated`)."""
    # only a missing file starts empty: a broken one may hold waivers worth fixing by hand
    entries = [] if update and not os.path.exists(path) else load(path)
    if update:
        entries = updated(report, entries, rules=rules, files=files,
                          base=os.path.dirname(os.path.abspath(path)))
        try:
            with replacing(path, newline=None) as fh:
                fh.write(dump(entries))
        except OSError as exc:
            raise BaselineError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return apply(report, entries, today)
