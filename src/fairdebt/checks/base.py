"""What every check kind shares: its rule, its params, and how it reports.

A check kind is a small class: ``KIND`` (the name policies use), ``PARAMS``
(a JSON Schema for its params, with defaults), and ``evaluate``, called once
per event the rule's ``when`` selects, in time order per consumer, with the
check's own per-consumer state.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, ClassVar

from ..model import Event, Finding
from ..policy.model import Rule
from ..state import Context, make_finding


def routed(regions: tuple[str, ...], region: str | None) -> bool:
    """Whether a consumer in ``region`` is under a pack for ``regions``.

    ``US`` covers ``US-MA``; ``US-NY`` covers ``US-NY-NYC``. A consumer whose region
    is unknown is under country-wide packs only (a state's overlay needs the state).
    """
    if not regions:
        return True
    if region is None:
        return any("-" not in r for r in regions)
    return any(region == r or region.startswith(r + "-") for r in regions)


class Batch:
    """Several stateless checks evaluated by one call (`Check.batched`): work they share
    is done once per event."""

    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks

    def new_state(self) -> None:
        """A batch is stateless (the engine never asks; it has the shape of a check)."""
        return None

    def evaluate(self, ctx: Context, state: None) -> list[Finding] | None:
        out: list[Finding] | None = None
        for check in self.checks:
            found = check.evaluate(ctx, None)
            if found:
                out = found if out is None else out + found
        return out


class Check:
    KIND: ClassVar[str] = ""
    PARAMS: ClassVar[dict[str, Any]] = {"type": "object", "additionalProperties": False}
    DEFAULT_MESSAGE: ClassVar[str] = ""
    #: account events (besides contacts) the check wants to see, unfiltered by ``when``
    ACCOUNT_EVENTS: ClassVar[frozenset[str]] = frozenset()
    #: seconds after an event that it may still matter to the check: an event this much
    #: older than another cannot change the verdict on the later one (so state idle this
    #: long is released, and `decide` skips older history); None means for the whole run
    horizon: float | None = 0.0
    #: the check reads `Account.initial` (which debts have had a communication)
    TRACKS_COMMUNICATIONS: ClassVar[bool] = False
    #: an `Account` attribute that must be non-empty for the check to have anything to
    #: say (e.g. no cease received → the cease check is skipped without a call)
    requires: str | None = None
    #: content rules: sets of phrase ids such that `evaluate` can only have something to
    #: say when the event's words (the one scan per message, `content.analysis.hit_ids`)
    #: contain a phrase of each set; the engine does not call the check otherwise (only
    #: stateless checks are skipped). None: always called
    phrase_gate: tuple[frozenset[int], ...] | None = None

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.params: Mapping[str, Any] = rule.params
        #: the consumer regions the rule's pack applies to (empty: everyone)
        self.regions: tuple[str, ...] = rule.regions
        #: local days (ordinals, inclusive) the rule is in force, when it is dated
        self.in_force: tuple[int, int] | None = None
        if rule.effective_from or rule.effective_to:
            self.in_force = (rule.effective_from.toordinal() if rule.effective_from else 0,
                             rule.effective_to.toordinal() if rule.effective_to else 10**7)
        self.configure(rule.params)

    def configure(self, params: Mapping[str, Any]) -> None:
        """Turn validated params into attributes once, not per event."""

    @classmethod
    def batched(cls, checks: list[Check]) -> Batch | None:
        """One evaluator for several stateless checks of this kind that a dispatch calls
        one after the other (in that order), whose ``evaluate`` returns what theirs
        would, concatenated; None: the kind has no batch (each check is called)."""
        return None

    def new_state(self) -> Any:
        """Per-consumer state; checks that keep none return None and are never given any."""
        return None

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        raise NotImplementedError

    def on_account_event(self, ctx: Context, state: Any) -> list[Finding] | None:
        return None

    def not_before(self, ctx: Context, state: Any) -> float | None:
        """For a contact this check flags: the earliest epoch, at or after the contact's,
        at which the same contact could pass this check (given ``state`` as it was
        before the contact). Never later than the true answer: `decide` tries the
        latest of these bounds, and asks again if another check still objects. None
        means time alone never lifts the objection (the default: a cease, a ban)."""
        return None

    def copy_state(self, state: Any) -> Any:
        """An independent copy of ``state`` (for `decide`'s trials); override when cheaper."""
        return copy.deepcopy(state)

    def flush(self, state: Any) -> list[Finding]:
        """Findings held back (e.g. until a window closes) when a consumer's state ends."""
        return []

    @property
    def fields(self) -> frozenset[str]:
        """Event fields `selects` reads: the engine caches dispatch on their values."""
        return self.rule.when.fields | ({"region"} if self.regions else frozenset())

    def selects(self, ev: Event) -> bool:
        """Whether a contact is passed to `evaluate`: the rule's ``when``, for a consumer
        in the rule's regions (see `routed`)."""
        return self.rule.when(ev) and routed(self.regions, ev.region)

    def finding(self, ctx: Context, detail: str, *, debt_id: str | None = None,
                evidence: tuple[str, ...] = (), suffix: str = "",
                severity: str | None = None, content: Mapping[str, Any] | None = None
                ) -> Finding:
        """The rule's finding for ``ctx``: its message is the rule's, then ``detail``, then
        ``suffix``; ``severity`` overrides the rule's."""
        rule = self.rule
        return make_finding(rule.id, severity or rule.severity, rule.citation, rule.policy,
                            ctx, self.message(detail) + suffix, debt_id=debt_id,
                            evidence=evidence, content=content)

    def message(self, detail: str) -> str:
        """A finding's message: the rule's own, then ``detail``."""
        rule = self.rule
        base = rule.message or self.DEFAULT_MESSAGE or rule.summary
        return f"{base}: {detail}" if base and detail else (base or detail)
