"""The ``fairdebt`` command: parse options, call the library, render, exit.

Exit codes: 0 no findings at the ``--fail-on`` severity (error by default), 1 such
findings, 2 usage, policy or input error (never a traceback for bad input).
"""

from __future__ import annotations

import fnmatch
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

import click

from . import __version__
from .checks import CHECKS
from .fast import FastUnavailable
from .io.atomic import replacing
from .io.canonical import write_csv
from .io.database import DatabaseSource, read_database
from .io.imports import ImportStats, read_import
from .io.mapping import ImportMapping, MappingError, load_mapping, load_preset, preset_names
from .io.sources import SourceError, display_name, exists
from .model import Event, Rejected, Report
from .policy import Policy, PolicyError, builtin_packs, load_policy
from .policy.model import thaw
from .report import FORMATS, RenderOptions
from .report.baseline import BaselineError
from .report.baseline import use as use_baseline
from .report.config import ConfigError
from .report.config import find as find_config
from .report.config import load as load_config
from .report.contacts import count_contacts
from .report.fingerprint import FINGERPRINTED, defaulted_ids
from .report.fingerprint import warning as fingerprint_warning
from .report.gate import SEVERITIES, fails, nothing_checked
from .report.outputs import OutputError, check_targets, plan, write
from .runner import check_paths
from .scale.progress import Progress
from .tz import ZoneError, get_zone

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # the shell's 128 + SIGINT / SIGTERM
DEFAULT_POLICY = "us-reg-f"


