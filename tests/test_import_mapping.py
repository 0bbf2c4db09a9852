"""The import mapping engine: YAML mapping files → canonical events, every row accounted."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fairdebt.io.imports import ImportStats, read_import
from fairdebt.io.mapping import MappingError, load_mapping
from fairdebt.io.sources import SourceError
from fairdebt.model import Event, Rejected
from fairdebt.tz import get_zone

UTC = timezone.utc


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, mapping: Path, **kw: object) -> tuple[list[Event], list[Rejected], int]:
    stats = ImportStats()
    items = list(read_import(str(path), load_mapping(mapping), stats=stats, **kw))  # type: ignore[arg-type]
    events = [i for i in items if isinstance(i, Event)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    return events, rejected, stats.merged


DIALER = """\
mapping: dialer
input: {format: csv, header: true, delimiter: ";"}
rename: {Phone Number: phone}
fields:
  timestamp: {column: When, format: "%d/%m/%Y %H:%M"}
  consumer_id: {column: [Account, phone]}
  destination: {column: phone}
  channel: {value: call}
  debt_id: {column: Account}
  outcome:
    - when: {Result: ANS, Machine: {present: true}}
      value: voicemail
    - column: Result
      map: {ANS: conversation, NA: no_answer, BSY: busy}
      reject: {SKIP: "never dialed"}
