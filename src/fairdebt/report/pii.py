"""Masking of phone numbers and email addresses in what a report shows.

Findings carry personal data only as free text: a policy's message may quote a
destination, and a rejected row's reason may quote the cell that failed. So
masking works on text, not on fields. Consumer, debt and event ids are left as
they are, wherever they appear — in their own fields, in the evidence (a list of
event ids) and quoted in the finding's message (``for debt 4400123456``): they are
how an auditor finds the row, and they are not contact data.

The mask has a fixed width so it does not reveal how long the number was.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from ..model import Finding, Rejected, Report

BULLETS = "•" * 7
EMAIL_BULLETS = "•" * 3
EXTENSION_MASK = "x•••"

# Unicode letters and digits allowed (josé@exämple.com): \w is Unicode-aware
_EMAIL = re.compile(r"(?<![\w.+-])([\w.%+-]+)@([\w-]+(?:\.[\w-]+)+)")
# what people put between the digits of a number: spaces (also no-break and thin),
# brackets, dots, and hyphens of every kind (ASCII, U+2010/U+2011, figure, en and em
# dashes, minus sign)
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = f" \t\u00a0\u2007\u2009\u202f().{_DASHES}"
# A run of digits and separators, not starting inside a word (event ids such as
# E0012345) and not an ISO date (2026-04-02), which findings quote all the time;
# optionally followed by an extension (x7, ext. 123, extension 12, #12).
_PHONE = re.compile(
    rf"(?<![\w.+{_DASHES}])(?!\d{{4}}-\d{{2}}-\d{{2}})(\+?\d[\d{_SEP}]{{5,}}\d)"
    r"((?:[ \t]*(?:x|ext\.?|extension|#)[ \t]*\d{1,6}))?(?!\w)",
    re.IGNORECASE,
)
_SPACES = re.compile("[ \t\u00a0\u2007\u2009\u202f]+")
MIN_DIGITS, MAX_DIGITS = 7, 15  # E.164 allows at most 15
#: ids quoted in a message are swapped for these while masking runs (private use area)
_PLACEHOLDER = 0xE000


def mask_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    head = "+" + digits[0] if text.startswith("+") else ""
    return f"{head}{BULLETS}{digits[-4:]}"


def mask_email(local: str, domain: str) -> str:
    return f"{local[:1]}{EMAIL_BULLETS}@{domain}"


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _split_numbers(run: str) -> list[str] | None:
    """A run of more than 15 digits cut at its spaces into numbers of 7 to 15 digits
    each (numbers written side by side): the fewest numbers, then the most even cut; a
    ``+`` always starts a number. None if no such cut exists."""
    parts = _SPACES.split(run.strip())
    # best[i]: the best cut of parts[:i] as (numbers, -digits of its smallest, groups)
    best: list[tuple[int, int, list[str]] | None] = [None] * (len(parts) + 1)
    best[0] = (0, -MAX_DIGITS, [])
    for end in range(1, len(parts) + 1):
        for start in range(end):
            before, group = best[start], parts[start:end]
            count = sum(_digits(p) for p in group)
            if before is None or not MIN_DIGITS <= count <= MAX_DIGITS \
                    or any(p.startswith("+") for p in group[1:]):
                continue
            cut = (before[0] + 1, max(before[1], -count), [*before[2], " ".join(group)])
            current = best[end]
            if current is None or cut[:2] < current[:2]:
                best[end] = cut
    last = best[-1]
    return last[2] if last is not None else None


def _mask_phones(text: str) -> str:
    def phone(match: re.Match[str]) -> str:
        found, extension = match.group(1), match.group(2)
        suffix = EXTENSION_MASK if extension else ""
        count = _digits(found)
        if count < MIN_DIGITS:
            return match.group(0)
        if count <= MAX_DIGITS:
            return mask_phone(found) + suffix
        numbers = _split_numbers(found)
        if numbers is None:  # too long to be one number and not several: hide it all
            return BULLETS + suffix
        return " ".join(mask_phone(n) for n in numbers) + suffix

    return _PHONE.sub(phone, text)


def mask_text(text: str, keep: Iterable[str] = ()) -> str:
    """``text`` with every email address and phone-like number masked, except the ids
    in ``keep`` wherever they stand as a whole word."""
    kept = sorted({k for k in keep if k}, key=len, reverse=True)
    # ids are set aside first, so a numeric id is neither masked itself nor taken as part
    # of a neighbouring number
    text, aside = _set_aside(text, kept) if kept else (text, {})
    if "@" in text:  # (an address has one: no scan of every other text)
        text = _EMAIL.sub(lambda m: mask_email(m.group(1), m.group(2)), text)
    text = _mask_phones(text)
    for name, k in aside.items():
        text = text.replace(name, k)
    return text


def _set_aside(text: str, kept: list[str]) -> tuple[str, dict[str, str]]:
    r"""Each of ``kept`` standing as a whole word (not after a word character or ``+``,
    not before a word character) replaced by a name of its own (a private-use
    character); where several start at one place, the first in ``kept`` that stands as
    a word. What ``re.sub`` with ``(?<![\w+])(?:id1|id2|…)(?!\w)`` does, without
    compiling a pattern for every finding's ids (~100 µs each: most of masking a large
    report). Returns the text and the names used (name → id)."""
    starts: list[tuple[int, int]] = []  # (where, which)
    for which, k in enumerate(kept):
        at = text.find(k)
        while at >= 0:
            starts.append((at, which))
            at = text.find(k, at + 1)
    aside: dict[str, str] = {}
    if not starts:
        return text, aside
    starts.sort()
    out: list[str] = []
    done = 0
    for at, which in starts:
        if at < done:
            continue
        k = kept[which]
        end = at + len(k)
        if (at and (_word(text[at - 1]) or text[at - 1] == "+")) or \
                (end < len(text) and _word(text[end])):
            continue
        name = chr(_PLACEHOLDER + which)
        aside[name] = k
        out += (text[done:at], name)
        done = end
    out.append(text[done:])
    return "".join(out), aside


def _word(char: str) -> bool:
    r"""What ``\w`` matches in a str pattern."""
    return char.isalnum() or char == "_"


def finding_ids(f: Finding) -> set[str]:
    """The ids a finding is about: never masked in its message."""
    debts = f.debt_id.split(";") if f.debt_id else []
    return {f.event_id, f.consumer_id, *debts, *f.evidence} - {""}


def mask_finding(f: Finding) -> Finding:
    # evidence is a list of event ids: left as it is
    message = mask_text(f.message, finding_ids(f))
    return f if message == f.message else dataclasses.replace(f, message=message)


def mask_report(report: Report) -> Report:
    return dataclasses.replace(
        report,
        findings=tuple(mask_finding(f) for f in report.findings),
        rejected=tuple(Rejected(r.file, r.line, mask_text(r.reason)) for r in report.rejected),
    )
