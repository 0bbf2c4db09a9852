"""What the content check kinds share: params, matching, account facts, findings.

A content rule looks only at events that carry words (``text``, ``subject`` or a
``transcript``): a log without content columns produces no content findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..checks.base import Check
from ..facts import FACT_NAMES
from ..model import Event, Finding
from ..policy.model import Rule
from ..report.pii import mask_text
from ..state import Context
from . import terms
from .analysis import Segment, has_content
from .analysis import words as words_of
from .literals import required
from .terms import Literal, Phrase, TermIndex, compile_pattern, may_match, probe
from .text import WORD_CHARS

FIELDS = ("text", "subject", "transcript")
FACTS = ("time_barred", "judgment", "secured", "litigation_intended", "offer_expires_at",
         "fees_allowed", "business_names", "public")
SNIPPET = 40  # characters of context each side of a match

STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
#: phrases, patterns and lexicons: the three ways to say what to look for
TERMS: dict[str, Any] = {
    "phrases": {**STRINGS, "default": []},
    "patterns": {**STRINGS, "default": []},
    "lexicons": {**STRINGS, "default": []},
}
TERMS_OBJECT: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "properties": TERMS,
}
#: a rule may name only facts a facts file can give (a misspelt one would never be known)
FACT_LIST: dict[str, Any] = {"type": "array", "items": {"enum": list(FACT_NAMES)},
                             "uniqueItems": True, "default": []}
#: params every content kind accepts
COMMON: dict[str, Any] = {
    "fields": {"type": "array", "items": {"enum": list(FIELDS)}, "uniqueItems": True,
               "minItems": 1, "default": list(FIELDS)},
    "when_facts": FACT_LIST,
    "unless_facts": FACT_LIST,
    "public_only": {"type": "boolean", "default": False},
}


def schema(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "additionalProperties": False,
                           "properties": {**properties, **COMMON}}
    if required:
        out["required"] = list(required)
    return out


class Matcher:
    """Phrases, patterns and lexicon entries, found in a segment's normalized text.

    Each pattern comes with the literals it cannot match without
    (`literals.required`), interned in the shared index: when the one scan of a
    segment found none of a clause's literals, RE2 is not run (`may_run`)."""

    __slots__ = ("_bounds", "_patterns", "_phrases", "lazy", "patterns", "tids", "tidset",
                 "words")

    def __init__(self, spec: Mapping[str, Any], lexicons: Mapping[str, tuple[str, ...]],
                 label: str = "", lazy: bool = False, literals: bool = True) -> None:
        #: phrases in `terms.LAZY`: looked for only when this matcher is used, so they
        #: make no message's scan longer (and can gate nothing)
        self.lazy = lazy
        # the module's indexes looked up now (a caller may swap them: the fuzz harness)
        index = terms.LAZY if lazy else terms.INDEX
        where = f"{label}: " if label else ""
        words: list[str] = list(spec.get("phrases", ()))
        for name in spec.get("lexicons", ()):
            if name not in lexicons:
                raise ValueError(f"{where}unknown lexicon '{name}' (known: "
                                 f"{', '.join(sorted(lexicons)) or 'none'})")
            words += lexicons[name]
        #: phrase id → whether it may end inside a word (a ``*`` prefix)
        self.tids: dict[int, bool] = {}
        phrases = []
        for word in words:
            try:
                phrase = Phrase(word, index)
            except ValueError as exc:
                raise ValueError(f"{where}{exc}") from None
            self.tids[phrase.tid] = self.tids.get(phrase.tid, False) or phrase.prefix
            phrases.append(phrase)
        self.tidset = frozenset(self.tids)
        #: phrase id → (the phrase, whether a match must start on a word boundary,
        #: whether it must end on one): what `Segment.any_span` works out per call, once
        is_word = WORD_CHARS
        self._bounds = {tid: (text, is_word[text[0]], is_word[text[-1]] and not self.tids[tid])
                        for tid, text in ((p.tid, p.text) for p in phrases)}
        self.words = len(words)
        self.patterns = tuple(compile_pattern(p) for p in spec.get("patterns", ()))
        # ``literals=False``: no pre-check, so no literal in the scan (where a pattern
        # runs only after some other test, the scan would pay on every message for an
        # RE2 call saved on a few)
        held: list[Literal] = []
        #: (pattern, pre-check clauses of phrase ids, the highest id in them, whether
        #: every match holds a literal: then it is never empty, and RE2 saying "a
        #: match" is enough, what `may_match` asks)
        self._patterns = tuple(
            (rx, *(_precheck(rx.pattern, index, held) if literals else ((), -1)),
             bool(required(rx.pattern)), probe(rx)) for rx in self.patterns)
        # holding them keeps their ids in the index
        self._phrases: tuple[Phrase | Literal, ...] = (*phrases, *held)

    def __bool__(self) -> bool:
        return bool(self.tids or self.patterns)

    def gate(self) -> tuple[frozenset[int], ...] | None:
        """Sets of phrase ids such that `find` can only find something in words whose
        scan found an id of every set (None: no such promise). A match is a phrase or
        a match of some pattern, which holds a literal of each of its clauses: so the
        phrases together with one clause of each pattern make a set, for every choice
        of clauses."""
        if self.lazy or (not self.tids and not self.patterns):
            return None
        pres = [pattern[1] for pattern in self._patterns]
        if not all(pres):
            return None  # a pattern without literals: anything may match
        depth = max(map(len, pres), default=1)
        return tuple(self.tidset.union(*(pre[min(i, len(pre) - 1)] for pre in pres))
                     for i in range(depth))

    def _phrase_spans(self, seg: Segment) -> list[tuple[int, int]]:
        """The phrases' matches in text order."""
        common = self.tidset.intersection(seg.ids)
        if not common:
            return []
        tids = self.tids
        spans = seg.spans
        if len(common) == 1:
            (tid,) = common
            return [(start, end) for start, _hit, end in spans(tid, tids[tid])]
        found = []
        for tid in common:
            found += spans(tid, tids[tid])
        found.sort()
        return [(start, end) for start, _hit, end in found]

    def find(self, seg: Segment) -> Iterator[tuple[int, int]]:
        """Matches as normalized spans, phrases (in text order) before patterns."""
        if self.lazy:
            seg = seg.lazy()
        if self.tids:
            yield from self._phrase_spans(seg)
        for rx, pre, top, _solid, raw in self._patterns:
            if not may_run(raw, pre, top, seg):
                continue
            for m in rx.finditer(seg.prep.norm):
                if m.end() > m.start():
                    yield m.start(), m.end()

    def matches(self, seg: Segment) -> list[tuple[int, int]]:
        """``list(find(seg))``."""
        if self.lazy:
            seg = seg.lazy()
        out = self._phrase_spans(seg) if self.tids else []
        for rx, pre, top, _solid, raw in self._patterns:
            if may_run(raw, pre, top, seg):
                out += [m.span() for m in rx.finditer(seg.prep.norm) if m.end() > m.start()]
        return out

    def first(self, seg: Segment) -> tuple[int, int] | None:
        return next(self.find(seg), None)

    def present(self, seg: Segment) -> bool:
        """Whether `find` would find anything (``first(seg) is not None``), without
        putting the matches in order."""
        if self.lazy:
            seg = seg.lazy()
        if self.tids:
            common = self.tidset.intersection(seg.ids)
            if common:
                # `Segment.any_span` (the reference) inline, the phrase's boundary tests
                # worked out when the matcher was made: this runs for every wording of
                # every message
                norm = seg.prep.norm
                word = WORD_CHARS
                bounds = self._bounds
                for tid in common:
                    phrase, left, right = bounds[tid]
                    at = norm.find(phrase)
                    while at >= 0:
                        if not (left and at and word[norm[at - 1]]):
                            end = at + len(phrase)
                            if not right or end >= len(norm) or not word[norm[end]]:
                                return True
                        at = norm.find(phrase, at + 1)
        for rx, pre, top, solid, raw in self._patterns:
            if not may_run(raw, pre, top, seg):
                continue
            if solid:  # a match holds a literal: it is never empty
                return True
            for m in rx.finditer(seg.prep.norm):
                if m.end() > m.start():
                    return True
        return False