"""


def test_renames_maps_constants_conditions_and_a_strftime_format(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", DIALER)
    data = write(tmp_path / "calls.csv", (
        "When;Account;Phone Number;Result;Machine\n"
        "01/04/2026 09:15;A-1;+12125550101;ANS;\n"
        "01/04/2026 09:20;;+12125550102;ANS;yes\n"
        "01/04/2026 09:25;A-3;+12125550103;NA;\n"))
    events, rejected, _ = read(data, mapping, input_zone=get_zone("America/New_York"))
    assert not rejected
    assert [e.consumer_id for e in events] == ["A-1", "+12125550102", "A-3"]
    assert [e.outcome for e in events] == ["conversation", "voicemail", "no_answer"]
    assert [e.line for e in events] == [2, 3, 4]
    assert events[0].debt_ids == ("A-1",) and events[0].channel == "call"
    assert events[0].destination == "+12125550101"
    assert events[0].timestamp == datetime(2026, 4, 1, 13, 15, tzinfo=UTC)


def test_unknown_and_rejected_values_and_bad_times_are_rejected_with_line(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", DIALER)
    data = write(tmp_path / "calls.csv", (
        "When;Account;Phone Number;Result;Machine\n"
        "01/04/2026 09:15;A-1;+12125550101;WEIRD;\n"
        "01/04/2026 09:15;A-1;+12125550101;SKIP;\n"
        "2026-04-01 09:15;A-1;+12125550101;NA;\n"
        "01/04/2026 09:15;A-1;+12125550101;NA\n"
        "01/04/2026 09:15;A-1;+12125550101;NA;\n"))
    events, rejected, _ = read(data, mapping, input_zone=get_zone("America/New_York"))
    assert [e.line for e in events] == [6]
    assert [r.line for r in rejected] == [2, 3, 4, 5]
    assert "unknown Result 'WEIRD'" in rejected[0].reason
    assert "extra_values.outcome" in rejected[0].reason
    assert "never dialed" in rejected[1].reason
    assert "'2026-04-01 09:15'" in rejected[2].reason and "'When'" in rejected[2].reason
    assert rejected[3].reason == "expected 5 fields as in the header, found 4"
    # without a declared zone a naive time cannot be placed
    events, rejected, _ = read(data, mapping)
    assert not events
    assert "no UTC offset" in rejected[-1].reason and "--input-timezone" in rejected[-1].reason


@pytest.mark.parametrize(("fmt", "raw", "expected"), [
    ("iso", "2026-04-01T09:15:00-04:00", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
    ("iso", "2026-04-01T13:15:00Z", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
    ("rfc2822", "Wed, 01 Apr 2026 13:15:00 +0000", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
    ("rfc2822", "Wed, 01 Apr 2026 09:15:00 -0400", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
    ("epoch", "1775049300", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
    ("epoch_ms", "1775049300000", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
    ("'%Y%m%d%H%M%S%z'", "20260401091500-0400", datetime(2026, 4, 1, 13, 15, tzinfo=UTC)),
])
def test_timestamp_formats(tmp_path: Path, fmt: str, raw: str, expected: datetime) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: t\nfields:\n"
        f"  timestamp: {{column: t, format: {fmt}}}\n"
        "  consumer_id: {column: c}\n  channel: {value: sms}\n"))
    data = write(tmp_path / "log.csv", f't,c\n"{raw}",C1\n')
    events, rejected, _ = read(data, mapping)
    assert not rejected
    assert events[0].timestamp == expected


def test_formats_are_tried_in_order_and_the_mapping_zone_applies_to_naive_times(
        tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: t\ninput: {timezone: America/Chicago}\nfields:\n"
        "  timestamp: {column: t, format: [rfc2822, '%Y-%m-%d %H:%M']}\n"
        "  consumer_id: {column: c}\n  channel: {value: call}\n"))
    data = write(tmp_path / "log.csv", 't,c\n"Wed, 01 Apr 2026 13:15:00 +0000",C1\n'
                                       "2026-04-01 08:15,C2\n")
    events, rejected, _ = read(data, mapping)
    assert not rejected
    assert [e.timestamp.astimezone(UTC).hour for e in events] == [13, 13]
    # --input-timezone wins over the mapping's zone
    events, _, _ = read(data, mapping, input_zone=get_zone("America/New_York"))
    assert events[1].timestamp.astimezone(UTC).hour == 12


def test_headerless_files_are_read_by_position_and_never_echo_values(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: pos\ninput: {header: false, columns: [when, number, result]}\nfields:\n"
        "  timestamp: {column: when}\n  consumer_id: {column: number}\n"
        "  channel: {value: call}\n"
        "  outcome: {column: result, map: {A: conversation}}\n"))
    data = write(tmp_path / "cdr.csv", (
        "2026-04-01T09:00:00Z,+12125550101,A\n"
        "2026-04-01T09:00:00Z,+12125550102\n"
        "\n"
        "2026-04-01T09:00:00Z,+12125550103,A,extra\n"))
    events, rejected, _ = read(data, mapping)
    assert [e.consumer_id for e in events] == ["+12125550101"]
    assert [(r.line, r.reason) for r in rejected] == [
        (2, "expected 3 fields (pos layout), found 2"),
        (4, "expected 3 fields (pos layout), found 4")]
    assert not any("555" in r.reason for r in rejected)


def test_json_records_with_dotted_paths_arrays_and_concatenated_objects(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: j\ninput: {format: json}\nfields:\n"
        "  timestamp: {column: At}\n  consumer_id: {column: Customer.Phone}\n"
        "  channel: {value: call}\n"))
    data = write(tmp_path / "records", (
        '[{"At": "2026-04-01T09:00:00Z", "Customer": {"Phone": "+1"}},\n'
        ' {"At": "2026-04-01T09:01:00Z",\n'
        '  "Customer": {"Phone": "+2"}}]\n'
        '{"At": "2026-04-01T09:02:00Z", "Customer": {"Phone": "+3"}}'
        '{"At": "2026-04-01T09:03:00Z", "Customer": null}\n'
        '{"At": broken}\n'
        '"a string"\n'
        '{"At": "2026-04-01T09:04:00Z", "Customer": {"Phone": "+5"}}\n'))
    events, rejected, _ = read(data, mapping)
    assert [(e.consumer_id, e.line) for e in events] == [("+1", 1), ("+2", 2), ("+3", 4),
                                                         ("+5", 7)]
    assert [r.line for r in rejected] == [4, 5, 6]
    assert "consumer_id" in rejected[0].reason
    assert rejected[1].reason.startswith("not valid JSON")
    assert "expected a JSON object" in rejected[2].reason


@pytest.mark.parametrize("encoding", ["cp1252", "gb18030", "utf-8-sig"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: e\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: nom}\n"
        "  channel: {value: letter}\n"))
    name = "张伟" if encoding == "gb18030" else "Zoë Müller"
    data = write(tmp_path / "log.csv", f"t,nom\n2026-04-01T09:00:00Z,{name}\n", encoding)
    events, rejected, _ = read(data, mapping, encoding=encoding)
    assert not rejected and events[0].consumer_id == name
    if encoding != "utf-8-sig":  # read as UTF-8, the row's bytes are rejected, not guessed
        events, rejected, _ = read(data, mapping)
        assert not events and "not valid utf-8: byte 0x" in rejected[0].reason
        assert "--encoding" in rejected[0].reason


def test_gzip_input(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: g\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
        "  channel: {value: call}\n"))
    data = tmp_path / "log.csv.gz"
    data.write_bytes(gzip.compress(b"t,c\n2026-04-01T09:00:00Z,C1\n"))
    events, rejected, _ = read(data, mapping)
    assert len(events) == 1 and not rejected


def test_a_header_without_the_required_columns_stops_the_file(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", DIALER)
    data = write(tmp_path / "calls.csv", "a;b\n1;2\n")
    with pytest.raises(SourceError, match=r"calls.csv:1: the header has no column 'When'"):
        read(data, mapping)


def test_collapse_merges_rows_keeps_the_main_row_and_the_best_outcome(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: legs\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
        "  event_id: {column: id}\n  channel: {value: call}\n"
        "  outcome: {column: o}\n"
        "collapse: {key: [parent, id], identity: id, window: 3}\n"))
    data = write(tmp_path / "log.csv", (
        "t,c,id,parent,o\n"
        "2026-04-01T09:00:05Z,agent,L2,L1,conversation\n"
        "2026-04-01T09:00:00Z,C1,L1,,no_answer\n"
        "2026-04-01T10:00:00Z,C2,M1,,busy\n"
        "2026-04-01T11:00:00Z,C3,N1,,busy\n"
        "2026-04-01T12:00:00Z,C4,P1,,busy\n"
        "2026-04-01T13:00:00Z,C5,Q1,,busy\n"
        "2026-04-01T14:00:00Z,C1,L3,L1,no_answer\n"))  # beyond the window: not merged
    events, rejected, merged = read(data, mapping)
    assert not rejected and merged == 1
    assert len(events) + merged == 7
    first = events[0]
    assert (first.event_id, first.consumer_id, first.line, first.outcome) == \
        ("L1", "C1", 3, "conversation")
    assert events[-1].event_id == "L3"


def test_latest_version_of_a_record_delivered_twice_counts(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: dup\ninput: {format: json}\nfields:\n  timestamp: {column: t}\n"
        "  consumer_id: {column: c}\n  event_id: {column: id}\n  channel: {value: call}\n"
        "  outcome: {column: o}\n"
        "collapse: {key: id, identity: id, latest: u}\n"))
    data = write(tmp_path / "log.jsonl", (
        '{"t": "2026-04-01T09:00:00Z", "c": "C1", "id": "X", "u": "2026-04-01T09:05:00Z",'
        ' "o": "conversation"}\n'
        '{"t": "2026-04-01T09:00:00Z", "c": "C1", "id": "X", "u": "2026-04-01T09:09:00Z",'
        ' "o": "no_answer"}\n'
        '{"t": "2026-04-01T09:00:00Z", "c": "C1", "id": "X", "u": "2026-04-01T09:01:00Z",'
        ' "o": "busy"}\n'))
    events, rejected, merged = read(data, mapping)
    assert merged == 2 and not rejected
    assert [(e.outcome, e.line) for e in events] == [("no_answer", 2)]


@pytest.mark.parametrize(("text", "expected"), [
    ("mapping: x\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
     "  chanel: {value: call}\n", "m.yaml:3: fields: Additional properties"),
    ("mapping: x\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
     "  channel: {value: fax}\n", "m.yaml:5: fields.channel: value 'fax' is not a canonical"),
    ("mapping: x\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
     "  outcome:\n    column: s\n    map: {A: answred}\n",
     "m.yaml:6: fields.outcome: map value for 'A' 'answred' is not a canonical outcome"),
    ("mapping: x\nfields:\n  timestamp: {column: t}\n", "'consumer_id' is required"),
    ("mapping: x\ninput: {header: false}\nfields:\n  timestamp: {column: t}\n"
     "  consumer_id: {column: c}\n", "m.yaml:2: input: a CSV without a header needs"),
    ("mapping: x\ninput: {encoding: klingon}\nfields:\n  timestamp: {column: t}\n"
     "  consumer_id: {column: c}\n", "m.yaml:2: input.encoding: unknown encoding 'klingon'"),
    ("mapping: x\nfields:\n  timestamp: {column: t, format: dd/mm}\n"
     "  consumer_id: {column: c}\n", "m.yaml:3: fields.timestamp.format"),
    ("mapping: x\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c, value: x}\n",
     "m.yaml:4: fields.consumer_id: give either 'column' or 'value'"),
    ("mapping: x\nextends: nowhere\nfields: {}\n", "m.yaml:2: extends: no preset or file"),
    ("mapping: [x\n", "m.yaml:2: invalid YAML"),
])
def test_mapping_errors_name_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "m.yaml", text)
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_a_mapping_extends_another_and_adds_values(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", (
        "mapping: base\ninput: {delimiter: ';'}\nfields:\n  timestamp: {column: t}\n"
        "  consumer_id: {column: c}\n  channel: {value: call}\n"
        "  outcome: {column: s, map: {OK: conversation}}\n"))
    path = write(tmp_path / "m.yaml", (
        "mapping: mine\nextends: base.yaml\n"
        "extra_values: {outcome: {PTP: conversation}}\n"
        "fields:\n  debt_id: {column: acct}\n"))
    mapping = load_mapping(path)
    assert mapping.delimiter == ";" and mapping.name == "mine"
    outcome = mapping.fields["outcome"][0]
    assert outcome.map == {"ok": "conversation", "ptp": "conversation"}
    assert mapping.fields["debt_id"][0].columns == ("acct",)
    assert mapping.fields["channel"][0].value == "call"


def test_null_leaves_a_field_empty(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: n\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
        "  channel: {value: call}\n"
        "  outcome:\n    - when: {r: X}\n      value: null\n"
        "    - {column: r, map: {A: conversation, U: null}}\n"))
    data = write(tmp_path / "log.csv", "t,c,r\n2026-04-01T09:00:00Z,C1,X\n"
                                       "2026-04-01T09:00:00Z,C1,U\n2026-04-01T09:00:00Z,C1,A\n")
    events, rejected, _ = read(data, mapping)
    assert not rejected
    assert [e.outcome for e in events] == [None, None, "conversation"]


def test_line_numbers_count_leading_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.yaml", (
        "mapping: l\nfields:\n  timestamp: {column: t}\n  consumer_id: {column: c}\n"
        "  channel: {value: call}\n  detail: {column: d}\n"))
    data = write(tmp_path / "log.csv", '\n\nt,c,d\n2026-04-01T09:00:00Z,C1,"two\nlines"\n'
                                       "2026-04-01T09:00:00Z,,\n")
    events, rejected, _ = read(data, mapping)
    assert [e.line for e in events] == [4]
    assert [r.line for r in rejected] == [6]
