"""The content benchmark, interpreted against the optional mypyc-compiled build, alternated.

    .venv/bin/python benchmarks/compiled.py                      # builds the wheel, 3 pairs
    .venv/bin/python benchmarks/compiled.py --pairs 5 --wheel dist/fairdebt-…-cp311-….whl

Builds the compiled wheel (pyproject.toml's mypyc hook, switched on for this build only:
``HATCH_BUILD_HOOK_ENABLE_MYPYC=1``; needs a C compiler and fetches hatch-mypyc and mypy
into pip's isolated build environment) unless ``--wheel`` names one, unpacks it into a
temporary directory, then runs ``benchmarks/content.py`` in fresh processes of this
interpreter: the sources in ``src/`` (interpreted) and the unpacked wheel (compiled),
one after the other, ``--pairs`` times, and prints the CPU-time throughput of each
(``cpu time:`` line; on a shared machine the wall clock also counts waiting for a core).
Then both once more with ``--findings``: the findings' hash must be the same.
Each child is checked to run what it should (`fairdebt._mypyc.compiled`).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "benchmarks" / "content.py"


def build(out: Path) -> Path:
    env = dict(os.environ, HATCH_BUILD_HOOK_ENABLE_MYPYC="1",
               HATCH_BUILD_CLEAN_HOOKS_AFTER="1")  # no .so left in src/
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, env=env)
    (wheel,) = out.glob("fairdebt-*.whl")
    return wheel


def run(path: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(path))
    return subprocess.run([sys.executable, *args], check=True, env=env, capture_output=True,
                          text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--findings-messages", type=int, default=200_000)
    parser.add_argument("--wheel", type=Path, help="a compiled wheel built before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or build(Path(tmp) / "dist")
        compiled = Path(tmp) / "compiled"
        with zipfile.ZipFile(wheel) as z:
            z.extractall(compiled)
        sides = {"interpreted": ROOT / "src", "compiled": compiled}
        probe = "from fairdebt import _mypyc; print(len(_mypyc.compiled()))"
        for name, path in sides.items():
            count = int(run(path, "-c", probe))
            if (count > 0) != (name == "compiled"):
                sys.exit(f"{name}: {count} compiled modules imported from {path}")
        print(f"wheel: {wheel.name}; {args.messages:,} messages, CPU time")
        print("| pair | interpreted | compiled | ratio |")
        print("|---|---|---|---|")
        for pair in range(1, args.pairs + 1):
            rates = []
            for path in sides.values():
                out = run(path, str(CONTENT), "--messages", str(args.messages))
                found = re.search(r"cpu time:.*?([\d,]+) messages/s", out)
                assert found, out
                rates.append(int(found[1].replace(",", "")))
            print(f"| {pair} | {rates[0]:,}/s | {rates[1]:,}/s | {rates[1] / rates[0]:.2f}× |",
                  flush=True)
        hashes = []
        for name, path in sides.items():
            out = run(path, str(CONTENT), "--messages", str(args.findings_messages),
                      "--findings")
            found = re.search(r"findings:\s+([\d,]+).*findings hash: (\w+)", out, re.S)
            assert found, out
            hashes.append(found[2])
            print(f"{name}, {args.findings_messages:,} messages: {found[1]} findings, "
                  f"hash {found[2][:8]}…{found[2][-8:]}")
        if hashes[0] != hashes[1]:
            sys.exit("the findings differ")


if __name__ == "__main__":
    main()
