"""``forbid``: every event the rule's ``when`` selects is a finding.

For plain prohibitions: an email to a work address the employer provided
(§1006.22(f)(3)), a text without opt-out instructions (§1006.6(e)). Params
``detail``: text added to the message; ``unless_used``: not a finding when the
consumer contacted the collector from that address on that channel earlier and has
not opted out of it since (§1006.6(d)(4)(i)(A), which §1006.22(f)(3) excepts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Event, Finding
from ..state import Account, Context, reaches
from .base import Check


class Forbid(Check):
    KIND = "forbid"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"detail": {"type": "string", "default": ""},
                       "unless_used": {"type": "boolean", "default": False}},
    }

    def configure(self, params: Mapping[str, Any]) -> None:
        self.unless_used = bool(params.get("unless_used"))
        if self.unless_used:
            self.horizon = None  # a use long ago still counts

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        if self.unless_used and used(ctx.event, ctx.account):
            return None
        return [self.finding(ctx, self.params.get("detail", ""))]


def used(ev: Event, account: Account) -> bool:
    """Whether the consumer contacted the collector from ``ev``'s address on its channel
    before ``ev``, with no opt-out of that address (or channel) since."""
    since = account.used.get((ev.channel or "", ev.destination or "")) \
        if account.used is not None and ev.destination else None
    if since is None or since > ev.epoch:
        return False
    return not any(since <= fact[0] <= ev.epoch and reaches(fact, ev)
                   for fact in account.opt_outs)
