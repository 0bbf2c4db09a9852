"""The canonical log readers: CSV, JSON Lines, gzip, stdin, line numbers, rejections."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from fairdebt.io.sources import SourceError, read_events
from fairdebt.model import Event, Rejected

HEADER = "timestamp,consumer_id,event_id,channel,outcome,debt_id,timezone\n"


def read(path: Path, **kw: object) -> list[Event | Rejected]:
    return list(read_events(str(path), **kw))  # type: ignore[arg-type]


def test_csv_rows_become_events_with_physical_line_numbers(tmp_path: Path) -> None:
    text = (HEADER
            + '2026-04-01T10:00:00-04:00,C1,e1,call,no_answer,"D1;D2",America/New_York\n'
            + '2026-04-01T11:00:00-04:00,C1,"e2\nwith newline",call,busy,,\n'
            + "\n"
            + "2026-04-01T12:00:00-04:00,C1,e3,sms,delivered,D1,\n")
    path = tmp_path / "log.csv"
    path.write_text(text)
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Event", "Event", "Event"]
    events = [i for i in items if isinstance(i, Event)]
    assert [e.line for e in events] == [2, 3, 6]
    assert events[0].debt_ids == ("D1", "D2")
    assert events[0].timezones == ("America/New_York",)
    assert events[1].event_id == "e2\nwith newline"


def test_every_bad_row_is_rejected_with_its_line_and_field(tmp_path: Path) -> None:
    text = (HEADER
            + "2026-04-01T10:00:00,C1,e1,call,,,\n"              # naive timestamp
            + "2026-02-30T10:00:00Z,C1,e2,call,,,\n"             # impossible date
            + "2026-04-01T10:00:00Z,,e3,call,,,\n"               # no consumer
            + "2026-04-01T10:00:00Z,C1,e4,fax,,,\n"              # unknown channel
            + "2026-04-01T10:00:00Z,C1,e5,call,ringing,,\n"      # unknown outcome
            + "2026-04-01T10:00:00Z,C1,e6,call,,,Mars/Olympus\n"  # unknown zone
            + "2026-04-01T10:00:00Z,C1,e7,call\n"                # short row
            + "2026-04-01T10:00:00Z,C1,e8,call,,,\n")            # fine
    path = tmp_path / "log.csv"
    path.write_text(text)
    items = read(path)
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [r.line for r in rejected] == [2, 3, 4, 5, 6, 7, 8]
    reasons = [r.reason for r in rejected]
    assert "no UTC offset" in reasons[0] and "--input-timezone" in reasons[0]
    assert "timestamp" in reasons[1]
    assert "consumer_id" in reasons[2]
    assert "channel" in reasons[3] and "fax" in reasons[3]
    assert "outcome" in reasons[4]
    assert "Mars/Olympus" in reasons[5]
    assert "7 fields" in reasons[6]
    assert len(items) == 8  # nothing dropped


def test_naive_timestamps_with_input_timezone(tmp_path: Path) -> None:
    from fairdebt.tz import get_zone

    path = tmp_path / "log.csv"
    path.write_text(HEADER + "2026-04-01T10:00:00,C1,e1,call,,,\n"
                    + "2026-03-08T02:30:00,C1,e2,call,,,\n"     # skipped by DST
                    + "2026-11-01T01:30:00,C1,e3,call,,,\n")    # happens twice
    items = read(path, input_zone=get_zone("America/New_York"))
    first = items[0]
    assert isinstance(first, Event) and first.timestamp.utcoffset().total_seconds() == -4 * 3600
    assert isinstance(items[1], Rejected) and "does not exist" in items[1].reason
    assert isinstance(items[2], Rejected) and "happens twice" in items[2].reason


def test_jsonl_with_lists_and_booleans(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    lines = [
        {"timestamp": "2026-04-01T10:00:00Z", "consumer_id": "C1", "channel": "email",
         "debt_id": ["D1", "D2"], "opt_out_notice": False, "extra": {"ignored": True}},
        "not an object",
        {"timestamp": "2026-04-01T10:00:00Z", "consumer_id": 42, "channel": "call"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n{broken\n")
    items = read(path)
    assert isinstance(items[0], Event)
    assert items[0].debt_ids == ("D1", "D2") and items[0].opt_out_notice is False
    assert items[0].event_id == f"{path}:1"
    assert isinstance(items[1], Rejected) and items[1].line == 2
    assert isinstance(items[2], Event) and items[2].consumer_id == "42"
    assert isinstance(items[3], Rejected) and items[3].line == 4


def test_gzip_is_read_transparently_and_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "log.csv.gz"
    body = "\ufeff" + HEADER + "2026-04-01T10:00:00Z,C1,e1,call,,,\r\n"
    path.write_bytes(gzip.compress(body.encode("utf-8")))
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], Event)


def test_missing_required_columns_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("when,who\n2026,C1\n")
    with pytest.raises(SourceError, match=r"log.csv:1: .*timestamp, consumer_id"):
        read(path)


def test_invalid_utf8_rejects_only_that_row_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    rows = [f"2026-04-01T10:00:{i:02d}Z,C{i},e{i},call,,,\n".encode() for i in range(50)]
    rows[40] = b"2026-04-01T10:00:40Z,C\xff40,e40,call,,,\n"
    path.write_bytes(HEADER.encode() + b"".join(rows))
    items = read(path)
    assert len(items) == 50
    bad = [i for i in items if isinstance(i, Rejected)]
    assert [r.line for r in bad] == [42]
    assert "0xff" in bad[0].reason and "consumer_id" in bad[0].reason


def test_tab_separated_files(tmp_path: Path) -> None:
    text = HEADER.replace(",", "\t") + "2026-04-01T10:00:00Z\tC1\te1\tcall\t\t\t\n"
    for name in ("log.tsv", "export.txt"):
        path = tmp_path / name
        path.write_text(text)
        items = read(path)
        assert len(items) == 1 and isinstance(items[0], Event), name


@pytest.mark.parametrize(("detail", "message"), [
    ("Mon 9-10", "not HH:MM"), ("Funday", "unknown day"), ("Mon 17:00-15:00", "ends before"),
])
def test_inconvenient_detail_errors_are_clear(tmp_path: Path, detail: str, message: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(f"timestamp,consumer_id,event,detail\n2026-04-01T10:00:00Z,C1,"
                    f"inconvenient,{detail}\n")
    (item,) = read(path)
    assert isinstance(item, Rejected) and message in item.reason, item


def test_inconvenient_detail_accepts_day_lists_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text('timestamp,consumer_id,event,detail\n2026-04-01T10:00:00Z,C1,inconvenient,'
                    '"Sat, Sun; Mon-Fri 15:00-17:00"\n')
    (item,) = read(path)
    assert isinstance(item, Event)


def test_scopeless_stop_channel_and_wrong_number_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("timestamp,consumer_id,event,channel,destination\n"
                    "2026-04-01T10:00:00Z,C1,stop_channel,,\n"
                    "2026-04-01T10:00:00Z,C1,wrong_number,call,\n"
                    "2026-04-01T10:00:00Z,C1,stop_channel,call,\n")
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Rejected", "Rejected", "Event"]


def test_inconvenient_detail_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("timestamp,consumer_id,event,detail\n"
                    "2026-04-01T10:00:00Z,C1,inconvenient,Mon-Fri 15:00-17:00; Sat-Sun\n"
                    "2026-04-01T10:00:00Z,C1,inconvenient,Funday 15:00\n")
    items = read(path)
    assert isinstance(items[0], Event)
    assert isinstance(items[1], Rejected) and "detail" in items[1].reason


@pytest.mark.parametrize(("text", "days"), [
    ("Sat Sun", {5, 6}), ("Sat, Sun", {5, 6}), ("Mon - Fri", {0, 1, 2, 3, 4}),
    ("saturday,SUNDAY", {5, 6}), ("Fri-Mon", {4, 5, 6, 0}), ("weekdays", {0, 1, 2, 3, 4}),
])
def test_day_lists(text: str, days: set[int]) -> None:
    from fairdebt.timewindows import parse_days

    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["Sa", "Sunn", "Funday", "Mon-"])
def test_bad_day_lists(text: str) -> None:
    from fairdebt.timewindows import parse_days

    with pytest.raises(ValueError, match="day"):
        parse_days(text)


def test_an_oversized_quoted_field_rejects_one_row_and_keeps_the_rest(tmp_path: Path) -> None:
    big = ("x" * 4000 + "\n") * 500  # ~2 MB over 500 lines, inside quotes
    text = (HEADER
            + "2026-04-01T10:00:00Z,C1,e1,call,,,\n"
            + f'2026-04-01T10:00:01Z,C1,"{big}",call,,,\n'
            + "2026-04-01T10:00:02Z,C1,e3,call,,,\n"
            + "2026-04-01T10:00:03Z,C1,e4,call,,,\n")
    path = tmp_path / "big.csv"
    path.write_text(text)
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Event", "Rejected", "Event", "Event"]
    rejected = items[1]
    assert isinstance(rejected, Rejected) and rejected.line == 3
    assert "event_id" in rejected.reason and "at most" in rejected.reason
    third = items[2]
    assert isinstance(third, Event) and third.event_id == "e3" and third.line == 3 + 501


def test_a_quote_left_open_is_a_file_error_not_a_silent_loss(tmp_path: Path) -> None:
    rows = [f"2026-04-01T10:00:{i % 60:02d}Z,C1,e{i},call,,,\n" for i in range(3000)]
    rows[1] = '2026-04-01T10:00:01Z,C1,"e1,call,,,\n'  # opens a quote nobody closes
    path = tmp_path / "open.csv"
    path.write_text(HEADER + "".join(rows))
    with pytest.raises(SourceError, match=r"open\.csv:3: a quoted value .* quote is probably"):
        read(path)


def test_a_short_broken_quote_names_the_lines_it_spans(tmp_path: Path) -> None:
    text = (HEADER + '2026-04-01T10:00:00Z,C1,"e1,call,,,\n'
            + '2026-04-01T10:00:01Z,C1,e2",call\n' + "2026-04-01T10:00:02Z,C1,e3,call,,,\n")
    path = tmp_path / "q.csv"
    path.write_text(text)
    items = read(path)
    assert isinstance(items[0], Rejected) and "lines 2–3" in items[0].reason
    assert isinstance(items[1], Event) and items[1].line == 4


def test_header_errors_never_echo_data_values(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("Alice Smith,Bob Jones,ANSWERED,Dial,5551234567\n")
    with pytest.raises(SourceError) as info:
        read(path)
    assert "Alice" not in str(info.value) and "555" not in str(info.value)