def _precheck(pattern: str, index: TermIndex, held: list[Literal]
              ) -> tuple[tuple[frozenset[int], ...], int]:
    """A pattern's required literals (`literals.required`) as clauses of phrase ids in
    ``index`` (their `terms.Literal` holders added to ``held``), and the highest of
    those ids (-1: none)."""
    clauses: list[frozenset[int]] = []
    for clause in required(pattern):
        literals = [Literal(lit, index) for lit in clause]
        held += literals
        clauses.append(frozenset(lit.tid for lit in literals))
    return tuple(clauses), max((max(c) for c in clauses), default=-1)


def may_run(raw: Any, pre: tuple[frozenset[int], ...], top: int, seg: Segment) -> bool:
    """False when a pattern certainly has no match in the segment: a clause of its
    required literals has none in the segment's scan (a scan that looked for them all),
    or RE2 finds nothing (`terms.may_match`, asking ``raw``, the pattern's
    `terms.probe`)."""
    if pre and top < seg.known:
        ids = seg.ids
        for clause in pre:
            if clause.isdisjoint(ids):
                return False
        return may_match(raw, seg)
    return may_match(raw, seg)


def fact(ctx: Context, name: str) -> Any:
    """An account fact for the event's debts (None: unknown). Facts come from the consumer
    directory or a facts file (`fairdebt.facts`: for a contact about several debts, the
    value they all share, and every name for ``business_names``); a bare ``facts``
    mapping on the account (a rule's own examples) is read as it is."""
    facts = ctx.facts
    if facts is not None:
        return facts.value(ctx.event.consumer_id, ctx.event.debt_ids, name)
    own = getattr(ctx.account, "facts", None)
    if isinstance(own, Mapping):
        return own.get(name)
    return None


