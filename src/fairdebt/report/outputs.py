"""``--format FORMAT[:PATH]``: which formats a run writes, and where."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..io.atomic import replacing
from ..model import Report
from . import FORMATS, github_format, render_chunks
from .options import RenderOptions

STDOUT = "-"
STDIN = "-"


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
    files = [o for o in outputs if not o.to_stdout]
    for i, a in enumerate(files):
        for b in files[:i]:
            if same_file(a.path, b.path):
                named = a.path if a.path == b.path else f"{b.path} and {a.path}"
                raise OutputError(f"{named} named by more than one --format")
    return outputs


def same_file(a: str, b: str) -> bool:
    """Whether two paths name one file: the same once resolved (``a.out``, ``./a.out``,
    through symlinks), or one existing file under two names (a hard link)."""
    if os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b)):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # either does not exist (yet): the names alone decide
        return False


def check_targets(outputs: list[Output], inputs: Iterable[str], baseline: str | None,
                  environ: Mapping[str, str], *, update_baseline: bool = False) -> None:
    """Refuse an output file that is also an input log, the baseline, or the job summary
    the ``github`` format appends to — and a baseline to rewrite that is an input log:
    writing it would destroy what the run reads."""
    others: list[tuple[str, str]] = [("the input log", p) for p in inputs if p != STDIN]
    if baseline and update_baseline:
        for what, path in others:
            if same_file(baseline, path):
                raise OutputError(f"--update-baseline {baseline} would overwrite {what} {path}")
    if baseline:
        others.append(("the baseline", baseline))
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary and any(o.format == "github" for o in outputs):
        others.append(("$GITHUB_STEP_SUMMARY", summary))
    for out in outputs:
        if out.to_stdout:
            continue
        for what, path in others:
            if same_file(out.path, path):
                raise OutputError(f"{out.format}:{out.path} would overwrite {what} {path}")


def write(outputs: list[Output], report: Report, options: RenderOptions,
          stdout: Callable[[str], None], environ: Mapping[str, str], *,
          color: bool | None = None, warn: Callable[[str], None] | None = None) -> None:
    """Render each output and send it to stdout or its file.

    ``options.color`` is for stdout (the caller knows whether that is a terminal); a
    file gets colour only if ``color`` says so (--color, --no-color) or, without a
    choice, if the file itself is a terminal (``text:/dev/tty``) — never ANSI codes in
    a report file because the command happened to run in one.

    With a ``github`` output inside GitHub Actions (``GITHUB_STEP_SUMMARY`` set), the
    Markdown job summary is appended to that file too. That file failing is a warning
    (``warn``), not an error: the annotations are out already, and the run's result
    should not change because a summary could not be added.
    """
    for out in outputs:
        if out.to_stdout:
            for piece in render_chunks(out.format, report, options):
                stdout(piece)
        else:
            def text(tty: bool, fmt: str = out.format) -> Iterable[str]:
                painted = tty if color is None else color
                return render_chunks(fmt, report, dataclasses.replace(options, color=painted))

            _save(out.path, text, "w")
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and any(o.format == "github" for o in outputs):
        try:
            _save(summary_file, lambda tty: [github_format.step_summary(report, options)], "a")
        except OutputError as exc:
            if warn is not None:
                warn(f"job summary not written: {exc}")


def _save(path: str, text: Callable[[bool], Iterable[str]], mode: str) -> None:
    """Write the pieces of ``text(is_a_terminal)`` to ``path``: a report replaces the file
    whole (never a half report after Ctrl-C), the job summary (``mode="a"``) is appended
    in one write."""
    try:
        # newline="" keeps each format's own line endings (CSV uses CRLF, per RFC 4180)
        if mode == "w":
            with replacing(path) as fh:
                for piece in text(fh.isatty()):
                    fh.write(piece)
        else:
            with open(path, mode, encoding="utf-8", newline="") as fh:
                fh.write("".join(text(fh.isatty())))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
