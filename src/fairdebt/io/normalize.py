"""One log row (a mapping of column → value) to an `Event`, or a reason it cannot be one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from ..model import (
    CHANNELS,
    CONTACT,
    DESTINATION_TYPES,
    DIRECTIONS,
    EVENT_TYPES,
    MESSAGE_KINDS,
    OUTCOMES,
    PARTIES,
    PURPOSES,
    Event,
)
from ..timewindows import parse_designation
from ..tz import get_zone, localize_naive

KNOWN_COLUMNS = frozenset({
    "timestamp", "consumer_id", "event_id", "event", "channel", "direction", "party",
    "outcome", "debt_id", "destination", "destination_type", "timezone", "region",
    "purpose", "disclosed_debt", "message", "opt_out_notice", "detail",
})

_TRUE = frozenset({"true", "yes", "y", "1", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "f"})


class RowError(ValueError):
    """A row that cannot become an event; the message names the field."""


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise RowError(f"field '{name}': expected text, got {type(value).__name__}")


def _choice(value: Any, name: str, allowed: frozenset[str], default: str | None) -> str | None:
    text = _text(value, name)
    if text is None:
        return default
    low = text.lower()
    if low not in allowed:
        raise RowError(f"field '{name}': unknown value {text!r} (expected one of: "
                       f"{', '.join(sorted(allowed))})")
    return low


def _flag(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = _text(value, name)
    if text is None:
        return None
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise RowError(f"field '{name}': expected true or false, got {text!r}")


def _list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items: list[str | None]
    if isinstance(value, list):
        items = [_text(v, name) for v in value]
    else:
        text = _text(value, name)
        items = list(text.split(";")) if text else []
    return tuple(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def parse_timestamp(value: Any, input_zone: tzinfo | None) -> datetime:
    text = _text(value, "timestamp")
    if text is None:
        raise RowError("field 'timestamp': missing (required)")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not take 'Z'
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"field 'timestamp': not an ISO 8601 date-time: {value!r}") from None
    if ts.tzinfo is None:
        if input_zone is None:
            raise RowError(
                f"field 'timestamp': {value!r} has no UTC offset; add one (e.g. "
                "2026-04-01T09:15:00-04:00) or pass --input-timezone ZONE")
        ts = localize_naive(ts, input_zone)
    elif ts.utcoffset() is None:
        raise RowError(f"field 'timestamp': {value!r} has no usable UTC offset")
    return ts


def to_event(row: Mapping[str, Any], file: str, line: int,
             input_zone: tzinfo | None = None) -> Event:
    """Build an event; raise `RowError` naming the field that is wrong."""
    ts = parse_timestamp(row.get("timestamp"), input_zone)
    consumer = _text(row.get("consumer_id"), "consumer_id")
    if consumer is None:
        raise RowError("field 'consumer_id': missing (required)")
    kind = _choice(row.get("event"), "event", EVENT_TYPES, CONTACT)
    channel = _choice(row.get("channel"), "channel", CHANNELS, None)
    if kind == CONTACT and channel is None:
        raise RowError("field 'channel': missing (required for contacts)")
    zones = _list(row.get("timezone"), "timezone")
    for name in zones:
        get_zone(name, field="timezone")
    region = _text(row.get("region"), "region")
    detail = _text(row.get("detail"), "detail")
    if kind == "inconvenient" and detail:
        try:
            parse_designation(detail)
        except ValueError as exc:
            raise RowError(f"field 'detail': {exc} (expected e.g. 'Mon-Fri 15:00-17:00; Sat-Sun')"
                           ) from None
    return Event(
        timestamp=ts,
        epoch=ts.timestamp(),
        consumer_id=consumer,
        event_id=_text(row.get("event_id"), "event_id") or f"{file}:{line}",
        event=kind or CONTACT,
        channel=channel,
        direction=_choice(row.get("direction"), "direction", DIRECTIONS, "outbound") or "outbound",
        party=_choice(row.get("party"), "party", PARTIES, "consumer") or "consumer",
        outcome=_choice(row.get("outcome"), "outcome", OUTCOMES, None),
        debt_ids=_list(row.get("debt_id"), "debt_id"),
        destination=_text(row.get("destination"), "destination"),
        destination_type=_choice(row.get("destination_type"), "destination_type",
                                 DESTINATION_TYPES, None),
        timezones=zones,
        region=region.upper() if region else None,
        purpose=_choice(row.get("purpose"), "purpose", PURPOSES, "collection") or "collection",
        disclosed_debt=_flag(row.get("disclosed_debt"), "disclosed_debt"),
        message=_choice(row.get("message"), "message", MESSAGE_KINDS, None),
        opt_out_notice=_flag(row.get("opt_out_notice"), "opt_out_notice"),
        detail=detail,
        file=file,
        line=line,
    )

