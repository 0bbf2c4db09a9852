"""The columnar fast path against the streaming engine (the reference): on random logs,
the `--format json` output must be byte-identical, whatever the rows hold."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fairdebt
from fairdebt.report import json_format
from fairdebt.report.options import RenderOptions
from fairdebt.runner import check_paths

pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from fairdebt.fast import FastUnavailable

HEADER = ("timestamp,consumer_id,event_id,event,channel,direction,party,outcome,debt_id,"
          "destination,destination_type,timezone,purpose,disclosed_debt,message,"
          "opt_out_notice,detail,region")
ZONES = ["America/New_York", "America/New_York", "America/Chicago", "America/Phoenix",
         "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
         "America/New_York;America/Los_Angeles", "America/Phoenix;America/Denver", "",
         "Mars/Olympus", " America/Chicago "]
# around the 2026 US DST changes (8 March, 1 November), month ends and an ordinary week
DAYS = ["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-13", "2026-03-14",
        "2026-03-15", "2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-07",
        "2026-11-08", "2026-02-28", "2026-03-01"]
# near local midnight and the 08:00/21:00 edges in the zones above (UTC clock times)
CLOCKS = ["00:00:00", "00:59:59", "01:00:00", "04:59:59", "05:00:00", "06:00:00", "06:59:59",
          "07:00:00", "09:30:00", "12:00:00", "13:00:00", "15:00:00", "17:00:00", "18:00:00",
          "19:00:00", "20:59:59", "21:00:00", "23:59:59", "01:59:59", "02:00:00", "03:00:00"]
OFFSETS = ["+00:00", "+00:00", "+00:00", "Z", "-05:00", "-04:00", "+05:30"]
EVENTS = ["contact"] * 30 + ["", "cease", "consent", "wrong_number", "stop_channel", "opt_out",
                             "attorney", "no_work_contact", "inconvenient", "bogus"]
CHANNELS = ["call"] * 8 + ["sms", "sms", "email", "letter", "visit", "", "Call", "pigeon"]
OUTCOMES = ["no_answer", "no_answer", "voicemail", "conversation", "conversation", "busy",
            "answered", "not_connected", "", "delivered", "failed", "sent"]
PARTIES = ["consumer"] * 12 + ["", "spouse", "employer", "third_party", "creditor",
                               "consumer_attorney"]
DEBTS = ["D1", "D1", "D1", "D2", "D2", "D3", "", "D1;D2", "D2;D1", " D1", "D1;D1"]
DESTINATIONS = ["+15550001", "+15550001", "+15550002", "+15550003", "a@example.com",
                "w@work.example", "", "?", " +15550001"]
DEST_TYPES = ["mobile", "mobile", "home", "work", "email", "work_email", "", "pager"]


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    count = draw(st.integers(min_value=1, max_value=70))
    consumers = draw(st.integers(min_value=1, max_value=6))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = random.Random(seed)
    # each consumer mostly keeps one zone, as real logs do; some rows differ
    home = {c: rng.choice(ZONES[:7]) for c in range(consumers)}
    # most consumers are clean (contacts with valid values: the fast path decides them);
    # the others carry account events, bad values, regions, several zones
    noisy = {c: rng.random() < 0.35 for c in range(consumers)}
    out = []
    for i in range(count):
        c = rng.randrange(consumers)
        clean = not noisy[c]
        kind = "contact" if clean else rng.choice(EVENTS)
        clock = rng.choice(CLOCKS) if rng.random() < 0.4 else (
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}")
        stamp = f"{rng.choice(DAYS)}T{clock}{rng.choice(OFFSETS)}"
        if not clean and rng.random() < 0.1:
            stamp = rng.choice(["2026-02-30T10:00:00+00:00", "2026-03-08T10:00:00",
                                "yesterday", "2026-03-08 10:00:00+00:00", "",
                                "2026-03-08T10:00:00.500+00:00", "1800-01-01T00:00:00+00:00"])
        zone = home[c] if clean or rng.random() < 0.8 else rng.choice(ZONES)
        detail = "Mon-Fri 15:00-17:00" if kind == "inconvenient" else ""
        cells = [
            stamp, f"C{c}" if clean or rng.random() < 0.9 else rng.choice(["", " C0"]),
            rng.choice([f"E{i}", f"E{i}", f"E{i}", "", "E0"]),
            kind, rng.choice([*CHANNELS[:-3], "Call"] if clean else CHANNELS),
            rng.choice(["outbound"] * 6 + ["inbound", ""]), rng.choice(PARTIES),
            rng.choice(OUTCOMES), rng.choice(DEBTS), rng.choice(DESTINATIONS),
            rng.choice(DEST_TYPES[:-1] if clean else DEST_TYPES), zone,
            rng.choice(["collection"] * 6 + ["location", "remedy"]),
            rng.choice(["", "", "", "true", "false"] + ([] if clean else ["maybe"])),
            rng.choice(["", "", "none", "limited_content", "full"]),
            rng.choice(["", "", "", "true", "false"]), detail,
            "" if clean else rng.choice([""] * 5 + ["US-MA", "US"]),
        ]
        out.append(",".join(cells))
    # bursts: many calls by one consumer on nearby days (frequency caps, redials)
    if draw(st.booleans()):
        c, day = rng.randrange(consumers), rng.choice(DAYS[:7])
        for j in range(rng.randint(5, 14)):
            minute = rng.choice([0, 1, 3, 4, 6, 20]) + j * 7
            out.append(f"{day[:-2]}{int(day[-2:]) + rng.randint(0, 2):02d}T1{rng.randint(3, 9)}:"
                       f"{minute % 60:02d}:{j:02d}+00:00,C{c},B{j},contact,call,outbound,"
                       f"consumer,{rng.choice(['no_answer', 'voicemail', 'conversation'])},"
                       f"{rng.choice(['D1', 'D1', 'D2', ''])},+15550001,mobile,{home[c]},"
                       "collection,,,,,")
    if draw(st.booleans()):
        rng.shuffle(out)
    return out


def _json(report: fairdebt.Report) -> str:
    return json_format.render(report, RenderOptions())


def _both(tmp_path: Path, lines: list[str], policy: fairdebt.Policy,
          **options: str) -> tuple[str, str]:
    path = tmp_path / "log.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="ascii")
    stream = check_paths([str(path)], policy, engine="stream", **options)  # type: ignore[arg-type]
    fast = check_paths([str(path)], policy, engine="fast", **options)  # type: ignore[arg-type]
    return _json(stream), _json(fast)


POLICIES = {name: fairdebt.load_policy(name) for name in ("us-reg-f", "us", "ca", "uk-fca")}


@pytest.mark.parametrize("name", sorted(POLICIES))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows())
def test_random_logs_give_identical_json(tmp_path: Path, name: str, lines: list[str]) -> None:
    stream, fast = _both(tmp_path, lines, POLICIES[name])
    assert fast == stream


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows())
def test_default_timezone_and_input_timezone(tmp_path: Path, lines: list[str]) -> None:
    stream, fast = _both(tmp_path, lines, POLICIES["us-reg-f"],
                         default_timezone="America/Chicago", input_timezone="America/Denver")
    assert fast == stream


HOUSE = """
id: house
title: House rules exercising every counting shape
rules:
  - id: house/redial
    check: frequency_cap
    when: {channel: call}
    params: {max: 2, minutes: 30, per: [destination]}
  - id: house/per-channel-week
    check: frequency_cap
    when: {direction: outbound}
    params: {max: 3, weeks: 1, per: [person, channel]}
  - id: house/ever
    check: frequency_cap
    when: {channel: sms}
    params: {max: 2, per: [consumer]}
  - id: house/monthly
    check: frequency_cap
    when: {channel: email}
    params: {max: 1, calendar: month, per: [person]}
  - id: house/after-talk
    check: frequency_cap
    when: {channel: call}
    params: {max: 2, days: 3, after_first_conversation: true}
  - id: house/cool
    check: cooldown
    when: {channel: [call, sms]}
    params: {days: 2, trigger: {outcome: voicemail}, per: [person]}
  - id: house/cool-debt
    check: cooldown
    when: {channel: call}
    params: {days: 3, trigger: {channel: sms}, trigger_name: text}
  - id: house/dated
    check: forbid
    when: {channel: letter}
    effective_from: 2026-03-08
    effective_to: 2026-11-01
  - id: house/weekday-hours
    check: contact_hours
    when: {direction: outbound}
    params:
      windows:
        - {days: Mon-Fri, start: "09:00", end: "20:00"}
        - {days: Sat, start: "10:00", end: "12:30"}
  - id: house/holidays
    check: contact_hours
    when: {channel: visit}
    params:
      windows: [{days: Mon-Sun, start: "08:00", end: "21:00"}]
      holidays: US
