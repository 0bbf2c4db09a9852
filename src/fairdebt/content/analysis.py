"""One event's words, prepared once and scanned once for every content rule.

An event has up to three places with words: ``text``, ``subject`` and the turns of
a ``transcript``. Each becomes a `Segment`: who said it, its prepared text, and the
hits of every phrase in the shared index. The engine passes the same event object
to every rule, so the analysis of the last event is kept and the
twenty-odd content rules of a pack share one normalization and one scan. The set of
phrase ids found (`hit_ids`) lets the engine skip the rules that cannot match at all
(`Check.phrase_gate`).
"""

from __future__ import annotations

import threading

from ..model import Event
from . import terms
from .terms import INDEX, TermIndex, scan_with
from .terms import hit_ids as ids_of
from .text import WORD_CHARS, Prepared, prepare, scripts


class Segment:
    __slots__ = ("_lazy", "_scripts", "_spans", "_utf8", "field", "hits", "ids", "index",
                 "known", "prep", "speaker")

    def __init__(self, field: str, speaker: str, prep: Prepared,
                 hits: list[tuple[int, int]], index: TermIndex | None = None) -> None:
        self.field = field
        """``text``, ``subject`` or ``transcript[i]`` (i counted from 0)."""
        self.speaker = speaker
        """``collector``, ``consumer`` or ``other``."""
        self.prep = prep
        self.hits = hits
        """(index of the last character, phrase id) of every indexed phrase found, in
        normalized offsets (`terms.TermIndex.scan`)."""
        self.ids = ids_of(hits)
        """The distinct phrase ids found (boundaries not checked)."""
        self.known: int = getattr(hits, "known", 0)
        """How many phrases the scan looked for: a pre-check on a phrase id at or above
        this cannot trust `ids` (the phrase was interned after the scan)."""
        self.index = index if index is not None else INDEX
        """The index the hits are from (their phrase ids are its ids): by default this
        module's INDEX when the segment is made."""
        self._spans: dict[int, list[tuple[int, int, int]]] = {}  # by 2 tid + prefix
        self._lazy: Segment | None = None
        self._scripts: tuple[int, int] | None = None
        self._utf8: bytes | None = None

    @property
    def scripts(self) -> tuple[int, int]:
        """(Chinese characters, Latin letters) in the original text (`text.scripts`)."""
        if self._scripts is None:
            # (the translate pass of most Chinese text counted them on the way)
            self._scripts = self.prep.scripts or scripts(self.prep.original)
        return self._scripts

    @property
    def utf8(self) -> bytes:
        """The normalized text in UTF-8 (what RE2 reads), encoded once for all patterns."""
        if self._utf8 is None:
            self._utf8 = self.prep.norm.encode("utf-8")
        return self._utf8

    def lazy(self) -> Segment:
        """The same words scanned for the phrases of `terms.LAZY` (once, when a rule
        first asks; again if phrases were added to it since)."""
        found = self._lazy
        if found is None or found.known != terms.LAZY.issued:
            lazy = terms.LAZY
            found = self._lazy = Segment(self.field, self.speaker, self.prep,
                                         lazy.scan(self.prep.norm), lazy)
        return found

    def any_span(self, tid: int, prefix: bool) -> bool:
        """``bool(spans(tid, prefix))``, stopping at the first match (and remembering
        nothing): whether a wording is there needs no list of its matches."""
        found = self._spans.get(tid + tid + prefix)
        if found is not None:
            return bool(found)
        if tid not in self.ids:
            return False
        norm = self.prep.norm
        word = WORD_CHARS
        phrase = self.index.phrases[tid]
        check_left = word[phrase[0]]
        # a match may end inside a word only where the phrase ends with a word character
        # that is not a prefix's
        check_right = word[phrase[-1]] and not prefix
        length = len(phrase)
        size = len(norm)
        at = norm.find(phrase)
        while at >= 0:
            if not (check_left and at and word[norm[at - 1]]):
                end = at + length
                if not check_right or end >= size or not word[norm[end]]:
                    return True
            at = norm.find(phrase, at + 1)
        return False

    def spans(self, tid: int, prefix: bool) -> list[tuple[int, int, int]]:
        """The matches of phrase ``tid``: its hits that start on a word boundary and end
        on one, or for a ``prefix`` phrase ("garnish*") are extended to the end of their
        word, as (start, end of the hit, end of the match); in scan order. Remembered:
        rules sharing a phrase check it once."""
        key = tid + tid + prefix
        found = self._spans.get(key)
        if found is None:
            found = []
            if tid not in self.ids:
                self._spans[key] = found
                return found
            norm = self.prep.norm
            size = len(norm)
            word = WORD_CHARS
            phrase = self.index.phrases[tid]
            # boundaries matter only between two word characters: a phrase that starts
            # (ends) with another character, a Chinese one say, always starts (ends) on one
            check_left = word[phrase[0]]
            check_right = word[phrase[-1]]
            length = len(phrase)
            # the phrase's occurrences, overlapping ones too, in order: what the scan
            # found for it (str.find: C speed, instead of grouping every hit in Python)
            at = norm.find(phrase)
            while at >= 0:
                start = at
                end = start + length
                at = norm.find(phrase, start + 1)
                if check_left and start and word[norm[start - 1]]:
                    continue  # starts inside a word
                if not check_right or end >= size or not word[norm[end]]:
                    found.append((start, end, end))
                elif prefix:  # the rest of the word is part of the match
                    stop = end
                    while stop < size and word[norm[stop]]:
                        stop += 1
                    found.append((start, end, stop))
            self._spans[key] = found
        return found


