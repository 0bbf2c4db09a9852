"""Keys that caps and cooldowns count per: person, debt, destination, channel, consumer."""

from __future__ import annotations

from collections.abc import Callable

from ..model import CONSUMER_PARTIES, Event
from ..state import Account

KEY_PARTS = ("consumer", "person", "debt", "destination", "channel")
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