"""


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows())
def test_house_policy_counting_shapes(tmp_path: Path, lines: list[str]) -> None:
    policy_file = tmp_path / "house.yaml"
    policy_file.write_text(HOUSE, encoding="utf-8")
    stream, fast = _both(tmp_path, lines, fairdebt.load_policy(str(policy_file)))
    assert fast == stream


def test_the_fast_path_decides_plain_consumers_itself(tmp_path: Path) -> None:
    """Not every consumer is sent to the streaming engine: the bulk of a plain log is
    decided column-wise (else the differential tests would prove nothing)."""
    from fairdebt.fast.columns import Plain, plain_csv, read_columns
    from fairdebt.fast.evaluate import Evaluation

    lines = [f"2026-03-0{1 + i % 7}T{7 + i % 15:02d}:00:{i % 60:02d}+00:00,C{i % 5},E{i},"
             f"contact,call,outbound,consumer,no_answer,D1,+1555000{i % 5},mobile,"
             f"America/New_York,collection,,,,," for i in range(60)]
    path = tmp_path / "log.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="ascii")
    columns = read_columns(Plain(str(path), plain_csv(str(path)), 0), str(path))
    outcome = Evaluation(columns, POLICIES["us-reg-f"], None, None).run()
    assert outcome.events > 0 and outcome.findings
    stream, fast = _both(tmp_path, lines, POLICIES["us-reg-f"])
    assert fast == stream


def test_local_times_with_offsets_in_seconds(tmp_path: Path) -> None:
    """Liberia kept local mean time (-00:44:30) until 1972: a local time whose offset has
    seconds is written as ``isoformat`` writes it, and outside the hours by its clock.
    Findings on any row whose zone is one name are built from the columns
    (`fast.findings`); this is the one offset they leave to the checks."""
    lines = [f"1971-06-0{1 + i % 3}T0{i % 10}:1{i % 6}:00+00:00,C{i % 2},E{i},contact,call,"
             f"outbound,consumer,no_answer,D1,+1555000{i % 2},mobile,Africa/Monrovia,"
             "collection,,,,," for i in range(30)]
    stream, fast = _both(tmp_path, lines, POLICIES["us-reg-f"])
    assert "-00:44:30 (Africa/Monrovia)" in stream and "reg-f/hours" in stream
    assert fast == stream


@pytest.mark.parametrize("content", [
    'timestamp,consumer_id,channel\n2026-03-01T10:00:00+00:00,"C1",call\n',  # quotes
    "timestamp,consumer_id,channel\r\n2026-03-01T10:00:00+00:00,C1,call\r\n",  # CRLF
    "timestamp,consumer_id,channel\n\n2026-03-01T10:00:00+00:00,C1,call\n",  # blank line
    "timestamp\tconsumer_id\tchannel\n2026-03-01T10:00:00+00:00\tC1\tcall\n",  # tabs
    "timestamp,consumer_id,channel\n2026-03-01T10:00:00+00:00,C1\n",  # short row
    "timestamp,consumer_id,channel\n2026-03-01T10:00:00+00:00,Cé,call\n",  # not ASCII
    "timestamp,timestamp,consumer_id\n2026-03-01T10:00:00+00:00,x,C1\n",  # twice
])
def test_other_files_stream(tmp_path: Path, content: str) -> None:
    """A file the columnar reader might read differently is refused by --engine fast,
    and streamed by auto with the reference's result."""
    path = tmp_path / "log.csv"
    path.write_bytes(content.encode("utf-8"))
    policy = POLICIES["us-reg-f"]
    with pytest.raises(FastUnavailable):
        check_paths([str(path)], policy, engine="fast")
    try:
        expected = _json(check_paths([str(path)], policy, engine="stream"))
    except Exception as exc:  # a file the reference refuses is refused the same way
        with pytest.raises(type(exc)):
            check_paths([str(path)], policy, engine="auto")
        return
    assert _json(check_paths([str(path)], policy, engine="auto")) == expected


