"""Write events as the canonical CSV log: what ``fairdebt convert`` shows a user so they
can see exactly what fairdebt understood of an export (and check it again later)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from ..model import Event

COLUMNS = ("timestamp", "consumer_id", "event_id", "event", "channel", "direction", "party",
           "outcome", "debt_id", "destination", "destination_type", "timezone", "region",
           "purpose", "disclosed_debt", "message", "opt_out_notice", "detail")


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def row(event: Event) -> list[str]:
    return [event.timestamp.isoformat(), event.consumer_id, event.event_id, event.event,
            event.channel or "", event.direction, event.party, event.outcome or "",
            ";".join(event.debt_ids), event.destination or "", event.destination_type or "",
            ";".join(event.timezones), event.region or "", event.purpose,
            _flag(event.disclosed_debt), event.message or "", _flag(event.opt_out_notice),
            event.detail or ""]


def write_csv(events: Iterable[Event], out: IO[str]) -> int:
    """Write a header and one row per event; return how many rows were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for event in events:
        writer.writerow(row(event))
        count += 1
    return count
