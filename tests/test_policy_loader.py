"""Policies: schema errors with file:line, extends and overrides, safety."""

from __future__ import annotations

from pathlib import Path

import pytest

import fairdebt
from fairdebt.policy import PolicyError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_builtin_pack_loads_with_the_rule_ids_the_contract_names() -> None:
    policy = fairdebt.load_policy("us-reg-f")
    # (content rules, reg-f/content/*, are contracted in test_content_packs.py)
    assert [r.id for r in policy.rules if "/content/" not in r.id] == [
        "reg-f/hours", "reg-f/unknown-timezone", "reg-f/inconvenient-time",
        "reg-f/call-frequency", "reg-f/after-conversation", "reg-f/rapid-redial",
        "reg-f/same-day-burst", "reg-f/third-party-disclosure", "reg-f/location-repeat",
        "reg-f/cease", "reg-f/represented", "reg-f/workplace", "reg-f/stop-channel",
        "reg-f/opt-out", "reg-f/opt-out-notice", "reg-f/employer-email"]
    assert all(r.citation for r in policy.rules)
    severities = {r.id: r.severity for r in policy.rules}
    assert severities["reg-f/rapid-redial"] == severities["reg-f/same-day-burst"] == "warning"


def test_every_error_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", """\
id: my-pack
rules:
  - id: my/hours
    check: contact_hours
    params:
      windows:
        - {days: Mon-Fri, start: "8:00", end: "21:00"}
  - id: my/cap
    check: frequency_cap
    severity: fatal
    params: {max: seven, days: 7}
  - id: my/unknown
    check: no_such_check
  - id: my/when
    check: forbid
    when: {channel: fax}
""")
    with pytest.raises(PolicyError) as info:
        fairdebt.load_policy(str(path))
    problems = [(p.line, p.message) for p in info.value.problems]
    text = "\n".join(f"{line}: {msg}" for line, msg in problems)
    assert any(line == 10 and "severity" in msg for line, msg in problems), text
    assert any(line == 11 and "max" in msg and "seven" in msg for line, msg in problems), text
    assert any(line == 7 and "start" in msg for line, msg in problems), text
    assert any("no_such_check" in msg for _, msg in problems), text
    assert any(line == 16 and "fax" in msg for line, msg in problems), text
    assert all(p.file == str(path) for p in info.value.problems)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "id: x\nrules:\n  - id: x/a\n    check: [unclosed\n")
    with pytest.raises(PolicyError, match=r"broken.yaml:\d+: invalid YAML"):
        fairdebt.load_policy(str(path))


def test_extends_overrides_params_and_disables(tmp_path: Path) -> None:
    path = write(tmp_path, "strict.yaml", """\
id: strict
extends: us-reg-f
rules:
  - id: reg-f/call-frequency
    params: {max: 3}
  - id: reg-f/same-day-burst
    disabled: true
  - id: strict/no-sms
    check: forbid
    when: {channel: sms}
""")
    policy = fairdebt.load_policy(str(path))
    freq = policy.rule("reg-f/call-frequency")
    assert freq is not None and freq.params["max"] == 3 and freq.params["days"] == 7
    assert policy.rule("reg-f/same-day-burst") is None
    assert policy.rule("strict/no-sms") is not None
    rows = [{"timestamp": f"2026-04-0{d}T10:00:00-04:00", "consumer_id": "C1",
             "event_id": f"c{d}", "channel": "call", "outcome": "no_answer", "debt_id": "D",
             "timezone": "America/New_York"} for d in range(1, 5)]
    report = fairdebt.check(rows, policy)
    assert [f.event_id for f in report.findings if f.rule == "reg-f/call-frequency"] == ["c4"]


def test_extends_relative_path_and_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "id: a\nextends: b.yaml\nrules: []\n")
    write(tmp_path, "b.yaml", "id: b\nextends: a.yaml\nrules: []\n")
    with pytest.raises(PolicyError, match="cycle"):
        fairdebt.load_policy(str(tmp_path / "a.yaml"))


def test_extends_cannot_leave_the_policy_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: outside\nrules: []\n")
    inner = tmp_path / "policies"
    inner.mkdir()
    write(inner, "p.yaml", "id: p\nextends: ../outside.yaml\nrules: []\n")
    with pytest.raises(PolicyError, match="outside the allowed"):
        fairdebt.load_policy(str(inner / "p.yaml"))


def test_yaml_object_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "evil.yaml",
                 "id: evil\nrules: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(PolicyError, match=r"evil\.yaml"):
        fairdebt.load_policy(str(path))


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["id: bomb", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    lines.append("rules: []")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(PolicyError, match="too large"):
        fairdebt.load_policy(str(path))


def test_clock_times_unquoted_are_not_sexagesimal_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", """\
id: p
rules:
  - id: p/hours
    check: contact_hours
    params:
      windows: [{start: 09:00, end: 21:00}]
