"""Finding many phrases at once (Aho-Corasick) and user patterns (RE2), in linear time.

Every phrase any loaded content rule uses is *interned* once, normalized, into one
process-wide index; a message is scanned once for all of them, whatever the number
of rules, and each rule picks out the hits for its own phrases. The automaton is
rebuilt (under a lock) only when a newly loaded rule brings phrases it has not seen.

Patterns are compiled with RE2, whose matching time is linear in the text: a policy
cannot make fairdebt hang on a hostile message. A pattern RE2 cannot compile (a
back-reference, a look-around) is an error when the policy loads.
"""

from __future__ import annotations

import threading
import weakref
from operator import itemgetter
from typing import Any

import ahocorasick
import re2

from .._mypyc import mypyc_attr
from .text import normalize

#: a phrase ending in ``*`` matches any word starting with it ("threaten*")
WILDCARD = "*"


@mypyc_attr(native_class=False)  # for mypyc: a subclass of list
class Hits(list[tuple[int, int]]):
    """One scan's hits: (index of the last character, phrase id) of every occurrence
    (overlapping ones too) of every indexed phrase, in the order found; ``known`` is
    how many phrases the automaton that found them held (a phrase with an id at or
    above it was not looked for)."""

    __slots__ = ("known",)
    known: int


_TID = itemgetter(1)


def hit_ids(hits: list[tuple[int, int]]) -> frozenset[int]:
    """The distinct phrase ids among ``hits`` (at C speed)."""
    return frozenset(map(_TID, hits))


#: (the automaton, how many ids it knows, its twin for ASCII text, the characters beyond
#: ASCII of the phrases the twin lacks): see `TermIndex._built`
Built = tuple[Any, int, Any, frozenset[str]]


class TermIndex:
    """Normalized phrase → id, and the automaton that finds them all.

    Phrases are counted by the rules holding them, so a long-running service that loads
    policy after policy keeps only what its live policies need. A released phrase stays
    in the automaton, dormant, and gets its old id back if a rule asks for it again (an
    engine built per request re-interns the same phrases: no rebuild for that); the
    automaton is rebuilt without the dormant ones once they outnumber the live ones
    (and at least ``KEEP_DORMANT``). Ids are never given to another phrase, so a hit on
    a dormant phrase can never be mistaken for a live one.
    """

    KEEP_DORMANT = 2048

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._refs: dict[int, int] = {}
        self._dormant: dict[str, int] = {}  # released, still in the automaton
        self._next = 0
        #: phrase id → the phrase, for every id the automaton may report (live or dormant)
        self.phrases: dict[int, str] = {}
        self._pair: Built | None = None
        self._lock = threading.Lock()
        self._automaton: Any = None
        self._missing = True  # a live phrase is not in the automaton yet
        #: bumped on every rebuild: results computed with an older automaton are stale
        self.version = 0
        #: whether the automaton holds every interned phrase (checked per message)
        self.current = True
        # no phrase interned or released since `_built` last found the automaton
        # up to date (set under the lock): then it need not look again per message
        self._settled = False

    @property
    def issued(self) -> int:
        """How many ids have been given out (ids are never reused)."""
        return self._next

    def __len__(self) -> int:
        return len(self._ids)

    def holds(self, phrase: str) -> bool:
        return phrase in self._ids

    def intern(self, phrase: str) -> int:
        """The id of a normalized phrase, registering it if new; each call is one
        reference, given back with `release`."""
        with self._lock:
            found = self._ids.get(phrase)
            if found is None:
                found = self._dormant.pop(phrase, None)
                if found is None:
                    found = self._next
                    self._next += 1
                    self.phrases[found] = phrase
                    self._missing = True
                    self.current = False
                self._ids[phrase] = found
                self._settled = False
                self._refs[found] = 0
            self._refs[found] += 1
            return found

    def release(self, phrase: str, tid: int) -> None:
        with self._lock:
            if self._ids.get(phrase) != tid:
                return
            self._refs[tid] -= 1
            if not self._refs[tid]:
                del self._refs[tid], self._ids[phrase]
                self._dormant[phrase] = tid
                self._settled = False

    def _stale(self) -> bool:
        return self._missing or len(self._dormant) > max(self.KEEP_DORMANT, len(self._ids))

    def automaton(self) -> Any:
        return self._built()[0]

    def _built(self) -> Built:
        """The current automaton, the id count when it was built (read together): every
        live phrase with a smaller id is in it (`Hits.known`), and its twin holding
        only the phrases written in ASCII."""
        built = self._pair
        if built is not None and self._settled:
            return built
        with self._lock:
            if self._pair is None or self._stale():
                fresh = ahocorasick.Automaton()
                latin = ahocorasick.Automaton()
                wide: set[str] = set()
                for phrase, tid in self._ids.items():
                    fresh.add_word(phrase, tid)
                    if phrase.isascii():
                        latin.add_word(phrase, tid)
                    else:
                        wide.update(ch for ch in phrase if not ch.isascii())
                if self._ids:
                    fresh.make_automaton()
                if len(latin):
                    latin.make_automaton()
                self._automaton = fresh
                for tid in self._dormant.values():  # purged: never reported again
                    del self.phrases[tid]
                self._dormant.clear()
                self._missing = False
                self._pair = (fresh, self._next, latin, frozenset(wide))
                self.version += 1
                self.current = True
            self._settled = True
            pair = self._pair
            assert pair is not None
            return pair

    def scan(self, norm: str) -> Hits:
        """Every occurrence (overlapping ones too) of every phrase: (index of its last
        character, id). Built by the C iterator alone (no Python code per hit): most
        hits are never looked at, only which phrases were found."""
        return scan_with(self._built(), norm)

    def built(self) -> Built:
        """The automaton, rebuilt first if phrases were interned or released since, how
        many ids it knows, and its ASCII twin: for `scan_with`, to scan several texts
        with one check."""
        pair = self._pair
        if pair is not None and self._settled:  # the usual message: one look
            return pair
        return self._built()


