"""--db without a server: option checks, URL and driver errors (exit 2, a clear message,
no traceback, no password), and the generic SQLAlchemy path on SQLite (text timestamps,
as a database without a timestamp type stores them)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import fairdebt
from db_samples import FIXTURES, ROOT, csv_rows, load
from fairdebt.cli import main
from fairdebt.io.database import DatabaseSource, mask_url, read_database
from fairdebt.io.imports import ImportStats
from fairdebt.io.mapping import load_preset
from fairdebt.io.sources import SourceError
from fairdebt.model import Event, Rejected
from fairdebt.runner import check_paths

SECRET = "s3cr3t-pw"
MULTILEG = FIXTURES / "asterisk-21col-multileg.csv"
POLICY = fairdebt.load_policy("us-reg-f")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--from", "asterisk-cdr", *args])


def assert_clean_error(result: Result, *expected: str) -> None:
    """Exit 2, the message on stderr, no traceback, the password nowhere."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'asterisk.db'}"


# --- options --------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--db", "sqlite://"], "give either --table NAME or --query SQL"),
    (["--db", "sqlite://", "--table", "cdr", "--query", "SELECT 1"], "give either --table"),
    (["--table", "cdr", "x.csv"], "give --db too"),
    (["--query", "SELECT 1", "x.csv"], "give --db too"),
    ([], "or --db URL --table NAME"),
])
def test_db_option_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_fairdebt_db_url_in_the_environment_does_not_change_a_file_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runner = CliRunner(env={"FAIRDEBT_DB_URL": f"postgresql://u:{SECRET}@nowhere/db"})
    result = runner.invoke(main, ["check", "-q", "--exit-zero", "fixtures/sample-calls.csv"])
    assert result.exit_code == 0 and "rows read 30" in result.stdout, result.output
    result = runner.invoke(main, ["check", "-q"])
    assert result.exit_code == 2 and "or --db URL --table NAME" in result.output


def test_db_needs_a_preset_or_mapping() -> None:
    result = CliRunner().invoke(main, ["check", "--db", "sqlite://", "--table", "cdr"])
    assert result.exit_code == 2 and "--from PRESET or --mapping FILE" in result.output


def test_a_database_source_reads_a_table_or_a_query() -> None:
    with pytest.raises(ValueError):
        DatabaseSource("sqlite://")
    with pytest.raises(ValueError):
        DatabaseSource("sqlite://", table="cdr", query="SELECT 1")
    assert DatabaseSource("sqlite://", table="public.cdr").name == "db:public.cdr"
    assert DatabaseSource("sqlite://", query="SELECT 1").name == "db:query"


# --- URLs, drivers, passwords -------------------------------------------------------------


@pytest.mark.parametrize(("text", "masked"), [
    ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
    ("postgresql+psycopg://u:p@ss@h:5432/db", "postgresql+psycopg://u:***@h:5432/db"),
    ("u:pw@h/db", "u:***@h/db"),
    ("said: mysql://a:b:c@h failed", "said: mysql://a:***@h failed"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),
    ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
])
def test_mask_url(text: str, masked: str) -> None:
    assert mask_url(text) == masked


def test_a_bad_url_is_a_clear_error() -> None:
    result = run("--db", f"postgresql://u:{SECRET}@h:notaport/db", "--table", "cdr")
    assert_clean_error(result, "--db: not a database URL", "postgresql://u:***@h:notaport/db")
    result = run("--db", f"not a url {SECRET}@", "--table", "cdr")
    assert result.exit_code == 2 and "not a database URL" in result.stderr


def test_an_unknown_dialect_is_a_clear_error() -> None:
    result = run("--db", f"nosuchdb://u:{SECRET}@h/db", "--table", "cdr")
    assert_clean_error(result, "SQLAlchemy has no dialect 'nosuchdb'", "nosuchdb://u:***@h/db")


@pytest.mark.skipif(importlib.util.find_spec("pymysql") is not None,
                    reason="pymysql is installed: its absence cannot be shown")
def test_a_missing_driver_is_a_clear_error() -> None:
    result = run("--db", f"mysql+pymysql://u:{SECRET}@127.0.0.1/asterisk", "--table", "cdr")
    assert_clean_error(result, "the database driver is not installed", "pymysql",
                       "mysql+pymysql://u:***@127.0.0.1/asterisk")


def test_without_sqlalchemy_db_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)  # import sqlalchemy: ImportError
    result = run("--db", f"postgresql://u:{SECRET}@h/db", "--table", "cdr")
    assert_clean_error(result, "--db needs SQLAlchemy", "pip install 'fairdebt[db]'")


def test_the_core_modules_do_not_import_sqlalchemy() -> None:
    """The db extra is optional: reading files never loads it."""
    code = ("import sys, fairdebt.cli, fairdebt.runner; "
            "sys.exit('sqlalchemy' in sys.modules)")
    import subprocess
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- SQLite: the generic path ---------------------------------------------------------------


def test_sqlite_table_gives_the_totals_of_the_csv(sqlite_url: str) -> None:
    import sqlalchemy as sa
    engine = sa.create_engine(sqlite_url)
    load(engine, MULTILEG, "cdr", typed=False)  # SQLite keeps the times as text
    mapping = load_preset("asterisk-cdr")
    from_file = check_paths([str(MULTILEG)], POLICY, mapping=mapping)
    from_db = check_paths([], POLICY, mapping=mapping,
                          database=DatabaseSource(sqlite_url, table="cdr"))
    assert from_db.summary == from_file.summary
    assert from_db.summary.rows_read == csv_rows(MULTILEG)
    assert {f.file for f in from_db.findings} == {"db:cdr"}


