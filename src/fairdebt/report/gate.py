"""Whether a run's findings fail it: ``--fail-on`` sets the lowest severity that does.
A run that checked none of the rows it read fails whatever the findings."""

from __future__ import annotations

from ..model import Report, Summary

#: from least to most severe; the order ``--fail-on`` thresholds compare in
SEVERITIES = ("info", "warning", "error")


def fails(report: Report, fail_on: str = "error") -> bool:
    threshold = SEVERITIES.index(fail_on)
    # a severity outside the vocabulary (a custom pack's typo) counts as the most severe:
    # an unknown finding should not pass a gate silently
    return any(SEVERITIES.index(f.severity) >= threshold if f.severity in SEVERITIES else True
               for f in report.findings)


def nothing_checked(summary: Summary) -> bool:
    """Rows were read and every one was rejected: no finding means nothing then (a wrong
    ``--from``, a missing ``--input-timezone``), and must not pass as a clean log."""
    return bool(summary.rows_rejected and not summary.events_checked)
