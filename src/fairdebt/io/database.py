"""Read an export straight from the dialer's SQL database, through an import mapping.

``fairdebt check --db URL (--table NAME | --query SQL) --from PRESET`` reads the rows
of a table or a query with SQLAlchemy (PostgreSQL through psycopg 3; any database
SQLAlchemy has a dialect and a driver for) and maps them exactly as the rows of a
file: every row becomes an `Event`, a `Rejected` (file ``db:TABLE`` or ``db:query``,
line = the row's ordinal in the result, from 1) or is merged into another row's
event and counted in ``ImportStats.merged``.

Rows are streamed in batches (``yield_per``: a server-side cursor where the driver
has one, as psycopg does), so memory stays flat on large tables. A table is read
``ORDER BY`` the mapping's timestamp column so that the runner's optimistic
time-ordered pass succeeds; a query is run as written, and when its rows are not in
time order the runner simply runs it again (`read_database` can be called any number
of times: each call opens its own connection).

SQLAlchemy and the driver are an optional extra (``pip install 'fairdebt[db]'``):
nothing here imports them until a database is read. Every failure (no SQLAlchemy, a
missing driver, a bad URL, no such table, a query the database refuses) is a
`SourceError` with a message that never shows the URL's password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import Event, Rejected
from ..tz import get_zone
from .collapse import Collapser
from .fields import TimeReader
from .imports import ImportStats, converted
from .mapping import ImportMapping, TimeSpec
from .normalize import MAX_YEAR, MIN_YEAR, RowError
from .sources import MAX_FIELD, SourceError

if TYPE_CHECKING:
    from sqlalchemy import ColumnClause
    from sqlalchemy.engine import URL, Connection, CursorResult, Engine

#: rows fetched per round trip: large enough that the network is not the bottleneck,
#: small enough that a batch of wide CDR rows is a few megabytes at most
DEFAULT_BATCH = 2_000
#: seconds to wait for a PostgreSQL server before giving up (a URL's own
#: ``connect_timeout`` wins): an unreachable host must not hang the run for minutes
CONNECT_TIMEOUT = 15
INSTALL_HINT = "pip install 'fairdebt[db]'"
#: what SQLAlchemy's text() reads as a bind parameter (its own pattern)
_NOT_A_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


@dataclass(frozen=True)
class DatabaseSource:
    """Where to read: a SQLAlchemy URL and either a table (``[schema.]name``) or a query."""

    url: str
    table: str | None = None
    query: str | None = None
    batch: int = DEFAULT_BATCH

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise ValueError("a database source reads either a table or a query")

    @property
    def name(self) -> str:
        """How findings and rejected rows refer to this source (in place of a file name)."""
        return f"db:{self.table}" if self.table is not None else "db:query"


def mask_url(text: str) -> str:
    """``text`` with the password of any ``user:password@`` (after ``scheme://`` or not)
    replaced by ``***``: for URLs that do not even parse, where SQLAlchemy cannot mask
    them, and for what a driver says about one."""
    # greedy to the last @ of the word: a raw password may hold an @ of its own
    return re.sub(r"((?:^|\s|://)[^:/@\s]*:)(?!//)\S*@", r"\1***@", text)


def read_database(source: DatabaseSource, mapping: ImportMapping,
                  input_zone: tzinfo | None = None, *, stats: ImportStats | None = None,
                  zone_name: str | None = None) -> Iterator[Event | Rejected]:
    """Yield one `Event` or `Rejected` per row of ``source``, merged rows excepted
    (counted in ``stats.merged``): `read_import` for a table or a query."""
    name = source.name
    stats = stats if stats is not None else ImportStats()
    if input_zone is None and mapping.timezone:
        input_zone, zone_name = get_zone(mapping.timezone, field="input.timezone"), \
            mapping.timezone
    times = _NativeTimes(mapping.timestamp, input_zone, zone_name)
    collapser = Collapser(mapping.collapse) if mapping.collapse else None
    _require_sqlalchemy()
    from sqlalchemy.exc import SQLAlchemyError

    url = _url(source.url)
    shown = url.render_as_string(hide_password=True)
    engine = _engine(url, shown)
    try:
        with engine.connect() as conn:
            result = _execute(conn, source, mapping, shown)
            names = result.keys()  # the result's column names, in order
            columns = [str(c) for c in names]
            _check_columns(columns, name, mapping, source)
            for ordinal, row in enumerate(result, start=1):
                try:
                    record, native = _record(columns, row)
                except ValueError as exc:
                    yield Rejected(name, ordinal, str(exc))
                    continue
                if mapping.rename:
                    native = frozenset(mapping.rename.get(c, c) for c in native)
                times.native = native
                yield from converted(mapping, record, times, collapser, name, ordinal)
        if collapser is not None:
            yield from collapser.finish()
    except SQLAlchemyError as exc:
        # raised while rows stream in too: a server-side cursor fails at the row that fails
        raise SourceError(f"{name}: {_reason(exc, url.password)} (--db {shown})") from None
    finally:
        engine.dispose()
        if collapser is not None:
            stats.merged += collapser.merged
        stats.notes.extend(times.notes(name))


# --- connecting -----------------------------------------------------------------------


def _require_sqlalchemy() -> None:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise SourceError(f"--db needs SQLAlchemy and a database driver, an optional part of "
                          f"fairdebt: {INSTALL_HINT}") from None


def _url(raw: str) -> URL:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    # Heroku-style and libpq-style URLs name no driver: SQLAlchemy would pick psycopg2,
    # but the db extra installs psycopg 3 (prebuilt wheels, no compiler or libpq headers)
    text = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", raw.strip())
    try:
        return make_url(text)
    except (ArgumentError, ValueError):
        raise SourceError(f"--db: not a database URL: {mask_url(raw)!r} (expected "
                          "dialect[+driver]://user:password@host[:port]/database, e.g. "
                          "postgresql://fairdebt@localhost/asterisk)") from None


def _engine(url: URL, shown: str) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    options: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    try:
        # no pool: one connection per read, and nothing shared across the --jobs forks
        return create_engine(url, poolclass=NullPool, **options)
    except NoSuchModuleError:
        raise SourceError(f"--db {shown}: SQLAlchemy has no dialect {url.drivername!r} "
                          "(e.g. postgresql, mysql+pymysql, sqlite)") from None
    except ImportError as exc:
        hint = (INSTALL_HINT if url.get_backend_name() == "postgresql"
                else f"install the Python driver for {url.drivername}")
        raise SourceError(f"--db {shown}: the database driver is not installed "
                          f"({exc}): {hint}") from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise SourceError(f"--db {shown}: {mask_url(str(exc))}") from None


def _reason(exc: Exception, password: str | None) -> str:
    """What the database said, without SQLAlchemy's boilerplate or the password."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    text = text.split("\n[SQL:", 1)[0].split("\n(Background on this error", 1)[0].strip()
    if password:
        text = text.replace(password, "***")
    lines = [line.strip() for line in mask_url(text).splitlines() if line.strip()]
    if any("CURSOR" in line for line in lines[1:]):
        # PostgreSQL quotes the statement it was given: SQLAlchemy's DECLARE ... CURSOR
        # FOR around the user's query, which would only confuse; the first line is what
        # went wrong, and a statement that cannot be a cursor is not a single SELECT
        lines = lines[:1]
        if "syntax error" in lines[0]:
            lines.append("(a --query is one SELECT, VALUES or WITH ... SELECT statement)")
    kind = ("cannot connect" if type(exc).__name__ == "OperationalError"
            and "connect" in text.lower() else "the database says")
    return f"{kind}: " + "\n  ".join(lines)


# --- reading ----------------------------------------------------------------------------


def _execute(conn: Connection, source: DatabaseSource, mapping: ImportMapping,
             shown: str) -> CursorResult[Any]:
    from sqlalchemy import column, inspect, select, table, text

    # stream: yield_per makes SQLAlchemy use a server-side cursor where the driver has
    # one (psycopg: a named cursor) and hold one batch of rows at a time
    options: dict[str, Any] = {"yield_per": source.batch}
    # fairdebt only reads: it never commits (the connection ends in a rollback), and where
    # the database can say so, the session is read-only, so a --query that would write
    # (DELETE ... RETURNING) fails at once instead of running and being rolled back
    if conn.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = ON")
    conn = conn.execution_options(**options)
    if source.query is not None:
        query = source.query.strip().rstrip(";").strip()
        if not query:
            raise SourceError("--query: the query is empty")
        # the query is the user's SQL as written: escape what SQLAlchemy's text() would
        # take for a bind parameter (':name', e.g. in a string literal); it still
        # escapes '%' for the driver
        result = conn.execute(text(_NOT_A_BIND.sub(r"\\:\1", query)))
        if not result.returns_rows:
            raise SourceError(f"{source.name}: the query returns no rows to check (a SELECT "
                              "is expected)")
        return result
    assert source.table is not None
    schema, _, name = source.table.rpartition(".")
    inspector = inspect(conn)
    if not inspector.has_table(name, schema=schema or None):
        where = f"schema {schema!r}" if schema else "the database"
        try:
            tables = inspector.get_table_names(schema=schema or None)
        except Exception:  # the schema itself may not exist: the message says enough
            tables = []
        known = f" (tables: {', '.join(sorted(tables)[:20])})" if tables else ""
        raise SourceError(f"{source.name}: no table {source.table!r} in {where} at "
                          f"{shown}{known}")
    columns = [str(c["name"]) for c in inspector.get_columns(name, schema=schema or None)]
    order: list[ColumnClause[Any]] = [column(c) for c in _order_columns(columns, mapping)]
    return conn.execute(select(*(column(c) for c in columns))
                        .select_from(table(name, schema=schema or None)).order_by(*order))


def _order_columns(columns: list[str], mapping: ImportMapping) -> list[str]:
    """The mapping's first timestamp column the table has (so the rows come in time
    order and the runner reads them in one pass), then its event id column (ties in a
    stable order, so rejected rows keep their ordinals from run to run)."""
    source = {mapping.rename.get(c, c): c for c in columns}  # mapped name → table column
    order = [source[c] for c in mapping.timestamp.columns if c in source][:1]
    ids = [c for rule in mapping.fields.get("event_id", ()) for c in rule.columns]
    order += [source[c] for c in ids if c in source][:1]
    return order


def _check_columns(columns: list[str], name: str, mapping: ImportMapping,
                   source: DatabaseSource) -> None:
    """A table without the columns the timestamp or the consumer come from is the wrong
    table or the wrong preset: say so once instead of rejecting every row."""
    present = {mapping.rename.get(c, c) for c in columns}
    for required in ("timestamp", "consumer_id"):
        if required != "timestamp" and mapping.has_constant(required):
            continue
        wanted = mapping.columns_for(required)
        if wanted and not any(c.split(".")[0] in present for c in wanted):
            what = "table" if source.table is not None else "query's result"
            raise SourceError(
                f"{name}: the {what} has no column {' or '.join(repr(c) for c in wanted)} "
                f"for '{required}': does it hold {mapping.name} records? (columns: "
                f"{', '.join(columns[:30])}; a --query can rename one: SELECT *, "
                f"other AS {wanted[0].split('.')[0]} FROM ...)")


def _record(columns: list[str], row: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """The row as the text a file would hold, and which columns held a date or time
    (those are read as the instant the database stored, whatever the mapping's format)."""
    record: dict[str, Any] = {}
    native: set[str] = set()
    for column, value in zip(columns, row, strict=True):
        if isinstance(value, (datetime, date)):
            native.add(column)
        record[column] = _text(column, value)
    return record, frozenset(native)


def _text(column: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, dict, list)):
        return value  # JSON columns stay objects: mappings reach in with dotted paths
    if isinstance(value, (datetime, date)):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")  # 12.50, never 1.25E+1
    elif isinstance(value, (bytes, bytearray, memoryview)):
        try:
            text = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise RowError(f"column '{column}': binary data, not UTF-8 text") from None
    else:
        text = str(value)  # text, and UUIDs, intervals, enums: their usual text
    if len(text) > MAX_FIELD:
        raise RowError(f"column '{column}' is {len(text):,} characters long "
                       f"(at most {MAX_FIELD:,})")
    return text


class _NativeTimes(TimeReader):
    """A `TimeReader` that takes a date/time column's value as the instant it is: the
    mapping's format describes how a file writes it, not how a database stores it.
    A naive value (``timestamp without time zone``) still takes the declared zone or
    the inferred offset, as in a file; an aware one (``timestamptz``) keeps its own."""

    def __init__(self, spec: TimeSpec, zone: tzinfo | None, zone_name: str | None) -> None:
        super().__init__(spec, zone, zone_name)
        self.native: frozenset[str] = frozenset()

    def _parse(self, raw: str, column: str) -> datetime:
        if column not in self.native:
            return super()._parse(raw, column)
        ts = datetime.fromisoformat(raw)
        if not MIN_YEAR <= ts.year <= MAX_YEAR:
            raise RowError(f"field 'timestamp': year {ts.year} is outside "
                           f"{MIN_YEAR}–{MAX_YEAR} (column {column})")
        return ts

