"""Run a policy on Apache Spark (the optional ``fairdebt[spark]`` extra).

The engine's state is entirely per consumer, so a log split by consumer can be checked
piece by piece with the very same engine and give the same findings. On Spark:

1. **read** — every row becomes an `Event` (pickled) or a `Rejected`, by the same code
   as a single-machine run: for files (`check_path`), fairdebt's own reader runs on an
   executor over each whole file (CSV, JSON Lines, Parquet; gzip or zstd), so line
   numbers, rejections and their reasons are exactly those of ``fairdebt check``; for a
   DataFrame (`check_dataframe`), each row goes through `to_event`, the normalizer of
   every file format.
2. **partition** — events are repartitioned by ``consumer_id`` (every event of one
   consumer lands in one partition) and sorted by time within each partition.
3. **check** — each partition is fed, in order, to one `Engine` (ties ordered as
   single-machine runs order them, by `fairdebt.order.sort_key`); the partition's
   findings come out as rows with the JSON contract's fields (`Finding.to_dict`), and
   one row of counts for the run's summary.

The policy travels to executors as a pickle: `Policy` holds read-only mappings
(`types.MappingProxyType`), which the standard pickle refuses, so a private pickler
reduces them to plain dicts that are frozen again when loaded. Policy files therefore
need not exist on the executors (a cluster's workers rarely see the driver's disk).

    from fairdebt.spark import check_dataframe, check_path
    findings = check_dataframe(df, fairdebt.load_policy("us-reg-f"))   # a DataFrame
    run = check_path(spark, "s3://bucket/calls/", policy)
    run.findings.write.parquet("out/findings"); run.rejected.write.parquet("out/rejected")
    report = run.report()   # a fairdebt Report, collected on the driver

See docs/scale.md.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .engine import Engine
from .io.normalize import KNOWN_COLUMNS, to_event
from .io.sources import SourceError, read_events
from .model import Event, Finding, Rejected, Report
from .order import streamed
from .policy.model import Policy
from .runner import _Part, _report
from .tz import get_zone

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

INSTALL_HINT = "pip install 'fairdebt[spark]'"

# PySpark 4 warns on every Arrow function that it does not "fully support" pandas 3;
# fairdebt exchanges Arrow batches only (pandas is imported, never used), and the
# warning would otherwise land on every ``check --engine spark`` run's stderr
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                        category=FutureWarning)

#: the columns of a findings DataFrame: `Finding.to_dict`'s keys, in its order
FINDING_SCHEMA = (
    "rule string, severity string, message string, citation string, policy string, "
    "file string, line long, event_id string, consumer_id string, debt_id string, "
    "timestamp string, local_time string, evidence array<string>")
REJECTED_SCHEMA = "file string, line long, reason string"
# what the read stage emits: an event (pickled) with its partitioning and ordering keys,
# or a rejected row (reason set, no event)
_READ_SCHEMA = ("consumer_id string, epoch double, file string, line long, event binary, "
                "reason string")
# what the check stage emits: kind 'finding' and 'rejected' rows, one 'counts' row per
# partition
_CHECK_SCHEMA = (f"kind string, {FINDING_SCHEMA}, events long, consumers long, "
                 "without_region long, reason string")
_FINDING_COLUMNS = [c.split()[0] for c in FINDING_SCHEMA.split(", ")]
#: rows per Arrow batch a stage emits: bounded memory for partitions with many findings
_BATCH = 8192


class SparkUnavailable(Exception):
    """PySpark (or pyarrow, which PySpark needs to exchange data with Python) is missing."""


def require_spark() -> None:
    """Raise `SparkUnavailable`, naming the extra to install, if PySpark cannot be used."""
    # PySpark needs pandas too for its Arrow functions, though fairdebt never uses it
    missing = [m for m in ("pyspark", "pyarrow", "pandas") if not _importable(m)]
    if missing:
        raise SparkUnavailable(f"--engine spark needs {' and '.join(missing)}: "
                               f"{INSTALL_HINT}")


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# -- the policy, shipped to executors ---------------------------------------------------

def _frozen(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


def _reduce_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _frozen, (dict(proxy),)


class _PolicyPickler(pickle.Pickler):
    # a private dispatch table: the process-wide copyreg table is left alone
    dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}


def dump_policy(policy: Policy) -> bytes:
    """``policy`` as bytes any process with fairdebt installed can load (`load_policy`)."""
    out = io.BytesIO()
    _PolicyPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(policy)
    return out.getvalue()


_LOADED: dict[bytes, Policy] = {}  # an executor's Python worker runs many tasks: load once


def load_policy(data: bytes) -> Policy:
    policy = _LOADED.get(data)
    if policy is None:
        policy = pickle.loads(data)
        if not isinstance(policy, Policy):
            raise TypeError("not a pickled fairdebt Policy")
        _LOADED.clear()
        _LOADED[data] = policy
    return policy


# -- stage 1: rows → events or rejections (on executors) --------------------------------

def _read_batch(items: Iterable[Event | Rejected]) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa
    columns: dict[str, list[Any]] = {k: [] for k in
                                     ("consumer_id", "epoch", "file", "line", "event",
                                      "reason")}

    def flush() -> pa.RecordBatch:
        batch = pa.RecordBatch.from_pydict(columns, schema=_read_arrow_schema())
        for values in columns.values():
            values.clear()
        return batch

    for item in items:
        if isinstance(item, Rejected):
            row: tuple[Any, ...] = (None, None, item.file, item.line, None, item.reason)
        else:
            row = (item.consumer_id, item.epoch, item.file, item.line,
                   pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL), None)
        for values, value in zip(columns.values(), row, strict=True):
            values.append(value)
        if len(columns["line"]) >= _BATCH:
            yield flush()
    if columns["line"]:
        yield flush()


def _read_arrow_schema() -> pa.Schema:
    import pyarrow as pa
    return pa.schema([("consumer_id", pa.string()), ("epoch", pa.float64()),
                      ("file", pa.string()), ("line", pa.int64()), ("event", pa.binary()),
                      ("reason", pa.string())])


def _files_reader(names: dict[str, str], input_timezone: str | None
                  ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Read whole files (Spark's ``binaryFile`` rows: path, content) with fairdebt's reader."""
    def read(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        zone = get_zone(input_timezone) if input_timezone else None
        for batch in batches:
            paths = batch.column("path").to_pylist()
            for index, uri in enumerate(paths):
                content = batch.column("content")[index].as_py()
                yield from _read_batch(_read_file(content, names.get(uri) or _local(uri),
                                                  zone))
    return read


def _read_file(content: bytes, name: str, zone: Any) -> Iterator[Event | Rejected]:
    # the reader takes a path (it sniffs, decompresses, and Parquet needs to seek): the
    # bytes are spooled to the executor's local disk for as long as the file is read
    with tempfile.NamedTemporaryFile(prefix="fairdebt-spark-",
                                     suffix=_suffix(name)) as spool:
        spool.write(content)
        spool.flush()
        del content
        try:
            yield from read_events(spool.name, zone, name=name)
        except SourceError as exc:
            # a whole file that cannot be read is one rejected "row" (line 0) rather than
            # a failed job: the run goes on and says which file and why
            yield Rejected(name, 0, str(exc).removeprefix(f"{name}: "))


def _suffix(name: str) -> str:
    # the reader tells CSV from TSV and JSON Lines partly by the name's suffix
    lower = name.lower()
    for compressed in (".gz", ".zst"):
        if lower.endswith(compressed):
            return Path(name[: -len(compressed)]).suffix + compressed
    return Path(name).suffix


def _local(uri: str) -> str:
    return uri.removeprefix("file://") if uri.startswith("file:///") else \
        uri.removeprefix("file:")


def _rows_reader(input_timezone: str | None
                 ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Normalize DataFrame rows (canonical columns, plus the row's ``file`` and ``line``)."""
    def read(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        zone = get_zone(input_timezone) if input_timezone else None

        def items() -> Iterator[Event | Rejected]:
            for batch in batches:
                for row in batch.to_pylist():
                    file, line = row.pop("__file"), row.pop("__line")
                    try:
                        yield to_event(row, file, line, zone)
                    except ValueError as exc:
                        yield Rejected(file, line, str(exc))
        yield from _read_batch(items())
    return read


# -- stage 3: one engine per partition (on executors) -----------------------------------

def _checker(policy_bytes: bytes, default_timezone: str | None
             ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def check(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        schema = _check_arrow_schema()
        engine = Engine(load_policy(policy_bytes), default_timezone)
        rejected: list[Rejected] = []

        def events() -> Iterator[Event]:
            for batch in batches:
                columns = [batch.column(c).to_pylist()
                           for c in ("event", "file", "line", "reason")]
                for blob, file, line, reason in zip(*columns, strict=True):
                    if blob is None:  # rejected rows travel with the events: one pass
                        rejected.append(Rejected(file, line, reason))
                    else:
                        yield pickle.loads(blob)

        pending: list[Finding] = []
        # streamed() orders ties exactly as a single-machine run does, and would raise
        # (failing the task) if Spark's sort had not put the partition in time order
        for event in streamed(events()):
            pending += engine.feed(event)
            if len(pending) + len(rejected) >= _BATCH:
                yield _output_batch(pending, rejected, schema)
                pending, rejected[:] = [], []
        pending += engine.close()
        if pending or rejected:
            yield _output_batch(pending, rejected, schema)
        counts: dict[str, list[Any]] = {name: [None] for name in schema.names}
        counts["kind"] = ["counts"]
        counts["events"], counts["consumers"] = [engine.events], [len(engine.consumers)]
        counts["without_region"] = [engine.without_region()]
        yield pa.RecordBatch.from_pydict(counts, schema=schema)
    return check


def _check_arrow_schema() -> pa.Schema:
    import pyarrow as pa
    text = pa.string()
    return pa.schema(
        [("kind", text)]
        + [(name, pa.list_(text) if name == "evidence" else
            pa.int64() if name == "line" else text) for name in _FINDING_COLUMNS]
        + [("events", pa.int64()), ("consumers", pa.int64()), ("without_region", pa.int64()),
           ("reason", text)])


def _output_batch(findings: list[Finding], rejected: list[Rejected], schema: pa.Schema
                  ) -> pa.RecordBatch:
    import pyarrow as pa
    rows = [f.to_dict() for f in findings]
    columns: dict[str, list[Any]] = {name: [r[name] for r in rows] for name in _FINDING_COLUMNS}
    for name in schema.names:
        if name not in columns:
            columns[name] = [None] * len(rows)
    columns["kind"] = ["finding"] * len(rows)
    for r in rejected:
        for name in schema.names:
            columns[name].append(None)
        columns["kind"][-1], columns["file"][-1] = "rejected", r.file
        columns["line"][-1], columns["reason"][-1] = r.line, r.reason
    return pa.RecordBatch.from_pydict(columns, schema=schema)


# -- the driver's side ------------------------------------------------------------------

@dataclass
class SparkRun:
    """A check planned on Spark. Nothing runs until a DataFrame is used (Spark is lazy);
    each use runs the whole plan again unless ``checked`` is cached."""

    checked: DataFrame
    """Every output row: ``kind`` 'finding' (the finding columns), 'rejected' (file, line,
    reason) or 'counts' (one per partition: events, consumers, without_region)."""
    file_order: dict[str, int]

    @property
    def findings(self) -> DataFrame:
        """One row per finding, with the JSON report's finding fields."""
        from pyspark.sql import functions as F
        return self.checked.where(F.col("kind") == "finding").select(*_FINDING_COLUMNS)

    @property
    def rejected(self) -> DataFrame:
        """One row per input row that could not be checked: file, line, reason."""
        from pyspark.sql import functions as F
        return self.checked.where(F.col("kind") == "rejected").select("file", "line", "reason")

    def write(self, directory: str, mode: str = "error") -> None:
        """Write ``findings/`` and ``rejected/`` as Parquet under ``directory``."""
        checked = self.checked
        self.checked = checked.persist()  # both outputs from one run of the plan
        try:
            self.findings.write.mode(mode).parquet(f"{directory.rstrip('/')}/findings")
            self.rejected.write.mode(mode).parquet(f"{directory.rstrip('/')}/rejected")
        finally:
            self.checked.unpersist()
            self.checked = checked

    def report(self, policy: Policy) -> Report:
        """Collect everything on the driver as the `Report` a single-machine run gives
        (same findings, rejected rows and summary, in the same order)."""
        findings: list[Finding] = []
        rejections: list[Rejected] = []
        parts: list[_Part] = []
        for row in self.checked.toLocalIterator():
            kind = row["kind"]
            if kind == "finding":
                values = {c: row[c] for c in _FINDING_COLUMNS}
                values["evidence"] = tuple(values["evidence"] or ())
                findings.append(Finding(**values))
            elif kind == "rejected":
                rejections.append(Rejected(row["file"], row["line"], row["reason"]))
            else:
                parts.append(_Part([], [], row["events"], row["consumers"],
                                   row["without_region"]))
        parts.append(_Part(findings, rejections, 0, 0, None))
        return _report(policy, parts, self.file_order)


def check_dataframe(df: DataFrame, policy: Policy, *, input_timezone: str | None = None,
                    default_timezone: str | None = None, name: str = "<dataframe>",
                    partitions: int | None = None) -> DataFrame:
    """The findings of ``policy`` over ``df`` (canonical columns) as a DataFrame."""
    return run_dataframe(df, policy, input_timezone=input_timezone,
                         default_timezone=default_timezone, name=name,
                         partitions=partitions).findings


def run_dataframe(df: DataFrame, policy: Policy, *, input_timezone: str | None = None,
                  default_timezone: str | None = None, name: str = "<dataframe>",
                  partitions: int | None = None) -> SparkRun:
    """Plan ``policy`` over ``df``: findings, rejected rows and a report (`SparkRun`).

    ``df`` has the canonical log's columns (docs/log-format.md; others are ignored),
    as text like a CSV's cells or typed (booleans, arrays for ``debt_id`` and
    ``timezone``). Keep timestamps as ISO 8601 text to keep each row's own UTC offset
    in the findings: a Spark TIMESTAMP is an instant, read back in UTC. Columns
    ``file`` and ``line`` (e.g. from an earlier export) say how findings refer to rows;
    without them every row is in file ``name``, numbered by Spark's
    ``monotonically_increasing_id() + 1`` (unique and increasing, not contiguous).
    """
    require_spark()
    from pyspark.sql import functions as F
    _check_zones(input_timezone, default_timezone)
    columns = [c for c in df.columns if c in KNOWN_COLUMNS]
    missing = [c for c in ("timestamp", "consumer_id") if c not in columns]
    if missing:
        raise SourceError(f"{name}: the DataFrame lacks required column(s) "
                          f"{', '.join(missing)}; see docs/log-format.md")
    file = F.col("file").cast("string") if "file" in df.columns else F.lit(name)
    line = (F.col("line").cast("long") if "line" in df.columns
            else F.monotonically_increasing_id() + 1)
    rows = df.select(*columns, file.alias("__file"), line.alias("__line"))
    read = rows.mapInArrow(_rows_reader(input_timezone), _READ_SCHEMA)
    return _plan(read, policy, default_timezone, partitions, {name: 0})


def check_path(spark: SparkSession, paths: str | Sequence[str], policy: Policy, *,
               input_timezone: str | None = None, default_timezone: str | None = None,
               partitions: int | None = None) -> SparkRun:
    """Plan ``policy`` over canonical log files: CSV, JSON Lines or Parquet, plain, gzip or
    zstd, anywhere Spark reads (local, HDFS, S3, DBFS). A directory means every file in
    it (recursively). Each file is read whole by one task (at most 2 GiB: Spark's limit
    for one binary value), with the reader of ``fairdebt check``."""
    require_spark()
    _check_zones(input_timezone, default_timezone)
    listed = [paths] if isinstance(paths, str) else list(paths)
    names: dict[str, str] = {}
    frames = []
    for path in listed:
        frame = (spark.read.format("binaryFile").option("recursiveFileLookup", "true")
                 .load(path).select("path", "content"))
        if os.path.isfile(path):
            # a local file keeps the name it was given, as in ``fairdebt check``
            names[Path(path).resolve().as_uri()] = path
            names[f"file:{Path(path).resolve()}"] = path
        frames.append(frame)
    files = frames[0]
    for frame in frames[1:]:
        files = files.unionByName(frame)
    read = files.mapInArrow(_files_reader(names, input_timezone), _READ_SCHEMA)
    return _plan(read, policy, default_timezone, partitions,
                 {name: i for i, name in enumerate(listed)})


def _check_zones(input_timezone: str | None, default_timezone: str | None) -> None:
    # on the driver, so that a misspelt zone is one clear error, not a failed task
    if input_timezone:
        get_zone(input_timezone, field="--input-timezone")
    if default_timezone:
        get_zone(default_timezone, field="--default-timezone")


def _plan(read: DataFrame, policy: Policy, default_timezone: str | None,
          partitions: int | None, file_order: dict[str, int]) -> SparkRun:
    # rejected rows (no consumer) all hash to one partition and pass through its checker
    shuffled = (read.repartition(partitions, "consumer_id") if partitions
                else read.repartition("consumer_id"))
    ordered = shuffled.sortWithinPartitions("epoch").select("event", "file", "line", "reason")
    checked = ordered.mapInArrow(_checker(dump_policy(policy), default_timezone),
                                 _CHECK_SCHEMA)
    return SparkRun(checked, file_order)


def local_session(master: str | None = None, app: str = "fairdebt", *,
                  progress: bool = False) -> SparkSession:
    """A Spark session: the active one (spark-submit, Databricks, a notebook), or a new one
    on ``master`` (default ``local[*]``) whose Python workers run this interpreter.
    ``progress``: Spark's stage progress bar on stderr (pass it only for a terminal)."""
    require_spark()
    from pyspark.sql import SparkSession
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)  # else spark-submit's, or PySpark's local[*]
    launched_here = "PYSPARK_GATEWAY_PORT" not in os.environ  # not under spark-submit
    if launched_here and (master or "local").startswith("local") \
            and not os.environ.get("PYSPARK_PYTHON"):
        # local workers must import fairdebt and pyarrow: this interpreter has them, the
        # first python3 on PATH may not. The environment variable, not the
        # spark.pyspark.python setting, because the JVM launched here passes it on as is
        # (PySpark 4 resolved the setting's virtualenv symlink to the base interpreter)
        os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = (builder.config("spark.ui.showConsoleProgress", str(progress).lower())
               .config("spark.ui.enabled", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def run_on_spark(paths: Sequence[str], policy: Policy, *, master: str | None = None,
                 output: str | None = None, input_timezone: str | None = None,
                 default_timezone: str | None = None, progress: bool = False) -> Report:
    """What ``fairdebt check --engine spark`` runs: `check_path` on a session, optionally
    writing Parquet, and the `Report` collected. Spark's own failures (no Java, a path
    Spark cannot list, an output directory that exists) come out as `SourceError` with
    Spark's first line, not a Java stack trace."""
    require_spark()
    _check_zones(input_timezone, default_timezone)
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException
    try:
        spark = local_session(master, progress=progress)
        run = check_path(spark, paths, policy, input_timezone=input_timezone,
                         default_timezone=default_timezone)
        if output:
            run.write(output)
        return run.report(policy)
    except (PySparkException, Py4JError) as exc:
        raise SourceError(f"Spark: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "JAVA_GATEWAY_EXITED" in text:
        return ("could not start Spark's JVM: is Java 17 or later installed (java -version) "
                "and JAVA_HOME set?")
    return text.splitlines()[0][:500]
