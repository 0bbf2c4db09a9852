"""A finding's identity, stable across re-exports of the same log.

Built from what the finding is about (rule, consumer, debt, event), never from
where it sits (file, line): a log exported again in another order or split
differently must not raise the same alert twice in code scanning, GitLab, or a
baseline.

A log without an ``event_id`` column gets ids of the form ``FILE:LINE`` (see
docs/log-format.md), which would put the line back into the identity. For such
findings the event is identified by its content instead: its timestamp, in UTC.
That is weaker — two events of one consumer and debt at the same instant share it,
and an edited timestamp changes it — so a run that fingerprints such findings warns
once (`defaulted_ids`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone

from ..model import Finding

#: the key SARIF ``partialFingerprints`` use; bump the version if the recipe changes for
#: findings with their own event ids (those with FILE:LINE ids never had a stable one)
SARIF_KEY = "fairdebtIdentity/v1"
#: the formats that carry fingerprints (besides a baseline)
FINGERPRINTED = frozenset({"sarif", "gitlab", "csv"})


def has_default_id(f: Finding) -> bool:
    """The finding's event id is the reader's ``FILE:LINE`` default, not the log's own."""
    return f.event_id == f"{f.file}:{f.line}"


def fingerprint(f: Finding) -> str:
    event = f"@{_utc(f.timestamp)}" if has_default_id(f) else f.event_id
    # a separator no id can contain, so ("a", "bc") and ("ab", "c") differ
    identity = "\x1f".join((f.rule, f.consumer_id, f.debt_id or "", event))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def defaulted_ids(findings: Iterable[Finding]) -> int:
    """How many findings carry ``FILE:LINE`` event ids."""
    return sum(has_default_id(f) for f in findings)


def warning(count: int) -> str:
    return (f"{count} finding{'s' if count != 1 else ''} ha{'ve' if count != 1 else 's'} "
            "no event_id of the log's own (ids default to FILE:LINE): their fingerprints "
            "use the consumer, debt and timestamp instead, so two such events at the same "
            "instant share one; add a stable event_id column (docs/reports.md, "
            "\"Fingerprints\")")


def _utc(timestamp: str) -> str:
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is None:
        return moment.isoformat()
    return moment.astimezone(timezone.utc).isoformat()