def _fail(message: str) -> None:
    click.echo(f"fairdebt: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _load(policies: Sequence[str]) -> Policy:
    try:
        return load_policy(*(policies or (DEFAULT_POLICY,)))
    except PolicyError as exc:
        _fail("invalid policy\n" + "\n".join(f"  {p}" for p in exc.problems))
        raise  # unreachable: _fail exits


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


class _Group(click.Group):
    """Ctrl-C ends a run with 130 and one line, not click's "Aborted!" and 1; SIGTERM (a
    cancelled CI job) unwinds like it, so a report being written is discarded whole
    (io.atomic) instead of left half-written."""

    def invoke(self, ctx: click.Context) -> object:
        previous = signal.getsignal(signal.SIGTERM)
        mine = (previous == signal.SIG_DFL
                and threading.current_thread() is threading.main_thread())
        if mine:
            signal.signal(signal.SIGTERM, _terminated)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("fairdebt: interrupted; reports not finished were not written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        finally:
            if mine:
                signal.signal(signal.SIGTERM, previous)


def _version(ctx: click.Context, _param: click.Parameter, wanted: bool) -> None:
    """``--version``: the version and the build, since the optional compiled build
    (benchmarks/README.md, "Compiled build") checks message content ~1.25× faster, and an
    auditor comparing runs should know which one ran."""
    if not wanted or ctx.resilient_parsing:
        return
    from ._mypyc import MODULES, compiled

    done = len(compiled())
    build = f"compiled build: {done} of {len(MODULES)} modules compiled by mypyc" if done \
        else "pure Python"
    click.echo(f"fairdebt, version {__version__} ({build})")
    ctx.exit()


def _terminated(signum: int, frame: object) -> None:
    click.echo("fairdebt: terminated; reports not finished were not written", err=True)
    sys.exit(EXIT_TERMINATED)


@click.group(cls=_Group,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_version,
              help="Show the version and the build (pure Python or compiled), and exit.")
def main() -> None:
    """fairdebt — check debt-collection contact logs against compliance policies.

    \b
    Start here:
      fairdebt check -p us-reg-f calls.csv        check a log, readable report
      fairdebt check --format json calls.csv      the same for CI (exit 1 on findings)
      fairdebt check --from asterisk-cdr Master.csv   a dialer's own export (fairdebt presets)
      fairdebt check --from asterisk-cdr --db URL --table cdr   … or its SQL table
      fairdebt policies                           built-in policy packs
      fairdebt rules -p us-reg-f                  the rules in a pack
      fairdebt explain reg-f/call-frequency       what a rule means and cites

    The log format is documented in docs/log-format.md.
    """


def _no_config(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value and ctx.meta.get("fairdebt.config"):
        raise click.BadParameter("contradicts --config", param_hint="'--no-config'")
    return value


def _config(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Eager: the configuration becomes the defaults of every other option, so flags win."""
    if ctx.params.get("no_config"):
        if value:
            raise click.BadParameter("contradicts --no-config", param_hint="'--config'")
        return value
    try:
        if value:
            path: Path | None = Path(value)
        elif os.environ.get("FAIRDEBT_NO_CONFIG", "") not in ("", "0"):
            path = None  # discovery off (tests, sandboxes); an explicit --config still reads
        else:
            path = find_config(Path.cwd())
        if path is None:
            return value
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file")
        ctx.default_map = {**(ctx.default_map or {}), **load_config(path).defaults}
    except ConfigError as exc:
        _fail(str(exc))
    ctx.meta["fairdebt.config"] = str(path)
    return value


def _pii_flags() -> tuple[bool, bool]:
    """``--redact`` and ``--show-pii`` both on: the one from the command line wins over the
    one from the configuration; both from the command line is a usage error."""
    source = click.get_current_context().get_parameter_source
    if source("redact") is click.core.ParameterSource.DEFAULT_MAP:
        return False, True
    if source("show_pii") is click.core.ParameterSource.DEFAULT_MAP:
        return True, False
    raise click.BadParameter("--redact and --show-pii contradict each other; give one",
                             param_hint="'--show-pii'")


def _db_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--db URL (--table NAME | --query SQL)``: read a dialer's SQL table instead of, or
    as well as, files."""
    command = click.option(
        "--query", metavar="SQL",
        help="With --db: read the rows this SELECT returns (its columns named as the "
             "preset expects; add ORDER BY the time column to read them in one pass).")(command)
    command = click.option(
        "--table", metavar="NAME",
        help="With --db: read this table ([schema.]name), in time order.")(command)
    return click.option(
        "--db", "db_url", metavar="URL", envvar="FAIRDEBT_DB_URL", show_envvar=True,
        help="Read call records from this database (a SQLAlchemy URL, e.g. "
             "postgresql://user@host/asterisk; needs pip install 'fairdebt[db]'), "
             "through --from/--mapping. Rows are named db:TABLE or db:query, line = "
             "the row's ordinal.")(command)


def _database(db_url: str | None, table: str | None, query: str | None,
              mapping: ImportMapping | None) -> DatabaseSource | None:
    """The --db source, or None; usage errors exit 2."""
    if db_url is None:
        if table is not None or query is not None:
            raise click.UsageError("--table and --query name what to read from --db URL: "
                                   "give --db too")
        return None
    if table is None and query is None and click.get_current_context().get_parameter_source(
            "db_url") is click.core.ParameterSource.ENVIRONMENT:
        return None  # FAIRDEBT_DB_URL set for other runs: this one checks files only
    if (table is None) == (query is None):
        raise click.UsageError("--db: give either --table NAME or --query SQL (one of them)")
    if mapping is None:
        raise click.UsageError("--db reads a dialer's own table: say which with --from "
                               "PRESET or --mapping FILE (see: fairdebt presets)")
    return DatabaseSource(db_url, table=table, query=query)


@main.command()
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option("-p", "--policy", "policies", multiple=True, metavar="NAME|PATH",
              help=f"Built-in pack id or policy file; repeat to layer several "
                   f"[default: {DEFAULT_POLICY}].")
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT[:PATH]",
              help=f"Output format, to stdout or to PATH; repeat to write several "
                   f"(at most one to stdout): {', '.join(FORMATS)} [default: text].")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rule ids (comma-separated, globs allowed: 'reg-f/*').")
@click.option("--ignore", multiple=True, metavar="RULES",
              help="Skip these rule ids (comma-separated, globs allowed).")
@click.option("--input-timezone", metavar="ZONE",
              help="Zone of timestamps written without a UTC offset (e.g. America/Chicago). "
                   "Without it such rows are rejected (the asterisk-cdr preset infers it).")
@click.option("--from", "preset", metavar="PRESET",
              help="Read the files as this export format (asterisk-cdr, twilio-calls, …; "
                   "see: fairdebt presets) instead of the canonical log.")
@click.option("--mapping", "mapping_file", metavar="FILE",
              help="Read the files through this import mapping (docs/importing.md); with "
                   "--from, it overrides that preset.")
@click.option("--encoding", metavar="ENC",
              help="Text encoding of exports read with --from/--mapping (utf-8 with or "
                   "without BOM, cp1252, gb18030, …) [default: the mapping's, else utf-8].")
@_db_options
@click.option("--default-timezone", metavar="ZONE",
              help="Consumer zone to assume when the log gives none. Without it such "
                   "contacts are reported by the unknown-timezone rule (fail closed).")
@click.option("--strict", is_flag=True,
              help="Exit 2 if any input row was rejected.")
@click.option("--consumers", "consumers", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False),
              help="Consumer directory (CSV or JSON Lines): numbers, emails, address, "
                   "timezone, region and standing facts per consumer, joined onto the log "
                   "by consumer_id or by the number/address contacted (docs/log-format.md).")
@click.option("--facts", "facts_file", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False),
              help="Account facts for the content rules (CSV or JSON Lines): consumer_id, "
                   "optional debt_id, and time_barred, judgment, secured, offer_expires_at, "
                   "… (docs/content-rules.md#account-facts).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Processes to split the consumers among (0: one per CPU). The report "
                   "is the same as with one; each process reads the input itself.")
@click.option("--engine", type=click.Choice(["auto", "stream", "fast", "python", "spark"]),
              default="auto", show_default=True,
              help="auto: the columnar fast path when fairdebt[fast] is installed and the "
                   "input is one plain canonical log of 1 MB or more (CSV, .csv.gz, "
                   ".csv.zst, or Parquet of text columns), else the streaming engine "
                   "(python is the same); stream: always the streaming engine (the "
                   "reference); fast: the fast path or an error saying why not. The report "
                   "is the same. spark: check on Apache Spark, partitioned by consumer, with "
                   "the same findings (needs fairdebt[spark]; docs/scale.md). FILEs may then "
                   "be directories or any URL Spark reads.")
@click.option("--spark-master", metavar="URL",
              help="--engine spark: the cluster [default: spark-submit's, else local[*]].")
@click.option("--spark-output", metavar="DIR",
              help="--engine spark: also write findings/ and rejected/ as Parquet under DIR.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: print only the summary.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report [default: only on a terminal].")
@click.option("--fail-on", type=click.Choice(SEVERITIES[::-1]), default="error",
              show_default=True,
              help="Exit 1 when a finding is at least this severe.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 whatever the findings (still 2 on bad usage, policy or input).")
@click.option("--baseline", metavar="FILE",
              help="Hide findings this baseline accepts (see docs/reports.md); the output "
                   "says how many.")
@click.option("--update-baseline", is_flag=True,
              help="Rewrite the --baseline file to accept every current finding, keeping "
                   "waivers, reasons and expiry dates.")
@click.option("--redact", is_flag=True,
              help="Mask phone numbers and emails in every format (sarif, github, gitlab, "
                   "junit and html mask them by default).")
@click.option("--show-pii", is_flag=True,
              help="Never mask phone numbers and emails, even where masking is the default.")
# eager, so the configuration is read before any other option takes its default
@click.option("--no-config", is_flag=True, is_eager=True, callback=_no_config,
              help="Ignore fairdebt.toml and [tool.fairdebt] in pyproject.toml.")
@click.option("--config", "config_file", metavar="FILE", is_eager=True, callback=_config,
              help="Read defaults from FILE instead of the fairdebt.toml or pyproject.toml "
                   "found from the working directory up. Flags win over it.")
def check(files: tuple[str, ...], policies: tuple[str, ...], formats: tuple[str, ...],
          select: tuple[str, ...], ignore: tuple[str, ...], input_timezone: str | None,
          preset: str | None, mapping_file: str | None, encoding: str | None,
          db_url: str | None, table: str | None, query: str | None,
          default_timezone: str | None,
          strict: bool, consumers: str | None, facts_file: str | None, jobs: int,
          engine: str,
          spark_master: str | None, spark_output: str | None, quiet: bool, color: bool | None,
          fail_on: str, exit_zero: bool,
          baseline: str | None, update_baseline: bool, redact: bool, show_pii: bool,
          no_config: bool, config_file: str | None) -> None:
    """Check contact logs (CSV or JSON Lines, .gz too; - for stdin) against a policy.

    Every row is either checked or listed as rejected with its file, line and
    reason. Exit 0: no findings at the --fail-on severity (error unless told);
    1: such findings; 2: bad usage, policy or input. With --db, a dialer's SQL
    table or query is read too (files are then optional).
    """
    if redact and show_pii:
        redact, show_pii = _pii_flags()
    if update_baseline and not baseline:
        raise click.BadParameter("needs --baseline FILE to know which file to write",
                                 param_hint="'--update-baseline'")
    try:
        outputs = plan(formats)
        check_targets(outputs, files, baseline, os.environ, update_baseline=update_baseline)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="'--format'") from None
    mapping = _import_mapping(preset, mapping_file, encoding)
    database = _database(db_url, table, query, mapping)
    if not files and database is None:
        raise click.UsageError("give the log FILE(s) to check, or --db URL --table NAME")
    policy = _load(policies)
    selected, ignored = _split(select), _split(ignore)
    if selected or ignored:
        known = {r.id for r in policy.rules}
        for pattern in selected + ignored:
            if not any(fnmatch.fnmatchcase(r, pattern) for r in known):
                _fail(f"--select/--ignore: no rule matches {pattern!r} in "
                      f"{', '.join(policy.packs)} (see: fairdebt rules -p ...)")
        policy = policy.select(selected or None, ignored or None)
    if engine == "spark":
        if database is not None:
            _fail("--db is not read by --engine spark (export the table, or use the "
                  "python engine)")
        if facts_file:
            _fail("--facts is not read by --engine spark (use the python engine)")
        report = _on_spark(files, policy, input_timezone, default_timezone, mapping,
                           consumers, spark_master, spark_output)
    elif spark_master or spark_output:
        _fail("--spark-master and --spark-output need --engine spark")
    missing = [f for f in files if engine != "spark" and not exists(f)]
    if missing:
        _fail(f"no such file: {', '.join(missing)}")
    if files.count("-") > 1:
        _fail("stdin (-) can be read only once")
    notes: list[str] = []
    try:
        if engine != "spark":
            report = check_paths(list(files), policy, input_timezone=input_timezone,
                                 default_timezone=default_timezone, mapping=mapping,
                                 encoding=encoding, notes=notes,
                                 jobs=jobs or os.cpu_count() or 1, consumers=consumers,
                                 progress=Progress.on_terminal(), database=database,
                                 facts=facts_file,
                                 engine="auto" if engine == "python" else engine)
    except (SourceError, ZoneError, FastUnavailable) as exc:
        _fail(str(exc))
        return
    _notes(notes, mapping, report.summary.rows_merged)
    if baseline or any(o.format in FINGERPRINTED for o in outputs):
        defaulted = defaulted_ids(report.findings)
        if defaulted:
            click.echo(f"fairdebt: warning: {fingerprint_warning(defaulted)}", err=True)
    suppressed = 0
    if baseline:
        try:
            outcome = use_baseline(report, baseline, update=update_baseline, today=date.today(),
                                   rules={r.id for r in policy.rules}, files=files)
        except BaselineError as exc:
            _fail(str(exc))
            return
        report, suppressed = outcome.report, outcome.suppressed
        click.echo(f"fairdebt: {outcome.note(baseline)}", err=True)
    use_color = sys.stdout.isatty() if color is None else color
    contacts, no_contacts = None, ""
    if any(o.format == "html" for o in outputs):  # the heat map reads the logs again
        if "-" in files:
            no_contacts = ("the contacts are counted by reading the logs again, and standard "
                           "input cannot be read twice")
        elif database is not None:
            no_contacts = "the contacts are counted from files, and some rows came from --db"
        elif engine == "spark":  # FILEs may be directories or URLs only Spark reads
            no_contacts = "with --engine spark the logs are not read again here"
        else:
            try:
                contacts = count_contacts(files, input_timezone, default_timezone, mapping,
                                          encoding, consumers)
            except (SourceError, ZoneError) as exc:
                _fail(str(exc))
    options = RenderOptions(color=use_color, quiet=quiet, rules=policy.rules, redact=redact,
                            show_pii=show_pii, suppressed=suppressed, baseline=baseline,
                            contacts=contacts, no_contacts=no_contacts,
                            sources=(*map(display_name, files),
                                     *([database.name] if database is not None else [])))
    try:
        write(outputs, report, options, lambda text: click.echo(text, nl=False), os.environ,
              color=color,
              warn=lambda message: click.echo(f"fairdebt: warning: {message}", err=True))
    except OutputError as exc:
        _fail(str(exc))
    if strict and report.rejected:
        click.echo(f"fairdebt: {len(report.rejected)} row(s) rejected (--strict)", err=True)
        sys.exit(EXIT_ERROR)
    if nothing_checked(report.summary):
        first, read = report.rejected[0], report.summary.rows_read
        rows = "the one row read was" if read == 1 else f"all {read} rows read were"
        click.echo(f"fairdebt: nothing was checked: {rows} rejected (the first: "
                   f"{first.file}:{first.line}: {first.reason})", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if fails(report, fail_on) and not exit_zero else EXIT_CLEAN)


