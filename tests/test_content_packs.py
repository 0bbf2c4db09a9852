"""The content rules of the built-in packs: ids, tests, the commentary's own examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.checks import CHECKS
from fairdebt.cli import main
from fairdebt.content.testing import run_example

US = fairdebt.load_policy("us-reg-f")
CN = fairdebt.load_policy("cn")


def flagged(policy: fairdebt.Policy, rule_id: str, example: object) -> bool:
    rule = policy.rule(rule_id)
    assert rule is not None
    return bool(run_example(CHECKS[rule.check](rule), example))


def test_content_rules_are_named_cited_and_carry_tests() -> None:
    for policy, prefix in ((US, "reg-f/content/"), (CN, "cn/content/")):
        content = [r for r in policy.rules if r.id.startswith(prefix)]
        assert len(content) >= 9
        for rule in content:
            assert rule.citation and rule.title, rule.id
            assert rule.tests and rule.tests.get("flag") and rule.tests.get("pass"), rule.id
    assert all(not r.verified for r in CN.rules if "/content/" in r.id)


# the Official Interpretations' examples, verbatim
LIMITED_1 = ("This is Robin Smith calling from ABC Inc. Please contact me or Jim Johnson at "
             "1-800-555-1212.")
LIMITED_2 = ("Hi, this is Robin Smith calling from ABC Inc. It is 4:15 p.m. on Wednesday, "
             "September 1. Please contact me or any of our representatives at 1-800-555-1212 "
             "today until 6:00 p.m. Eastern time, or any weekday from 8:00 a.m. to 6:00 p.m. "
             "Eastern time.")
NOT_LIMITED = ("Hi, this is Robin Smith from ABC Inc., a debt collector. I am calling for Pat "
               "Jones. Please contact me at 1-800-555-1212.")


@pytest.mark.parametrize(("text", "expected"), [
    (LIMITED_1, False), (LIMITED_2, False), (NOT_LIMITED, True),
    (LIMITED_1.replace("Jim Johnson", "Jim Johnson in our credit card receivables group"),
     True),
])
def test_limited_content_commentary_examples(text: str, expected: bool) -> None:
    """Comments 2(j)(1)-1 and 2(j)(2)-2 are limited-content; 2(j)-1 and 2(j)(2)-1 not."""
    voicemail = {"channel": "call", "outcome": "voicemail", "message": "limited_content",
                 "text": text}
    assert flagged(US, "reg-f/content/limited-content", voicemail) is expected


@pytest.mark.parametrize("example", [
    "Reply STOP to stop texts to this telephone number.",
    {"channel": "email",
     "text": "Click here to opt out of further emails to this email address."},
    {"channel": "email", "text": "You may opt out of receiving further email communications "
                                 "from us to this email address by replying with the word "
                                 "“stop” in the subject line."},
])
def test_opt_out_wordings_of_comment_6e_1_are_accepted(example: object) -> None:
    assert not flagged(US, "reg-f/content/opt-out-instruction", example)
    assert flagged(US, "reg-f/content/opt-out-instruction", "Your balance is $120.")


def test_a_limited_content_voicemail_is_an_attempt_so_the_next_text_is_initial() -> None:
    rows = [
        {"timestamp": "2026-04-01T10:00:00-04:00", "consumer_id": "C1", "event_id": "vm",
         "channel": "call", "outcome": "voicemail", "message": "limited_content",
         "text": LIMITED_1, "region": "US", "timezone": "America/New_York"},
        {"timestamp": "2026-04-02T10:00:00-04:00", "consumer_id": "C1", "event_id": "sms",
         "channel": "sms", "outcome": "delivered", "region": "US",
         "text": "Hi Pat, please call us about your account. Reply STOP to opt out."},
    ]
    found = fairdebt.check(rows, US.select(["reg-f/content/*"])).findings
    assert [(f.rule, f.event_id) for f in found] == [("reg-f/content/mini-miranda", "sms")]


def test_a_cn_consumer_gets_cn_content_rules_only() -> None:
    both = fairdebt.load_policy("us", "cn")
    rows = [{"timestamp": "2026-04-01T10:00:00+08:00", "consumer_id": "Z1", "region": "CN",
             "channel": "sms", "event_id": "z", "text": "你这个老赖，再不还就爆你通讯录"}]
    rules = {f.rule for f in fairdebt.check(rows, both).findings}
    assert {"cn/content/insults", "cn/content/threats"} <= rules
    assert not any(r.startswith("reg-f/content/") for r in rules)


def test_test_policy_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["test-policy", "us-reg-f", "cn"])
    assert result.exit_code == 0, result.output
    assert "us-reg-f: 71 of 71 examples behave" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\nrules:\n  - id: b/x\n    check: forbid_phrases\n"
                   "    params: {phrases: [sue]}\n    tests: {flag: [issue]}\n")
    result = CliRunner().invoke(main, ["test-policy", str(bad)])
    assert result.exit_code == 1
    assert "FAIL b/x flag[0]" in result.output and "expected a finding" in result.output
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
