"""fairdebt: a compliance linter for debt-collection contact logs.

The public API::

    import fairdebt
    policy = fairdebt.load_policy("us-reg-f")
    report = fairdebt.check(rows, policy)          # rows: Events or mappings
    report = fairdebt.check_files(["calls.csv"], policy)
    for finding in report.findings: ...
"""

from __future__ import annotations

__version__ = "0.1.0"

from .io.sources import SourceError
from .model import Event, Finding, Rejected, Report, Summary
from .policy import Policy, PolicyError, Rule, load_policy
from .runner import check_events as check
from .runner import check_paths as check_files

__all__ = [
    "Event",
    "Finding",
    "Policy",
    "PolicyError",
    "Rejected",
    "Report",
    "Rule",
    "SourceError",
    "Summary",
    "__version__",
    "check",
    "check_files",
    "load_policy",
]