def fact_scopes(ctx: Context) -> tuple[Mapping[str, Any], ...]:
    """The facts of each debt the event concerns (see `fairdebt.facts.Facts.scopes`)."""
    facts = ctx.facts
    if facts is not None:
        return facts.scopes(ctx.event.consumer_id, ctx.event.debt_ids)
    own = getattr(ctx.account, "facts", None)
    return (own,) if isinstance(own, Mapping) else ({},)


SKIP = "skip"
COLLECTOR = frozenset({"collector"})


class ContentCheck(Check):
    """Base of the content kinds: which words to read and when the facts allow them."""

    #: which speakers' words the kind reads (forbid kinds: only the collector's)
    SPEAKERS: frozenset[str] = COLLECTOR
    #: the kind has nothing to say about a row without words: dispatch skips such rows
    NEEDS_CONTENT: bool = True

    @property
    def fields(self) -> frozenset[str]:
        base = super().fields
        return base | {"has_content"} if self.NEEDS_CONTENT else base

    def selects(self, ev: Event) -> bool:
        return (not self.NEEDS_CONTENT or ev.has_content) and super().selects(ev)

    def __init__(self, rule: Rule) -> None:
        self.lexicons: Mapping[str, tuple[str, ...]] = getattr(rule, "lexicons", {}) or {}
        super().__init__(rule)

    def configure(self, params: Mapping[str, Any]) -> None:
        fields = tuple(params.get("fields", FIELDS))
        self.read_text = "text" in fields
        self.read_subject = "subject" in fields
        self.read_transcript = "transcript" in fields
        self.when_facts = tuple(params.get("when_facts", ()))
        self.unless_facts = tuple(params.get("unless_facts", ()))
        self.public_only = bool(params.get("public_only", False))
        #: the rule reads every field, the collector's words only: `words` is then the
        #: event's `analysis.Words.collector`, worked out once for every rule
        self.collector_words = self.read_text and self.read_subject and \
            self.read_transcript and self.SPEAKERS == COLLECTOR
        self.configure_content(params)

    def configure_content(self, params: Mapping[str, Any]) -> None:
        """The kind's own params."""

    def matcher(self, spec: Mapping[str, Any], label: str = "", lazy: bool = False,
                literals: bool = True) -> Matcher:
        return Matcher(spec, self.lexicons, label, lazy, literals)

    def words(self, ctx: Context) -> Sequence[Segment]:
        """The segments this rule reads: its fields, said by its speakers."""
        if not has_content(ctx.event):
            return ()
        analyzed = words_of(ctx.event)
        if self.collector_words:
            return analyzed.collector
        speakers = self.SPEAKERS
        out = []
        for seg in analyzed.segments:
            if seg.speaker not in speakers:
                continue
            name = seg.field
            if (name == "text" and self.read_text) or (name == "subject" and self.read_subject) \
                    or (self.read_transcript and name.startswith("transcript")):
                out.append(seg)
        return out

    def gate(self, ctx: Context) -> tuple[str | None, tuple[str, ...]]:
        """Whether the facts let the rule speak: (SKIP, ()) when they make the words
        allowed; (None, missing) otherwise, ``missing`` naming unknown facts that
        would decide it (the finding is then only a warning)."""
        missing: list[str] = []
        if self.public_only:
            if ctx.event.public is False:
                return SKIP, ()
            if ctx.event.public is None:
                missing.append("public")
        if not self.when_facts and not self.unless_facts:
            return None, tuple(missing)
        # a contact about several debts: the words break the rule if they break it for
        # any of them, are allowed only if allowed for every one, else a warning
        scopes = fact_scopes(ctx)
        unknown: dict[str, None] = {}
        allowed = 0
        for facts in scopes:
            gap = self.debt_gate(facts)
            if gap is None:
                allowed += 1
            elif not gap:
                return None, tuple(missing)
            else:
                unknown.update(dict.fromkeys(gap))
        if allowed == len(scopes):
            return SKIP, ()
        return None, tuple(missing) + tuple(n for n in unknown if n not in missing)

    def debt_gate(self, facts: Mapping[str, Any]) -> tuple[str, ...] | None:
        """For one debt's facts: None when they allow the words (a ``when_facts`` fact
        false, or an ``unless_facts`` one true); () when the words break the rule;
        else the unknown facts that would decide."""
        missing: list[str] = []
        for name in self.when_facts:
            value = facts.get(name)
            if value is None:
                missing.append(name)
            elif not value:
                return None
        for name in self.unless_facts:
            value = facts.get(name)
            if value is None:
                missing.append(name)
            elif value:
                return None
        return tuple(missing)

    def content_finding(self, ctx: Context, detail: str, seg: Segment | None = None,
                        span: tuple[int, int] | None = None,
                        missing: tuple[str, ...] = (), suffix: str = "", *,
                        severity: str | None = None, **extra: Any) -> Finding:
        """A finding that points at the words: ``span`` is in ``seg``'s normalized text.
        ``suffix`` ends the message; ``severity`` overrides the rule's (a warning where
        the rule cannot tell)."""
        content: dict[str, Any] = {}
        if seg is not None:
            content["field"] = seg.field
            if span is not None:
                start, end = seg.prep.span(*span)
                original = seg.prep.original
                content.update(start=start, end=end, match=_masked(original[start:end]),
                               snippet=snippet(original, start, end))
                detail = f"{detail}: \"{content['match']}\" in {seg.field} " \
                         f"(\"{content['snippet']}\")"
        content.update(extra)
        if missing:
            detail += ("; it depends on " + ", ".join(missing) + ", not known for this "
                       "account: give the fact to decide")
            content["missing_facts"] = list(missing)
        elif ctx.facts is not None and len(ctx.event.debt_ids) > 1 and (
                self.when_facts or self.unless_facts):
            # several debts: say which of them the facts make it a violation for
            debts = [d for d, facts in zip(ctx.event.debt_ids, fact_scopes(ctx), strict=True)
                     if self.debt_gate(facts) == ()]
            if debts:
                detail += f"; a violation for debt {', '.join(debts)} by its account facts"
                content["fact_debts"] = debts
        # made once with its final message and severity (a dataclasses.replace afterwards
        # costs about as much as making the finding)
        warn = (missing or severity == "warning") and self.rule.severity == "error"
        return self.finding(ctx, detail, suffix=suffix, severity="warning" if warn else None,
                            content=content or None)


