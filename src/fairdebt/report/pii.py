"""Masking of phone numbers and email addresses in what a report shows.

Findings carry personal data only as free text: a policy's message may quote a
destination, and a rejected row's reason may quote the cell that failed. So
masking works on text, not on fields. Consumer, debt and event ids are left as
they are: they are how an auditor finds the row, and they are not contact data.

The mask has a fixed width so it does not reveal how long the number was.
"""

from __future__ import annotations

import dataclasses
import re

from ..model import Finding, Rejected, Report

BULLETS = "•" * 7
EMAIL_BULLETS = "•" * 3

_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# A run of digits with the separators people write in numbers, not starting inside a
# word (event ids such as E0012345) and not an ISO date (2026-04-02), which findings
# quote all the time.
_PHONE = re.compile(
    r"(?<![\w.+-])(?!\d{4}-\d{2}-\d{2})(\+?\d[\d ().-]{5,}\d)(?!\w)"
)
MIN_DIGITS, MAX_DIGITS = 7, 15  # E.164 allows at most 15


def mask_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    head = "+" + digits[0] if text.startswith("+") else ""
    return f"{head}{BULLETS}{digits[-4:]}"


def mask_email(local: str, domain: str) -> str:
    return f"{local[:1]}{EMAIL_BULLETS}@{domain}"


def mask_text(text: str) -> str:
    """``text`` with every email address and phone-like number masked."""
    text = _EMAIL.sub(lambda m: mask_email(m.group(1), m.group(2)), text)

    def phone(match: re.Match[str]) -> str:
        found = match.group(1)
        count = sum(c.isdigit() for c in found)
        return mask_phone(found) if MIN_DIGITS <= count <= MAX_DIGITS else found

    return _PHONE.sub(phone, text)


def mask_finding(f: Finding) -> Finding:
    return dataclasses.replace(f, message=mask_text(f.message),
                               evidence=tuple(mask_text(e) for e in f.evidence))


def mask_report(report: Report) -> Report:
    return dataclasses.replace(
        report,
        findings=tuple(mask_finding(f) for f in report.findings),
        rejected=tuple(Rejected(r.file, r.line, mask_text(r.reason)) for r in report.rejected),
    )
