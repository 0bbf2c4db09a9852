"""`fairdebt presets`, `fairdebt convert`, and the import options of `check`:
encodings, usage errors, and never a traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fairdebt.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_presets_lists_every_preset_with_what_it_reads() -> None:
    result = run("presets")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == ["amazon-connect", "asterisk-cdr", "freeswitch-cdr", "twilio-calls",
                     "twilio-messages", "vicidial"]
    assert "16, 17, 18 or 21 columns" in result.output


def test_convert_writes_the_canonical_log_and_accounts_on_stderr() -> None:
    result = run("convert", "--from", "twilio-calls", str(FIXTURES / "twilio-calls.jsonl"))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["event_id"] for r in rows] == ["CA001", "CA003", "CA004", "CA005", "CA007",
                                             "CA008", "CA009"]
    assert rows[0]["timestamp"] == "2026-04-01T14:05:00+00:00"
    assert (rows[0]["consumer_id"], rows[0]["outcome"]) == ("+12125550101", "conversation")
    assert f"{FIXTURES / 'twilio-calls.jsonl'}:6: rejected: field 'outcome'" in result.stderr
    assert "10 row(s) read: 7 event(s) written, 2 rejected, 1 merged" in result.stderr


def test_converted_logs_check_as_canonical_logs(tmp_path: Path) -> None:
    out = tmp_path / "canonical.csv"
    result = run("convert", "--from", "vicidial", "--input-timezone", "America/New_York",
                 "-o", str(out), str(FIXTURES / "vicidial-export.txt"))
    assert result.exit_code == 0 and result.stdout == ""
    check = run("check", "--no-config", "--format", "json", "--default-timezone",
                "America/New_York", str(out))
    summary = json.loads(check.stdout)["summary"]
    assert (summary["rows_read"], summary["rows_rejected"]) == (6, 0)
    direct = run("check", "--no-config", "--format", "json", "--default-timezone",
                 "America/New_York", "--from", "vicidial", "--input-timezone",
                 "America/New_York", str(FIXTURES / "vicidial-export.txt"))
    assert json.loads(direct.stdout)["summary"]["by_rule"] == summary["by_rule"]


def test_convert_strict_and_usage_errors() -> None:
    result = run("convert", "--strict", "--from", "twilio-calls",
                 str(FIXTURES / "twilio-calls.jsonl"))
    assert result.exit_code == 2
    result = run("convert", str(FIXTURES / "twilio-calls.jsonl"))
    assert result.exit_code == 2 and "--from PRESET or --mapping FILE" in result.output
    result = run("convert", "--from", "twilio-calls", "nowhere.csv")
    assert result.exit_code == 2 and "no such file: nowhere.csv" in result.stderr
    result = run("convert", "--from", "vicidial", "--input-timezone", "Mars/Base",
                 str(FIXTURES / "vicidial-export.txt"))
    assert result.exit_code == 2 and "Mars/Base" in result.stderr


def vicidial_with(name: str, encoding: str, tmp_path: Path, bom: bool = False) -> Path:
    text = (FIXTURES / "vicidial-export.txt").read_text(encoding="ascii")
    path = tmp_path / "export.txt"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"")
                     + text.replace("Agent One", name).encode(encoding))
    return path


@pytest.mark.parametrize(("name", "encoding"), [("Zoë Müller", "cp1252"),
                                                ("王秀英", "gb18030")])
def test_encodings_are_chosen_with_encoding(tmp_path: Path, name: str, encoding: str) -> None:
    path = vicidial_with(name, encoding, tmp_path)
    args = ["convert", "--from", "vicidial", "--input-timezone", "America/New_York"]
    plain = run(*args, str(path))
    assert plain.exit_code == 0
    assert "rejected: not valid utf-8: byte 0x" in plain.stderr
    assert "in field 'full_name' (column 5) (try --encoding)" in plain.stderr
    assert name not in plain.stderr
    chosen = run(*args, "--encoding", encoding, str(path))
    assert chosen.exit_code == 0
    assert "6 event(s) written, 2 rejected" in chosen.stderr  # PTP and INCALL, as in UTF-8
    assert "not valid" not in chosen.stderr


def test_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = vicidial_with("Zoë", "utf-8", tmp_path, bom=True)
    result = run("convert", "--from", "vicidial", "--input-timezone", "America/New_York",
                 str(path))
    assert result.exit_code == 0 and "6 event(s) written, 2 rejected" in result.stderr


def test_a_mapping_file_on_top_of_a_preset(tmp_path: Path) -> None:
    mapping = tmp_path / "custom.yaml"
    mapping.write_text("mapping: acme-vicidial\nextra_values:\n  outcome: {PTP: conversation}\n")
    result = run("convert", "--from", "vicidial", "--mapping", str(mapping),
                 "--input-timezone", "America/New_York", str(FIXTURES / "vicidial-export.txt"))
    assert result.exit_code == 0, result.output
    assert "7 event(s) written, 1 rejected" in result.stderr


def test_bad_mappings_and_inputs_exit_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("mapping: x\nfields:\n  timestamp: {column: t}\n  consumer_id: {colum: c}\n")
    result = run("check", "--no-config", "--mapping", str(bad),
                 str(FIXTURES / "twilio-calls.jsonl"))
    assert result.exit_code == 2
    assert f"{bad}:4: fields.consumer_id" in result.stderr
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\xff\xfe" * 100)
    for args in (["--from", "twilio-calls", str(garbage)],
                 ["--from", "asterisk-cdr", str(garbage)],
                 ["--from", "amazon-connect", str(garbage)],
                 ["--from", "twilio-calls", str(tmp_path)]):
        result = run("check", "--no-config", *args)
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output


def test_wrong_preset_for_the_file_is_said_once() -> None:
    result = run("check", "--no-config", "--from", "vicidial",
                 str(FIXTURES / "twilio-calls-console.csv"))
    assert result.exit_code == 2
    assert "the header has no column 'call_date' for 'timestamp': is this a vicidial " \
           "export?" in result.stderr


def test_convert_with_every_row_rejected_exits_2() -> None:
    """The FreeSWITCH sample's timestamps have no offset: without --input-timezone every
    row is rejected, and an empty conversion must not pass as a successful one."""
    sample = FIXTURES / "freeswitch-example.csv"
    result = run("convert", "--from", "freeswitch-cdr", str(sample))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "nothing was converted: every row was rejected" in result.stderr
    assert "0 event(s) written" in result.stderr
    ok = run("convert", "--from", "freeswitch-cdr", "--input-timezone", "America/New_York",
             str(sample))
    assert ok.exit_code == 0 and "nothing was converted" not in ok.stderr
