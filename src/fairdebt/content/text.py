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

Speed: plain ASCII is only lower-cased; so is mostly ASCII text whose other
characters are curly quotes, dashes and the like, each then replaced by its normalized
one (`_prepare_latin`); other text made of characters that normalize one for one goes
through one ``str.translate`` table (normalized character and class in one pass) and a
regular expression over the character classes (`_prepare_fast`); only text with
zero-width, combining or expanding characters takes the character loop
(`_prepare_slow`, the reference the tests compare the fast paths with).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate, compress
from typing import Any, TypeVar

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
# the characters _CLAUSE matches alone (a Latin one only before whitespace or the end)
_DELIMITERS = re.compile("([.!?;:,。！？；：，、\n])")
_LATIN_DELIMS = frozenset(".!?;:,")
#: the Latin delimiters made ".", and every control character (what makes ASCII text
#: unprintable) a NUL: one pass tells where the delimiters are and whether
#: ``isprintable`` holds
_STOPS = bytes.maketrans(b"!?;:," + bytes(range(32)) + b"\x7f", b"....." + bytes(33))
# ASCII text needs the slow pass only for runs of whitespace or control characters
_ASCII_SLOW = re.compile(r"\s\s|[\t\n\r\f\v\x00-\x08\x0e-\x1f\x7f]")
_CLAUSE_CHARS = frozenset(".!?;:,。！？；：，、\n")

_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: the runs of text between Chinese characters (`scripts` counts these: fewer matches)
_NOT_HAN_RUNS = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")

# character classes of normalized characters
_OTHER, _HAN, _SPACE, _SEP = 0, 1, 2, 3

_t2s = opencc.OpenCC("t2s")
_t2s_lock = threading.Lock()  # the OpenCC object is not documented as thread-safe
#: original character → (normalized text, class of its last character); built lazily,
#: bounded by the number of distinct characters (at most ~1.1 million)
_CHARS: dict[str, tuple[str, int]] = {}
_CHARS_KEPT = 65_536


def is_han(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3134F)


def is_word(ch: str) -> bool:
    """A character of a Latin-style word (where word boundaries mean something)."""
    return (ch.isalnum() or ch == "_") and not is_han(ch)


class _WordChars(dict[str, bool]):
    """`is_word` of each character, remembered (a dict lookup instead of a call)."""

    def __missing__(self, ch: str) -> bool:
        found = self[ch] = is_word(ch)
        return found


#: character → whether it is a Latin-style word character (`is_word`)
WORD_CHARS = _WordChars()


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
        found = _normalize_char(ch)
        if len(_CHARS) < _CHARS_KEPT:  # text can hold every code point there is
            _CHARS[ch] = found
    return found