def _on_spark(files: Sequence[str], policy: Policy, input_timezone: str | None,
              default_timezone: str | None, mapping: ImportMapping | None,
              consumers: str | None, master: str | None, output: str | None) -> Report:
    """``check --engine spark``: the same report, computed on Spark (docs/scale.md)."""
    if mapping is not None or consumers or "-" in files:
        _fail("--engine spark reads canonical logs from paths: not with --from, --mapping, "
              "--consumers or stdin (convert exports first: fairdebt convert)")
    from .spark import SparkUnavailable, run_on_spark  # imports nothing of Spark's yet
    try:
        return run_on_spark(list(files), policy, master=master, output=output,
                            input_timezone=input_timezone, default_timezone=default_timezone,
                            progress=sys.stderr.isatty())
    except (SparkUnavailable, SourceError, ZoneError) as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


def _import_mapping(preset: str | None, mapping_file: str | None,
                    encoding: str | None) -> ImportMapping | None:
    """The preset and/or mapping file the user named (exit 2 with every problem)."""
    try:
        if mapping_file:
            if not Path(mapping_file).is_file():
                _fail(f"--mapping: no such file: {mapping_file}")
            if preset and preset not in preset_names():
                load_preset(preset)  # raises with the list of presets
            return load_mapping(mapping_file, base=preset)
        if preset:
            return load_preset(preset)
    except MappingError as exc:
        _fail("invalid import mapping\n" + "\n".join(f"  {p}" for p in exc.problems))
    if encoding:
        _fail("--encoding applies to exports read with --from or --mapping; the canonical "
              "log is UTF-8 (docs/log-format.md)")
    return None


