"""docs/importing.md's walk-through is a tested fixture: the export, the mapping and
the outputs shown are what the files and the commands really are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fairdebt.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
FIXTURES = ROOT / "fixtures" / "imports"


def block(after: str, lang: str = "") -> str:
    """The first fenced block following the text ``after`` in the doc."""
    start = DOC.index(after)
    match = re.compile(rf"```{lang}\n(.*?)\n```", re.S).search(DOC, start)
    assert match, after
    return match.group(1)


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


def test_the_documented_export_and_mapping_are_the_fixtures() -> None:
    export = (FIXTURES / "dialer-export.csv").read_bytes().decode("cp1252")
    assert block("exports its call history like this", "text") == \
        export.replace("\r\n", "\n").rstrip()
    assert block("The mapping\n", "yaml") == \
        (FIXTURES / "dialer-mapping.yaml").read_text().rstrip()


def test_the_documented_convert_output_is_what_convert_writes() -> None:
    shown = block("See what fairdebt understood")
    command, _, output = shown.partition("\n")
    result = CliRunner().invoke(main, command.split()[2:])
    assert result.exit_code == 0
    assert result.stdout.rstrip() == output
    assert result.stderr.rstrip() == block("and on stderr:")
    assert "8 row(s) read: 5 event(s) written, 3 rejected, 0 merged" in result.stderr


def test_the_documented_check_output_is_what_check_prints() -> None:
    shown = block("Then check")
    command, _, output = shown.partition("\n")
    result = CliRunner().invoke(main, ["check", "--no-config", *command.split()[3:]])
    assert result.exit_code == 1
    assert result.stdout.rstrip() == output
    for rule in ("reg-f/hours", "reg-f/after-conversation", "reg-f/stop-channel"):
        assert rule in output


def test_the_documented_extension_accepts_the_new_code(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("dialer-mapping.yaml", "dialer-export.csv"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "local.yaml").write_text(block("add it on top of the mapping", "yaml") + "\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["convert", "--mapping", "local.yaml",
                                       "dialer-export.csv"])
    assert result.exit_code == 0
    assert "8 row(s) read: 6 event(s) written, 2 rejected, 0 merged" in result.stderr
