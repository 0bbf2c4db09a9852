"""The content columns of the canonical log: text, subject, transcript, lang, sender, public."""

from __future__ import annotations

import json
from pathlib import Path

from fairdebt.io.normalize import to_event
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


def test_csv_rows_with_content_take_the_general_path_and_others_the_fast_one(
        tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("timestamp,consumer_id,channel,text\n"
                    "2026-04-01T10:00:00-04:00,C1,sms,Reply STOP to stop texts\n"
                    "2026-04-01T10:05:00-04:00,C1,sms,\n")
    first, second = list(read_events(str(path)))
    assert isinstance(first, Event) and first.text == "Reply STOP to stop texts"
    assert isinstance(second, Event) and second.text is None
