"""Output files that are either complete or not there: written under a temporary name
beside the target and renamed over it only when whole.

An interrupted run (Ctrl-C, a full disk, a crash while rendering) must never leave a
half report that looks like a whole one — a CI job that uploads ``report.sarif`` after a
killed step would otherwise publish a truncated file with fewer findings. The old file,
if there was one, stays as it was until the new one replaces it in one rename.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from typing import TextIO


@contextlib.contextmanager
def replacing(path: str, *, encoding: str = "utf-8", newline: str | None = "") -> Iterator[TextIO]:
    """Open ``path`` for writing text; the file appears (or replaces the old one) only
    when the ``with`` block ends normally. On any other exit — an exception, Ctrl-C —
    the temporary file is removed and ``path`` is untouched.

    A target that is not a regular file (a terminal, a pipe, ``/dev/null``) has nothing
    to replace and is written directly. A symlink is followed: the file it points to is
    replaced, the link stays. An existing file keeps its permission bits; a new one gets
    the usual ``0666 & ~umask``.
    """
    target = os.path.realpath(path)
    try:
        before: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):
        with open(path, "w", encoding=encoding, newline=newline) as direct:
            yield direct
        return
    directory, name = os.path.split(target)
    # same directory, so the final rename stays on one file system and is atomic;
    # created 0600, so a half-written report is private while it grows. The name is
    # chosen before the file is created inside the ``try``: a Ctrl-C landing just after
    # the creation (before mkstemp would have returned its name) still removes it
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(8)}.part")
    ours = True
    try:
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
        except FileExistsError:  # someone else's file by that name: never remove it
            ours = False
            raise
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            yield fh
        os.chmod(temporary, stat.S_IMODE(before.st_mode) if before else _default_mode())
        os.replace(temporary, target)
    except BaseException:
        if ours:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise


_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation below the text layer


def _default_mode() -> int:
    # the umask can only be read by setting it; set it straight back
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
