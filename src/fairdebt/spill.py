"""Memory the engine can put on disk: consumers not seen for a while, and findings.

`ColdStore` keeps pickled consumer records in a private, temporary SQLite database
(``sqlite3.connect("")``): SQLite creates its file already unlinked and keeps only a
small page cache in memory, so the records cost disk, not RAM, and nothing is left
behind on any exit path, a crash or a kill included. `FindingSpill` writes findings
to an anonymous temporary file (`tempfile.TemporaryFile`, also unlinked) in pickled
batches and reads them back when the run is over and the consumers' state is gone.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .model import Finding

#: SQLite's page cache for the store, in KiB (the OS caches the file besides)
STORE_CACHE_KIB = 8192


class ColdStore:
    """Pickled records keyed by consumer id, in a private temporary SQLite database."""

    def __init__(self) -> None:
        # "" is a private on-disk temporary database: created unlinked, gone when closed
        # the engine is fed by one thread at a time, not always the one that made it
        self._db: sqlite3.Connection | None = sqlite3.connect(
            "", isolation_level=None, check_same_thread=False)
        db = self._db
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"PRAGMA cache_size=-{STORE_CACHE_KIB}")
        db.execute("CREATE TABLE c (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise ValueError("the consumer store is closed")
        return self._db

    def put(self, items: Iterable[tuple[str, Any]]) -> None:
        """Store (or replace) each record."""
        db = self._conn()
        dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR REPLACE INTO c VALUES (?, ?)",
                           ((k, dumps(v, protocol)) for k, v in items))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def get(self, key: str) -> Any:
        """The record stored for ``key`` (None if there is none). A record stays stored
        until replaced: the caller knows whether its copy in memory is newer."""
        row = self._conn().execute("SELECT v FROM c WHERE k = ?", (key,)).fetchone()
        # only our own records are ever unpickled
        return None if row is None else pickle.loads(row[0])

    def items(self) -> Iterator[tuple[str, Any]]:
        """Every stored record, in no particular order."""
        cursor = self._conn().execute("SELECT k, v FROM c")
        loads = pickle.loads
        for key, blob in cursor:
            yield key, loads(blob)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
_VALUES = operator.attrgetter(*_FIELDS)  # a finding's fields as a tuple, in C
#: values cached while reading back (then the cache starts again)
_RECENT = 100_000


class FindingSpill:
    """Findings written to an anonymous temporary file in batches, read back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self.count = 0

    def write(self, findings: list[Finding]) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="fairdebt-findings-")  # noqa: SIM115
            os.fchmod(self._file.fileno(), 0o600)
        # one self-contained pickle per batch (as the sort's spill files)
        pickle.dump([_VALUES(f) for f in findings], self._file,
                    protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(findings)

    def read(self) -> list[Finding]:
        """Every finding written, in the order written, equal to the findings written.
        Values they repeat are one object again (a finding takes ~20% less memory than
        when it was made): a rule's strings always; a template message, the findings of
        one event or one consumer, the same evidence when seen recently."""
        out: list[Finding] = []
        if self._file is None:
            return out
        f = self._file
        f.flush()
        f.seek(0)
        rules: dict[Any, Any] = {}
        recent: dict[Any, Any] = {}
        always, seen = rules.setdefault, recent.setdefault
        append = out.append
        while True:
            try:
                block = pickle.load(f)  # only our own spill file is ever unpickled
            except EOFError:
                break
            if len(recent) > _RECENT:
                recent.clear()
            # written out field by field: this loop is most of a spilled run's extra time
            for (rule, severity, message, citation, file, line, event_id, consumer_id,
                 debt_id, timestamp, local_time, evidence, policy, content) in block:
                if evidence:
                    shared = seen(evidence, evidence)
                    if shared is evidence:  # not seen recently: share its event ids
                        shared = recent[evidence] = tuple([seen(e, e) for e in evidence])
                    evidence = shared
                append(Finding(always(rule, rule), always(severity, severity),
                               seen(message, message), always(citation, citation),
                               always(file, file), line, seen(event_id, event_id),
                               seen(consumer_id, consumer_id), seen(debt_id, debt_id),
                               seen(timestamp, timestamp), seen(local_time, local_time),
                               evidence, always(policy, policy), content))
        return out

    def close(self) -> None:
        if self._file is not None:
            self._file.close()  # unlinked already: closing frees the space
            self._file = None
