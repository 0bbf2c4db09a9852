"""What caps and cooldowns share: the keys they count per (person, debt, destination,
channel, consumer), their common params, and the exclusions those params switch on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..model import CONSUMER_PARTIES, Event
from ..state import Account, Context
from .base import Check

KEY_PARTS = ("consumer", "person", "debt", "destination", "channel", "creditor")
KEY_SCHEMA = {
    "type": "array",
    "items": {"enum": list(KEY_PARTS)},
    "uniqueItems": True,
}


def person(ev: Event) -> str:
    """The person reached: the consumer (and those §1006.6(a) treats as the consumer),
    or a third party told apart by destination (else by role)."""
    if ev.is_consumer_side:
        return ev.consumer_id
    return f"{ev.party}:{ev.destination or '?'}"


def base_key(ev: Event, parts: tuple[str, ...]) -> tuple[str | None, ...] | None:
    """The key without the debt part; None when a needed part is not recorded."""
    key: list[str | None] = []
    for part in parts:
        if part == "person":
            key.append(person(ev))
        elif part == "destination":
            if ev.destination is None:
                return None
            key.append(ev.destination)
        elif part == "creditor":
            key.append(ev.creditor or "")  # unknown creditors share one count: conservative
        elif part == "channel":
            key.append(ev.channel)
        elif part == "consumer":
            key.append(ev.consumer_id)
    return tuple(key)


def target_debts(ev: Event, account: Account) -> tuple[tuple[str, ...], bool]:
    """The debts an event counts toward, and whether that was assumed.

    A log that names no debt is counted toward every debt the consumer has so
    far (comment 14(b)(4)-1 lets the collector pick one; a log that does not say
    which must be read conservatively). With no debt known at all, ``("",)``:
    "not recorded", which later counts toward whatever debt turns up.
    """
    if ev.debt_ids:
        return ev.debt_ids, False
    return (account.debts or ("",)), True


def key_function(parts: tuple[str, ...]) -> Callable[[Event], tuple[str | None, ...] | None]:
    """`base_key` specialised once for ``parts`` (the common shapes without a loop)."""
    if parts == ("person",):
        return lambda ev: (ev.consumer_id,) if ev.party in CONSUMER_PARTIES else (person(ev),)
    if parts == ("destination",):
        return lambda ev: (ev.destination,) if ev.destination is not None else None
    return lambda ev: base_key(ev, parts)


#: params every counting check accepts (merged into its own PARAMS schema)
COUNTING_PARAMS: dict[str, Any] = {
    "per": {**KEY_SCHEMA, "default": ["person", "debt"]},
    "exclude_consented": {"type": "boolean", "default": False},
    "exclude_wrong_numbers": {"type": "boolean", "default": False},
    "presumption": {"type": "boolean", "default": False},
}
ASSUMED_DEBTS = "; the log names no debt for this event, so it counts toward every debt"
PRESUMPTION = "; a rebuttable presumption of a violation: review the evidence"


class CountingCheck(Check):
    """Base of `frequency_cap` and `cooldown`: reads the shared params once."""

    def configure_counting(self, params: Mapping[str, Any]) -> None:
        parts = tuple(params.get("per", ["person", "debt"]))
        self.by_debt = "debt" in parts
        self.key = key_function(tuple(p for p in parts if p != "debt"))
        self.exclude_consented = bool(params.get("exclude_consented"))
        self.exclude_wrong = bool(params.get("exclude_wrong_numbers"))
        self.presumption = bool(params.get("presumption"))

    def wrong_number(self, ctx: Context) -> bool:
        """A call to a number known (by now) not to be the person's is not a call to them."""
        account = ctx.account
        return bool(self.exclude_wrong and account.wrong
                    and account.is_wrong_number(ctx.event.destination, ctx.event.epoch))