def test_cli_engines_print_the_same_json() -> None:
    """``fairdebt check --engine fast`` and ``--engine stream`` on the bundled sample (a
    plain CSV log with rejected rows, account events and a dozen rules broken)."""
    from click.testing import CliRunner

    from fairdebt.cli import main

    sample = str(Path(__file__).resolve().parent.parent / "fixtures" / "sample-calls.csv")
    runner = CliRunner()
    out = {engine: runner.invoke(main, ["check", "--no-config", "--engine", engine,
                                        "-f", "json", sample])
           for engine in ("fast", "stream", "auto")}
    assert out["stream"].exit_code == 1 and '"rejected"' in out["stream"].output
    assert out["fast"].exit_code == out["auto"].exit_code == 1
    assert out["fast"].output == out["stream"].output == out["auto"].output


def test_fast_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from fairdebt.cli import main

    path = tmp_path / "log.csv"
    path.write_text('timestamp,consumer_id,channel\n2026-03-01T10:00:00Z,"C1",call\n')
    result = CliRunner().invoke(main, ["check", "--no-config", "--engine", "fast", str(path)])
    assert result.exit_code == 2
    assert "--engine fast" in result.output and "quotes" in result.output


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows(), share=st.integers(min_value=200, max_value=3000),
       spill=st.sampled_from([0, 2, 10**9]))
