"""``require_phrases``: one of several accepted wordings must appear, in every language
the message uses (the mini-Miranda, "from a debt collector", an opt-out instruction).

Languages come from the log's ``lang`` column, else from the script of the
collector's words: Chinese characters → ``zh``, Latin letters → ``latin_default``
(``en``). A language with no accepted wording configured gives a warning (the rule
cannot tell), a language whose wordings are all absent an error.

``communication: initial`` / ``later`` restricts the rule to the collector's first
communication with the consumer about a debt, or to the ones after it. "Initial" is
derived from the log in time order, per consumer and debt: a communication is a
contact with the consumer (or someone treated as the consumer) that conveyed
something — a conversation, a delivered or sent message, a voicemail that is not a
limited-content message (§1006.2(j): that is an attempt, not a communication);
unanswered calls, failed messages and limited-content voicemails are not. A call the
consumer made counts (comment 18(e)(1)-1). Events with no words logged still count
toward what is initial; they are just not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from ..content.analysis import Segment, Words
from ..content.analysis import words as words_of
from ..content.check import STRINGS, TERMS_OBJECT, ContentCheck, Matcher, schema
from ..model import Event, Finding
from ..state import Context
from .base import Batch, Check, routed
from .third_party import NOT_REACHED

LANG_TAG = "^[a-z]{2,3}$"


def is_communication(ev: Event) -> bool:
    """Whether a contact was a communication with the consumer (see the module doc)."""
    if not ev.is_consumer_side or ev.event != "contact":
        return False
    if ev.direction == "inbound" and ev.channel != "call":
        return False  # the consumer's own message carries none of the collector's words
    if ev.outcome in NOT_REACHED:
        return False
    if ev.outcome == "voicemail" and ev.message in ("limited_content", "none"):
        return False
    return not (ev.direction == "inbound" and ev.outcome != "conversation")


def languages(segs: Sequence[Segment], latin_default: str) -> tuple[str, ...]:
    """Languages by script: each counts when it is at least a sixth of the words (a
    Chinese character ~ a word, five Latin letters ~ a word)."""
    if len(segs) == 1:  # a text message
        han, latin = segs[0].scripts
    else:
        han = latin = 0
        for seg in segs:
            h, lat = seg.scripts
            han += h
            latin += lat
    words = han + latin / 5
    out = []
    if han >= 2 and han >= words / 6:
        out.append("zh")
    if latin >= 10 and latin / 5 >= words / 6:
        out.append(latin_default)
    return tuple(out)


class RequirePhrases(ContentCheck):
    KIND = "require_phrases"
    DEFAULT_MESSAGE = "required wording missing"
    PARAMS = schema({
        "wordings": {
            "type": "object", "minProperties": 1,
            "propertyNames": {"pattern": LANG_TAG},
            "additionalProperties": {"anyOf": [STRINGS, TERMS_OBJECT]},
        },
        "communication": {"enum": ["any", "initial", "later"], "default": "any"},
        "latin_default": {"type": "string", "pattern": LANG_TAG, "default": "en"},
        "what": {"type": "string", "default": ""},
    }, required=("wordings",))

    def configure_content(self, params: Mapping[str, Any]) -> None:
        self.wordings: dict[str, Matcher] = {}
        self.examples: dict[str, str] = {}
        for lang, spec in params["wordings"].items():
            terms = {"phrases": list(spec)} if not isinstance(spec, Mapping) else spec
            # no literal pre-check: a wording's pattern runs only when none of its
            # phrases is there, and each literal would lengthen every message's scan
            self.wordings[lang] = self.matcher(terms, f"wordings.{lang}", literals=False)
            if not self.wordings[lang]:
                raise ValueError(f"wordings.{lang}: give at least one wording")
            phrases = terms.get("phrases") or ()
            self.examples[lang] = phrases[0] if phrases else ""
        self.communication = params.get("communication", "any")
        self.latin_default = params.get("latin_default", "en")
        self.what = params.get("what", "") or "an accepted wording"
        # "initial" depends on the whole history: the engine keeps, per consumer, which
        # debts have had a communication (`Account.initial`), with or without words
        self.stateful = self.communication != "any"

        # whether the rule's `when` and regions take an event depends on these fields only
        # (one field's value, or a tuple of several: not typed as a tuple, which the
        # compiled build would check)
        self._applies_key: Callable[[Event], Any] = attrgetter(
            *sorted(self.rule.when.fields | {"region"}))
        self._applies_seen: dict[Any, bool] = {}
        #: (absent languages, "", languages without wordings) → a finding's detail
        self._details: dict[tuple[str, ...], str] = {}

    TRACKS_COMMUNICATIONS = True

    @classmethod
    def batched(cls, checks: list[Check]) -> Batch | None:
        rules = [c for c in checks if isinstance(c, RequirePhrases)]
        return RequireBatch(rules) if len(rules) == len(checks) else None

    @property
    def fields(self) -> frozenset[str]:
        if not self.stateful:
            return super().fields
        return super().fields | {"party", "event", "direction", "channel", "outcome",
                                 "message"}

    def selects(self, ev: Event) -> bool:
        # a rule about initial or later communications sees every communication with the
        # consumer (its own `when` is applied in evaluate), as its tests expect
        if self.stateful:
            # (a consumer outside the rule's regions is never its business: `evaluate`
            # would say nothing, so the engine need not call it)
            return is_communication(ev) and routed(self.regions, ev.region)
        return super().selects(ev)

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        ev = ctx.event
        if ctx.quiet or not ev.has_content:
            # history replayed for decide() (the engine records communications), or no
            # words logged: nothing to check the wording of
            return None
        if self.stateful:
            if not self._applies(ev) or not is_communication(ev):
                return None  # an attempt is neither initial nor later
            if ctx.account.initial(ev.debt_ids) != (self.communication == "initial"):
                return None
        return self._check(ctx)

    def _applies(self, ev: Event) -> bool:
        key = self._applies_key(ev)
        found = self._applies_seen.get(key)
        if found is None:
            if len(self._applies_seen) >= 4096:
                self._applies_seen.clear()
            found = self._applies_seen[key] = bool(self.rule.when(ev)
                                                   and routed(self.regions, ev.region))
        return found

    def _check(self, ctx: Context) -> list[Finding] | None:
        ev = ctx.event
        if self.collector_words and ev.channel != "letter":
            # the usual case: the words and languages shared by all
            analyzed = words_of(ev)
            segs: Sequence[Segment] = analyzed.collector
            if not segs:
                return None
            langs = ev.lang or _detected(analyzed, self.latin_default)
        else:
            segs = inside(ev, self.words(ctx))
            if not segs:
                return None
            langs = ev.lang or languages(segs, self.latin_default)
        return self._verdict(ctx, segs, langs)

    def _verdict(self, ctx: Context, segs: Sequence[Segment], langs: tuple[str, ...]
                 ) -> list[Finding] | None:
        """The finding when some language in ``langs`` lacks its wording in ``segs``."""
        absent: list[str] = []
        unknown: list[str] = []
        wordings = self.wordings
        for lang in langs:
            matcher = wordings.get(lang)
            if matcher is None:
                unknown.append(lang)
                continue
            for seg in segs:
                if matcher.present(seg):
                    break
            else:
                absent.append(lang)
        if not absent and not unknown:
            return None
        return self._report(ctx, segs, langs, absent, unknown)

    def _report(self, ctx: Context, segs: Sequence[Segment], langs: tuple[str, ...],
                absent: list[str], unknown: list[str]) -> list[Finding] | None:
        """The finding for wordings ``absent`` and languages without any (``unknown``),
        unless the facts allow it."""
        verdict, missing = self.gate(ctx)
        if verdict is not None:
            return None
        # (the same words for the same languages: one rule's findings mostly repeat one;
        # a language with wordings is never "", so the first "" ends the absent ones)
        key = (*absent, "", *unknown)
        detail = self._details.get(key)
        if detail is None:
            if len(self._details) >= 256:  # the languages may be the log's own (`lang`)
                self._details.clear()
            detail = self._details[key] = self._detail(absent, unknown)
        if absent:
            return [self.content_finding(ctx, detail, segs[0], None, missing,
                                         languages=list(langs), missing_languages=absent)]
        return [self.content_finding(ctx, detail, segs[0], None, missing, severity="warning",
                                     languages=list(langs), unconfigured_languages=unknown)]

    def _detail(self, absent: list[str], unknown: list[str]) -> str:
        """What a finding says: the wordings ``absent``, else the languages without any."""
        which = "initial communication" if self.communication == "initial" else \
            "later communication" if self.communication == "later" else "message"
        if absent:
            hints = "; ".join(f"{lang}: e.g. \"{self.examples[lang]}\"" if self.examples[lang]
                              else lang for lang in absent)
            return f"{self.what} is missing from this {which} ({hints})"
        return (f"the message uses {', '.join(unknown)}, for which the rule has no accepted "
                f"wording: cannot tell whether {self.what} is there")


def inside(ev: Event, segs: Sequence[Segment]) -> Sequence[Segment]:
    """The segments a required wording may be in: a letter's ``subject`` is what shows
    outside it, its envelope, which must not show it (§1006.22(f)(2), comment
    22(f)(2)-1): only the letter's own words count (none logged: nothing to check)."""
    if ev.channel != "letter":
        return segs
    return tuple(seg for seg in segs if seg.field != "subject")