""")
    rule = fairdebt.load_policy(str(path)).rule("p/hours")
    assert rule is not None and rule.params["windows"][0]["end"] == "21:00"


def test_unknown_pack_name_lists_the_builtin_ones() -> None:
    with pytest.raises(PolicyError, match="us-reg-f"):
        fairdebt.load_policy("us-reg-x")


def test_select_and_ignore_with_globs() -> None:
    policy = fairdebt.load_policy("us-reg-f")
    assert {r.id for r in policy.select(["reg-f/opt-*"]).rules} == {"reg-f/opt-out",
                                                                     "reg-f/opt-out-notice"}
    ignored = policy.select(None, ["reg-f/*-burst", "reg-f/rapid-redial"])
    assert len(ignored.rules) == len(policy.rules) - 2


def test_errors_in_an_override_point_at_the_overriding_file(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "id: o\nextends: us-reg-f\nrules:\n"
                 "  - id: reg-f/call-frequency\n    params:\n      max: three\n")
    with pytest.raises(PolicyError) as info:
        fairdebt.load_policy(str(path))
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == (str(path), 6)


@pytest.mark.parametrize(("rule_yaml", "expected"), [
    ("    check: forbid\n    when:\n      not:\n        not: {channel: call}\n", "not"),
    ('    check: contact_hours\n    params: {windows: [{start: "22:00", end: "06:00"}]}\n',
     "cross midnight"),
    ("    check: third_party\n    params: {allowed_parties: [consumr]}\n", "consumr"),
    ("    check: after_account_event\n    params: {after: cease, allow_purposes: [remedies]}\n",
     "remedies"),
    ("    check: forbid\n    when: {region: New York}\n", "ISO 3166"),
    ("    check: cooldown\n    params: {days: 2, trigger: {outcome: conv}}\n",
     "params.trigger.outcome"),
])
def test_policy_mistakes_are_caught(tmp_path: Path, rule_yaml: str, expected: str) -> None:
    path = write(tmp_path, "p.yaml", "id: p\nrules:\n  - id: p/r\n" + rule_yaml)
    with pytest.raises(PolicyError, match=expected):
        fairdebt.load_policy(str(path))


def test_when_values_are_normalized_like_the_log(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", """\
id: p
rules:
  - id: p/ny-sms
    check: forbid
    when: {region: us-ny, channel: SMS, opt_out_notice: "false"}
""")
    policy = fairdebt.load_policy(str(path))
    row = {"timestamp": "2026-04-01T14:00:00Z", "consumer_id": "C1", "channel": "sms",
           "region": "US-NY", "opt_out_notice": "false", "timezone": "America/New_York"}
    report = fairdebt.check([row], policy)
    assert [f.rule for f in report.findings] == ["p/ny-sms"]
    assert report.findings[0].message  # no message or detail: the rule's summary is used


def test_duplicate_rule_ids_in_one_file(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "id: p\nrules:\n  - id: p/a\n    check: forbid\n"
                 "  - id: p/a\n    check: forbid\n")
    with pytest.raises(PolicyError, match="defined twice"):
        fairdebt.load_policy(str(path))


def test_layering_policies_keeps_earlier_overrides(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "id: a\nextends: us-reg-f\nrules:\n"
              "  - id: reg-f/call-frequency\n    params: {max: 3}\n")
    b = write(tmp_path, "b.yaml", "id: b\nextends: us-reg-f\nrules: []\n")
    rule = fairdebt.load_policy(str(a), str(b)).rule("reg-f/call-frequency")
    assert rule is not None and rule.params["max"] == 3


def test_loaded_policies_are_read_only() -> None:
    """A policy is shared across threads and by decide()'s cached engines."""
    policy = fairdebt.load_policy("us-reg-f")
    rule = policy.rule("reg-f/call-frequency")
    assert rule is not None
    with pytest.raises(TypeError):
        rule.params["max"] = 2  # type: ignore[index]
    hours = policy.rule("reg-f/hours")
    assert hours is not None
    with pytest.raises((TypeError, AttributeError)):
        hours.params["windows"][0]["start"] = "06:00"  # type: ignore[index]


def test_bundled_files_read_the_same_through_libyaml() -> None:
    """The files shipped with fairdebt are composed by libyaml (faster, trusted, see
    `yamlsrc.load`): every one gives the pure-Python loader's data and lines."""
    import yaml

    from fairdebt.policy.loader import builtin_dir, builtin_packs
    from fairdebt.policy.yamlsrc import load

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml: the pure-Python loader reads them all")
    files = sorted(builtin_dir().rglob("*.yaml"))
    assert len(files) >= len(builtin_packs()) > 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, slow = load(text, str(path), trusted=True), load(text, str(path))
        assert fast.data == slow.data and fast.lines == slow.lines, path