class Prepared:
    """One text, normalized, with the map back (see the module docstring)."""

    __slots__ = ("_breaks", "_deferred", "_dropped", "_drops", "_mapped", "_src", "norm",
                 "original", "scripts", "wide")
    #: while `_deferred`: the text `_prepare_han` mapped, before dropping the separators
    #: between Han characters (one character for each of ``original``'s)
    _mapped: str

    def __init__(self, original: str, norm: str, src: list[int] | None,
                 dropped: list[int] | None = None) -> None:
        self.original = original
        self.norm = norm
        self._src = src
        #: (the spans of ``original`` dropped, whether the first kept character was
        #: trimmed, whether the last was) when ``src`` is not made yet: most texts never
        #: need it (only a finding's offsets do)
        self._drops: tuple[list[tuple[int, int]], bool, bool] | None = None
        self._dropped = dropped
        #: the spans dropped and the breaks they leave are not worked out yet (a text
        #: `_prepare_han` normalized): `_resolve` gives them when first asked
        self._deferred = False
        self._breaks: list[int] | None = None
        #: `scripts` of ``original`` when the normalization worked it out on the way
        #: (the translate table's pass); None: not known
        self.scripts: tuple[int, int] | None = None
        #: the characters beyond ASCII in ``norm``, when the normalization knows them
        #: (`_prepare_latin`): the scan may then need no phrase written beyond ASCII
        #: (`terms.scan_with`); None: not known
        self.wide: frozenset[str] | None = None

    @property
    def dropped(self) -> list[int] | None:
        """Clause breaks that left no character of their own (a comma dropped between
        Chinese characters, a line break collapsed into a space)."""
        if self._deferred:
            self._resolve()
        return self._dropped

    def _resolve(self) -> None:
        """The dropped spans and breaks of a text `_prepare_han` normalized: where its
        separators expression matches the text it mapped (``_mapped``), each a break
        when it holds a clause character (its class in the table, as the translate path
        has it). `_resolve_table` is the reference (the translate path run again: ~20 µs
        on a Chinese message with a finding, where this takes one ``finditer``)."""
        mapped = self._mapped
        drops: list[tuple[int, int]] = []
        dropped: list[int] = []
        removed = 0  # characters dropped before the span
        original = self.original
        table = _TABLE  # (every character of a dropped span is in it: `_han_plan`)
        for m in _han_res()[1].finditer(mapped):
            a, b = m.span()
            for ch in original[a:b]:
                if table[ord(ch)][1] == _C_CLAUSE:
                    dropped.append(a - removed)
                    break
            drops.append((a, b))
            removed += b - a
        # (a dropped span lies between two Han characters, never at either end: the
        # space trimmed at the start is the mapped text's first character; one at the
        # end, the last character left beyond the normalized text)
        head = mapped.startswith(" ")
        if head:
            dropped = [max(b - 1, 0) for b in dropped]
        tail = len(mapped) - removed - head > len(self.norm)
        self._drops, self._src = (drops, head, tail), None
        self._dropped = dropped or None
        self._deferred = False

    def _resolve_table(self) -> None:
        """`_resolve` by the translate path (the same text: only the offsets it works out
        are taken)."""
        found = _prepare_table(self.original)
        assert found is not None and found.norm == self.norm
        self._drops, self._src, self._dropped = found._drops, found._src, found._dropped
        self._deferred = False

    @property
    def src(self) -> list[int] | None:
        """Normalized index → index in ``original`` (None: the same index), with one
        more entry for the end."""
        if self._deferred:
            self._resolve()
        drops = self._drops
        if drops is not None:
            spans, head, tail = drops
            src: list[int] = []
            kept = 0
            for a, b in spans:
                src += range(kept, a)
                kept = b
            src += range(kept, len(self.original))
            if head:
                del src[0]
            if tail:
                src.pop()
            self._src = src
            self._drops = None
        return self._src

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A normalized span [start, end) as a span of the original text."""
        src = self.src
        if src is None:
            return start, end
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
            norm = self.norm
            flat = _ascii_stops(norm)
            if flat is not None:
                # the same in ASCII (English) text, where the only whitespace is " " and
                # the delimiters are bytes: the others translated to ".", a break is a
                # ". " or a last "."; the pieces between the ". " give their positions
                # (no test per delimiter: most are inside a number or a URL)
                pieces = flat.split(b". ")
                found = []
                at = -2
                for part in pieces[:-1]:
                    at += len(part) + 2
                    found.append(at)
                if flat.endswith(b"."):
                    found.append(len(flat) - 1)
            elif norm.isprintable() and " -" not in norm and " –" not in norm \
                    and " —" not in norm:
                # no whitespace but " " (whitespace is not printable, but for the space)
                # and no " - ": then the matches of _CLAUSE are the delimiter characters
                # that are not a Latin one followed by something other than a space.
                # One split finds the delimiters (no Python code per character): the
                # pieces alternate text, delimiter, text…, and a delimiter starts where
                # the text before it ends.
                parts = _DELIMITERS.split(norm)
                found = []
                if len(parts) > 1:
                    size = len(norm)
                    ends = list(accumulate(map(len, parts)))
                    for k in range(1, len(parts), 2):
                        at = ends[k - 1]
                        if at + 1 == size or norm[at + 1] == " " or parts[k] not in _LATIN_DELIMS:
                            found.append(at)
            else:
                found = [m.start() + (1 if m.group().startswith((" ", "\n")) else 0)
                         for m in _CLAUSE.finditer(norm)]
            if self._deferred:  # (`dropped` without the property's call)
                self._resolve()
            if self._dropped:
                found = sorted(found + self._dropped)
            self._breaks = found
        return self._breaks

    def stops(self) -> bytes | None:
        """For ASCII text whose clause breaks `breaks` finds in one split (no " - ", no
        line break dropped): the text as bytes with every Latin delimiter made a ".",
        where the breaks are exactly the positions of its ". " and of a last "." (so
        whether a break lies between two positions is one ``find``, with no list of
        every break); None for other text."""
        if self._deferred or self._dropped:
            return None
        return _ascii_stops(self.norm)

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
        word = WORD_CHARS
        left = start == 0 or not (word[norm[start]] and word[norm[start - 1]])
        right = end >= len(norm) or not (word[norm[end - 1]] and word[norm[end]])
        return left, right


def _ascii_stops(norm: str) -> bytes | None:
    """Printable ASCII text without " -" as bytes, its Latin delimiters made "." (the
    text whose clause breaks are its ". " and a last "."); None for other text. (Where
    ``isprintable`` would look up every character, the translate pass turns each
    control character into a NUL, one ``in`` away.)"""
    if not norm.isascii() or " -" in norm:
        return None
    flat = norm.encode("ascii").translate(_STOPS)
    # (an int: one memchr; b"\0" takes the substring search, four times as long)
    return None if 0 in flat else flat


def prepare(text: str) -> Prepared:
    """Normalize ``text`` for matching (linear time)."""
    # leading or trailing whitespace takes the full pass, which trims it: otherwise
    # " Pay now" would escape a pattern anchored with ^ that "Pay now" matches
    # (ASCII without control characters: the only whitespace is " ", so _ASCII_SLOW
    # finds something exactly when "  " is there)
    if text.isascii() and "  " not in text and not text.startswith(" ") \
            and not text.endswith(" "):
        # (one translate pass gives both whether the text is printable, where
        # ``isprintable`` would look up every character, and its letters, which language
        # detection asks of nearly every message)
        kinds = text.encode("ascii").translate(_ASCII_KINDS)
        if _CONTROL not in kinds:
            # the common case (English SMS): lower case is all there is to do
            out = Prepared(text, text.lower(), None)
            out.scripts = (0, kinds.count(_LETTER))
            return out
    return _prepare_fast(text) or _prepare_slow(text)


# -- the translate-table path ---------------------------------------------------------
#
# Most non-ASCII messages (Chinese ones, English ones with curly quotes or dashes) are
# made only of characters that normalize to exactly one character and are not
# combining marks. For those, `_prepare_slow`'s character loop is the same as: map every
# character through a table (``str.translate``: C speed; the table is filled from
# `normalize_char` the first time a character is seen), then a few edits found by a
# regular expression over each character's class: separators between two Han
# characters dropped, runs of whitespace collapsed to one space, line breaks
# remembered. Any other character (zero-width, combining, expanding) falls back to the
# loop, which stays the reference (tests compare the two).

_C_HAN, _C_SPACE, _C_NEWLINE, _C_SEP, _C_CLAUSE, _C_OTHER, _C_SLOW = "hsnpcox"
# edits, over the class string: a run of separators between two Han characters
# (dropped), a run of whitespace that is not one plain space (one space); the first
# pattern when the text has no such run of whitespace (most texts: it is much faster)
_DROPS = re.compile(r"h(?P<drop>[snpc]+)(?=h)")
_EDITS = re.compile(r"h(?P<drop>[snpc]+)(?=h)|(?P<space>[sn]{2,}|n)")


def _fast_entry(ch: str) -> tuple[str, str]:
    """(the one normalized character, its class letter); class ``x``: not for this path."""
    norm, cls = normalize_char(ch)
    if len(norm) != 1 or unicodedata.combining(ch):
        return ch, _C_SLOW
    if cls == _HAN:
        return norm, _C_HAN
    if cls == _SPACE:
        # every whitespace character is one space (a line break is remembered as a break)
        return " ", (_C_NEWLINE if norm == "\n" or ch == "\n" else _C_SPACE)
    if cls == _SEP:
        return norm, (_C_CLAUSE if norm in _CLAUSE_CHARS or ch in _CLAUSE_CHARS else _C_SEP)
    return norm, _C_OTHER


def _script(ch: str) -> str:
    """What `scripts` counts ``ch`` as: ``H`` Chinese, ``L`` Latin, ``-`` neither."""
    return "H" if _HAN_RE.match(ch) else "L" if _LATIN_RE.match(ch) else "-"


#: code point → its normalized character, its class letter (`_fast_entry`) and its
#: script letter (`_script`): one translate table (a plain dict: ``str.translate`` is
#: fastest with those) for all three, so one pass, filled as characters are first seen
#: (the script letters spare language detection a pass over Chinese text)
_TABLE: dict[int, str] = {}
#: the classes a character keeps no matter what is around it: a text whose only
#: non-ASCII characters are of these (and printable, without double spaces) is
#: normalized by `_prepare_latin`
_LONE = frozenset((_C_SEP, _C_CLAUSE, _C_OTHER))
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _learn(chars: Iterable[str]) -> None:
    for ch in chars:
        norm, cls = _fast_entry(ch)
        _TABLE[ord(ch)] = norm + cls + _script(ch)


_learn(chr(c) for c in range(256))


#: shorter texts skip `_prepare_han`: its character classes take ~0.12 s to build, once,
#: which a message pays back but a policy's phrases (all short; every run normalizes
#: them when it loads the packs) would not
HAN_MIN = 24


def _prepare_fast(text: str) -> Prepared | None:
    """`_prepare_slow`'s result for texts of one-for-one characters; None for others."""
    # (tried on mostly ASCII text only: Chinese text is not for it, and would pay for
    # looking at each of its characters)
    ascii_part = text.encode("ascii", "ignore")
    if len(ascii_part) * 4 >= len(text) * 3:
        found = _prepare_latin(text, ascii_part)
    elif len(text) >= HAN_MIN:
        found = _prepare_han(text, ascii_part)
    else:
        found = None
    return found or _prepare_table(text)


