"""Literals an RE2 pattern cannot match without: a pre-check before running RE2.

`required(pattern)` reads a pattern (RE2 syntax, matched case-insensitively against
normalized text, as `terms.compile_pattern` compiles it) and returns clauses: sets
of literal strings such that **every** match of the pattern contains, for each
clause, at least one of its strings as a substring. The one Aho-Corasick scan per
message already looks for every phrase; the literals are added to it, so a pattern
whose clauses are not all met by the scan's hits is not run at all (and a rule made
only of such patterns is skipped by the engine like a phrase rule, `Check.phrase_gate`).
An empty answer means "no pre-check": RE2 always runs.

Soundness, construct by construct (what a node may match is over-approximated; a
node we do not fully understand is *opaque*: it may match anything, so it gives no
literal, which is always safe):

- A literal character is kept only if it is ASCII, a Chinese character or another
  caseless letter (category ``Lo``), lower-cased. RE2 compares case-insensitively;
  the normalized text is lower case (NFKC then ``str.lower``), and the only other
  characters RE2 folds onto an ASCII letter (``K`` U+212A KELVIN SIGN, ``ſ`` U+017F)
  never survive NFKC, so in normalized text a pattern's ``P`` can only match ``p``
  (tests/test_content_literals.py checks this for every code point). Every other
  character is opaque.
- Classes ``[...]``, ``.``, ``\\d``, ``\\w``, ``\\pN``… are opaque; anchors and
  ``\\b`` match no character (the empty string).
- A concatenation's match is the concatenation of its parts' matches: finite sets
  of exact strings are multiplied out (up to `LIMIT`), and any part's clause is a
  clause of the whole. An alternation's match is one alternative's: one clause of
  each alternative, united, is a clause (none if some alternative has none).
  ``x?``, ``x*``, ``x{0,n}`` may match nothing: no clause; ``x+``, ``x{n,m}`` with
  n ≥ 1 contain a match of ``x``.
- Anything outside this small grammar (flags such as ``(?i)``/``(?-i)``, ``\\Q…\\E``,
  octal, hex or other escapes, an unusual ``{``) makes the whole pattern opaque:
  no pre-check, never a wrong one.

Only clauses whose literals all weigh at least `MIN_WEIGHT` are kept (a short
literal is frequent and would only make the scan slower), and a clause implied by
another is dropped; dropping a clause only weakens the pre-check.
"""

from __future__ import annotations

import functools
import unicodedata

from .text import is_han

#: exact-string sets are multiplied out up to this many strings
LIMIT = 32
#: RE2's largest repetition count (kMaxRepeat)
MAX_REPEAT = 1000
#: literals lighter than this are not worth a clause (`weight`: a Chinese character
#: counts two, any other character one: 工号 is as selective as "irs", "st" is not)
MIN_WEIGHT = 3
#: at most this many clauses per pattern (the most selective ones)
MAX_CLAUSES = 3

Clause = frozenset[str]


class Opaque(Exception):
    """The pattern uses syntax this reader does not model: no pre-check."""


class _Info:
    """What a node may match: ``exact`` (every match is one of these strings; None:
    unknown or too many) and ``clauses`` (each match contains one string of each)."""

    __slots__ = ("clauses", "exact")

    def __init__(self, exact: frozenset[str] | None, clauses: tuple[Clause, ...] = ()) -> None:
        self.exact = exact
        self.clauses = clauses

    def all_clauses(self) -> tuple[Clause, ...]:
        """The clauses, with the exact set as one more when it excludes the empty string."""
        if self.exact is not None and "" not in self.exact:
            return (*self.clauses, self.exact)
        return self.clauses


_EMPTY = _Info(frozenset({""}))
_ANY = _Info(None)
_SPECIAL = set("\\^$.|?*+()[]{}")
#: escapes that stand for one character of a class (opaque)
_CLASS_ESCAPES = set("dDwWsS")
#: escapes that match the empty string
_EMPTY_ESCAPES = set("bBAz")


