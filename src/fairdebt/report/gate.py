"""Whether a run's findings fail it: ``--fail-on`` sets the lowest severity that does."""

from __future__ import annotations

from ..model import Report

#: from least to most severe; the order ``--fail-on`` thresholds compare in
SEVERITIES = ("info", "warning", "error")


def fails(report: Report, fail_on: str = "error") -> bool:
    threshold = SEVERITIES.index(fail_on)
    # a severity outside the vocabulary (a custom pack's typo) counts as the most severe:
    # an unknown finding should not pass a gate silently
    return any(SEVERITIES.index(f.severity) >= threshold if f.severity in SEVERITIES else True
               for f in report.findings)
