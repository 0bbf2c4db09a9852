"""Small builders so tests read like the regulation's examples."""

from __future__ import annotations

from typing import Any

import fairdebt

NY = "America/New_York"
_POLICY = fairdebt.load_policy("us-reg-f")


def row(ts: str, eid: str, *, consumer: str = "C1", tz: str | None = NY, **fields: Any
        ) -> dict[str, Any]:
    """A canonical log row; ``ts`` is local ISO time with offset, e.g. 2026-04-01T10:00-04:00."""
    out: dict[str, Any] = {"timestamp": ts, "consumer_id": consumer, "event_id": eid}
    if tz:
        out["timezone"] = tz
    out.setdefault("channel", "call")
    out.update(fields)
    if out.get("event", "contact") != "contact" and "channel" not in fields:
        out.pop("channel")
    return out


def run(rows: list[dict[str, Any]], *rules: str, default_timezone: str | None = None
        ) -> fairdebt.Report:
    policy = _POLICY.select(list(rules)) if rules else _POLICY
    report = fairdebt.check(rows, policy, default_timezone=default_timezone)
    assert not report.rejected, report.rejected
    return report


def hits(report: fairdebt.Report, rule: str) -> list[str]:
    """Event ids of the findings for ``rule``, in report order."""
    return [f.event_id for f in report.findings if f.rule == rule]
