"""``identity``: the name a message shows (``sender``: an SMS sender id, an email's From
name, the business name on an envelope) must be one of the collector's names and must
not say "debt collection" (§1006.22(f)(1), FDCPA 1692f(8)).

``names`` lists the accepted names (compared normalized: case, width and spacing do
not matter); the account fact ``business_names`` adds to them. With neither, only
the debt-collection test is made. ``indicators`` are the words that give the
business away; ``field`` may also be ``subject`` (an envelope's or postcard's
visible text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..content.analysis import Segment
from ..content.check import STRINGS, TERMS_OBJECT, ContentCheck, fact
from ..content.check import schema as content_schema
from ..content.terms import INDEX
from ..content.text import normalize, prepare
from ..model import Finding
from ..state import Context


class Identity(ContentCheck):
    KIND = "identity"
    DEFAULT_MESSAGE = "the sender's name is not an accepted one"
    PARAMS = content_schema({
        "field": {"enum": ["sender", "subject"], "default": "sender"},
        "names": {**STRINGS, "default": []},
        "indicators": {**TERMS_OBJECT, "default": {}},
    })

    def configure_content(self, params: Mapping[str, Any]) -> None:
        self.field = params.get("field", "sender")
        self.names = frozenset(normalize(n) for n in params.get("names", ()))
        self.indicators = self.matcher(params.get("indicators") or {}, "indicators")
        if not self.names and not self.indicators:
            raise ValueError("give names, indicators or both")

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        value = ctx.event.sender if self.field == "sender" else ctx.event.subject
        if not value or ctx.event.direction != "outbound":
            return None
        prep = prepare(value)
        seg = Segment(self.field, "collector", prep, INDEX.scan(prep.norm))
        problem: tuple[str, tuple[int, int] | None] | None = None
        span = self.indicators.first(seg) if self.indicators else None
        if span is not None:
            problem = ("the name says the business collects debts", span)
        else:
            names = set(self.names)
            known = fact(ctx, "business_names")
            if isinstance(known, (list, tuple, frozenset, set)):
                names |= {normalize(str(n)) for n in known}
            if names and prep.norm.strip() not in names:
                problem = (f"'{value}' is not one of the collector's names", None)
        if problem is None:
            return None
        verdict, missing = self.gate(ctx)
        if verdict is not None:
            return None
        return [self.content_finding(ctx, problem[0], seg, problem[1], missing)]
