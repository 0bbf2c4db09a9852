"""The content check kinds, through the engine, on small policies written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import fairdebt

T = "2026-04-01T{}:00-04:00"


def policy(tmp_path: Path, rules: str, lexicons: str = "") -> fairdebt.Policy:
    path = tmp_path / "p.yaml"
    path.write_text(f"id: t\n{lexicons}rules:\n{rules}", encoding="utf-8")
    return fairdebt.load_policy(path)


def run(pol: fairdebt.Policy, *rows: dict[str, Any]) -> list[fairdebt.Finding]:
    full = []
    for i, r in enumerate(rows):
        base = {"timestamp": T.format(f"{10 + i:02d}:00"), "consumer_id": "C1",
                "event_id": f"e{i + 1}", "channel": "sms", "timezone": "America/New_York"}
        full.append({**base, **r})
    report = fairdebt.check(full, pol)
    assert not report.rejected, report.rejected
    return list(report.findings)


FORBID = """
  - id: t/arrest
    check: forbid_phrases
    params:
      phrases: [arrest, jail, will sue]
      unless: {phrases: [will not sue, won't sue]}
      suggestion: state only actions you intend and are allowed to take
"""


def test_forbid_phrases_points_at_the_collectors_words(tmp_path: Path) -> None:
    pol = policy(tmp_path, FORBID)
    (f,) = run(pol, {"text": "Pay today or the police will ARREST you. Call 212-555-0199"})
    assert f.rule == "t/arrest" and f.severity == "error"
    assert f.content is not None
    assert f.content["field"] == "text" and f.content["match"] == "ARREST"
    text = "Pay today or the police will ARREST you. Call 212-555-0199"
    assert text[f.content["start"]:f.content["end"]] == "ARREST"
    assert "555-0199" not in f.content["snippet"] and "0199" in f.content["snippet"]
    assert "instead: state only actions" in f.message


def test_only_the_collectors_words_can_break_a_forbid_rule(tmp_path: Path) -> None:
    pol = policy(tmp_path, FORBID)
    transcript = json.dumps([
        {"speaker": "consumer", "text": "I'll have you arrested, I'm calling the police"},
        {"speaker": "collector", "text": "I understand. We can set up a plan."}])
    assert run(pol, {"text": "You should be in jail", "direction": "inbound"},
               {"channel": "call", "outcome": "conversation", "transcript": transcript}) == []
    bad = json.dumps([{"speaker": "consumer", "text": "hello"},
                      {"speaker": "collector", "text": "you will go to jail"}])
    (f,) = run(pol, {"channel": "call", "outcome": "conversation", "transcript": bad})
    assert f.content is not None and f.content["field"] == "transcript[1]"


def test_unless_excuses_only_within_the_same_clause(tmp_path: Path) -> None:
    pol = policy(tmp_path, FORBID)
    assert run(pol, {"text": "We will not sue you over this."}) == []
    (f,) = run(pol, {"text": "We won't sue today, but next week we will sue."})
    assert f.content is not None and f.content["match"] == "will sue"


def test_a_missing_fact_makes_a_warning_that_names_it(tmp_path: Path) -> None:
    pol = policy(tmp_path, """
  - id: t/garnish
    check: forbid_phrases
    params: {phrases: [garnish your wages], unless_facts: [judgment, secured]}
""")
    (f,) = run(pol, {"text": "We will garnish your wages."})
    assert f.severity == "warning"
    assert "judgment" in f.message and "secured" in f.message
    assert f.content is not None and f.content["missing_facts"] == ["judgment", "secured"]


def test_logs_without_words_give_no_content_findings(tmp_path: Path) -> None:
    pol = policy(tmp_path, FORBID + """
  - id: t/mini-miranda
    check: require_phrases
    params: {wordings: {en: [debt collector]}}
""")
    assert run(pol, {"outcome": "delivered"}, {"channel": "call", "outcome": "conversation"}) == []


def test_cooccurrence_within_a_clause_or_a_window(tmp_path: Path) -> None:
    pol = policy(tmp_path, """
  - id: t/contacts
    check: forbid_cooccurrence
    params:
      groups: [{lexicons: [x/who]}, {lexicons: [x/tell]}]
      within: 12
""", "lexicons:\n  x/who: [通讯录, 同事, 单位]\n  x/tell: [通知, 曝光, 群发]\n")
    (f,) = run(pol, {"text": "再不还款，我们就联系你的同事，通知他们"})
    assert f.content is not None and "同事" in f.content["match"]
    assert run(pol, {"text": "你的同事很好。" + "今天天气不错，" * 3 + "请注意通知"}) == []
    clause = policy(tmp_path, """
  - id: t/contacts
    check: forbid_cooccurrence
    params:
      groups: [{phrases: [your employer]}, {phrases: [tell, inform]}]
""")
    assert run(clause, {"text": "We will tell your employer."})
    assert run(clause, {"text": "Your employer is not involved. Tell us a time to call."}) == []


MIRANDA = """
  - id: t/mini-miranda
    check: require_phrases
    when: {direction: outbound}
    params:
      communication: initial
      what: the debt-collector disclosure
      wordings:
        en: [attempt to collect a debt]
        zh: [催收]
"""


def test_require_phrases_in_the_initial_communication_only(tmp_path: Path) -> None:
    pol = policy(tmp_path, MIRANDA)
    found = run(pol,
                {"channel": "call", "outcome": "voicemail", "message": "limited_content"},
                {"text": "Hi Pat, please call us back about your account today."},
                {"text": "Hi Pat, a reminder: please call us back about your account."})
    # the limited-content voicemail was an attempt: the text after it is the initial one
    assert [f.event_id for f in found] == ["e2"]
    assert "attempt to collect a debt" in found[0].message


def test_require_phrases_in_every_language_the_message_uses(tmp_path: Path) -> None:
    pol = policy(tmp_path, MIRANDA)
    both = ("This is an attempt to collect a debt; information will be used for that "
            "purpose. 您好，请尽快联系我们处理您的账户问题。")
    (f,) = run(pol, {"text": both})
    assert f.content is not None and f.content["missing_languages"] == ["zh"]
    assert run(pol, {"text": both.replace("您好", "您好，这是催收通知")}) == []
    (w,) = run(pol, {"text": "Este es un intento de cobrar una deuda.", "lang": "es"})
    assert w.severity == "warning" and "es" in w.message


def test_initial_is_per_debt(tmp_path: Path) -> None:
    pol = policy(tmp_path, MIRANDA)
    found = run(pol,
                {"text": "This is an attempt to collect a debt.", "debt_id": "A"},
                {"text": "Please call us about your balance.", "debt_id": "A"},
                {"text": "Please call us about your other balance.", "debt_id": "B"})
    assert [f.event_id for f in found] == ["e3"]


VOICEMAIL = """
  - id: t/limited
    check: closed_content
    when: {outcome: voicemail, message: limited_content}
    params:
      residue_budget: 0
      slots:
        - {name: name, capitalized: true}
        - {name: intro, phrases: [this is, calling from, calling]}
        - {name: reply request, required: true, phrases: [please contact, please call]}
        - {name: phone, required: true, patterns: ['(1-)?\\d{3}-\\d{3}-\\d{4}']}
      filler: {phrases: [me, or, at]}
      forbidden: {phrases: [debt, collector]}
"""


@pytest.mark.parametrize(("text", "flagged"), [
    ("This is Robin Smith calling from ABC Inc. Please contact me or Jim Johnson at "
     "1-800-555-1212.", False),
    ("This is Robin Smith from ABC Inc., a debt collector. Please call 800-555-1212.", True),
    ("This is Robin Smith. Please call me at 800-555-1212 about your overdue bill.", True),
    ("This is Robin Smith calling from ABC Inc.", True),
])
def test_closed_content(tmp_path: Path, text: str, flagged: bool) -> None:
    pol = policy(tmp_path, VOICEMAIL)
    found = run(pol, {"channel": "call", "outcome": "voicemail", "message": "limited_content",
                      "text": text})
    assert bool(found) == flagged, found


def test_identity(tmp_path: Path) -> None:
    pol = policy(tmp_path, """
  - id: t/envelope
    check: identity
    when: {channel: letter}
    params:
      names: [ABC Inc]
      indicators: {phrases: [collection*, debt]}
""")
    ok = {"channel": "letter", "outcome": "sent"}
    assert run(pol, {**ok, "sender": "abc  INC"}) == []
    (f,) = run(pol, {**ok, "sender": "ABC Debt Recovery"})
    assert "collects debts" in f.message
    (g,) = run(pol, {**ok, "sender": "XYZ LLC"})
    assert "not one of" in g.message
