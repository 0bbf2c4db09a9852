"""A finding's identity, stable across re-exports of the same log.

Built from what the finding is about (rule, consumer, debt, event), never from
where it sits (file, line): a log exported again in another order or split
differently must not raise the same alert twice in code scanning, GitLab, or a
baseline.
"""

from __future__ import annotations

import hashlib

from ..model import Finding

#: the key SARIF ``partialFingerprints`` use; bump the version if the recipe changes
SARIF_KEY = "fairdebtIdentity/v1"


def fingerprint(f: Finding) -> str:
    # a separator no id can contain, so ("a", "bc") and ("ab", "c") differ
    identity = "\x1f".join((f.rule, f.consumer_id, f.debt_id or "", f.event_id))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
