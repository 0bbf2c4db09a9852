"""Put events in evaluation order: time, then a tie-break that ignores row order.

Logs that are already in time order stream through in constant memory. Logs
that are not are sorted: in memory up to ``chunk`` events, beyond that in
sorted runs spilled to private temporary files and merged.
"""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .model import CONTACT, Event

DEFAULT_CHUNK = 200_000
#: events per pickled block of a spill file: the merge holds one block of every run in
#: memory (10M shuffled rows: 50 runs), so blocks are kept small
BLOCK = 512


def sort_key(ev: Event) -> tuple[Any, ...]:
    """Time first; at the same instant account events before contacts, then by content,
    so that shuffling the rows of a log never changes the order of evaluation."""
    return (ev.epoch, (ev.event != CONTACT and 0) or 1, ev.consumer_id, _Content(ev),
            ev.event_id, ev.file, ev.line)


class _Content:
    """Orders two events of one consumer at one instant by what they say, leaving out
    where they were read (file, line) and the event id, which defaults to file:line.

    Ordering such ties by the id let the row order decide: two rows without ids, or a
    row delivered twice with the same id and another outcome, swapped places when the
    log was shuffled, and a check that counts "the first" flagged the other one (found
    by fuzz/targets.py). Compared only on a tie, and computed then: cheap.
    """

    __slots__ = ("ev", "text")

    def __init__(self, ev: Event) -> None:
        self.ev = ev
        self.text: str | None = None

    def _text(self) -> str:
        if self.text is None:
            ev = self.ev
            self.text = repr((*ev[:3], *ev[4:19], *ev[21:]))
        return self.text

    def __lt__(self, other: _Content) -> bool:
        return self._text() < other._text()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Content) and self._text() == other._text()

    __hash__ = None  # type: ignore[assignment]


class Unsorted(Exception):
    """The stream went back in time; it must be sorted before it can be evaluated."""


def streamed(events: Iterable[Event]) -> Iterator[Event]:
    """Pass a time-ordered stream through, ordering ties; raise `Unsorted` otherwise."""
    group: list[Event] = []
    current = float("-inf")
    for ev in events:
        if ev.epoch != current:
            if ev.epoch < current:
                raise Unsorted
            if len(group) > 1:
                group.sort(key=sort_key)
            yield from group
            group = [ev]
            current = ev.epoch
        else:
            group.append(ev)
    if len(group) > 1:
        group.sort(key=sort_key)
    yield from group


def sorted_events(events: Iterable[Event], chunk: int = DEFAULT_CHUNK) -> Iterator[Event]:
    """All events in evaluation order, spilling sorted runs to disk beyond ``chunk``."""
    runs: list[IO[bytes]] = []
    buffer: list[Event] = []
    try:
        for ev in events:
            buffer.append(ev)
            if len(buffer) >= chunk:
                runs.append(_spill(buffer))
                buffer = []
        buffer.sort(key=sort_key)
        if not runs:
            yield from buffer
            return
        if buffer:
            runs.append(_spill(buffer))
            buffer = []
        yield from heapq.merge(*(_replay(f) for f in runs), key=sort_key)
    finally:
        for f in runs:
            f.close()  # TemporaryFile: the OS removes it on close, on every exit path


def _spill(buffer: list[Event]) -> IO[bytes]:
    buffer.sort(key=sort_key)
    f = tempfile.TemporaryFile(prefix="fairdebt-sort-")  # noqa: SIM115 - closed by caller
    os.fchmod(f.fileno(), 0o600)
    # one self-contained pickle per block: a reader's memo must start afresh with each
    for start in range(0, len(buffer), BLOCK):
        pickle.dump([tuple(e) for e in buffer[start:start + BLOCK]], f,
                    protocol=pickle.HIGHEST_PROTOCOL)
    f.flush()
    f.seek(0)
    return f


def _replay(f: IO[bytes]) -> Iterator[Event]:
    # only our own spill files are ever unpickled
    make = Event._make
    while True:
        try:
            block = pickle.load(f)
        except EOFError:
            return
        for row in block:
            yield make(row)
