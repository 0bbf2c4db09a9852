"""--db against a real PostgreSQL server (FAIRDEBT_TEST_PG_URL, set by .ci/run): the
Asterisk `cdr` table (fixtures/db/asterisk-cdr.sql) loaded with the real samples' rows
gives the totals of the same rows read from the CSV with the same preset; one pass for
a table (ORDER BY time), a second pass for a query that is not in time order; --jobs;
memory flat on a large table; errors exit 2 without a traceback or the password."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import fairdebt
import fairdebt.io.database as database
from db_samples import FIXTURES, PG_URL, asterisk_files, csv_rows, load, needs_pg, sa
from fairdebt.cli import main
from fairdebt.io.database import DatabaseSource
from fairdebt.io.mapping import load_preset
from fairdebt.model import Report
from fairdebt.runner import check_paths
from helpers import PEAK_MB_SOURCE

pytestmark = needs_pg
POLICY = fairdebt.load_policy("us-reg-f")
MAPPING = load_preset("asterisk-cdr")
MULTILEG = FIXTURES / "asterisk-21col-multileg.csv"
COLUMNS = MAPPING.layouts[21]


@pytest.fixture(scope="module")
def url() -> str:
    assert PG_URL, "CI is set but FAIRDEBT_TEST_PG_URL is not: .ci/run starts PostgreSQL"
    return PG_URL


@pytest.fixture(scope="module")
def engine(url: str) -> Iterator[Any]:
    # the tests' own connection: the same URL fairdebt is given, with the driver named
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def tables(engine: Any) -> dict[Path, str]:
    """Every Asterisk sample loaded into a table of its own, plus `cdr` (the multileg
    excerpt) for the tests that need one table."""
    loaded = {path: load(engine, path) for path in asterisk_files()}
    load(engine, MULTILEG, "cdr")
    return loaded


def totals(report: Report) -> tuple[Any, ...]:
    s = report.summary
    return (s.rows_read, s.events_checked, s.rows_rejected, s.rows_merged, s.findings,
            s.by_rule, s.consumers)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--from", "asterisk-cdr", *args])


def password(url: str) -> str:
    secret = sa.engine.make_url(url).password
    assert secret, "the test server's URL has a password, so masking can be checked"
    return str(secret)


def assert_clean_error(result: Result, url: str, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert password(url) not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr


# --- the same totals as the files --------------------------------------------------------


@pytest.mark.parametrize("path", asterisk_files(), ids=lambda p: p.name)
def test_a_table_gives_the_totals_of_its_csv(path: Path, url: str,
                                             tables: dict[Path, str]) -> None:
    from_file = check_paths([str(path)], POLICY, mapping=MAPPING)
    notes: list[str] = []
    source = DatabaseSource(url, table=tables[path])
    from_db = check_paths([], POLICY, mapping=MAPPING, database=source, notes=notes)
    assert totals(from_db) == totals(from_file)
    assert from_db.summary.rows_read == csv_rows(path)
    s = from_db.summary
    assert s.rows_read == s.events_checked + s.rows_rejected + (s.rows_merged or 0)
    # rejected for the same reasons, located in the table by ordinal
    assert Counter(r.reason for r in from_db.rejected) == \
        Counter(r.reason for r in from_file.rejected)
    assert all(r.file == source.name and 1 <= r.line <= s.rows_read for r in from_db.rejected)
    assert {f.file for f in from_db.findings} <= {source.name}
    # the offset is inferred from uniqueid as for the file (UTC+3 in the shifted excerpt)
    offset = "UTC+03:00" if "utc+3" in path.name else "UTC+00:00"
    assert any(n.startswith(f"{source.name}: timestamps carry no UTC offset; inferred "
                            f"{offset}") for n in notes), notes


def test_the_cli_reads_a_table(url: str, tables: dict[Path, str]) -> None:
    result = run("--db", url, "--table", "cdr", "-f", "json", "--show-pii")
    from_file = run(str(MULTILEG), "-f", "json", "--show-pii")
    assert result.exit_code == from_file.exit_code == 1, result.output
    db, file = json.loads(result.stdout), json.loads(from_file.stdout)
    assert db["summary"] == file["summary"]
    assert db["summary"]["rows_merged"] == 7
    assert "asterisk-cdr: 7 row(s) merged" in result.stderr
    assert password(url) not in result.output


def test_the_url_can_come_from_the_environment(url: str, tables: dict[Path, str]) -> None:
    """FAIRDEBT_DB_URL keeps the password out of the command line (and `ps`)."""
    result = CliRunner(env={"FAIRDEBT_DB_URL": url}).invoke(
        main, ["check", "--from", "asterisk-cdr", "--table", "cdr", "-q", "--exit-zero"])
    assert result.exit_code == 0, result.output
    assert "rows read 12" in result.stdout


def test_timestamptz_values_keep_their_offset(url: str, tables: dict[Path, str]) -> None:
    """An aware value (timestamptz) is the instant it says: no zone to declare or infer."""
    others = ", ".join(f'"{c}"' for c in COLUMNS if c != "start")
    query = f"SELECT {others}, start AT TIME ZONE 'UTC' AS start FROM cdr ORDER BY start"
    notes: list[str] = []
    from_db = check_paths([], POLICY, mapping=MAPPING, notes=notes,
                          database=DatabaseSource(url, query=query))
    from_file = check_paths([str(MULTILEG)], POLICY, mapping=MAPPING)
    assert totals(from_db) == totals(from_file)
    assert not any("inferred" in n for n in notes), notes


def old_schema(engine: Any) -> None:
    """`cdr_old`: the rows of `cdr` in the pre-Alembic cdr_pgsql table (`calldate`)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS cdr_old")
        conn.exec_driver_sql("CREATE TABLE cdr_old AS SELECT start AS calldate, clid, src, "
                             "dst, dcontext, channel, dstchannel, lastapp, lastdata, "
                             "duration, billsec, disposition, amaflags, accountcode, "
                             "uniqueid, userfield FROM cdr ORDER BY start DESC")


