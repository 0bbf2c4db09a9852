"""Content rules in policies: their own tests, RE2 at load time, lexicons and overlays."""

from __future__ import annotations

from pathlib import Path

import pytest

import fairdebt
from fairdebt.policy.loader import PolicyError


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RULE = """id: t
rules:
  - id: t/arrest
    check: forbid_phrases
    params: {phrases: [arrest]}
    tests:
      flag:
        - You will be arrested today
        - {text: "We will ARREST you"}
      pass:
        - We are here to help
"""


def test_a_rule_whose_examples_misbehave_does_not_load(tmp_path: Path) -> None:
    pol = fairdebt.load_policy(write(tmp_path, RULE.replace("You will be arrested today",
                                                            "You will be ARREST today")))
    assert pol.rule("t/arrest") is not None
    with pytest.raises(PolicyError) as err:
        fairdebt.load_policy(write(tmp_path, RULE))  # "arrested" is not the word "arrest"
    (problem,) = err.value.problems
    assert problem.line == 8
    assert "tests.flag[0]: expected a finding, got none" in problem.message
    assert "You will be arrested today" in problem.message
    bad_pass = RULE.replace("We are here to help", "Arrest is not a threat we make")
    with pytest.raises(PolicyError, match=r"tests.pass\[0\]: expected no finding"):
        fairdebt.load_policy(write(tmp_path, bad_pass.replace("arrested today", "arrest")))
    # `test-policy` loads without running them, to report them itself
    assert fairdebt.load_policy(write(tmp_path, RULE), run_tests=False)


def test_patterns_re2_cannot_compile_are_refused_at_load(tmp_path: Path) -> None:
    path = write(tmp_path, "id: t\nrules:\n  - id: t/x\n    check: forbid_phrases\n"
                           "    params:\n      patterns: ['(a)\\1']\n")
    with pytest.raises(PolicyError) as err:
        fairdebt.load_policy(path)
    (problem,) = err.value.problems
    assert problem.line == 6 and "not a valid RE2 pattern" in problem.message


def test_unknown_lexicons_and_tests_on_other_kinds_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, """id: t
rules:
  - id: t/x
    check: forbid_phrases
    params: {lexicons: [en/nope]}
  - id: t/y
    check: forbid
    tests: {flag: [hello]}
""")
    with pytest.raises(PolicyError) as err:
        fairdebt.load_policy(path)
    messages = [p.message for p in err.value.problems]
    assert any("unknown lexicon 'en/nope'" in m for m in messages)
    assert any("only content check kinds run examples" in m for m in messages)


def test_a_house_policy_overlays_a_lexicon(tmp_path: Path) -> None:
    write(tmp_path, """id: base
lexicons:
  acme/insults: [loser, deadbeat]
rules:
  - id: acme/insults
    check: forbid_phrases
    params: {lexicons: [acme/insults]}
""", "base.yaml")
    house = write(tmp_path, """id: house
extends: base.yaml
lexicons:
  acme/insults: {add: [scrounger], remove: [loser]}
rules: []
""")
    pol = fairdebt.load_policy(house)
    rows = [{"timestamp": "2026-04-01T10:00:00Z", "consumer_id": "C1", "channel": "sms",
             "event_id": e, "text": t}
            for e, t in (("e1", "you loser"), ("e2", "you scrounger"), ("e3", "deadbeat"))]
    found = fairdebt.check(rows, pol).findings
    assert [f.event_id for f in found] == ["e2", "e3"]
    typo = write(tmp_path, "id: h2\nextends: base.yaml\nlexicons:\n  acme/insults: "
                           "{remove: [losr]}\nrules: []\n", "h2.yaml")
    with pytest.raises(PolicyError, match="has no entry 'losr' to remove"):
        fairdebt.load_policy(typo)