def _safe(ch: str) -> bool:
    """Whether RE2's case-insensitive match of ``ch`` in normalized text is exactly
    ``ch.lower()`` (see the module docstring)."""
    if ch.isascii():
        return ch.isprintable()
    return is_han(ch) or unicodedata.category(ch) == "Lo"


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.s = pattern
        self.i = 0

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def parse(self) -> _Info:
        if "\\Q" in self.s:
            raise Opaque("\\Q")
        info = self.alternation()
        if self.i != len(self.s):
            raise Opaque(f"unexpected {self.peek()!r}")
        return info

    def alternation(self) -> _Info:
        branches = [self.concatenation()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.concatenation())
        if len(branches) == 1:
            return branches[0]
        exact: frozenset[str] | None = frozenset()
        for b in branches:
            if b.exact is None or exact is None or len(exact) + len(b.exact) > LIMIT:
                exact = None
                break
            exact = exact | b.exact
        chosen: list[Clause] = []
        for b in branches:
            best = _best(b.all_clauses())
            if best is None:
                return _Info(exact)
            chosen.append(best)
        return _Info(exact, (frozenset().union(*chosen),))

    def concatenation(self) -> _Info:
        parts: list[_Info] = []
        while self.peek() not in ("", "|", ")"):
            parts.append(self.repeat())
        if not parts:
            return _EMPTY
        if len(parts) == 1:
            return parts[0]
        clauses: list[Clause] = []
        run: frozenset[str] | None = frozenset({""})
        all_exact = True
        for part in parts:
            clauses.extend(part.clauses)
            if part.exact is None:
                all_exact = False
                if run is not None and "" not in run:
                    clauses.append(run)
                run = frozenset({""})
                continue
            if run is not None and len(run) * len(part.exact) > LIMIT:
                all_exact = False
                if "" not in run:
                    clauses.append(run)
                run = part.exact
                continue
            run = frozenset(a + b for a in (run or {""}) for b in part.exact)
        if all_exact:
            return _Info(run, tuple(clauses))
        if run is not None and "" not in run:
            clauses.append(run)
        return _Info(None, tuple(clauses))

    def repeat(self) -> _Info:
        info = self.atom()
        while True:
            ch = self.peek()
            if ch in ("*", "+", "?"):
                self.i += 1
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
            elif ch == "{":
                low, high = self.counted()
            else:
                return info
            if self.peek() == "?":  # lazy: the same strings
                self.i += 1
            info = _repeated(info, low, high)

    def counted(self) -> tuple[int, int | None]:
        end = self.s.find("}", self.i)
        if end < 0:
            raise Opaque("{ without }")
        body = self.s[self.i + 1:end]
        low_s, comma, high_s = body.partition(",")
        if not _digits(low_s) or (high_s and not _digits(high_s)):
            raise Opaque(f"{{{body}}}")  # RE2 may read it as literal text: not modelled
        # RE2 refuses a count over 1000 and reads one too long to parse as literal text
        # ("M{26666666666666666666}" matches itself): not modelled, and never expanded
        # (a 1 ** low test would let `_repeated` loop that many times)
        if len(low_s) > 4 or len(high_s) > 4:
            raise Opaque(f"{{{body}}}")
        self.i = end + 1
        low = int(low_s)
        high = (int(high_s) if high_s else None) if comma else low
        if (high is not None and high < low) or low > MAX_REPEAT \
                or (high is not None and high > MAX_REPEAT):
            raise Opaque(f"{{{body}}}")
        return low, high

    def atom(self) -> _Info:
        ch = self.peek()
        if ch == "(":
            self.i += 1
            if self.peek() == "?":
                rest = self.s[self.i:]
                if rest.startswith("?:"):
                    self.i += 2
                elif rest.startswith(("?P<", "?<")):
                    end = self.s.find(">", self.i)
                    if end < 0:
                        raise Opaque("group name")
                    self.i = end + 1
                else:
                    raise Opaque("flags")  # (?i), (?-i), (?s)…: not modelled
            info = self.alternation()
            if self.peek() != ")":
                raise Opaque("unbalanced (")
            self.i += 1
            return info
        if ch == "[":
            self.skip_class()
            return _ANY
        if ch in ("^", "$"):
            self.i += 1
            return _EMPTY
        if ch == ".":
            self.i += 1
            return _ANY
        if ch == "\\":
            return self.escape()
        if ch in _SPECIAL:
            raise Opaque(f"unexpected {ch!r}")  # ), *, +, ?, {, } where RE2 may differ
        self.i += 1
        return _Info(frozenset({ch.lower()})) if _safe(ch) else _ANY

    def escape(self) -> _Info:
        nxt = self.s[self.i + 1:self.i + 2]
        if not nxt:
            raise Opaque("trailing \\")
        self.i += 2
        if nxt in _CLASS_ESCAPES:
            return _ANY
        if nxt in _EMPTY_ESCAPES:
            return _EMPTY
        if nxt in ("p", "P"):
            if self.peek() == "{":
                end = self.s.find("}", self.i)
                if end < 0:
                    raise Opaque("\\p{")
                self.i = end + 1
            else:
                self.i += 1
            return _ANY
        if nxt.isascii() and not nxt.isalnum() and nxt.isprintable():
            return _Info(frozenset({nxt}))  # an escaped punctuation character
        raise Opaque(f"\\{nxt}")  # \n, \x41, \1, \C…: not modelled

    def skip_class(self) -> None:
        """Past a ``[...]`` class (opaque: only where it ends matters)."""
        s = self.s
        i = self.i + 1
        if s[i:i + 1] == "^":
            i += 1
        if s[i:i + 1] == "]":
            i += 1  # a leading ] is a literal
        while i < len(s):
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == "[":
                if s[i:i + 2] == "[:":
                    end = s.find(":]", i + 2)
                    if end < 0:
                        raise Opaque("[: without :]")
                    i = end + 2
                    continue
                raise Opaque("[ inside a class")
            if c == "]":
                self.i = i + 1
                return
            i += 1
        raise Opaque("unterminated class")