def test_the_old_calldate_schema_is_read_through_a_query(url: str, engine: Any,
                                                         tables: dict[Path, str]) -> None:
    """Pre-Alembic cdr_pgsql tables have `calldate`: the error says how to rename it."""
    old_schema(engine)
    result = run("--db", url, "--table", "cdr_old")
    assert_clean_error(result, url, "db:cdr_old: the table has no column 'start' for "
                       "'timestamp'", "calldate", "SELECT *, other AS start FROM")
    result = run("--db", url, "--query", "SELECT *, calldate AS start FROM cdr_old",
                 "-q", "--exit-zero")
    assert result.exit_code == 0, result.output
    # the old schema has no linkedid: only legs sharing a uniqueid merge (7 with it)
    assert "rows read 12 · checked 8 · rejected 0 · merged 4" in result.stdout


def test_a_mapping_can_rename_a_table_column(url: str, tmp_path: Path,
                                             tables: dict[Path, str], engine: Any,
                                             executions: list[str]) -> None:
    """rename: {calldate: start} in a mapping on top of the preset reads the old schema
    as a table: in time order (ORDER BY calldate), the renamed column still a stored
    timestamp (not parsed as text)."""
    old_schema(engine)
    mapping = tmp_path / "old-cdr.yaml"
    mapping.write_text("mapping: old-cdr\nextends: asterisk-cdr\nrename: {calldate: start}\n",
                       encoding="utf-8")
    result = run("--mapping", str(mapping), "--db", url, "--table", "cdr_old", "-q",
                  "--exit-zero")
    assert result.exit_code == 0, result.output
    assert "rows read 12 · checked 8 · rejected 0 · merged 4" in result.stdout
    assert executions == ["db:cdr_old"]  # one pass: ORDER BY calldate


def test_a_query_is_sent_as_written(url: str, tables: dict[Path, str]) -> None:
    """'%' and ':name' in the user's SQL are SQL, not placeholders or bind parameters."""
    query = ("SELECT * FROM cdr WHERE dst LIKE '21%' AND ':not_a_bind' <> '' "
             "AND start::date >= '2024-01-01' ORDER BY start")
    result = run("--db", url, "--query", query, "-q", "--exit-zero")
    assert result.exit_code == 0, result.output
    assert "rows read 9 " in result.stdout  # the rows whose dst starts with 21