def _notes(notes: list[str], mapping: ImportMapping | None, merged: int | None) -> None:
    for note in notes:
        click.echo(f"fairdebt: {note}", err=True)
    if mapping is not None and merged:
        click.echo(f"fairdebt: {mapping.name}: {merged} row(s) merged into the attempt they "
                   "belong to (counted in rows_merged)", err=True)


@main.command()
def presets() -> None:
    """List the import presets for --from: name and the export each one reads."""
    names = preset_names()
    width = max(map(len, names), default=0)
    for name in names:
        try:
            title = load_preset(name).title
        except MappingError as exc:
            title = f"(invalid: {exc.problems[0]})"
        click.echo(f"{name:<{width}}  {title}")


@main.command()
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option("--from", "preset", metavar="PRESET",
              help="The export format (see: fairdebt presets).")
@click.option("--mapping", "mapping_file", metavar="FILE",
              help="An import mapping file (docs/importing.md); with --from, it overrides "
                   "that preset.")
@click.option("--input-timezone", metavar="ZONE",
              help="Zone of timestamps written without a UTC offset.")
@click.option("--encoding", metavar="ENC",
              help="Text encoding of the files [default: the mapping's, else utf-8].")
@click.option("-o", "--output", metavar="FILE", help="Write the log here, not to stdout.")
@click.option("--strict", is_flag=True, help="Exit 2 if any row was rejected.")
@_db_options
def convert(files: tuple[str, ...], preset: str | None, mapping_file: str | None,
            input_timezone: str | None, encoding: str | None, output: str | None,
            strict: bool, db_url: str | None, table: str | None, query: str | None) -> None:
    """Write exports as the canonical log (CSV), to see what fairdebt understood.

    Rejected rows are listed on stderr with file, line and reason; merged rows
    (several rows of one attempt) are counted there too.
    """
    if not preset and not mapping_file:
        raise click.UsageError("give --from PRESET or --mapping FILE (see: fairdebt presets)")
    mapping = _import_mapping(preset, mapping_file, encoding)
    assert mapping is not None
    database = _database(db_url, table, query, mapping)
    if not files and database is None:
        raise click.UsageError("give the export FILE(s) to convert, or --db URL --table NAME")
    missing = [f for f in files if not exists(f)]
    if missing:
        _fail(f"no such file: {', '.join(missing)}")
    if files.count("-") > 1:
        _fail("stdin (-) can be read only once")
    try:
        zone = get_zone(input_timezone, field="--input-timezone") if input_timezone else None
    except ZoneError as exc:
        _fail(str(exc))
        return
    stats = ImportStats()
    rejected: list[Rejected] = []

    def converted() -> Iterator[Event]:
        for path in files:
            for item in read_import(path, mapping, zone, stats=stats, encoding=encoding,
                                    zone_name=input_timezone):
                if isinstance(item, Rejected):
                    rejected.append(item)
                else:
                    yield item
        if database is not None:
            for item in read_database(database, mapping, zone, stats=stats,
                                      zone_name=input_timezone):
                if isinstance(item, Rejected):
                    rejected.append(item)
                else:
                    yield item

    try:
        if output:
            with replacing(output) as out:
                written = write_csv(converted(), out)
        else:
            written = write_csv(converted(), sys.stdout)
    except SourceError as exc:
        _fail(str(exc))
        return
    except OSError as exc:
        _fail(f"{output or '<stdout>'}: cannot write: {exc.strerror or exc}")
        return
    for item in rejected:
        click.echo(f"{item.file}:{item.line}: rejected: {item.reason}", err=True)
    _notes(stats.notes, None, None)
    total = written + len(rejected) + stats.merged
    click.echo(f"fairdebt: {total} row(s) read: {written} event(s) written, {len(rejected)} "
               f"rejected, {stats.merged} merged", err=True)
    if rejected and not written:  # as `check`: an empty conversion must not look like one
        click.echo("fairdebt: nothing was converted: every row was rejected", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_ERROR if strict and rejected else EXIT_CLEAN)


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="POLICY...")
def validate(files: tuple[str, ...]) -> None:
    """Check policy files (or built-in pack ids) without a log; list every problem."""
    failed = False
    for name in files:
        try:
            policy = load_policy(name)
        except PolicyError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        click.echo(f"{name}: ok — {policy.id}, {len(policy.rules)} rules")
    sys.exit(EXIT_ERROR if failed else EXIT_CLEAN)