def _detected(analyzed: Words, latin_default: str) -> tuple[str, ...]:
    """The languages of the collector's words, worked out once per event."""
    found = analyzed.langs.get(latin_default)
    if found is None:
        segs = analyzed.collector
        if len(segs) != 1:
            found = languages(segs, latin_default)
        else:
            # `languages` (the reference) for a text message, without its list: every
            # English and Chinese message asks
            han, latin = segs[0].scripts
            words = han + latin / 5
            zh = han >= 2 and han >= words / 6
            if latin >= 10 and latin / 5 >= words / 6:
                found = ("zh", latin_default) if zh else (latin_default,)
            else:
                found = ("zh",) if zh else ()
        analyzed.langs[latin_default] = found
    return found


class RequireBatch(Batch):
    """A pack's `require_phrases` rules, one after the other in a dispatch, as one call:
    whether the event is a communication, whether it is the initial one, the
    collector's words and their languages are worked out once for all of them
    (`RequirePhrases.evaluate` is the reference, and what this does rule by rule).

    The engine makes a batch for one dispatch, i.e. for events that agree on every
    field some rule selects on (`Check.fields`); whether an event is a communication
    and a rule's own ``when`` and regions (`RequirePhrases._applies`) read only such
    fields, so they are asked of the first event and hold for the others."""

    def __init__(self, checks: list[RequirePhrases]) -> None:
        super().__init__(list(checks))
        self.rules = checks
        #: the rules that can speak for this dispatch's events: whether some are about
        #: initial or later communications, then those that speak on an initial one and
        #: those on a later one (each list in the rules' order; the same list when none
        #: is timed), each rule with what it asks: (rule, whether it reads the shared
        #: collector's words, its latin_default, its wordings); None: not known yet
        self._live: tuple[bool, tuple[_Live, ...], tuple[_Live, ...]] | None = None

    def _plan(self, ev: Event) -> tuple[bool, tuple[_Live, ...], tuple[_Live, ...]]:
        if not ev.has_content:
            return False, (), ()
        talk = is_communication(ev)
        live = [c for c in self.rules if not c.stateful or (talk and c._applies(ev))]

        def speaking(initial: bool) -> tuple[_Live, ...]:
            return tuple((c, c.collector_words, c.latin_default, c.wordings) for c in live
                         if not c.stateful or (c.communication == "initial") == initial)

        timed = any(c.stateful for c in live)
        return timed, speaking(True), speaking(False) if timed else speaking(True)

    def evaluate(self, ctx: Context, state: None) -> list[Finding] | None:
        plan = self._live
        ev = ctx.event
        if plan is None:
            plan = self._live = self._plan(ev)
        if ctx.quiet:
            return None
        timed, first, later = plan
        # (whether it is the initial communication is asked once for all the rules)
        live = (first if ctx.account.initial(ev.debt_ids) else later) if timed else first
        if not live:
            return None
        if ev.channel == "letter":  # (rare) rule by rule: a letter's envelope is left out
            return _merged(rule._check(ctx) for rule, *_ in live)
        analyzed: Words | None = None
        segs: tuple[Segment, ...] = ()
        own = ev.lang
        out: list[Finding] | None = None
        for check, collector_words, latin_default, wordings in live:
            if collector_words:
                if analyzed is None:
                    analyzed = words_of(ev)
                    segs = analyzed.collector
                if not segs:
                    continue
                # (the rules of a pack mostly share a latin_default: one detection)
                langs = own or analyzed.langs.get(latin_default) \
                    or _detected(analyzed, latin_default)
                matcher = wordings.get(langs[0]) if len(langs) == 1 else None
                if matcher is not None:  # the usual message: one language, one text
                    if matcher.present(segs[0]):
                        continue
                    found = check._report(ctx, segs, langs, [langs[0]], []) \
                        if len(segs) == 1 else check._verdict(ctx, segs, langs)
                else:
                    found = check._verdict(ctx, segs, langs)
            else:
                found = check._check(ctx)
            if found:
                out = found if out is None else out + found
        return out


def _merged(found: Iterable[list[Finding] | None]) -> list[Finding] | None:
    out = [f for got in found if got for f in got]
    return out or None


#: a rule as `RequireBatch` runs it: the rule, whether it reads the collector's words
#: shared by all, its latin_default, its wordings
_Live = tuple[RequirePhrases, bool, str, dict[str, Matcher]]