# --- passes: ORDER BY for a table, a second run for an unsorted query ---------------------


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements fairdebt ran (one per pass over the source)."""
    ran: list[str] = []
    execute = database._execute

    def counting(conn: Any, source: DatabaseSource, *args: Any) -> Any:
        result = execute(conn, source, *args)
        ran.append(source.name)
        return result

    monkeypatch.setattr(database, "_execute", counting)
    return ran


def test_a_table_is_read_in_time_order_in_one_pass(url: str, engine: Any,
                                                   executions: list[str]) -> None:
    with engine.begin() as conn:  # rows stored newest first: the table's order is not time's
        conn.exec_driver_sql("DROP TABLE IF EXISTS cdr_reversed")
        conn.exec_driver_sql("CREATE TABLE cdr_reversed AS SELECT * FROM cdr "
                             "ORDER BY start DESC")
    report = check_paths([], POLICY, mapping=MAPPING,
                         database=DatabaseSource(url, table="cdr_reversed"))
    assert executions == ["db:cdr_reversed"]
    assert totals(report) == totals(check_paths([str(MULTILEG)], POLICY, mapping=MAPPING))


def test_an_unsorted_query_is_run_again_for_the_sorted_pass(url: str, tables: dict[Path, str],
                                                           executions: list[str]) -> None:
    source = DatabaseSource(url, query="SELECT * FROM cdr ORDER BY start DESC, uniqueid")
    report = check_paths([], POLICY, mapping=MAPPING, database=source)
    assert executions == ["db:query", "db:query"]  # optimistic pass, then sorted pass
    # merges and notes of the abandoned first pass are not counted twice
    assert totals(report) == totals(check_paths([str(MULTILEG)], POLICY, mapping=MAPPING))


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_run_the_query_in_each_process_and_count_once(
        url: str, tables: dict[Path, str], jobs: int) -> None:
    big = max(tables, key=csv_rows)
    args = ["--db", url, "--table", tables[big], "-f", "json", "--show-pii",
            "--default-timezone", "America/New_York"]
    one, many = run(*args, "-j", "1"), run(*args, "-j", str(jobs))
    assert one.exit_code == many.exit_code == 1, many.output
    assert one.stdout == many.stdout
    summary = json.loads(one.stdout)["summary"]
    assert summary["rows_read"] == csv_rows(big)


# --- memory -------------------------------------------------------------------------------


def peak_rss_mb(url: str, table: str) -> float:
    """Read every row of ``table`` through the preset in a fresh process; its peak RSS."""
    code = PEAK_MB_SOURCE + textwrap.dedent(f"""
        import sys
        from fairdebt.io.database import DatabaseSource, read_database
        from fairdebt.io.mapping import load_preset
        count = sum(1 for _ in read_database(DatabaseSource(sys.argv[1], table={table!r}),
                                             load_preset("asterisk-cdr")))
        print(count, peak_mb())
    """)
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[1])


def test_memory_stays_flat_on_a_large_table(url: str, engine: Any) -> None:
    """10× the rows, about the same peak memory: rows stream through a server-side
    cursor in batches (a client-side cursor would hold all 100,000 rows)."""
    with engine.begin() as conn:
        for name, rows in (("cdr_small", 10_000), ("cdr_large", 100_000)):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
            conn.exec_driver_sql(
                f"CREATE TABLE {name} AS SELECT '' AS accountcode, '2125550100' AS src, "
                f"'21255501' || lpad(mod(n, 100)::text, 2, '0') AS dst, "
                f"'from-internal' AS dcontext, repeat('x', 60) AS clid, "
                f"'SIP/trunk-' || n AS channel, 'SIP/out-' || n AS dstchannel, "
                f"'Dial' AS lastapp, repeat('y', 60) AS lastdata, "
                f"timestamp '2024-01-01' + n * interval '1 second' AS start, "
                f"NULL::timestamp AS answer, NULL::timestamp AS \"end\", 30 AS duration, "
                f"0 AS billsec, 'NO ANSWER' AS disposition, 'DOCUMENTATION' AS amaflags, "
                f"'' AS userfield, (1704067200 + n)::text || '.' || n AS uniqueid "
                f"FROM generate_series(1, {rows}) AS n")
    small, large = peak_rss_mb(url, "cdr_small"), peak_rss_mb(url, "cdr_large")
    assert large - small < 25, (small, large)


# --- errors -------------------------------------------------------------------------------


def test_a_missing_table(url: str, tables: dict[Path, str]) -> None:
    result = run("--db", url, "--table", "calls")
    assert_clean_error(result, url, "db:calls: no table 'calls' in the database at "
                       "postgresql+psycopg://fairdebt:***@", "cdr")
    result = run("--db", url, "--table", "calls", "-j", "2")  # raised in a worker process
    assert_clean_error(result, url, "db:calls: no table 'calls'")
    result = run("--db", url, "--table", "nosuchschema.cdr")
    assert_clean_error(result, url, "no table 'nosuchschema.cdr' in schema 'nosuchschema'")


def test_a_schema_qualified_table(url: str, tables: dict[Path, str]) -> None:
    result = run("--db", url, "--table", "public.cdr", "-q", "--exit-zero")
    assert result.exit_code == 0 and "rows read 12" in result.stdout, result.output


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT * FROM calls", 'relation "calls" does not exist'),
    ("SELEKT * FROM cdr", 'syntax error at or near "SELEKT"'),
    # fails while the rows stream in, not when the query starts
    ("SELECT *, 1 / (sequence - 6) AS x FROM cdr", "division by zero"),
    ("SET search_path TO public", "a --query is one SELECT"),
    ("   ;  ", "--query: the query is empty"),
])
def test_a_query_error(url: str, tables: dict[Path, str], query: str, message: str) -> None:
    assert_clean_error(run("--db", url, "--query", query), url, message)


def test_a_query_cannot_write(url: str, engine: Any, tables: dict[Path, str]) -> None:
    query = "WITH gone AS (DELETE FROM cdr RETURNING *) SELECT * FROM gone"
    assert_clean_error(run("--db", url, "--query", query), url, "db:query:")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM cdr").scalar() == 12


def test_a_wrong_password_or_server(url: str) -> None:
    wrong = url.replace(f":{password(url)}@", ":not-the-password@")
    assert_clean_error(run("--db", wrong, "--table", "cdr"), url,
                       "db:cdr: cannot connect", "password authentication failed",
                       "fairdebt:***@")
    assert "not-the-password" not in run("--db", wrong, "--table", "cdr").output
    port = sa.engine.make_url(url).port
    refused = url.replace(f":{port}/", ":1/")
    assert_clean_error(run("--db", refused, "--table", "cdr"), url, "db:cdr: cannot connect")