@main.command()
def policies() -> None:
    """List the built-in policy packs: id, jurisdiction, regions, version, rules
    (and how many rest on unverified figures), title."""
    rows = [("id", "jurisdiction", "regions", "version", "rules", "unverified", "title")]
    for pack_id, path in sorted(builtin_packs().items()):
        try:
            policy = load_policy(pack_id)
        except PolicyError:
            rows.append((pack_id, "?", "?", "?", "?", "?",
                         f"(invalid: run fairdebt validate {path})"))
            continue
        info = policy.pack(pack_id)
        regions = sorted({r for p in policy.pack_info for r in p.regions}) or ["(all)"]
        unverified = sum(1 for r in policy.rules if not r.verified)
        rows.append((pack_id, info.jurisdiction if info else "", ",".join(regions),
                     info.version if info else "", str(len(policy.rules)), str(unverified),
                     policy.title))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for row in rows:
        cells = [c.rjust(w) if i in (4, 5) else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row[:6], widths, strict=True))]
        click.echo("  ".join([*cells, row[6]]).rstrip())


@main.command()
@click.option("-p", "--policy", "policies", multiple=True, metavar="NAME|PATH",
              help=f"Pack id or policy file [default: {DEFAULT_POLICY}].")
def rules(policies: tuple[str, ...]) -> None:
    """List a policy's rules: id, severity, citation, summary."""
    policy = _load(policies)
    width = max((len(r.id) for r in policy.rules), default=10)
    for r in policy.rules:
        flag = "" if r.verified else " [unverified]"
        click.echo(f"{r.id:<{width}}  {r.severity:<7}  {r.citation}\n"
                   f"{'':<{width}}  {r.summary}{flag}")