def _prepare_table(text: str) -> Prepared | None:
    """`_prepare_fast` by the translate table alone (the reference for `_prepare_latin`
    and `_prepare_han`)."""
    size = len(text)
    both = text.translate(_TABLE)
    # a character the table does not know yet stays as it is: one character, not three
    if len(both) != 3 * size:
        _learn({ch for ch in text if ord(ch) not in _TABLE})
        both = text.translate(_TABLE)
    classes = both[1::3]
    if _C_SLOW in classes:
        return None
    found = _classified(text, both[0::3], classes)
    marks = both[2::3]
    found.scripts = (marks.count("H"), marks.count("L"))
    return found


def _classified(text: str, mapped: str, classes: str) -> Prepared:
    """`_prepare_fast` once each character is mapped and classed."""
    if _C_NEWLINE in classes or "ss" in classes:
        return _edited(text, mapped, classes)
    if _C_HAN not in classes:  # nothing to drop or collapse: one character for one
        return _trimmed_lazy(text, mapped, [], [])
    # (most Chinese text) only separators between Han characters to drop: the pieces
    # between them are kept (their offsets worked out only if asked)
    pieces: list[str] = []
    drops: list[tuple[int, int]] = []
    breaks: list[int] = []
    kept = 0  # where the next piece starts
    removed = 0  # characters dropped so far
    for m in _DROPS.finditer(classes):
        a, b = m.span(1)
        if classes.find(_C_CLAUSE, a, b) >= 0:
            breaks.append(a - removed)
        pieces.append(mapped[kept:a])
        drops.append((a, b))
        removed += b - a
        kept = b
    if not removed:
        return _trimmed_lazy(text, mapped, [], breaks)
    pieces.append(mapped[kept:])
    return _trimmed_lazy(text, "".join(pieces), drops, breaks)


