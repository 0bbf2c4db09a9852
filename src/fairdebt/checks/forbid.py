"""``forbid``: every event the rule's ``when`` selects is a finding.

For plain prohibitions that need no memory: an email to a work address the
employer provided (§1006.22(f)(3)), a text without opt-out instructions
(§1006.6(e)). Param ``detail``: text added to the message.
"""

from __future__ import annotations

from typing import Any

from ..model import Finding
from ..state import Context
from .base import Check


class Forbid(Check):
    KIND = "forbid"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"detail": {"type": "string", "default": ""}},
    }

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        return [self.finding(ctx, self.params.get("detail", ""))]
