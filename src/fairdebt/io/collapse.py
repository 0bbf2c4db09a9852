"""Collapse the rows of one attempt into one event, and count what was merged.

Telephony records split one call over several rows: Asterisk writes a row per leg
(rows sharing a ``linkedid``, or a ``uniqueid`` when a channel dials several
destinations), Twilio a child call per ``<Dial>`` (``parent_call_sid``), Amazon
Connect a record per transfer (``InitialContactId``) and may deliver one record more
than once. Checking each row would count one attempt several times towards call caps.

A group's *main* row (the one whose identity is the group key: the originating
channel, the parent call, the initial contact; else the first row) gives the event;
its outcome is the best any row reached (a conversation on any leg is a conversation).
Rows with the same identity and a ``latest`` column are versions of one record: only
the latest counts. Groups are held for ``window`` rows after their first row, so
memory stays bounded; rows of one group further apart than that are not merged.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Event
from .mapping import Collapse

#: best first: what the attempt achieved if any of its rows did. An unknown outcome
#: ranks first: the reader cannot rule out that it reached someone (fail closed).
RANK = {None: 0, "conversation": 1, "voicemail": 2, "answered": 3, "delivered": 4, "sent": 5,
        "no_answer": 6, "busy": 7, "failed": 8, "bounced": 9, "not_connected": 10}


@dataclass
class _Group:
    first: int  # ordinal of the group's first row
    #: (event, identity, latest) in file order
    rows: list[tuple[Event, str | None, str]] = field(default_factory=list)
    #: identity → index in ``rows``, for records delivered more than once
    versions: dict[str, int] = field(default_factory=dict)


class Collapser:
    def __init__(self, spec: Collapse) -> None:
        self.spec = spec
        self.groups: OrderedDict[str, _Group] = OrderedDict()
        self.seen = 0
        self.merged = 0

    def feed(self, event: Event, key: str | None, identity: str | None,
             latest: str | None) -> Iterator[Event]:
        self.seen += 1
        if key is None:
            key = f"\0{self.seen}"  # nothing to group it by: a group of its own, in order
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(self.seen)
        self._add(group, event, identity, latest or "")
        while self.groups:
            oldest = next(iter(self.groups.values()))
            if self.seen - oldest.first < self.spec.window:
                break
            yield self._close(*self.groups.popitem(last=False))

    def _add(self, group: _Group, event: Event, identity: str | None, latest: str) -> None:
        if self.spec.latest and identity is not None:
            at = group.versions.get(identity)
            if at is not None:
                self.merged += 1  # another delivery of the same record: keep the latest
                if latest >= group.rows[at][2]:
                    group.rows[at] = (event, identity, latest)
                return
            group.versions[identity] = len(group.rows)
        group.rows.append((event, identity, latest))

    def finish(self) -> Iterator[Event]:
        while self.groups:
            yield self._close(*self.groups.popitem(last=False))

    def _close(self, key: str, group: _Group) -> Event:
        self.merged += len(group.rows) - 1
        main = next((e for e, identity, _ in group.rows if identity == key), group.rows[0][0])
        best = min((e.outcome for e, _, _ in group.rows), key=lambda o: RANK.get(o, 0))
        return main if best == main.outcome else main._replace(outcome=best)