# -- Chinese text without the table pass ----------------------------------------------
#
# `str.translate` looks every character of a Chinese text up in a dict (~50 ns each: an
# int object is made per character beyond Latin-1), when nearly all of them are Han
# characters that are already Simplified: their normalized form is themselves, their
# class Han. `_prepare_han` looks up only the others (punctuation, fullwidth forms,
# Traditional characters: a few distinct ones per message), as `_prepare_latin` does for
# English, and drops the separators between Han characters with one substitution.

_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # is_han
#: (characters that are neither printable ASCII nor a Han character that is its own
#: normalized form, separators between two Han characters); built when first needed
_HAN_RES: tuple[re.Pattern[str], re.Pattern[str]] | None = None
#: the distinct other characters of a text → how `_prepare_han` treats them (None: not
#: for it): (replacements, those counted as Chinese, those counted as Latin)
_HAN_PLANS: dict[frozenset[str], tuple[list[tuple[str, str]], tuple[str, ...],
                                       tuple[str, ...]] | None] = {}
_HAN_PLANS_KEPT = 4096
#: plans are kept only for sets of at most this many characters (a message has a few;
#: a text of thousands of distinct rare characters would make one plan a large key)
_PLAN_CHARS = 64


def plain_han() -> list[str]:
    """The Han characters of the Basic Multilingual Plane's unified blocks that normalize
    to themselves (all but the Traditional ones OpenCC converts), each asked of
    `_normalize_char` (~50 ms, once)."""
    chars = map(chr, (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    return [ch for ch in chars if _normalize_char(ch) == (ch, _HAN)]


def _han_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    global _HAN_RES
    if _HAN_RES is None:
        plain = _ranges(map(ord, plain_han()))
        # a separator in normalized text: a space, or a character `_classify` calls one
        # (punctuation, symbols, format and control characters) that is not Han
        seps = _ranges(c for c in range(0x10000) if c == 32 or _classify(chr(c)) == _SEP)
        han = _HAN_CLASS
        _HAN_RES = (re.compile("[^\\x20-\\x7e" + plain + "]"),
                    re.compile(f"[{seps}](?<=[{han}][{seps}])[{seps}]*(?=[{han}])"))
    return _HAN_RES


def _ranges(code_points: Iterable[int]) -> str:
    """Ascending code points as the inside of a regular expression's character class."""
    runs: list[list[int]] = []
    for cp in code_points:
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in runs)


def _han_plan(odd: frozenset[str]) -> tuple[list[tuple[str, str]], tuple[str, ...],
                                           tuple[str, ...]] | None:
    swaps = []
    han: list[str] = []
    latin: list[str] = []
    for ch in odd:
        entry = _TABLE.get(ord(ch))
        if entry is None:
            _learn((ch,))
            entry = _TABLE[ord(ch)]
        norm, cls, script = entry[0], entry[1], entry[2]
        # (a space would need runs collapsed; the separators expression knows the
        # Basic Multilingual Plane's, so another plane's character must become Han
        # (a Traditional one may become a Simplified one there); `lower` must leave the
        # character as it is)
        if (cls not in _LONE and cls != _C_HAN) or ch.lower() != ch \
                or (ord(norm) > 0xFFFF and cls != _C_HAN):
            return None
        if norm != ch:
            if norm in odd:  # a later replace would change it again
                return None
            swaps.append((ch, norm))
        if script == "H":
            han.append(ch)
        elif script == "L":
            latin.append(ch)
    return swaps, tuple(han), tuple(latin)


def _prepare_han(text: str, ascii_part: bytes) -> Prepared | None:
    """`_prepare_table` for printable text without double spaces made mostly of Han
    characters that are their own normalized form: the text is its lower case with the
    other characters replaced by their normalized ones (each a separator, Han or
    other, as in the table; `_han_plan`), less the separators between Han characters;
    the script counts are the table's. The spans dropped and the breaks they leave are
    worked out only if asked (`Prepared.dropped`). None for other texts."""
    if not text.isprintable() or "  " in text:
        return None
    others, drop = _HAN_RES or _han_res()
    odd = others.findall(text)
    plan = _planned(_HAN_PLANS, frozenset(odd), _han_plan)
    if plan is None:
        return None
    swaps, han, latin = plan
    mapped = text.lower()
    for ch, norm in swaps:
        mapped = mapped.replace(ch, norm)
    norm_text = drop.sub("", mapped)
    head = norm_text.startswith(" ")
    if head:
        norm_text = norm_text[1:]
    if norm_text.endswith(" "):
        norm_text = norm_text[:-1]
    out = Prepared(text, norm_text, None)
    if len(norm_text) == len(mapped):  # nothing dropped or trimmed: one for one
        out._drops = ([], False, False)
    else:
        out._deferred = True
        out._mapped = mapped
    letters = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    # (most texts' other characters are punctuation, counted as neither: no sum)
    han_count = len(text) - len(ascii_part) - len(odd)
    out.scripts = (han_count + sum(map(odd.count, han)) if han else han_count,
                   letters + sum(map(odd.count, latin)) if latin else letters)
    return out


_NO_PLAN: Any = object()
_Plan = TypeVar("_Plan")


def _planned(plans: dict[frozenset[str], _Plan | None], odd: frozenset[str],
             make: Callable[[frozenset[str]], _Plan | None]) -> _Plan | None:
    """``make(odd)``, kept in ``plans`` for the next text with the same characters (for
    sets of at most `_PLAN_CHARS`; the cache is emptied at `_HAN_PLANS_KEPT` entries)."""
    plan = plans.get(odd, _NO_PLAN)
    if plan is _NO_PLAN:
        plan = make(odd)
        if len(odd) <= _PLAN_CHARS:
            if len(plans) >= _HAN_PLANS_KEPT:
                plans.clear()
            plans[odd] = plan
    return plan


def _prepare_latin(text: str, ascii_part: bytes) -> Prepared | None:
    """`_prepare_fast` for printable text without double spaces whose non-ASCII
    characters (curly quotes, dashes in an English text) each keep their class
    wherever they are (`_LONE`: nothing dropped or collapsed around them) and are
    their own lower case: then the text is its lower case (all an ASCII character
    becomes) with each of those characters replaced by its normalized one, without
    a table lookup per character. ``ascii_part`` is the text's ASCII characters. The
    script counts are worked out on the way, as `_prepare_han` does (`scripts` would
    run two regular expressions over the whole text, for its few other characters).
    None for other texts."""
    if not text.isprintable() or "  " in text:
        return None  # whitespace other than single spaces, control characters
    # (a text's other characters are a few, from a small set: dashes, curly quotes)
    odd = _NON_ASCII.findall(text)
    plan = _planned(_LATIN_PLANS, frozenset(odd), _latin_plan)
    if plan is None:
        return None
    swaps, wide, han, latin = plan
    mapped = text.lower()
    for ch, norm in swaps:
        mapped = mapped.replace(ch, norm)
    found = _trimmed_lazy(text, mapped, [], [])
    found.wide = wide
    letters = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    found.scripts = (sum(map(odd.count, han)) if han else 0,
                     letters + sum(map(odd.count, latin)) if latin else letters)
    return found


#: the distinct characters beyond ASCII of a text → how `_prepare_latin` treats them
#: (None: not for it): (replacements, the normalized ones beyond ASCII, those counted as
#: Chinese, those counted as Latin)
_LATIN_PLANS: dict[frozenset[str], tuple[list[tuple[str, str]], frozenset[str],
                                         tuple[str, ...], tuple[str, ...]] | None] = {}


def _latin_plan(odd: frozenset[str]) -> tuple[list[tuple[str, str]], frozenset[str],
                                             tuple[str, ...], tuple[str, ...]] | None:
    swaps = []
    for ch in odd:
        entry = _TABLE.get(ord(ch))
        if entry is None:
            _learn((ch,))
            entry = _TABLE[ord(ch)]
        if entry[1] not in _LONE or ch.lower() != ch:
            return None
        if entry[0] != ch:
            if entry[0] in odd:  # a later replace would change it again (none today)
                return None
            swaps.append((ch, entry[0]))
    wide = frozenset(ch for ch in (_TABLE[ord(c)][0] for c in odd) if not ch.isascii())
    # (each character's script letter, as in the table: what `scripts` counts it as)
    return (swaps, wide, tuple(c for c in odd if _TABLE[ord(c)][2] == "H"),
            tuple(c for c in odd if _TABLE[ord(c)][2] == "L"))


def _edited(text: str, mapped: str, classes: str) -> Prepared:
    """`_prepare_fast` for text with line breaks or runs of whitespace (and perhaps
    separators between Han characters)."""
    keep = bytearray(b"\x01") * len(text)  # 0: the character is dropped
    breaks: list[int] = []
    removed = 0  # characters dropped so far
    for m in _EDITS.finditer(classes):
        kind = m.lastgroup or ""  # one of the two groups always took part
        a, b = m.span(kind)
        if kind == "drop":
            if _C_NEWLINE in classes[a:b] or _C_CLAUSE in classes[a:b]:
                breaks.append(a - removed)
            keep[a:b] = bytes(b - a)
            removed += b - a
        else:
            # one space (the first character, mapped to one) for the run; each line
            # break in it is a break: before the space if it comes first, else after it
            size = a - removed
            if classes[a] == _C_NEWLINE:
                breaks.append(size)
            later = classes.count(_C_NEWLINE, a + 1, b)
            if later:
                breaks.extend([size + 1] * later)
            keep[a + 1:b] = bytes(b - a - 1)
            removed += b - a - 1
    if not removed:
        return _trimmed(text, mapped, list(range(len(mapped))), breaks)
    return _trimmed(text, "".join(compress(mapped, keep)), list(compress(range(len(text)), keep)),
                    breaks)


def _trimmed_lazy(text: str, norm_text: str, drops: list[tuple[int, int]],
                  breaks: list[int]) -> Prepared:
    """`_trimmed` for the text less the spans ``drops``, the offset map made when a
    finding first asks for it (`Prepared.src`)."""
    head = norm_text.startswith(" ")
    if head:
        norm_text = norm_text[1:]
        breaks = [max(b - 1, 0) for b in breaks]
    tail = norm_text.endswith(" ")
    if tail:
        norm_text = norm_text[:-1]
    out = Prepared(text, norm_text, None, breaks or None)
    out._drops = (drops, head, tail)
    return out


def _trimmed(text: str, norm_text: str, src: list[int], breaks: list[int]) -> Prepared:
    """Without the leading and trailing space (one at most: runs were collapsed)."""
    if norm_text.startswith(" "):
        norm_text = norm_text[1:]
        del src[0]
        breaks = [max(b - 1, 0) for b in breaks]
    if norm_text.endswith(" "):
        norm_text = norm_text[:-1]
        src.pop()
    return Prepared(text, norm_text, src, breaks or None)


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


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
#: an ASCII character's kind: a control character (what ``isprintable`` rejects), a
#: letter (what `scripts` counts as Latin), or another one
_CONTROL, _LETTER, _OTHER_ASCII = 0, 1, 2
_ASCII_KINDS = bytes(_CONTROL if c < 32 or c == 127 else _LETTER if c in _ASCII_LETTERS
                     else _OTHER_ASCII for c in range(256))
_LATIN_BEYOND_ASCII = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def scripts(text: str) -> tuple[int, int]:
    """(Chinese characters, Latin letters) in ``text``, as ``_HAN_RE`` and ``_LATIN_RE``
    count them: what language detection uses. No per-character Python loop, and no
    list of every match: ASCII letters are what deleting them takes away (from the
    text's ASCII characters), Chinese ones what the runs between them leave."""
    ascii_part = text.encode("ascii", "ignore")
    latin = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    if len(ascii_part) == len(text):
        return 0, latin
    return (len(text) - sum(map(len, _NOT_HAN_RUNS.findall(text))),
            latin + len(_LATIN_BEYOND_ASCII.findall(text)))
