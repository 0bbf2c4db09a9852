"""The GitHub Action and the pre-commit hook, run the way their hosts run them."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
BIN = str(Path(sys.executable).parent)  # where the fairdebt script is installed

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def step(step_id_or_name: str) -> dict[str, Any]:
    for s in ACTION["runs"]["steps"]:
        if step_id_or_name in (s.get("id"), s.get("name")):
            return dict(s)
    raise KeyError(step_id_or_name)


def run_step(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`
    script = cwd / "step.sh"
    script.write_text(step(name)["run"])
    full = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"], **env}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=cwd, env=full, capture_output=True, text=True, timeout=120,
                          check=False)


def test_action_is_composite_and_scripts_take_inputs_only_from_env() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["inputs"]["files"]["required"] is True
    for s in ACTION["runs"]["steps"]:
        # ${{ }} inside a script is pasted in before the shell parses it: injection
        assert "${{" not in s.get("run", ""), s.get("name")
    upload = step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"]


def test_action_check_step_annotates_writes_sarif_and_records_the_exit_code(
        tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(ROOT / "fixtures" / "sample-calls.csv", exports / "april.csv")
    output = tmp_path / "github_output"
    output.write_text("")
    result = run_step("check", {
        "FAIRDEBT_FILES": "exports/*.csv",  # a glob, as a workflow would write it
        "FAIRDEBT_POLICY": "us-reg-f",
        "FAIRDEBT_FAIL_ON": "error",
        "FAIRDEBT_ARGS": "--ignore reg-f/hours --no-config",
        "FAIRDEBT_SARIF": "fairdebt.sarif",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }, tmp_path)
    assert result.returncode == 0, result.stderr  # the step itself never fails
    assert output.read_text() == "exit-code=1\n"
    assert re.search(r"^::error file=exports/april\.csv,line=\d+,", result.stdout, re.M)
    results = json.loads((tmp_path / "fairdebt.sarif").read_text())["runs"][0]["results"]
    assert results and not any(r["ruleId"] == "reg-f/hours" for r in results)
    assert "fairdebt compliance check" in (tmp_path / "summary.md").read_text()


def test_action_leaves_policy_and_fail_on_to_the_config_unless_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ACTION["inputs"]["policy"]["default"] == ""
    assert ACTION["inputs"]["fail-on"]["default"] == ""
    monkeypatch.delenv("FAIRDEBT_NO_CONFIG")  # the repository's fairdebt.toml is the point
    shutil.copy(ROOT / "fixtures" / "sample-calls.csv", tmp_path / "april.csv")
    (tmp_path / "fairdebt.toml").write_text(
        'policies = ["us-reg-f"]\nselect = "reg-f/rapid-redial"\nfail-on = "warning"\n')
    output = tmp_path / "github_output"

    def run(policy: str, fail_on: str) -> str:
        output.write_text("")
        result = run_step("check", {
            "FAIRDEBT_FILES": "april.csv", "FAIRDEBT_POLICY": policy,
            "FAIRDEBT_FAIL_ON": fail_on, "FAIRDEBT_ARGS": "", "FAIRDEBT_SARIF": "f.sarif",
            "GITHUB_OUTPUT": str(output)}, tmp_path)
        assert result.returncode == 0, result.stderr
        return output.read_text()

    assert run("", "") == "exit-code=1\n"  # the warning fails, as fairdebt.toml says
    results = json.loads((tmp_path / "f.sarif").read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"reg-f/rapid-redial"}
    assert run("", "error") == "exit-code=0\n"  # an input given wins
    assert run("us-reg-f", "") == "exit-code=1\n"


def test_action_check_step_records_usage_errors(tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    result = run_step("check", {
        "FAIRDEBT_FILES": "missing.csv", "FAIRDEBT_POLICY": "us-reg-f",
        "FAIRDEBT_FAIL_ON": "error", "FAIRDEBT_ARGS": "", "FAIRDEBT_SARIF": "x.sarif",
        "GITHUB_OUTPUT": str(output)}, tmp_path)
    assert result.returncode == 0 and output.read_text() == "exit-code=2\n"
    assert not (tmp_path / "x.sarif").exists()  # so the upload step is skipped


def test_action_fail_step_passes_the_exit_code_on(tmp_path: Path) -> None:
    fail = step("Fail on findings")
    assert fail["if"] == "${{ steps.check.outputs.exit-code != '0' }}"
    assert run_step("Fail on findings", {"FAIRDEBT_EXIT": "1"}, tmp_path).returncode == 1


def test_pre_commit_hook_checks_matching_files_in_one_process(tmp_path: Path) -> None:
    (hook,) = HOOKS
    assert hook["id"] == "fairdebt" and hook["language"] == "python"
    assert hook["require_serial"] is True
    pattern = re.compile(hook["files"])
    for name in ("exports/a.csv", "b.jsonl.gz", "c.tsv", "d.ndjson"):
        assert pattern.search(name), name
    for name in ("README.md", "policy.yaml", "a.csv.bak"):
        assert not pattern.search(name), name
    # pre-commit runs `entry` followed by the matching file names
    command = [*shlex.split(hook["entry"]), str(ROOT / "fixtures" / "sample-calls.csv")]
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1 and "Summary" in result.stdout


# --- docs/ci.md: the documented examples are the tested ones ----------------------------

DOC = (ROOT / "docs" / "ci.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", DOC, re.S)


def test_ci_doc_yaml_examples_parse_and_use_the_action_as_declared() -> None:
    yamls = [yaml.safe_load(body) for lang, body in BLOCKS if lang == "yaml"]
    assert len(yamls) >= 4
    workflow = next(y for y in yamls if isinstance(y, dict) and "jobs" in y)
    (uses,) = [s for s in workflow["jobs"]["fairdebt"]["steps"]
               if "fairdebt@" in s.get("uses", "")]
    assert set(uses["with"]) <= set(ACTION["inputs"])
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", DOC, re.M))
    assert documented == set(ACTION["inputs"])
    hooks = next(y for y in yamls if isinstance(y, dict) and "repos" in y)
    assert hooks["repos"][0]["hooks"][0]["id"] == HOOKS[0]["id"]


def test_ci_doc_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from fairdebt.cli import main

    commands = re.findall(r"fairdebt (check [^'\n]*)", DOC)
    assert len(commands) >= 4
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(ROOT / "fixtures" / "sample-calls.csv", exports / "april.csv")
    monkeypatch.chdir(tmp_path)
    for command in commands:
        args = []
        for word in shlex.split(command)[1:]:
            # the shell would expand the glob; a glob matching nothing stays as it is
            args += sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob(word)) \
                if "*" in word else [word]
        args = [a for a in args if "*" not in a]
        result = CliRunner().invoke(main, ["check", *args])
        assert result.exit_code in (0, 1), (command, result.output)
    assert (tmp_path / "fairdebt.sarif").is_file() and (tmp_path / "fairdebt.html").is_file()
    assert json.loads((tmp_path / "gl-code-quality.json").read_text())
    assert (tmp_path / "fairdebt-baseline.json").is_file()
