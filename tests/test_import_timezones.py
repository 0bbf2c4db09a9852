"""Naive export timestamps: a declared zone, or (Asterisk) the UTC offset inferred from
the epoch in ``uniqueid``, row by row, and said on stderr."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from fairdebt.cli import main
from fairdebt.io.imports import ImportStats, read_import
from fairdebt.io.mapping import load_preset
from fairdebt.model import Event, Rejected
from fairdebt.tz import get_zone

ROOT = Path(__file__).resolve().parents[1]
UTC3 = ROOT / "fixtures" / "imports" / "asterisk-18col-utc+3.csv"
SAMPLE = ROOT.parent / "shared" / "samples" / "telephony" / "asterisk-master-18col.csv"


def read(path: Path, zone: str | None = None) -> tuple[list[Event], list[Rejected], list[str]]:
    stats = ImportStats()
    items = list(read_import(str(path), load_preset("asterisk-cdr"),
                             get_zone(zone) if zone else None, stats=stats, zone_name=zone))
    return ([i for i in items if isinstance(i, Event)],
            [i for i in items if isinstance(i, Rejected)], stats.notes)


def epochs(path: Path) -> dict[int, int]:
    with path.open(newline="") as f:
        return {n: int(row[16].split(".")[0]) for n, row in enumerate(csv.reader(f), start=1)}


def test_utc_plus_3_is_inferred_from_uniqueid_and_said() -> None:
    events, rejected, notes = read(UTC3)
    assert not rejected and len(events) == 39  # 40 rows, two legs of one uniqueid merged
    assert all(e.timestamp.utcoffset() == timedelta(hours=3) for e in events)
    epoch = epochs(UTC3)
    for event in events:  # the instant is the channel's creation, give or take a ring
        assert 0 <= event.epoch - epoch[event.line] <= 120
    assert notes == [f"{UTC3}: timestamps carry no UTC offset; inferred UTC+03:00 on 40 "
                     "row(s) from the epoch in 'uniqueid' (pass --input-timezone to declare "
                     "the zone)"]


@pytest.mark.skipif(not SAMPLE.is_file(), reason=f"real sample not found at {SAMPLE}")
def test_the_utc_plus_3_variant_reads_as_the_same_instants_as_the_utc_original() -> None:
    shifted, _, _ = read(UTC3)
    original, _, _ = read(SAMPLE)
    originals = {e.line: e.epoch for e in original if e.line <= 40}
    assert {e.line: e.epoch for e in shifted} == originals


def test_a_declared_zone_wins_and_a_contradiction_is_warned() -> None:
    events, _, notes = read(UTC3, "Europe/Moscow")
    assert all(e.timestamp.utcoffset() == timedelta(hours=3) for e in events)
    assert notes == []
    events, _, notes = read(UTC3, "UTC")
    assert all(e.timestamp.utcoffset() == timedelta(0) for e in events)
    assert len(notes) == 1 and "warning: --input-timezone UTC disagrees" in notes[0]
    assert "suggests UTC+03:00 on 40 row(s)" in notes[0]


def test_each_row_proves_its_own_offset_across_a_dst_change(tmp_path: Path) -> None:
    # New York: 2026-03-08 06:59:00Z is 01:59 EST, 07:01:00Z is 03:01 EDT
    row = ('"","1500","12125550101","c","x","SIP/a","SIP/b","Dial","","{start}",,"{start}",'
           '0,0,"NO ANSWER","DOCUMENTATION","{epoch}.1",""\n')
    path = tmp_path / "Master.csv"
    path.write_text(row.format(start="2026-03-08 01:59:00", epoch=1772953140)
                    + row.format(start="2026-03-08 03:01:00", epoch=1772953260))
    events, rejected, notes = read(path)
    assert not rejected
    assert [e.timestamp.utcoffset() for e in events] == [timedelta(hours=-5),
                                                         timedelta(hours=-4)]
    assert "inferred UTC-05:00 on 1 row(s), UTC-04:00 on 1 row(s)" in notes[0]


def test_without_evidence_or_zone_the_row_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"  # 16 columns: no uniqueid
    path.write_text('"","1500","12125550101","c","x","SIP/a","SIP/b","Dial","",'
                    '"2026-04-01 10:00:00",,"2026-04-01 10:00:10",10,0,"BUSY","DOCUMENTATION"\n')
    _, rejected, _ = read(path)
    assert rejected[0].reason == (
        "field 'timestamp': '2026-04-01 10:00:00' has no UTC offset and column 'uniqueid' "
        "gives no epoch to infer one from; pass --input-timezone ZONE (the zone of the "
        "system that wrote it)")


def test_cli_says_what_it_inferred_on_stderr() -> None:
    result = CliRunner().invoke(main, ["check", "--no-config", "--from", "asterisk-cdr",
                                       "-q", "--default-timezone", "Europe/Moscow", str(UTC3)])
    assert result.exit_code in (0, 1), result.output
    assert "inferred UTC+03:00 on 40 row(s) from the epoch in 'uniqueid'" in result.stderr
    assert "inferred" not in result.stdout