def snippet(text: str, start: int, end: int, width: int = SNIPPET) -> str:
    """The words around [start, end) on one line, phone numbers and emails masked."""
    size = len(text)
    a = max(0, start - width)
    b = min(size, end + width)
    # widen to whole words where that is cheap (and never past the width twice over):
    # to the whitespace before and after, found in C (`snippet_loop` steps a character at
    # a time, the whole way in Chinese text, which has none)
    if a > 0:
        low = max(0, start - 2 * width)
        found = _LAST_WHITESPACE.search(text, low, a)
        a = found.end() if found else low
    if b < size:
        high = min(size, end + 2 * width)
        found = _WHITESPACE.search(text, b, high)
        b = found.start() if found else high
    piece = " ".join(text[a:b].split())
    return ("…" if a > 0 else "") + _masked(piece) + ("…" if b < size else "")


#: ``\s`` is `str.isspace` (both ask Py_UNICODE_ISSPACE; a test checks every code point)
_WHITESPACE = re.compile(r"\s")
#: the last whitespace before the end of the searched range
_LAST_WHITESPACE = re.compile(r"\s(?=\S*\Z)")


def snippet_loop(text: str, start: int, end: int, width: int = SNIPPET) -> str:
    """`snippet` a character at a time (the reference its test compares with)."""
    a = max(0, start - width)
    b = min(len(text), end + width)
    while a > 0 and a > start - 2 * width and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and b < end + 2 * width and not text[b].isspace():
        b += 1
    piece = " ".join(text[a:b].split())
    return ("…" if a > 0 else "") + _masked(piece) + ("…" if b < len(text) else "")


#: seven digits (``\d``, as the phone expression), anything between them: anchored
#: (``match``), so one linear pass, where ``search`` would rescan from every digit
_SEVEN_DIGITS = re.compile(r"(?:\D*\d){7}")
_ASCII_DIGITS = b"0123456789"


def _masked(text: str) -> str:
    """``mask_text(text)``, skipped when there is nothing it could mask: an email
    address needs an "@", and a number is masked only with at least `pii.MIN_DIGITS`
    (seven) digits, all of them ``\\d`` characters of the text (in ASCII text, 0-9:
    counted as what deleting them takes away)."""
    if "@" not in text:
        if text.isascii():
            if len(text) - len(text.encode("ascii").translate(None, _ASCII_DIGITS)) < 7:
                return text
        elif _SEVEN_DIGITS.match(text) is None:
            return text
    return mask_text(text)
