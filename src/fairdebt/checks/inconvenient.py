"""``inconvenient_times``: respect the times the consumer said are inconvenient.

The consumer's designation comes from ``inconvenient`` account events (their
``detail``, e.g. ``Mon-Fri 15:00-17:00; Sat-Sun``; a newer one replaces it, an
empty one withdraws it), read in the consumer's local time — inconvenient in
any candidate zone counts. If the consumer contacts the collector during such
a time, one reply through the same medium during that time is allowed
(comment 6(b)(1)-2).
"""

from __future__ import annotations

from ..model import Finding
from ..state import Context, next_local
from .base import Check


class InconvenientTimes(Check):
    KIND = "inconvenient_times"
    DEFAULT_MESSAGE = "contact at a time the consumer said is inconvenient"
    horizon = 3 * 86400.0  # "the same local day" can span ~50 hours of UTC across zones
    requires = "inconvenient"

    def new_state(self) -> dict[str, tuple[int, bool]]:
        return {}

    def copy_state(self, state: dict[str, tuple[int, bool]]) -> dict[str, tuple[int, bool]]:
        return dict(state)

    def evaluate(self, ctx: Context, state: dict[str, tuple[int, bool]]) -> list[Finding] | None:
        ev, designation = ctx.event, ctx.account.inconvenient
        if designation is None or designation[0] > ev.epoch or not ctx.zone_known:
            return None
        windows = designation[1]
        inside = any(windows.contains(t) for t in ctx.local_times)
        if not inside or not ev.channel:
            return None
        if ev.direction == "inbound":
            state[ev.channel] = (ctx.day, False)  # opens one reply on this medium today
            return None
        opened = state.get(ev.channel)
        if opened is not None and opened == (ctx.day, False):
            state[ev.channel] = (ctx.day, True)
            return None
        return [self.finding(ctx, f"designated by {designation[2]}",
                             evidence=(designation[2], ev.event_id))]



    def not_before(self, ctx: Context, state: dict[str, tuple[int, bool]]) -> float | None:
        designation = ctx.account.inconvenient
        if designation is None:
            return ctx.event.epoch
        return next_local(ctx, designation[1].next_outside)
