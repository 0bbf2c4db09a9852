"""``closed_content``: a message that may hold only some kinds of content (a
limited-content voicemail, §1006.2(j): business name, a request to reply, a person's
name, a phone number, and the optional salutation, date and time, times to reply
and "any of our representatives").

Each of ``slots`` is one allowed kind of content: phrases, patterns, lexicons, or
``capitalized: true`` for names (runs of capitalized words as written). A slot
with ``required: true`` must be present. What no slot covers is the *residue*: its
words, less ``filler`` words ("or", "at", "me"), may number at most
``residue_budget``. A ``forbidden`` match anywhere (even inside a name: "ABC Debt
Recovery") breaks the message. The finding says which of the three it was.
With ``only_if``, the rule applies only to messages where that matches (an opt-out
confirmation is recognized by its wording).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from ..content.analysis import Segment
from ..content.check import TERMS, TERMS_OBJECT, ContentCheck, Matcher, schema
from ..content.text import normalize
from ..model import Finding
from ..state import Context

# capitalized words as written (names: "Robin Smith", "ABC Inc."); linear: no nesting
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’&.-]*(?:[ \t]+[A-Z][\w'’&.-]*)*")
_WORD = re.compile(r"\w+")

SLOT = {
    "type": "object", "additionalProperties": False, "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "required": {"type": "boolean", "default": False},
        "capitalized": {"type": "boolean", "default": False},
        **TERMS,
    },
}


class _Slot:
    __slots__ = ("capitalized", "match", "name", "required")

    def __init__(self, name: str, required: bool, capitalized: bool, match: Matcher) -> None:
        self.name, self.required, self.capitalized, self.match = (name, required,
                                                                 capitalized, match)


class ClosedContent(ContentCheck):
    KIND = "closed_content"
    DEFAULT_MESSAGE = "content outside what this message may hold"
    PARAMS = schema({
        "slots": {"type": "array", "minItems": 1, "items": SLOT},
        "filler": {**TERMS_OBJECT, "default": {}},
        "forbidden": {**TERMS_OBJECT, "default": {}},
        "residue_budget": {"type": "integer", "minimum": 0, "default": 0},
        "only_if": {**TERMS_OBJECT, "default": {}},
        "what": {"type": "string", "default": "the message"},
    }, required=("slots",))

    def configure_content(self, params: Mapping[str, Any]) -> None:
        self.slots = []
        for i, slot in enumerate(params["slots"]):
            # slots and forbidden words are looked for only in messages the rule reads
            match = self.matcher(slot, f"slots[{i}]", lazy=True)
            capitalized = bool(slot.get("capitalized", False))
            if not match and not capitalized:
                raise ValueError(f"slots[{i}] ({slot['name']}): give phrases, patterns, "
                                 "lexicons or capitalized: true")
            self.slots.append(_Slot(slot["name"], bool(slot.get("required", False)),
                                    capitalized, match))
        filler = params.get("filler") or {}
        words = list(filler.get("phrases", ()))
        for name in filler.get("lexicons", ()):
            if name not in self.lexicons:
                raise ValueError(f"filler: unknown lexicon '{name}'")
            words += self.lexicons[name]
        self.filler = frozenset(normalize(w) for w in words)
        self.forbidden = self.matcher(params.get("forbidden") or {}, "forbidden", lazy=True)
        self.budget = int(params.get("residue_budget", 0))
        self.only_if = self.matcher(params.get("only_if") or {}, "only_if")
        self.what = params.get("what", "the message")
        if self.only_if:  # otherwise not the message the rule is about
            self.phrase_gate = self.only_if.gate()

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        segs = self.words(ctx)
        if not segs:
            return None
        if self.only_if and not any(self.only_if.present(seg) for seg in segs):
            return None  # not the kind of message the rule is about
        present: set[str] = set()
        residue: list[tuple[Segment, int, int]] = []
        for seg in segs:
            if self.forbidden:
                span = self.forbidden.first(seg)
                if span is not None:
                    return self._report(ctx, f"{self.what} says what it must not", seg, span,
                                        reason="forbidden")
            residue += self._residue(seg, present)
        absent = [s.name for s in self.slots if s.required and s.name not in present]
        if absent:
            return self._report(ctx, f"{self.what} lacks required content: "
                                     + ", ".join(absent), segs[0], None, reason="incomplete",
                                missing_slots=absent)
        if len(residue) > self.budget:
            seg, start, end = residue[0]
            words = [s.prep.norm[a:b] for s, a, b in residue[:8]]
            return self._report(ctx, f"{self.what} has {len(residue)} word(s) outside the "
                                     f"allowed content (at most {self.budget}): "
                                     + " ".join(words), seg, (start, end), reason="residue",
                                residue=len(residue))
        return None

    def _residue(self, seg: Segment, present: set[str]) -> list[tuple[Segment, int, int]]:
        prep = seg.prep
        norm = prep.norm
        covered = bytearray(len(norm))
        for slot in self.slots:
            spans = list(slot.match.find(seg)) if slot.match else []
            if slot.capitalized:
                spans += [self._to_norm(prep.src, m.start(), m.end(), len(norm))
                          for m in _CAPITALIZED.finditer(prep.original)]
            for start, end in spans:
                if end > start:
                    covered[start:end] = b"\x01" * (end - start)
                    present.add(slot.name)
        out = []
        filler = self.filler
        for m in _WORD.finditer(norm):
            start, end = m.span()
            if covered[start:end].count(0) == 0 or m.group() in filler:
                continue
            out.append((seg, start, end))
        return out

    @staticmethod
    def _to_norm(src: list[int] | None, start: int, end: int, size: int) -> tuple[int, int]:
        """An original span as a normalized one."""
        if src is None:
            return start, end
        return bisect_left(src, start), min(bisect_left(src, end), size)

    def _report(self, ctx: Context, detail: str, seg: Segment, span: tuple[int, int] | None,
                **extra: Any) -> list[Finding] | None:
        verdict, missing = self.gate(ctx)
        if verdict is not None:
            return None
        return [self.content_finding(ctx, detail, seg, span, missing, **extra)]