# every consumer id empty: the share hash once indexed an empty byte buffer (IndexError)
@example(lines=["yesterday,,E0,bogus,call,outbound,consumer,voicemail, D1,+15550001,home,"
                "America/Chicago,collection,,,false,,"], share=200, spill=0)
def test_a_log_taken_in_shares_of_consumers(tmp_path: Path, lines: list[str],
                                            share: int, spill: int) -> None:
    """A large file is split by consumer into shares evaluated one at a time (bounded
    memory): small shares here, so that most logs are split into several; their
    findings wait on disk from the first share, once a few are projected, or never."""
    from fairdebt import runner

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "SHARE_BYTES", share)
        mp.setattr(runner, "SPILL_FINDINGS", spill)
        stream, fast = _both(tmp_path, lines, POLICIES["us-reg-f"])
    assert fast == stream


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows(), jobs=st.integers(min_value=2, max_value=3))
def test_shares_evaluated_in_several_processes(tmp_path: Path, lines: list[str],
                                               jobs: int) -> None:
    """``--jobs N`` with the fast path: the shares of consumers go to N processes; the
    report is the streaming engine's (with one process) all the same."""
    path = tmp_path / "log.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="ascii")
    policy = POLICIES["us-reg-f"]
    stream = check_paths([str(path)], policy, engine="stream")
    fast = check_paths([str(path)], policy, engine="fast", jobs=jobs)
    assert _json(fast) == _json(stream)


def test_progress_counts_the_rows_the_fast_path_reads() -> None:
    import io

    from fairdebt.scale.progress import Progress

    sample = str(Path(__file__).resolve().parent.parent / "fixtures" / "sample-calls.csv")
    progress = Progress(io.StringIO())
    report = check_paths([sample], POLICIES["us-reg-f"], engine="fast", progress=progress)
    assert progress.rows == report.summary.rows_read > 0


