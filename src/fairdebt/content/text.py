"""Text as the matcher sees it, with a map back to the text as written.

`prepare` turns a message into its *normalized* form and remembers, for every
normalized character, where it came from, so a match can point at the words the
collector actually wrote. Normalizing is one left-to-right pass (linear time):

- NFKC (fullwidth letters, digits and punctuation become ordinary ones) and lower
  case; curly quotes become straight ones;
- zero-width and bidi-control characters are removed (they are invisible, and a
  common way to slip a word past a filter);
- Traditional Chinese characters become Simplified (OpenCC's ``t2s`` table, one
  character at a time so offsets stay exact);
- spaces and punctuation between two Chinese characters are dropped, so
  "爆 通 讯 录" and "爆-通-讯-录" read as "爆通讯录" (Chinese has no spaces between
  words, so nothing is lost); the clause breaks they stood for are remembered;
- any other run of whitespace becomes one space.

Lexicon entries go through the same function, so a rule written in Traditional
characters or with odd spacing matches the same texts.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right

import opencc

#: invisible characters that only ever hide words: zero-width space/joiners, word
#: joiner, BOM, soft hyphen, Mongolian vowel separator, bidi marks and embeddings
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"
                       "\u202a\u202b\u202c\u202d\u202e\u2061\u2062\u2063\u2064")
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
           "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'}
# clause delimiters: sentence and clause punctuation followed by a space or the end
# (so "1,000.00", "a.m." inside a word and "Inc.," do not all split), or the Chinese
# ones anywhere, or a line break
_CLAUSE = re.compile(r"[.!?;:,](?=\s|$)|[。！？；：，、\n]|\s[-–—]\s")
# ASCII text needs the slow pass only for runs of whitespace or control characters
_ASCII_SLOW = re.compile(r"\s\s|[\t\n\r\f\v\x00-\x08\x0e-\x1f\x7f]")
_CLAUSE_CHARS = frozenset(".!?;:,。！？；：，、\n")

# character classes of normalized characters
_OTHER, _HAN, _SPACE, _SEP = 0, 1, 2, 3

_t2s = opencc.OpenCC("t2s")
_t2s_lock = threading.Lock()  # the OpenCC object is not documented as thread-safe
#: original character → (normalized text, class of its last character); built lazily,
#: bounded by the number of distinct characters (at most ~1.1 million)
_CHARS: dict[str, tuple[str, int]] = {}


def is_han(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3134F)


def is_word(ch: str) -> bool:
    """A character of a Latin-style word (where word boundaries mean something)."""
    return (ch.isalnum() or ch == "_") and not is_han(ch)


def _classify(ch: str) -> int:
    if is_han(ch):
        return _HAN
    if ch.isspace():
        return _SPACE
    cat = unicodedata.category(ch)
    if cat[0] in "PSZ" or cat in ("Cc", "Cf"):
        return _SEP
    return _OTHER


def _normalize_char(ch: str) -> tuple[str, int]:
    if ch in ZERO_WIDTH:
        return "", _SEP
    if ch in _QUOTES:
        return _QUOTES[ch], _SEP
    out = unicodedata.normalize("NFKC", ch).lower()
    if out and any(is_han(c) for c in out):
        with _t2s_lock:
            simple = _t2s.convert(out)
        if len(simple) == len(out):  # one character for one: keeps offsets exact
            out = simple
    out = "".join(_QUOTES.get(c, c) for c in out if c not in ZERO_WIDTH)
    return out, (_classify(out[-1]) if out else _SEP)


def normalize_char(ch: str) -> tuple[str, int]:
    found = _CHARS.get(ch)
    if found is None:
        found = _CHARS[ch] = _normalize_char(ch)
    return found


class Prepared:
    """One text, normalized, with the map back (see the module docstring)."""

    __slots__ = ("_breaks", "dropped", "norm", "original", "src")

    def __init__(self, original: str, norm: str, src: list[int] | None,
                 dropped: list[int] | None = None) -> None:
        self.original = original
        self.norm = norm
        #: normalized index → index in ``original`` (None: the same index), with one
        #: more entry for the end
        self.src = src
        #: clause breaks that left no character of their own (a comma dropped between
        #: Chinese characters, a line break collapsed into a space)
        self.dropped = dropped
        self._breaks: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A normalized span [start, end) as a span of the original text."""
        if self.src is None:
            return start, end
        src = self.src
        a = src[start]
        b = src[end] if end < len(src) else len(self.original)
        b = max(b, a + 1) if end > start else a
        while b > a + 1 and self.original[b - 1].isspace():
            b -= 1
        return a, b

    @property
    def breaks(self) -> list[int]:
        """Sorted normalized positions of clause breaks."""
        if self._breaks is None:
            found = [m.start() + (1 if m.group().startswith((" ", "\n")) else 0)
                     for m in _CLAUSE.finditer(self.norm)]
            if self.dropped:
                found = sorted(found + self.dropped)
            self._breaks = found
        return self._breaks

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause around the normalized span [start, end): a break at p is a
        boundary just before character p (a delimiter starts the next clause)."""
        breaks = self.breaks
        i = bisect_right(breaks, start) - 1
        lo = breaks[i] if i >= 0 else 0
        j = bisect_left(breaks, end)
        hi = breaks[j] if j < len(breaks) else len(self.norm)
        return lo, max(hi, end)

    def clause_index(self, pos: int) -> int:
        """Which clause (0, 1, …) normalized position ``pos`` is in."""
        return bisect_right(self.breaks, pos)

    def boundary_ok(self, start: int, end: int) -> tuple[bool, bool]:
        """Whether a match at [start, end) starts and ends on a word boundary, where that
        matters: only between two Latin-style word characters (never for Chinese)."""
        norm = self.norm
        left = start == 0 or not (is_word(norm[start]) and is_word(norm[start - 1]))
        right = end >= len(norm) or not (is_word(norm[end - 1]) and is_word(norm[end]))
        return left, right


def prepare(text: str) -> Prepared:
    """Normalize ``text`` for matching (linear time)."""
    # leading or trailing whitespace takes the full pass, which trims it: otherwise
    # " Pay now" would escape a pattern anchored with ^ that "Pay now" matches
    if text.isascii() and not _ASCII_SLOW.search(text) and not text[:1].isspace() \
            and not text[-1:].isspace():
        # the common case (English SMS): lower case is all there is to do
        return Prepared(text, text.lower(), None)
    return _prepare_slow(text)


def _prepare_slow(text: str) -> Prepared:
    out: list[str] = []  # normalized pieces (mostly one character each)
    src: list[int] = []  # one entry per normalized character
    breaks: list[int] = []  # clause breaks that leave no character behind
    chars = _CHARS
    prev = _SEP  # class of the last character written
    pending: list[tuple[str, int, int]] = []  # separators after a Han character
    pending_break = False
    size = 0  # characters written so far
    combining = unicodedata.combining
    for i, ch in enumerate(text):
        found = chars.get(ch)
        if found is None:
            found = normalize_char(ch)
        norm, cls = found
        if not norm:
            continue
        if not pending and out and combining(ch):
            # a combining mark joins the character before it ("e" + "\u0301" → "é")
            merged = unicodedata.normalize("NFKC", out[-1] + norm)
            if len(merged) == 1 and len(out[-1]) == 1:
                out[-1] = merged
                continue
        if cls in (_SPACE, _SEP):
            brk = ch in _CLAUSE_CHARS or norm in _CLAUSE_CHARS
            if prev == _HAN:
                # between two Han characters? decided when the next character comes
                pending.append((norm, i, cls))
                pending_break = pending_break or brk
                continue
            if cls == _SPACE:
                if brk:
                    breaks.append(size)  # a line break collapsed into a space
                if prev != _SPACE:
                    out.append(" ")
                    src.append(i)
                    size += 1
                    prev = _SPACE
                continue
        elif pending:
            if cls == _HAN:
                if pending_break:
                    breaks.append(size)
            else:
                size = _flush(pending, out, src, breaks, size)
            pending.clear()
            pending_break = False
        out.append(norm)
        n = len(norm)
        if n == 1:
            src.append(i)
        else:
            src.extend([i] * n)
        size += n
        prev = cls
    if pending:
        size = _flush(pending, out, src, breaks, size)
    norm_text = "".join(out)
    # leading and trailing spaces (single ones: runs were collapsed)
    if norm_text.startswith(" "):
        norm_text = norm_text[1:]
        del src[0]
        breaks = [max(b - 1, 0) for b in breaks]
    if norm_text.endswith(" "):
        norm_text = norm_text[:-1]
        src.pop()
    return Prepared(text, norm_text, src, breaks or None)


def _flush(pending: list[tuple[str, int, int]], out: list[str], src: list[int],
           breaks: list[int], size: int) -> int:
    """Write separators that turned out not to sit between two Han characters."""
    last_space = False
    for norm, i, cls in pending:
        if cls == _SPACE:
            if norm == "\n" or ("\n" in norm):
                breaks.append(size)
            if not last_space:
                out.append(" ")
                src.append(i)
                size += 1
                last_space = True
        else:
            out.append(norm)
            src.extend([i] * len(norm))
            size += len(norm)
            last_space = False
    return size


def normalize(text: str) -> str:
    """The normalized form alone (for lexicon entries and comparisons)."""
    return prepare(text).norm.strip()


_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def scripts(text: str) -> tuple[int, int]:
    """(Chinese characters, Latin letters) in ``text``: what language detection uses
    (counted by regular expressions: C speed, no per-character Python loop)."""
    han = len(_HAN_RE.findall(text)) if not text.isascii() else 0
    return han, len(_LATIN_RE.findall(text))
