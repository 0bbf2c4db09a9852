"""The content columns of the canonical log: text, subject, transcript, lang, sender, public."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt.io.normalize import CsvRowParser, RowError, to_event
from fairdebt.io.sources import read_events
from fairdebt.model import Event, Rejected

BASE = {"timestamp": "2026-04-01T10:00:00-04:00", "consumer_id": "C1", "channel": "sms"}


def test_text_is_kept_as_written_and_transcript_parsed() -> None:
    ev = to_event({**BASE, "text": "  Hi,  pay now \n", "subject": "Re: you",
                   "transcript": json.dumps([{"speaker": "Collector", "text": "hello"},
                                             {"speaker": "consumer", "text": "stop"}]),
                   "lang": "en; zh-Hant", "sender": "ABC Inc", "public": "yes"}, "f", 2)
    assert ev.text == "  Hi,  pay now \n"  # offsets in findings point into this
    assert ev.subject == "Re: you"
    assert ev.transcript == (("collector", "hello"), ("consumer", "stop"))
    assert ev.lang == ("en", "zh")
    assert ev.sender == "ABC Inc"
    assert ev.public is True


def test_jsonl_transcript_may_be_a_list(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps({**BASE, "channel": "call", "transcript": [
        {"speaker": "collector", "text": "You will be arrested"}]}) + "\n")
    (ev,) = list(read_events(str(path)))
    assert isinstance(ev, Event)
    assert ev.transcript == (("collector", "You will be arrested"),)


def test_bad_content_cells_reject_the_row_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "timestamp,consumer_id,channel,transcript,lang\n"
        "2026-04-01T10:00:00-04:00,C1,call,not json,\n"
        '2026-04-01T10:00:00-04:00,C1,call,"[{""speaker"": ""robot"", ""text"": ""x""}]",\n'
        "2026-04-01T10:00:00-04:00,C1,sms,,english!\n"
        '2026-04-01T10:00:00-04:00,C1,call,"[{""speaker"": ""collector"", ""text"": ""ok""}]",en\n')
    items = list(read_events(str(path)))
    reasons = [i.reason for i in items if isinstance(i, Rejected)]
    assert len(reasons) == 3
    assert reasons[0].startswith("field 'transcript': not JSON")
    assert "robot" in reasons[1] and "collector" in reasons[1]
    assert reasons[2].startswith("field 'lang':")
    (ev,) = [i for i in items if isinstance(i, Event)]
    assert ev.transcript == (("collector", "ok"),) and ev.lang == ("en",)


def test_csv_rows_with_and_without_content(
        tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("timestamp,consumer_id,channel,text\n"
                    "2026-04-01T10:00:00-04:00,C1,sms,Reply STOP to stop texts\n"
                    "2026-04-01T10:05:00-04:00,C1,sms,\n")
    first, second = list(read_events(str(path)))
    assert isinstance(first, Event) and first.text == "Reply STOP to stop texts"
    assert isinstance(second, Event) and second.text is None


_CELLS = {
    "text": st.sampled_from(["", " ", "Reply STOP", "  padded  ", "a\u00a0b", "爆通讯录",
                             "nul\x00inside", "bad \udc80 byte"]),
    "subject": st.sampled_from(["", "Your account", " "]),
    "transcript": st.sampled_from(
        ["", " ", "not json", '[{"speaker": "collector", "text": "hi"}]',
         '[{"speaker": "robot", "text": "x"}]', "[]", '{"speaker": "consumer"}']),
    "lang": st.sampled_from(["", "en", "zh-Hant;en", "EN, es", "english!", ";"]),
    "sender": st.sampled_from(["", "  ABC Inc ", "x\x00"]),
    "public": st.sampled_from(["", "true", "no", "maybe"]),
    "channel": st.sampled_from(["sms", "email", "call", ""]),
}


@settings(max_examples=300, deadline=None)
@given(columns=st.lists(st.sampled_from(sorted(set(_CELLS) - {"channel"})), unique=True,
                        max_size=6),
       data=st.data())
def test_the_fast_csv_row_parser_reads_message_cells_as_to_event(
        columns: list[str], data: st.DataObject) -> None:
    """`CsvRowParser` reads rows with message cells itself (an SMS log has them on every
    row): the same event, or the same error, as the general path."""
    header = ["timestamp", "consumer_id", "channel", "region", *columns]
    row = ["2026-04-01T10:00:00-04:00", "C1", data.draw(_CELLS["channel"]), "US",
           *(data.draw(_CELLS[c]) for c in columns)]
    try:
        want: object = to_event(dict(zip(header, row, strict=True)), "log.csv", 7)
    except RowError as exc:
        want = str(exc)
    try:
        got: object = CsvRowParser(header, "log.csv", None)(row, 7)
    except RowError as exc:
        got = str(exc)
    assert got == want
