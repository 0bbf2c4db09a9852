"""``--format FORMAT[:PATH]``: which formats a run writes, and where."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import Report
from . import FORMATS, github_format, render
from .options import RenderOptions

STDOUT = "-"


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    path: str = STDOUT

    @property
    def to_stdout(self) -> bool:
        return self.path == STDOUT


class OutputError(ValueError):
    """A ``--format`` value that cannot be honoured; the message says why."""


def parse_output(text: str) -> Output:
    # split at the first colon only: a Windows path (C:\\out.sarif) keeps its own
    name, sep, path = text.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise OutputError(f"unknown format {name!r} (choose from: {', '.join(sorted(FORMATS))})")
    if sep and not path:
        raise OutputError(f"{text!r}: no path after ':' (write {name}:PATH, or just {name})")
    return Output(name, path or STDOUT)


def plan(values: list[str] | tuple[str, ...], default: str = "text") -> list[Output]:
    """The outputs for ``--format`` values: at most one on stdout, no file written twice."""
    outputs = [parse_output(v) for v in values] or [Output(default)]
    on_stdout = [o.format for o in outputs if o.to_stdout]
    if len(on_stdout) > 1:
        raise OutputError(f"only one format can go to stdout, got {', '.join(on_stdout)}; "
                          f"give the others a path (e.g. {on_stdout[1]}:report.{on_stdout[1]})")
    paths = [o.path for o in outputs if not o.to_stdout]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise OutputError(f"{', '.join(twice)} named by more than one --format")
    return outputs


def write(outputs: list[Output], report: Report, options: RenderOptions,
          stdout: Callable[[str], None], environ: Mapping[str, str]) -> None:
    """Render each output and send it to stdout or its file.

    With a ``github`` output inside GitHub Actions (``GITHUB_STEP_SUMMARY`` set), the
    Markdown job summary is appended to that file too.
    """
    for out in outputs:
        text = render(out.format, report, options)
        if out.to_stdout:
            stdout(text)
        else:
            _save(out.path, text, "w")
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and any(o.format == "github" for o in outputs):
        _save(summary_file, github_format.step_summary(report, options), "a")


def _save(path: str, text: str, mode: str) -> None:
    try:
        # newline="" keeps each format's own line endings (CSV uses CRLF, per RFC 4180)
        with open(path, mode, encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
