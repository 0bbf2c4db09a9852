"""Load Asterisk CDR rows from the CSV samples into a SQL `cdr` table (fixtures/db/), for
tests/test_db_*.py: the same rows a file test reads, so totals can be compared."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

sa = pytest.importorskip("sqlalchemy", reason="the db extra is not installed: "
                                               "pip install -e '.[db,test]'")

from fairdebt.io.mapping import load_preset  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "fixtures" / "db" / "asterisk-cdr.sql"
FIXTURES = ROOT / "fixtures" / "imports"
SAMPLES = ROOT.parent / "shared" / "samples" / "telephony"
PG_URL = os.environ.get("FAIRDEBT_TEST_PG_URL")
# in CI (.ci/run sets CI and starts the server) a missing URL fails the tests, not skips them
needs_pg = pytest.mark.skipif(
    not PG_URL and not os.environ.get("CI"),
    reason="FAIRDEBT_TEST_PG_URL is not set: no PostgreSQL server to test against "
           "(.ci/run starts one: eval \"$(.ci/postgres start)\")")
TIMES = ("start", "answer", "end")
INTEGERS = ("duration", "billsec", "sequence")


def asterisk_files() -> list[Path]:
    """The real Asterisk samples when they are next to the checkout, and the committed
    excerpts of them in any case (CI without ../shared still loads real rows)."""
    committed = [FIXTURES / n for n in ("asterisk-18col.csv", "asterisk-voicemail.csv",
                                        "asterisk-21col-multileg.csv",
                                        "asterisk-18col-utc+3.csv")]
    shared = sorted(SAMPLES.glob("asterisk-master-*.csv")) if SAMPLES.is_dir() else []
    return shared + committed


def table_name(path: Path) -> str:
    return "cdr_" + "".join(c if c.isalnum() else "_" for c in path.stem).lower()


def rows_of(path: Path, typed: bool) -> list[dict[str, Any]]:
    """Each CSV row as column → value in the preset's layout for its field count; with
    ``typed`` times become datetimes and counts ints (a typed database stores them so),
    and empty ones None."""
    layouts = load_preset("asterisk-cdr").layouts
    out = []
    with path.open(newline="", encoding="utf-8") as f:
        for fields in csv.reader(f):
            if not fields:
                continue
            row: dict[str, Any] = dict(zip(layouts[len(fields)], fields, strict=True))
            for column in TIMES:
                value = row[column]
                row[column] = (None if not value else
                               datetime.strptime(value, "%Y-%m-%d %H:%M:%S") if typed
                               else value)
            for column in INTEGERS:
                if column in row:
                    row[column] = int(row[column]) if row[column] else None
            out.append(row)
    return out


def create(conn: Any, name: str) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    conn.exec_driver_sql(SCHEMA.read_text(encoding="utf-8")
                         .replace("CREATE TABLE cdr (", f"CREATE TABLE {name} ("))


def load(engine: Any, path: Path, name: str | None = None, typed: bool = True) -> str:
    """Create table ``name`` (default: from the file's name) from the fixture schema and
    insert every row of ``path``; return the table's name."""
    name = name or table_name(path)
    columns = load_preset("asterisk-cdr").layouts[21]
    table = sa.table(name, *(sa.column(c) for c in columns))
    rows = rows_of(path, typed)
    with engine.begin() as conn:
        create(conn, name)
        for row in rows:  # rows differ in their columns (18 or 21): one insert each
            conn.execute(table.insert().values(**row))
    return name


def csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as f:
        return sum(1 for row in csv.reader(f) if row)
