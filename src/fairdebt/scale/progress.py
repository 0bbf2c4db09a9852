"""Progress of a long run on a terminal: rows read, rows per second, elapsed time.

Written to stderr only, and only when stderr is a terminal: never into a report, a
pipe or a CI log. The count lives in shared memory so that the processes of
``--jobs N`` (forked) add to the one figure the parent shows.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

T = TypeVar("T")

#: rows counted locally before the shared counter (and its lock) is touched
STEP = 4096


class Progress:
    """Count rows from any process; a thread of the parent redraws one status line."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 0.5) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        # 'fork' where available (where --jobs uses processes), so children share it
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._rows: Any = context.Value("q", 0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = 0.0
        self._drawn = False

    @classmethod
    def on_terminal(cls, stream: IO[str] | None = None) -> Progress | None:
        """A `Progress` if ``stream`` (stderr) is a terminal, else None: silent."""
        stream = stream if stream is not None else sys.stderr
        try:
            return cls(stream) if stream.isatty() else None
        except (AttributeError, ValueError):  # a closed or replaced stream
            return None

    @property
    def rows(self) -> int:
        return int(self._rows.value)

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        """``items`` unchanged, counted as rows."""
        pending = 0
        for item in items:
            pending += 1
            if pending == STEP:
                self.add(pending)
                pending = 0
            yield item
        if pending:
            self.add(pending)

    def add(self, rows: int) -> None:
        with self._rows.get_lock():
            self._rows.value += rows

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="fairdebt-progress",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._drawn:  # leave the terminal as it was: the report follows on stdout
            self.stream.write("\r\033[K")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now if now is not None else time.monotonic()) - self._start, 1e-9)
        rows = self.rows
        minutes, seconds = divmod(int(elapsed), 60)
        hours, minutes = divmod(minutes, 60)
        return (f"fairdebt: {rows:,} rows read, {rows / elapsed:,.0f} rows/s, "
                f"{hours}:{minutes:02d}:{seconds:02d} elapsed")

    def _run(self) -> None:
        # nothing for the first second: a short run leaves no trace at all
        if self._stop.wait(1.0):
            return
        while True:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
            self._drawn = True
            if self._stop.wait(self.interval):
                return
