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
from typing import Any

import ahocorasick
import re2

from .text import normalize

#: a phrase ending in ``*`` matches any word starting with it ("threaten*")
WILDCARD = "*"


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
        self._lock = threading.Lock()
        self._automaton: Any = None
        self._missing = True  # a live phrase is not in the automaton yet
        #: bumped on every rebuild: results computed with an older automaton are stale
        self.version = 0
        #: whether the automaton holds every interned phrase (checked per message)
        self.current = True

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
                    self._missing = True
                    self.current = False
                self._ids[phrase] = found
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

    def _stale(self) -> bool:
        return self._missing or len(self._dormant) > max(self.KEEP_DORMANT, len(self._ids))

    def automaton(self) -> Any:
        auto = self._automaton
        if auto is not None and not self._stale():
            return auto
        with self._lock:
            if self._automaton is None or self._stale():
                fresh = ahocorasick.Automaton()
                for phrase, tid in self._ids.items():
                    fresh.add_word(phrase, (tid, len(phrase)))
                if self._ids:
                    fresh.make_automaton()
                self._automaton = fresh
                self._dormant.clear()
                self._missing = False
                self.version += 1
                self.current = True
            return self._automaton

    def scan(self, norm: str) -> list[tuple[int, int, int]]:
        """Every occurrence (overlapping ones too) of every phrase: (start, end, id)."""
        auto = self.automaton()
        if auto.kind == ahocorasick.EMPTY:
            return []
        return [(end + 1 - size, end + 1, tid) for end, (tid, size) in auto.iter(norm)]


INDEX = TermIndex()


class Phrase:
    """One phrase as a rule uses it: its id in the index and whether it is a prefix."""

    __slots__ = ("__weakref__", "prefix", "text", "tid")

    def __init__(self, written: str) -> None:
        text = written.strip()
        self.prefix = text.endswith(WILDCARD)
        norm = normalize(text.rstrip(WILDCARD))
        if not norm:
            raise ValueError(f"phrase {written!r} is empty once normalized")
        self.text = norm
        self.tid = INDEX.intern(norm)
        # the index keeps the phrase while some rule holds this object
        weakref.finalize(self, INDEX.release, norm, self.tid).atexit = False


try:  # the RE2 object under google-re2's wrapper: one call to learn there is no match
    _UNANCHORED: Any = re2._re2.RE2.Anchor.UNANCHORED
    _NO_MATCH = (-1, -1)
except AttributeError:  # pragma: no cover - another version of the wrapper
    _UNANCHORED = None


def may_match(rx: Any, seg: Any) -> bool:
    """False when pattern ``rx`` certainly has no match in segment ``seg``'s normalized
    text. The wrapper's ``finditer`` re-encodes the text and maps offsets on every call;
    most messages match no pattern, and this asks RE2 once, on the segment's UTF-8
    bytes (encoded once for all patterns), exactly the question ``finditer`` asks first.
    """
    raw = getattr(rx, "_regexp", None)
    if raw is None or _UNANCHORED is None:
        return True
    data = seg.utf8
    return bool(raw.Match(_UNANCHORED, data, 0, len(data))[0] != _NO_MATCH)


def compile_pattern(pattern: str) -> Any:
    """An RE2 pattern, matched case-insensitively against normalized text; ValueError
    (naming RE2's reason) if RE2 cannot compile it."""
    return compile_re2(pattern, case_sensitive=False, what="pattern ")


def compile_re2(pattern: str, *, case_sensitive: bool = True, what: str = "") -> Any:
    """Compile with RE2 (linear-time matching, memory bounded so that no pattern can ask
    for a huge automaton); ValueError naming RE2's reason. Shared by content rules and
    import mappings. ``what`` starts the message (e.g. "pattern ")."""
    options = re2.Options()
    options.log_errors = False  # the reason goes into the policy or mapping error
    options.case_sensitive = case_sensitive
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
