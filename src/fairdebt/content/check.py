"""What the content check kinds share: params, matching, account facts, findings.

A content rule looks only at events that carry words (``text``, ``subject`` or a
``transcript``): a log without content columns produces no content findings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from ..checks.base import Check
from ..facts import FACT_NAMES
from ..model import Event, Finding
from ..policy.model import Rule
from ..report.pii import mask_text
from ..state import Context
from .analysis import Segment, has_content, segments
from .terms import Phrase, compile_pattern, may_match
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
    """Phrases, patterns and lexicon entries, found in a segment's normalized text."""

    __slots__ = ("_phrases", "patterns", "tids", "tidset", "words")

    def __init__(self, spec: Mapping[str, Any], lexicons: Mapping[str, tuple[str, ...]],
                 label: str = "") -> None:
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
                phrase = Phrase(word)
            except ValueError as exc:
                raise ValueError(f"{where}{exc}") from None
            self.tids[phrase.tid] = self.tids.get(phrase.tid, False) or phrase.prefix
            phrases.append(phrase)
        self._phrases = tuple(phrases)  # holding them keeps their ids in the index
        self.tidset = frozenset(self.tids)
        self.words = len(words)
        self.patterns = tuple(compile_pattern(p) for p in spec.get("patterns", ()))

    def __bool__(self) -> bool:
        return bool(self.tids or self.patterns)

    def find(self, seg: Segment) -> Iterator[tuple[int, int]]:
        """Matches as normalized spans, phrases (in text order) before patterns."""
        tids = self.tids
        common = self.tidset.intersection(seg.by_tid) if tids and seg.hits else ()
        if common:
            by_tid = seg.by_tid
            spans = sorted((start, end, tid) for tid in common for start, end in by_tid[tid])
            boundary = seg.prep.boundary_ok
            for start, end, tid in spans:
                prefix = tids[tid]
                left, right = boundary(start, end)
                if not left:
                    continue
                if right:
                    yield start, end
                elif prefix:  # the rest of the word is part of the match
                    norm = seg.prep.norm
                    while end < len(norm) and WORD_CHARS[norm[end]]:
                        end += 1
                    yield start, end
        for rx in self.patterns:
            if not may_match(rx, seg):
                continue
            for m in rx.finditer(seg.prep.norm):
                if m.end() > m.start():
                    yield m.start(), m.end()

    def first(self, seg: Segment) -> tuple[int, int] | None:
        return next(self.find(seg), None)

    def present(self, seg: Segment) -> bool:
        """Whether `find` would find anything (``first(seg) is not None``), without
        putting the matches in order."""
        tids = self.tids
        if tids and seg.hits:
            by_tid = seg.by_tid
            common = self.tidset.intersection(by_tid)
            if common:
                boundary = seg.prep.boundary_ok
                for tid in common:
                    prefix = tids[tid]
                    for start, end in by_tid[tid]:
                        left, right = boundary(start, end)
                        if left and (right or prefix):
                            return True
        for rx in self.patterns:
            if not may_match(rx, seg):
                continue
            for m in rx.finditer(seg.prep.norm):
                if m.end() > m.start():
                    return True
        return False


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


class ContentCheck(Check):
    """Base of the content kinds: which words to read and when the facts allow them."""

    #: which speakers' words the kind reads (forbid kinds: only the collector's)
    SPEAKERS: frozenset[str] = frozenset({"collector"})
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
        self.configure_content(params)

    def configure_content(self, params: Mapping[str, Any]) -> None:
        """The kind's own params."""

    def matcher(self, spec: Mapping[str, Any], label: str = "") -> Matcher:
        return Matcher(spec, self.lexicons, label)

    def words(self, ctx: Context) -> list[Segment]:
        """The segments this rule reads: its fields, said by its speakers."""
        if not has_content(ctx.event):
            return []
        speakers = self.SPEAKERS
        if self.read_text and self.read_subject and self.read_transcript:  # the default
            return [seg for seg in segments(ctx.event) if seg.speaker in speakers]
        out = []
        for seg in segments(ctx.event):
            if seg.speaker not in self.SPEAKERS:
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
                        missing: tuple[str, ...] = (), **extra: Any) -> Finding:
        """A finding that points at the words: ``span`` is in ``seg``'s normalized text."""
        content: dict[str, Any] = {}
        if seg is not None:
            content["field"] = seg.field
            if span is not None:
                start, end = seg.prep.span(*span)
                original = seg.prep.original
                content.update(start=start, end=end, match=mask_text(original[start:end]),
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
        found = self.finding(ctx, detail)
        if missing and found.severity == "error":
            found = dataclasses.replace(found, severity="warning")
        return dataclasses.replace(found, content=content or None)


def snippet(text: str, start: int, end: int, width: int = SNIPPET) -> str:
    """The words around [start, end) on one line, phone numbers and emails masked."""
    a = max(0, start - width)
    b = min(len(text), end + width)
    # widen to whole words where that is cheap (and never past the width twice over)
    while a > 0 and a > start - 2 * width and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and b < end + 2 * width and not text[b].isspace():
        b += 1
    piece = " ".join(text[a:b].split())
    return ("…" if a > 0 else "") + mask_text(piece) + ("…" if b < len(text) else "")