def test_sqlite_rows_are_accounted_with_their_ordinal(sqlite_url: str) -> None:
    import sqlalchemy as sa
    engine = sa.create_engine(sqlite_url)
    load(engine, MULTILEG, "cdr", typed=False)
    with engine.begin() as conn:  # a row without a dialed number, one with a bad time
        conn.exec_driver_sql("UPDATE cdr SET dst = NULL WHERE sequence = 0")
        conn.exec_driver_sql("UPDATE cdr SET start = '2024-13-45 99:00:00' WHERE sequence = 1")
    stats = ImportStats()
    items = list(read_database(DatabaseSource(sqlite_url, query="SELECT * FROM cdr "
                                              "ORDER BY sequence"),
                               load_preset("asterisk-cdr"), stats=stats))
    rejected = [i for i in items if isinstance(i, Rejected)]
    events = [i for i in items if isinstance(i, Event)]
    assert [(r.file, r.line) for r in rejected] == [("db:query", 1), ("db:query", 2)]
    assert "field 'consumer_id': missing" in rejected[0].reason
    assert "'2024-13-45 99:00:00' in column 'start'" in rejected[1].reason
    assert len(events) + len(rejected) + stats.merged == csv_rows(MULTILEG)
    assert all(e.file == "db:query" for e in events)


def test_db_and_files_together(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlalchemy as sa
    load(sa.create_engine(sqlite_url), MULTILEG, "cdr", typed=False)
    monkeypatch.chdir(ROOT)
    voicemail = "fixtures/imports/asterisk-voicemail.csv"
    result = run("--db", sqlite_url, "--table", "cdr", voicemail, "-f", "json",
                 "--exit-zero")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["rows_read"] == csv_rows(MULTILEG) + csv_rows(ROOT / voicemail)
    files = {f["file"] for f in json.loads(result.stdout)["findings"]}
    assert files == {"db:cdr", voicemail}


def test_missing_table_on_sqlite(sqlite_url: str) -> None:
    import sqlalchemy as sa
    load(sa.create_engine(sqlite_url), MULTILEG, "cdr", typed=False)
    result = run("--db", sqlite_url, "--table", "calls")
    assert_clean_error(result, "db:calls: no table 'calls'", "(tables: cdr)")


def test_convert_reads_a_table(sqlite_url: str) -> None:
    import sqlalchemy as sa
    load(sa.create_engine(sqlite_url), MULTILEG, "cdr", typed=False)
    runner = CliRunner()
    from_db = runner.invoke(main, ["convert", "--from", "asterisk-cdr", "--db", sqlite_url,
                                   "--table", "cdr"])
    from_file = runner.invoke(main, ["convert", "--from", "asterisk-cdr", str(MULTILEG)])
    assert from_db.exit_code == from_file.exit_code == 0, from_db.output
    assert sorted(from_db.stdout.splitlines()) == sorted(from_file.stdout.splitlines())
    totals = from_db.stderr.splitlines()[-1]
    assert totals == from_file.stderr.splitlines()[-1]
    assert totals.endswith(f"{csv_rows(MULTILEG)} row(s) read: 5 event(s) written, "
                           "0 rejected, 7 merged")


def test_html_report_of_a_table_says_why_it_has_no_heat_map(sqlite_url: str,
                                                             tmp_path: Path) -> None:
    import sqlalchemy as sa
    load(sa.create_engine(sqlite_url), MULTILEG, "cdr", typed=False)
    page = tmp_path / "r.html"
    result = run("--db", sqlite_url, "--table", "cdr", "-f", f"html:{page}")
    assert result.exit_code in (0, 1), result.output
    text = page.read_text(encoding="utf-8")
    assert "some rows came from --db" in text and 'class="cell"' not in text


def test_two_columns_renamed_onto_one_field_are_refused_as_for_files(
        sqlite_url: str, tmp_path: Path) -> None:
    """A query with both `calldate` and `start`, through a mapping that renames one onto
    the other: which value is read would depend on column order, so the row is refused."""
    import sqlalchemy as sa
    load(sa.create_engine(sqlite_url), MULTILEG, "cdr", typed=False)
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text("mapping: old-cdr\nextends: asterisk-cdr\nrename: {calldate: start}\n",
                            encoding="utf-8")
    from fairdebt.io.mapping import load_mapping
    report = check_paths([], POLICY, mapping=load_mapping(str(mapping_file)),
                         database=DatabaseSource(
                             sqlite_url, query="SELECT *, start AS calldate FROM cdr"))
    assert report.summary.events_checked == 0
    assert report.rejected and all("both become 'start'" in r.reason for r in report.rejected)


def test_a_query_that_would_write_is_refused_and_writes_nothing(sqlite_url: str) -> None:
    import sqlalchemy as sa
    engine = sa.create_engine(sqlite_url)
    load(engine, MULTILEG, "cdr", typed=False)
    before = csv_rows(MULTILEG)
    with pytest.raises(SourceError, match="readonly"):
        list(read_database(DatabaseSource(sqlite_url, query="DELETE FROM cdr RETURNING *"),
                           load_preset("asterisk-cdr")))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM cdr").scalar() == before
