"""``forbid_phrases``: words the collector must not write or say.

Phrases, RE2 patterns and lexicons; a match is excused when one of the ``unless``
phrases is in the same clause ("will not hesitate to sue" is a threat, "we will not
sue you" is not). Facts can decide: ``when_facts`` must all be true for the words to
be a violation (a suit threat is one on a time-barred debt), any of ``unless_facts``
true makes them allowed (garnishment after a judgment); an unknown deciding fact
turns the finding into a warning that names it. One finding per event: the first
match, with the number of others.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..content.analysis import Segment
from ..content.check import TERMS, TERMS_OBJECT, ContentCheck, schema
from ..model import Finding
from ..state import Context


class ForbidPhrases(ContentCheck):
    KIND = "forbid_phrases"
    DEFAULT_MESSAGE = "forbidden words"
    PARAMS = schema({
        **TERMS,
        "unless": {**TERMS_OBJECT, "default": {}},
        "suggestion": {"type": "string", "default": ""},
    })

    def configure_content(self, params: Mapping[str, Any]) -> None:
        self.match = self.matcher(params)
        if not self.match:
            raise ValueError("give at least one of phrases, patterns, lexicons")
        # (no literal pre-check: it runs only after a match)
        self.unless = self.matcher(params.get("unless") or {}, "unless", literals=False)
        self.suggestion = params.get("suggestion", "")
        # nothing to find unless one of the phrases, or each clause of the literals a
        # pattern cannot match without, is in the words (`Matcher.gate`)
        self.phrase_gate = self.match.gate()

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        found = None
        count = 0
        for seg in self.words(ctx):
            for span in self.match.matches(seg):
                if self.unless and self._excused(seg, span):
                    continue
                count += 1
                if found is None:
                    found = (seg, span)
        if found is None:
            return None
        verdict, missing = self.gate(ctx)
        if verdict is not None:
            return None
        seg, span = found
        detail = "said" if seg.field.startswith("transcript") else "wrote"
        more = f" (and {count - 1} more)" if count > 1 else ""
        suffix = more + (f"; instead: {self.suggestion}" if self.suggestion else "")
        return [self.content_finding(ctx, f"the collector {detail}", seg, span, missing,
                                     suffix)]

    def _excused(self, seg: Segment, span: tuple[int, int]) -> bool:
        lo, hi = seg.prep.clause(*span)
        return any(lo <= s and e <= hi for s, e in self.unless.matches(seg))
