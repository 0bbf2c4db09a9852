"""Configuration: fairdebt.toml or [tool.fairdebt], found from the working directory up;
flags win over it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fairdebt.cli import main
from fairdebt.report import config

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "fixtures" / "sample-calls.csv")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with a subdirectory the command runs in."""
    sub = tmp_path / "exports" / "april"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    monkeypatch.delenv("FAIRDEBT_NO_CONFIG")  # these tests are about discovery
    return tmp_path


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", SAMPLE, *args])


def rules_in(result: Result) -> set[str]:
    return set(json.loads(result.stdout)["summary"]["by_rule"])


def test_fairdebt_toml_found_walking_up(project: Path) -> None:
    (project / "fairdebt.toml").write_text('select = ["reg-f/hours"]\nformat = "json"\n')
    assert rules_in(check()) == {"reg-f/hours"}


def test_pyproject_tool_table(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.fairdebt]\nignore = "reg-f/hours"\nformat = "json"\n')
    rules = rules_in(check())
    assert rules and "reg-f/hours" not in rules


def test_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    (project / "fairdebt.toml").write_text('select = "reg-f/cease"\nformat = "json"\n')
    (project / "exports" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert rules_in(check()) == {"reg-f/cease"}


def test_flags_win(project: Path) -> None:
    (project / "fairdebt.toml").write_text(
        'select = ["reg-f/hours"]\nformat = "text"\nfail-on = "info"\n')
    result = check("--select", "reg-f/cease", "-f", "json", "--fail-on", "error")
    assert rules_in(result) == {"reg-f/cease"} and result.exit_code == 1


def test_fail_on_and_exit_threshold_from_config(project: Path) -> None:
    (project / "fairdebt.toml").write_text('select = "reg-f/rapid-redial"\nfail-on = "warning"\n')
    assert check("-q").exit_code == 1  # a warning alone fails at this threshold
    assert check("-q", "--fail-on", "error").exit_code == 0


def test_paths_are_relative_to_the_config_file(project: Path) -> None:
    base = project / "ci" / "baseline.json"
    base.parent.mkdir()
    base.write_text(json.dumps({"entries": [{"rule": "reg-f/*"}]}))
    (project / "fairdebt.toml").write_text(
        'baseline = "ci/baseline.json"\nformat = ["json", "sarif:out/fairdebt.sarif"]\n')
    (project / "out").mkdir()
    result = check()
    assert result.exit_code == 0 and json.loads(result.stdout)["summary"]["findings"] == 0
    assert f"suppressed by baseline {base}" in result.stderr
    assert (project / "out" / "fairdebt.sarif").is_file()


def test_redaction_from_config(project: Path, tmp_path: Path) -> None:
    log = project / "leaky.csv"
    log.write_text("timestamp,consumer_id,event_id,channel,outcome,timezone\n"
                   "2026-04-01T14:00:00Z,C1,e1,call,+1-212-555-0142,America/New_York\n"
                   # a row that is checked (a run that checks none exits 2)
                   "2026-04-01T14:00:00Z,C2,e2,call,no_answer,America/New_York\n")
    (project / "fairdebt.toml").write_text("redact = true\n")
    result = CliRunner().invoke(main, ["check", str(log), "-f", "json"])
    assert "+1-212-555-0142" not in result.stdout and "+1•••••••0142" in result.stdout
    shown = CliRunner().invoke(main, ["check", str(log), "-f", "json", "--no-config"])
    assert "+1-212-555-0142" in shown.stdout


def test_pii_flag_on_the_command_line_wins_over_the_config(project: Path) -> None:
    log = project / "leaky.csv"
    log.write_text("timestamp,consumer_id,event_id,channel,outcome,timezone\n"
                   "2026-04-01T14:00:00Z,C1,e1,call,+1-212-555-0142,America/New_York\n"
                   # a row that is checked (a run that checks none exits 2)
                   "2026-04-01T14:00:00Z,C2,e2,call,no_answer,America/New_York\n")
    (project / "fairdebt.toml").write_text("redact = true\n")
    shown = CliRunner().invoke(main, ["check", str(log), "-f", "json", "--show-pii"])
    assert shown.exit_code == 0 and "+1-212-555-0142" in shown.stdout
    (project / "fairdebt.toml").write_text("show-pii = true\n")
    hidden = CliRunner().invoke(main, ["check", str(log), "-f", "json", "--redact"])
    assert hidden.exit_code == 0 and "+1-212-555-0142" not in hidden.stdout


def test_explicit_config_and_no_config(project: Path) -> None:
    (project / "fairdebt.toml").write_text('select = "reg-f/hours"\nformat = "json"\n')
    other = project / "other.toml"
    other.write_text('select = "reg-f/cease"\nformat = "json"\n')
    assert rules_in(check("--config", str(other))) == {"reg-f/cease"}
    assert len(rules_in(check("--no-config", "-f", "json"))) > 2
    result = check("--no-config", "--config", str(other))
    assert result.exit_code == 2 and "contradicts" in result.stderr


@pytest.mark.parametrize("content, message", [
    ("nope = 1\n", "unknown setting 'nope'"),
    ("select = 5\n", "select: expected a string or a list of strings"),
    ("redact = 'yes'\n", "redact: expected true or false"),
    ('fail-on = "loud"\n', "fail-on: expected one of"),
    ('format = "pdf"\n', "unknown format 'pdf'"),
    ("select = [\n", "not valid TOML"),
])
def test_bad_config_is_a_clear_error(project: Path, content: str, message: str) -> None:
    (project / "fairdebt.toml").write_text(content)
    result = check("-q")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "fairdebt.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_explicit_config(project: Path) -> None:
    result = check("--config", "nowhere.toml")
    assert result.exit_code == 2 and "no such configuration file" in result.stderr


def test_without_a_toml_reader_the_config_is_refused_not_skipped(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Python 3.10 without tomli: skipping the file could drop redact = true
    monkeypatch.setattr(config, "_toml_module", lambda: None)
    (project / "fairdebt.toml").write_text("redact = true\n")
    result = check("-q")
    assert result.exit_code == 2 and "tomli" in result.stderr and "--no-config" in result.stderr
    assert check("-q", "--no-config").exit_code == 1


def test_no_config_anywhere_changes_nothing(project: Path) -> None:
    assert config.find(Path.cwd()) is None
    assert check("-q").exit_code == 1


def test_no_config_env_var_stops_discovery_but_not_an_explicit_config(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "fairdebt.toml").write_text('select = "reg-f/hours"\nformat = "json"\n')
    monkeypatch.setenv("FAIRDEBT_NO_CONFIG", "1")
    assert len(rules_in(check("-f", "json"))) > 2
    assert rules_in(check("--config", str(project / "fairdebt.toml"))) == {"reg-f/hours"}
    monkeypatch.setenv("FAIRDEBT_NO_CONFIG", "0")
    assert rules_in(check()) == {"reg-f/hours"}


def test_redact_and_show_pii_both_in_the_config_is_an_error(project: Path) -> None:
    (project / "fairdebt.toml").write_text("redact = true\nshow-pii = true\n")
    result = check("-f", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "redact and show-pii contradict" in result.stderr and "fairdebt.toml" in result.stderr
    (project / "fairdebt.toml").write_text("redact = true\nshow_pii = false\n")
    assert check("-q").exit_code == 1


@pytest.mark.parametrize("table", [
    '[tool]\nfairdebt.select = "reg-f/hours"\nfairdebt.format = "json"\n',
    'tool.fairdebt = {select = "reg-f/hours", format = "json"}\n',
    '[tool."fairdebt"]\nselect = "reg-f/hours"\nformat = "json"\n',
    "[ tool . 'fairdebt' ]\nselect = 'reg-f/hours'\nformat = 'json'\n",
])
def test_pyproject_table_found_in_any_toml_spelling(project: Path, table: str) -> None:
    # first: a top-level dotted key after a [project] header would belong to that table
    (project / "pyproject.toml").write_text(table + '\n[project]\nname = "x"\n')
    assert rules_in(check()) == {"reg-f/hours"}


def test_pyproject_mentioning_the_table_only_in_a_string_is_passed_over(project: Path) -> None:
    (project / "fairdebt.toml").write_text('select = "reg-f/cease"\nformat = "json"\n')
    (project / "exports" / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndescription = """\n[tool.fairdebt]\nselect = "reg-f/hours"\n"""\n')
    assert rules_in(check()) == {"reg-f/cease"}


def test_unreadable_pyproject_that_may_configure_fairdebt_is_an_error(project: Path) -> None:
    pyproject = project / "exports" / "pyproject.toml"
    pyproject.write_bytes(b"[project]\nname = 'other'\n\xff\n")  # broken, but not ours
    assert check("-q").exit_code == 1
    pyproject.write_bytes(b"[tool.fairdebt]\nredact = true\n# \xff\n")
    result = check("-q")
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_non_utf8_config_error_names_the_file_once(project: Path) -> None:
    (project / "fairdebt.toml").write_bytes(b"redact = true\n# \xff\n")
    result = check("-q")
    assert result.exit_code == 2
    assert result.stderr.count("fairdebt.toml:") == 1
    assert result.stderr.count("fairdebt: error") == 1
    assert result.stderr.startswith("fairdebt: error: ") and "not UTF-8" in result.stderr
    assert "not valid TOML" not in result.stderr and "Traceback" not in result.stderr
