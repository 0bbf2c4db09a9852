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


#: source of ``peak_mb()`` for a child interpreter: its own peak resident memory in MB.
#: Not ru_maxrss: Linux keeps the pre-exec high-water mark, so a child forked from a
#: large pytest process would report the parent's size; VmHWM belongs to the new image.
PEAK_MB_SOURCE = '''
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
'''
