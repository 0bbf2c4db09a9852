"""Run one fuzz target under atheris (coverage-guided, libFuzzer).

    python fuzz/run.py TARGET [--seconds N] [libFuzzer flags...]
    python fuzz/run.py --list

The committed corpus ``fuzz/corpus/TARGET`` seeds the run; new inputs that reach new
code go to ``fuzz/work/TARGET`` (not committed), crashes to ``fuzz/crashes/``. Each input
gets at most ``-timeout`` seconds (a hang is a crash) and the process at most
``-rss_limit_mb`` of memory. See fuzz/README.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: per input: far above any legitimate input in the corpus (they take milliseconds
#: alone), with room for a machine shared by every target at once
DEFAULTS = ["-timeout=25", "-rss_limit_mb=2048", "-max_len=65536", "-print_final_stats=1"]


def main(argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["fairdebt"]):
        sys.path.insert(0, str(HERE))
        import targets

    if not argv or argv[0] in ("-h", "--help", "--list"):
        print("targets: " + " ".join(targets.TARGETS))
        return
    name, rest = argv[0], argv[1:]
    if name not in targets.TARGETS:
        sys.exit(f"no target {name!r}; targets: {' '.join(targets.TARGETS)}")
    flags = list(DEFAULTS)
    if "--seconds" in rest:
        at = rest.index("--seconds")
        flags.append(f"-max_total_time={int(rest[at + 1])}")
        del rest[at:at + 2]
    work = HERE / "work" / name
    work.mkdir(parents=True, exist_ok=True)
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    flags.append(f"-artifact_prefix={crashes}/{name}-")
    seeds = [str(HERE / "corpus" / name)] if (HERE / "corpus" / name).is_dir() else []
    target = targets.TARGETS[name]
    atheris.Setup([sys.argv[0], *flags, *rest, str(work), *seeds], target)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("FAIRDEBT_NO_CONFIG", "1")
    main(sys.argv[1:])
