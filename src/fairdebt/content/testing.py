"""Rules that carry their own examples: ``tests: {flag: [...], pass: [...]}``.

Each example is a message (a string: the ``text``) or a mapping with any of
``text``, ``subject``, ``transcript``, ``lang``, ``sender``, ``public``, the
contact's ``channel``, ``outcome``, ``message``, ``direction``, ``party``,
``communication`` (``initial`` or ``later``), account ``facts`` and, for a flag
example, the expected ``severity``. Fields left out are taken from the rule's
``when`` (a rule for ``channel: [sms, email]`` is tried on a text), so an example
is a message the rule really looks at. A ``flag`` example must give a finding, a
``pass`` example none. The policy loader runs them (a rule whose examples
misbehave does not load); ``fairdebt test-policy`` reports them one by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..checks.base import Check
from ..model import Event, Finding
from ..policy.model import thaw
from ..state import Account, Context
from .fields import parse_lang, parse_transcript

_WHEN = datetime(2026, 1, 5, 15, 0, tzinfo=timezone.utc)
_DEFAULTS = {"channel": "sms", "direction": "outbound", "party": "consumer",
             "purpose": "collection"}
_OUTCOME = {"call": "conversation", "sms": "delivered", "email": "delivered",
            "letter": "sent", "social": "delivered", "visit": "conversation",
            "other": "delivered"}
PREFERRED = {"channel": ("sms", "email", "call", "letter")}


class _FactsAccount(Account):
    """An account with facts (the consumer directory's, when that exists)."""

    __slots__ = ("facts",)

    def __init__(self, facts: Mapping[str, Any]) -> None:
        super().__init__()
        self.facts = facts


@dataclass(frozen=True)
class Outcome:
    kind: str  # "flag" or "pass"
    index: int
    ok: bool
    text: str
    reason: str


class ExampleError(ValueError):
    pass


def _pick(name: str, values: frozenset[Any], current: Any) -> Any:
    if current in values:
        return current
    for preferred in PREFERRED.get(name, ()):
        if preferred in values:
            return preferred
    return sorted(values, key=str)[0]


def build_event(check: Check, example: Any, index: int = 0, prior: bool = False) -> Event:
    """The contact an example stands for, shaped to pass the rule's ``when``."""
    spec: dict[str, Any] = {"text": example} if isinstance(example, str) else dict(example)
    values: dict[str, Any] = dict(_DEFAULTS)
    rule = check.rule
    for name, allowed in rule.when.match:
        if name not in spec:
            values[name] = _pick(name, allowed, values.get(name))
    for name in ("channel", "direction", "party", "outcome", "message", "purpose",
                 "destination_type", "disclosed_debt", "opt_out_notice"):
        if name in spec:
            values[name] = spec[name]
    if "outcome" not in values:
        values["outcome"] = _OUTCOME.get(values["channel"], "delivered")
    region = rule.regions[0] if rule.regions else None
    try:
        transcript = parse_transcript(spec.get("transcript"), ExampleError)
        lang = parse_lang(spec.get("lang"), ExampleError)
    except ExampleError as exc:
        raise ValueError(str(exc)) from None
    if prior:  # an earlier communication about the same debt, with no words logged
        return Event(_WHEN.replace(hour=9), _WHEN.replace(hour=9).timestamp(), "TEST",
                     f"prior-{index}", channel=values["channel"], direction="outbound",
                     party="consumer", outcome=_OUTCOME.get(values["channel"], "delivered"),
                     debt_ids=("D1",), region=region, file="<test>", line=index)
    return Event(
        _WHEN, _WHEN.timestamp(), "TEST", f"example-{index}", channel=values["channel"],
        direction=values["direction"], party=values["party"], outcome=values.get("outcome"),
        debt_ids=("D1",), destination_type=values.get("destination_type"), region=region,
        purpose=values["purpose"], message=values.get("message"),
        disclosed_debt=values.get("disclosed_debt"), opt_out_notice=values.get("opt_out_notice"),
        file="<test>", line=index, text=spec.get("text"), subject=spec.get("subject"),
        transcript=transcript, lang=lang, sender=spec.get("sender"), public=spec.get("public"))


def run_example(check: Check, example: Any, index: int = 0) -> list[Finding]:
    """The findings the rule gives for one example, on a fresh account."""
    spec = example if isinstance(example, Mapping) else {}
    account = _FactsAccount(dict(spec.get("facts") or {}))
    state = check.new_state()
    communication = spec.get("communication") or (
        "later" if check.params.get("communication") == "later" else "initial")
    utc = (("UTC", timezone.utc),)
    account.note_debts(("D1",))
    if communication == "later":  # what the engine records of an earlier communication
        account.note_communication(build_event(check, example, index, prior=True).debt_ids)
    ev = build_event(check, example, index)
    if not check.selects(ev):
        raise ValueError("the rule's 'when' does not select this example (give the "
                         "contact's fields so that it does)")
    return check.evaluate(Context(ev, account, utc, (ev.timestamp,),
                                  ev.timestamp.toordinal(), True), state) or []


def run_tests(check: Check, tests: Mapping[str, Any]) -> list[Outcome]:
    out: list[Outcome] = []
    for kind in ("flag", "pass"):
        for i, frozen in enumerate(tests.get(kind) or ()):
            example = thaw(frozen)  # a policy's params and tests are read-only proxies
            text = _label(example)
            try:
                found = run_example(check, example, i)
            except (ValueError, KeyError, TypeError) as exc:
                out.append(Outcome(kind, i, False, text, f"cannot run: {exc}"))
                continue
            want = example.get("severity") if isinstance(example, Mapping) else None
            if kind == "flag" and not found:
                out.append(Outcome(kind, i, False, text, "expected a finding, got none"))
            elif kind == "flag" and want and not any(f.severity == want for f in found):
                got = ", ".join(sorted({f.severity for f in found}))
                out.append(Outcome(kind, i, False, text,
                                   f"expected a {want} finding, got {got}"))
            elif kind == "pass" and found:
                out.append(Outcome(kind, i, False, text,
                                   f"expected no finding, got: {found[0].message}"))
            else:
                out.append(Outcome(kind, i, True, text, ""))
    return out


def _label(example: Any) -> str:
    if isinstance(example, str):
        text = example
    elif isinstance(example, Mapping):
        text = str(example.get("text") or example.get("subject") or example.get("sender")
                   or example.get("transcript") or "")
    else:
        text = str(example)
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:69] + "…"
