"""One event's words, prepared once and scanned once for every content rule.

An event has up to three places with words: ``text``, ``subject`` and the turns of
a ``transcript``. Each becomes a `Segment`: who said it, its prepared text, and the
hits of every phrase in the shared index. The engine passes the same event object
to every rule, so the segments of the last event are kept (per thread) and the
twenty-odd content rules of a pack share one normalization and one scan. The set of
phrase ids found (`hit_ids`) lets the engine skip the rules that cannot match at all
(`Check.phrase_gate`).
"""

from __future__ import annotations

import threading

from ..model import Event
from .terms import INDEX
from .text import Prepared, prepare, scripts


class Segment:
    __slots__ = ("_by_tid", "_scripts", "_utf8", "field", "hits", "prep", "speaker")

    def __init__(self, field: str, speaker: str, prep: Prepared,
                 hits: list[tuple[int, int, int]]) -> None:
        self.field = field
        """``text``, ``subject`` or ``transcript[i]`` (i counted from 0)."""
        self.speaker = speaker
        """``collector``, ``consumer`` or ``other``."""
        self.prep = prep
        self.hits = hits
        """(start, end, phrase id) of every indexed phrase, in normalized offsets."""
        self._by_tid: dict[int, list[tuple[int, int]]] | None = None
        self._scripts: tuple[int, int] | None = None
        self._utf8: bytes | None = None

    @property
    def scripts(self) -> tuple[int, int]:
        """(Chinese characters, Latin letters) in the original text (`text.scripts`)."""
        if self._scripts is None:
            self._scripts = scripts(self.prep.original)
        return self._scripts

    @property
    def utf8(self) -> bytes:
        """The normalized text in UTF-8 (what RE2 reads), encoded once for all patterns."""
        if self._utf8 is None:
            self._utf8 = self.prep.norm.encode("utf-8")
        return self._utf8

    @property
    def by_tid(self) -> dict[int, list[tuple[int, int]]]:
        """The hits grouped by phrase id: a rule intersects its phrase ids with the keys
        (one C-level set operation) instead of walking every hit of every rule."""
        if self._by_tid is None:
            by: dict[int, list[tuple[int, int]]] = {}
            for start, end, tid in self.hits:
                found = by.get(tid)
                if found is None:
                    by[tid] = [(start, end)]
                else:
                    found.append((start, end))
            self._by_tid = by
        return self._by_tid


_local = threading.local()


def author(ev: Event) -> str:
    """Who wrote an event's ``text`` and ``subject``: the collector sends outbound
    messages; an inbound one is the consumer's (or a third party's)."""
    if ev.direction == "outbound":
        return "collector"
    return "consumer" if ev.is_consumer_side else "other"


def segments(ev: Event) -> tuple[Segment, ...]:
    """The event's segments (cached for the last event seen by this thread)."""
    return _analyze(ev)[2]


def hit_ids(ev: Event) -> frozenset[int]:
    """The ids of every indexed phrase found anywhere in the event's words (whoever
    said them, boundaries not yet checked): a rule none of whose phrases is among them,
    and that has no pattern, has nothing to find (the engine then skips it)."""
    return _analyze(ev)[3]


def _analyze(ev: Event) -> tuple[Event, int, tuple[Segment, ...], frozenset[int]]:
    last = getattr(_local, "last", None)
    if last is not None and last[0] is ev and last[1] == INDEX.version and INDEX.current:
        cached: tuple[Event, int, tuple[Segment, ...], frozenset[int]] = last
        return cached  # the next rule on the same event: nothing to redo
    INDEX.automaton()  # rebuilt first if rules were loaded with new phrases since
    version = INDEX.version
    out: list[Segment] = []
    if ev.text is not None or ev.subject is not None or ev.transcript:
        who = author(ev)
        scan = INDEX.scan
        for name, value in (("subject", ev.subject), ("text", ev.text)):
            if value:
                prep = prepare(value)
                out.append(Segment(name, who, prep, scan(prep.norm)))
        for i, (speaker, words) in enumerate(ev.transcript):
            if words:
                prep = prepare(words)
                out.append(Segment(f"transcript[{i}]", speaker, prep, scan(prep.norm)))
    found = (ev, version, tuple(out),
             frozenset([tid for seg in out for _start, _end, tid in seg.hits]))
    _local.last = found
    return found


def has_content(ev: Event) -> bool:
    return ev.text is not None or ev.subject is not None or bool(ev.transcript)