@main.command()
@click.argument("rule_id")
@click.option("-p", "--policy", "policies", multiple=True, metavar="NAME|PATH",
              help="Where to look for the rule [default: every built-in pack].")
def explain(rule_id: str, policies: tuple[str, ...]) -> None:
    """Explain a rule: what it checks, its citation, its parameters."""
    if policies:
        loaded = [_load(policies)]  # a broken policy is reported, not skipped
    else:
        loaded = []
        for pack in sorted(builtin_packs()):
            try:
                loaded.append(load_policy(pack))
            except PolicyError:
                continue  # `fairdebt policies` and `validate` report broken packs
    for policy in loaded:
        rule = policy.rule(rule_id)
        if rule is None:
            continue
        kind = CHECKS[rule.check]
        click.echo(f"{rule.id} — {rule.summary}")
        click.echo(f"  policy:   {rule.policy}")
        click.echo(f"  severity: {rule.severity}")
        click.echo(f"  citation: {rule.citation}")
        click.echo(f"  check:    {rule.check}")
        if rule.regions:
            click.echo(f"  regions:  {', '.join(rule.regions)}")
        if rule.effective_from or rule.effective_to:
            click.echo(f"  in force: {rule.effective_from or '…'} to {rule.effective_to or '…'}"
                       " (local days, inclusive)")
        if not rule.verified:
            click.echo("  verified: no — the figure is second-hand; see the pack's sources")
        info = policy.pack(rule.policy)
        for source in info.sources if info else ():
            url = f" <{source['url']}>" if source.get("url") else ""
            click.echo(f"  source:   {source.get('title', '')}{url}")
        if rule.params:
            click.echo("  params:   " + ", ".join(f"{k}={thaw(v)}"
                                                 for k, v in rule.params.items()))
        if rule.description:
            click.echo("\n" + textwrap.indent(rule.description.strip(), "  "))
        doc = (sys.modules[kind.__module__].__doc__ or "").strip()
        if doc:
            click.echo("\n  How the check works:\n" + textwrap.indent(doc, "    "))
        return
    _fail(f"no rule {rule_id!r} (list them with: fairdebt rules -p PACK)")