def scan_with(built: Built, norm: str, wide: frozenset[str] | None = None) -> Hits:
    """`TermIndex.scan` with the automaton and id count from `TermIndex.built`.

    ASCII text (most English messages) is scanned by the twin holding only the
    phrases written in ASCII, about 40% quicker (fewer ways out of each state): no
    other phrase can occur in it, and the hits come in the same order (at each
    position, the phrases ending there from the longest down). So is text whose
    characters beyond ASCII (``wide``, when the caller knows them: an English text's
    dashes) are in none of the other phrases."""
    auto, known, latin, lacking = built
    if norm.isascii() or (wide is not None and lacking.isdisjoint(wide)):
        auto = latin
    out = Hits(auto.iter(norm)) if auto.kind != ahocorasick.EMPTY else Hits()
    out.known = known
    return out


INDEX = TermIndex()
#: phrases looked for only when a rule asks (a closed_content rule's slots: a second
#: scan of the few messages such a rule reads, not a longer scan of every message)
LAZY = TermIndex()


@mypyc_attr(native_class=False)  # for mypyc: weakly referenced
class Phrase:
    """One phrase as a rule uses it: its id in the index and whether it is a prefix."""

    __slots__ = ("__weakref__", "prefix", "text", "tid")

    def __init__(self, written: str, index: TermIndex | None = None) -> None:
        # (the index is looked up when called, not when defined: a caller may swap
        # the module's INDEX, as the fuzz harness does for a fresh one per input)
        if index is None:
            index = INDEX
        text = written.strip()
        self.prefix = text.endswith(WILDCARD)
        norm = normalize(text.rstrip(WILDCARD))
        if not norm:
            raise ValueError(f"phrase {written!r} is empty once normalized")
        self.text = norm
        self.tid = index.intern(norm)
        # the index keeps the phrase while some rule holds this object
        weakref.finalize(self, index.release, norm, self.tid).atexit = False


