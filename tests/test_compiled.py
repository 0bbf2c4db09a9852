"""The optional mypyc-compiled build (pyproject.toml's mypyc hook; benchmarks/README.md,
"Compiled build"): the modules it compiles are the ones `fairdebt._mypyc.MODULES`
names, and an install built with it really runs them compiled."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdebt import _mypyc

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_hook_compiles_exactly_the_listed_modules() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    hook = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    assert hook["enable-by-default"] is False  # a plain install compiles nothing
    paths = sorted(hook["include"])
    assert paths == sorted("/src/" + name.replace(".", "/") + ".py" for name in _mypyc.MODULES)


def test_a_compiled_install_runs_every_listed_module_compiled() -> None:
    done = _mypyc.compiled()
    if not done:
        pytest.skip("fairdebt is not the compiled build here")
    assert done == list(_mypyc.MODULES)
    # the classes kept ordinary Python classes for mypyc are still what they were
    from fairdebt.content import terms

    hits = terms.Hits([(1, 2)])
    hits.known = 3
    assert hits == [(1, 2)] and hits.known == 3



def test_version_names_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """``fairdebt --version`` says which build runs: the one this test runs under, and
    the other one when `_mypyc.compiled` is made to say so."""
    from click.testing import CliRunner

    from fairdebt import __version__
    from fairdebt.cli import main

    done = _mypyc.compiled()
    out = CliRunner().invoke(main, ["--version"])
    assert out.exit_code == 0
    expected = (f"compiled build: {len(done)} of {len(_mypyc.MODULES)} modules compiled by "
                "mypyc" if done else "pure Python")
    assert out.output == f"fairdebt, version {__version__} ({expected})\n"
    monkeypatch.setattr(_mypyc, "compiled", lambda: list(_mypyc.MODULES[:3]))
    out = CliRunner().invoke(main, ["--version"])
    assert out.output == (f"fairdebt, version {__version__} (compiled build: 3 of "
                          f"{len(_mypyc.MODULES)} modules compiled by mypyc)\n")
    monkeypatch.setattr(_mypyc, "compiled", lambda: [])
    assert "(pure Python)" in CliRunner().invoke(main, ["--version"]).output
