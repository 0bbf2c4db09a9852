import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest


@pytest.fixture(autouse=True)
def _isolated_from_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the machine it runs on: no fairdebt.toml or pyproject.toml found above
    the working directory (tests of discovery opt back in by unsetting FAIRDEBT_NO_CONFIG),
    no job summary of a real GitHub Actions run appended to, no stray output files left
    where pytest was started."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAIRDEBT_NO_CONFIG", "1")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