def test_auto_streams_small_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below `FAST_MIN_BYTES` ``auto`` streams (importing Arrow and NumPy would cost more
    than the rows save); at or above it, and with ``--engine fast`` at any size, the
    columns are read."""
    from fairdebt import runner

    taken: list[str] = []
    real = runner._columnar_parts

    def spy(*args: object) -> object:
        taken.append("fast")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "_columnar_parts", spy)
    sample = str(Path(__file__).resolve().parent.parent / "fixtures" / "sample-calls.csv")
    policy = POLICIES["us-reg-f"]
    streamed = _json(check_paths([sample], policy, engine="auto"))
    assert taken == []
    assert _json(check_paths([sample], policy, engine="fast")) == streamed
    assert taken == ["fast"]
    monkeypatch.setattr(runner, "FAST_MIN_BYTES", Path(sample).stat().st_size)
    assert _json(check_paths([sample], policy, engine="auto")) == streamed
    assert taken == ["fast", "fast"]


def _compressed(data: bytes, suffix: str) -> bytes:
    if suffix == ".csv.gz":
        import gzip

        return gzip.compress(data)
    zstandard = pytest.importorskip("zstandard")
    return bytes(zstandard.ZstdCompressor().compress(data))


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.zst"])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=rows(), jobs=st.sampled_from([1, 2]), share=st.sampled_from([300, 10**9]))
def test_compressed_logs_are_read_column_wise(tmp_path: Path, suffix: str, lines: list[str],
                                              jobs: int, share: int) -> None:
    """A .csv.gz or .csv.zst log is decompressed into a private temporary copy, as the
    streaming reader decompresses it, and read column-wise (``--engine fast`` would
    raise otherwise): the streaming engine's report, in shares and processes too; the
    copy is gone afterwards."""
    import tempfile

    from fairdebt import runner

    path = tmp_path / f"log{suffix}"
    path.write_bytes(_compressed(("\n".join([HEADER, *lines]) + "\n").encode("ascii"),
                                 suffix))
    policy = POLICIES["us-reg-f"]
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(scratch))
        mp.setattr(runner, "SHARE_BYTES", share)
        stream = check_paths([str(path)], policy, engine="stream")
        fast = check_paths([str(path)], policy, engine="fast", jobs=jobs)
    assert _json(fast) == _json(stream)
    assert list(scratch.iterdir()) == []


def test_gzip_members_and_cut_short_files(tmp_path: Path) -> None:
    """Every member of a multi-member gzip file is read (``cat a.gz b.gz``); a file cut
    short is refused by ``--engine fast`` and ``auto`` does what the streaming reader
    does with it."""
    import gzip

    lines = ["2026-03-02T15:00:00+00:00,C1,E1,contact,call,outbound,consumer,no_answer,D1,"
             "+15550001,mobile,America/New_York,collection,,,,,",
             "2026-03-02T02:00:00+00:00,C2,E2,contact,call,outbound,consumer,no_answer,D1,"
             "+15550002,mobile,America/New_York,collection,,,,,"]
    policy = POLICIES["us-reg-f"]
    members = tmp_path / "two.csv.gz"
    members.write_bytes(gzip.compress(f"{HEADER}\n{lines[0]}\n".encode())
                        + gzip.compress(f"{lines[1]}\n".encode()))
    fast = _json(check_paths([str(members)], policy, engine="fast"))
    assert fast == _json(check_paths([str(members)], policy, engine="stream"))
    assert '"event_id": "E2"' in fast  # the second member's row, outside the hours
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(("\n".join([HEADER, *lines * 50]) + "\n").encode())[:-30])
    with pytest.raises(FastUnavailable, match="decompress"):
        check_paths([str(cut)], policy, engine="fast")
    try:
        expected = _json(check_paths([str(cut)], policy, engine="stream"))
    except Exception as exc:
        with pytest.raises(type(exc)):
            check_paths([str(cut)], policy, engine="auto")
        return
    assert _json(check_paths([str(cut)], policy, engine="auto")) == expected