@mypyc_attr(native_class=False)  # for mypyc: weakly referenced
class Literal:
    """A string a pattern cannot match without (`literals.required`), looked for as
    it is (not normalized: it is already what the normalized text holds), held in the
    index like a phrase while some matcher holds this object."""

    __slots__ = ("__weakref__", "text", "tid")

    def __init__(self, text: str, index: TermIndex | None = None) -> None:
        if index is None:
            index = INDEX
        self.text = text
        self.tid = index.intern(text)
        weakref.finalize(self, index.release, text, self.tid).atexit = False


try:  # the RE2 object under google-re2's wrapper: one call to learn there is no match
    _UNANCHORED: Any = re2._re2.RE2.Anchor.UNANCHORED
    _ANCHOR_START: Any = re2._re2.RE2.Anchor.ANCHOR_START
    _NO_MATCH = (-1, -1)
except AttributeError:  # pragma: no cover - another version of the wrapper
    _UNANCHORED = None

#: what `probe` puts before a pattern: anything (line breaks too), as little as can be
_ANY_FIRST = "(?s:.*?)"


def probe(rx: Any) -> tuple[Any, Any] | None:
    """What `may_match` asks for pattern ``rx`` (compiled by `compile_pattern`): (the RE2
    object under the wrapper of a twin that answers the same yes or no more cheaply,
    how to ask it), None without one.

    The twin's parentheses capture nothing (RE2's ``never_capture``: RE2 then need not
    work out where each group is, about 2.5× quicker on a Chinese message with three
    groups), and it is ``(?s:.*?)(?:pattern)`` asked from the start of the text
    (``ANCHOR_START``): it matches exactly when the pattern matches somewhere, and RE2
    then reads the text once, forwards, up to the end of the first match, where a search
    for the pattern reads it forwards to the match's end and again backwards to its
    start (the span the wrapper's ``Match`` always asks for). With a pattern that cannot
    be wrapped (one whose ``\\Q`` quotes to its end), the twin without the prefix asked
    anywhere (``UNANCHORED``); ``rx``'s own RE2 object if neither can be made."""
    if _UNANCHORED is None:
        return None
    pattern = rx.pattern
    try:
        twin = compile_re2(f"{_ANY_FIRST}(?:{pattern})", case_sensitive=False,
                           never_capture=True)
        anchor = _ANCHOR_START
    except ValueError:
        anchor = _UNANCHORED
        try:
            twin = compile_re2(pattern, case_sensitive=False, never_capture=True)
        except ValueError:  # pragma: no cover - the same pattern compiled without the option
            twin = rx
    raw = getattr(twin, "_regexp", None)
    return None if raw is None else (raw, anchor)


def may_match(raw: tuple[Any, Any] | None, seg: Any) -> bool:
    """False when the pattern whose `probe` is ``raw`` certainly has no match in segment
    ``seg``'s normalized text (None: no answer, True). The wrapper's ``finditer``
    re-encodes the text and maps offsets on every call; most messages match no pattern,
    and this asks RE2 once, on the segment's UTF-8 bytes (encoded once for all
    patterns), whether there is a match (`probe`).
    """
    if raw is None:
        return True
    data = seg.utf8
    return bool(raw[0].Match(raw[1], data, 0, len(data))[0] != _NO_MATCH)


def compile_pattern(pattern: str) -> Any:
    """An RE2 pattern, matched case-insensitively against normalized text; ValueError
    (naming RE2's reason) if RE2 cannot compile it."""
    return compile_re2(pattern, case_sensitive=False, what="pattern ")


def compile_re2(pattern: str, *, case_sensitive: bool = True, what: str = "",
                never_capture: bool = False) -> Any:
    """Compile with RE2 (linear-time matching, memory bounded so that no pattern can ask
    for a huge automaton); ValueError naming RE2's reason. Shared by content rules and
    import mappings. ``what`` starts the message (e.g. "pattern ")."""
    options = re2.Options()
    options.log_errors = False  # the reason goes into the policy or mapping error
    options.case_sensitive = case_sensitive
    options.never_capture = never_capture
    options.max_mem = 8 << 20
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(f"{what}{pattern!r} is not a valid RE2 pattern ({reason}); RE2 "
                         "has no back-references or look-around, so matching stays "
                         "linear-time") from None