def _repeated(info: _Info, low: int, high: int | None) -> _Info:
    if low == 0:
        if high == 1 and info.exact is not None:
            return _Info(info.exact | {""})
        return _EMPTY if high == 0 else _ANY
    clauses = info.all_clauses()
    if high == low and info.exact is not None and len(info.exact) ** low <= LIMIT:
        exact: frozenset[str] = frozenset({""})
        for _ in range(low):
            exact = frozenset(a + b for a in exact for b in info.exact)
        return _Info(exact, info.clauses)
    return _Info(None, clauses)


def weight(literal: str) -> int:
    return sum(2 if is_han(c) else 1 for c in literal)


def _score(clause: Clause) -> tuple[int, int]:
    """Larger is more selective: the lightest literal's weight, then fewer literals."""
    return min(map(weight, clause)), -len(clause)


def _best(clauses: tuple[Clause, ...]) -> Clause | None:
    usable = [c for c in clauses if c and "" not in c]
    return max(usable, key=_score) if usable else None


@functools.lru_cache(maxsize=4096)
def required(pattern: str) -> tuple[Clause, ...]:
    """Clauses of literals every match of ``pattern`` contains (see the module
    docstring); () when there is no usable pre-check. Cached: every engine built for a
    policy (one per share of the fast path) asks again for the same patterns."""
    try:
        info = _Parser(pattern).parse()
    except (Opaque, IndexError):
        return ()
    found: set[Clause] = set()
    for clause in info.all_clauses():
        if clause and "" not in clause and min(map(weight, clause)) >= MIN_WEIGHT:
            found.add(_minimal(clause))
    # a clause every string of which contains a string of another implies that other
    out = [b for b in found
           if not any(a != b and all(any(t in s for t in b) for s in a) for a in found)]
    out.sort(key=lambda c: (_score(c), sorted(c)), reverse=True)
    return tuple(out[:MAX_CLAUSES])


def _minimal(clause: Clause) -> Clause:
    """Without strings that contain another of the clause (those are implied)."""
    return frozenset(s for s in clause if not any(t != s and t in s for t in clause))


def _digits(s: str) -> bool:
    return s.isascii() and s.isdigit()