@main.command("test-policy")
@click.argument("packs", nargs=-1, required=True, metavar="POLICY...")
@click.option("-v", "--verbose", is_flag=True, help="List every example, not only failures.")
def test_policy(packs: tuple[str, ...], verbose: bool) -> None:
    """Run the examples content rules carry (their `tests:`): every `flag` example must
    give a finding, every `pass` example none. Exit 1 if any misbehaves."""
    from .content.testing import run_tests  # content matching loads only when needed

    failed = False
    for name in packs:
        try:
            policy = load_policy(name, run_tests=False)
        except PolicyError as exc:
            click.echo("fairdebt: error: invalid policy", err=True)
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(EXIT_ERROR)
        total = bad = 0
        for rule in policy.rules:
            if not rule.tests:
                continue
            outcomes = run_tests(CHECKS[rule.check](rule), rule.tests)
            for o in outcomes:
                total += 1
                if not o.ok:
                    bad += 1
                    click.echo(f"FAIL {rule.id} {o.kind}[{o.index}] ({rule.file}): {o.reason}:"
                               f" \"{o.text}\"")
                elif verbose:
                    click.echo(f"ok   {rule.id} {o.kind}[{o.index}]: \"{o.text}\"")
        failed = failed or bad > 0
        click.echo(f"{name}: {total - bad} of {total} examples behave"
                   + (f", {bad} do not" if bad else ""))
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