#: the last event's analysis, looked at first (a module global is the quickest to
#: read); an analysis depends only on its event and the index version, so whichever
#: thread left it there, it is right for that event. Each thread also keeps its own
#: last one, for when threads take turns.
_last: Words | None = None
_local = threading.local()


def author(ev: Event) -> str:
    """Who wrote an event's ``text`` and ``subject``: the collector sends outbound
    messages; an inbound one is the consumer's (or a third party's)."""
    if ev.direction == "outbound":
        return "collector"
    return "consumer" if ev.is_consumer_side else "other"


class Words:
    """One event's segments, and what every rule asks of them, worked out once."""

    __slots__ = ("collector", "event", "ids", "langs", "segments", "version")

    def __init__(self, event: Event, version: int, segs: tuple[Segment, ...]) -> None:
        self.event = event
        self.version = version
        self.segments = segs
        #: the collector's segments (what the forbid and require kinds read)
        self.collector: tuple[Segment, ...]
        if len(segs) == 1:
            self.ids = segs[0].ids
            self.collector = segs if segs[0].speaker == "collector" else ()
        else:
            self.ids = frozenset().union(*(seg.ids for seg in segs))
            self.collector = tuple(seg for seg in segs if seg.speaker == "collector")
        #: latin_default → the languages of the collector's words (require_phrases)
        self.langs: dict[str, tuple[str, ...]] = {}


def segments(ev: Event) -> tuple[Segment, ...]:
    """The event's segments (cached for the last event seen by this thread)."""
    return _analyze(ev).segments


def hit_ids(ev: Event) -> frozenset[int]:
    """The ids of every indexed phrase found anywhere in the event's words (whoever
    said them, boundaries not yet checked): a rule none of whose phrases is among them,
    and that has no pattern, has nothing to find (the engine then skips it)."""
    return _analyze(ev).ids


def _analyze(ev: Event) -> Words:
    global _last
    last = _last
    if last is not None and last.event is ev and last.version == INDEX.version \
            and INDEX.current:
        return last  # the next rule on the same event: nothing to redo
    mine: Words | None = getattr(_local, "last", None)
    if mine is not None and mine.event is ev and mine.version == INDEX.version \
            and INDEX.current:
        _last = mine
        return mine
    built = INDEX.built()  # rebuilt first if rules were loaded with new phrases since
    version = INDEX.version
    text = ev.text
    if text and ev.subject is None and not ev.transcript:  # a text message: one segment
        prep = prepare(text)
        found = _last = _local.last = Words(ev, version, (
            Segment("text", author(ev), prep, scan_with(built, prep.norm, prep.wide)),))
        return found
    out: list[Segment] = []
    if text is not None or ev.subject is not None or ev.transcript:
        who = author(ev)
        for name, value in (("subject", ev.subject), ("text", text)):
            if value:
                prep = prepare(value)
                out.append(Segment(name, who, prep, scan_with(built, prep.norm, prep.wide)))
        for i, (speaker, said) in enumerate(ev.transcript):
            if said:
                prep = prepare(said)
                out.append(Segment(f"transcript[{i}]", speaker, prep,
                                   scan_with(built, prep.norm, prep.wide)))
    found = _last = _local.last = Words(ev, version, tuple(out))
    return found


#: the event's words, analyzed (cached for the last event seen by this thread): the
#: function itself, not a wrapper (every content rule asks, on every message)
words = _analyze


def has_content(ev: Event) -> bool:
    return ev.text is not None or ev.subject is not None or bool(ev.transcript)
