"""fairdebt: a compliance linter for debt-collection contact logs.

The public API::

    import fairdebt
    policy = fairdebt.load_policy("us-reg-f")
    report = fairdebt.check(rows, policy)          # rows: Events or mappings
    report = fairdebt.check_files(["calls.csv"], policy)
    for finding in report.findings: ...

    checker = fairdebt.Checker(policy)            # incremental, events in time order
    findings = checker.feed(row); report = checker.close()

    decision = fairdebt.decide(policy, history, {"channel": "call", ...}, now)
    decision.allowed, decision.next_permitted_at

    facts = fairdebt.load_facts("facts.csv")      # account facts for the content rules
    report = fairdebt.check(rows, policy, facts=facts)

See docs/api.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .facts import Facts
from .io.factsfile import load_facts
from .io.sources import SourceError
from .model import Event, Finding, Rejected, Report, Summary
from .policy import Policy, PolicyError, Rule, load_policy

# isort: split
# (the policy package first: the checks import its model, its loader imports the checks)
from .checker import Checker
from .decide import Decision, decide
from .runner import check_events as check
from .runner import check_paths as check_files

__all__ = [
    "Checker",
    "Decision",
    "Event",
    "Facts",
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
    "decide",
    "load_facts",
    "load_policy",
]
