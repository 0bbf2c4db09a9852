"""Reading the content columns of a log row: ``transcript`` and ``lang``.

Errors are raised with the caller's error class (the readers' `RowError`), so a bad
cell rejects its row with the field named instead of stopping the run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..model import SPEAKERS

MAX_TURNS = 10_000
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")


def parse_transcript(value: Any, error: Callable[[str], Exception]
                     ) -> tuple[tuple[str, str], ...]:
    """A JSON list of ``{"speaker": ..., "text": ...}`` (text in CSV, a list in JSON
    Lines) → ((speaker, text), ...)."""
    if value is None:
        return ()
    if isinstance(value, str):
        if not value.strip():
            return ()
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise error("field 'transcript': not JSON (expected a list of "
                        '{"speaker": "collector"|"consumer"|"other", "text": ...})') from None
    if not isinstance(value, list):
        raise error(f"field 'transcript': expected a list of turns, got "
                    f"{type(value).__name__}")
    if len(value) > MAX_TURNS:
        raise error(f"field 'transcript': {len(value)} turns (at most {MAX_TURNS})")
    turns: list[tuple[str, str]] = []
    for i, turn in enumerate(value):
        if not isinstance(turn, dict):
            raise error(f"field 'transcript': turn {i + 1} is not an object")
        speaker = turn.get("speaker")
        text = turn.get("text")
        if not isinstance(speaker, str) or speaker.lower() not in SPEAKERS:
            raise error(f"field 'transcript': turn {i + 1} speaker {speaker!r} is not one of "
                        f"{', '.join(sorted(SPEAKERS))}")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise error(f"field 'transcript': turn {i + 1} text is not a string")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise error(f"field 'transcript': turn {i + 1} contains an unpaired surrogate "
                        "(not valid Unicode)") from None
        turns.append((speaker.lower(), text))
    return tuple(turns)


def parse_lang(value: Any, error: Callable[[str], Exception]) -> tuple[str, ...]:
    """``en``, ``zh-Hant``, ``en;es`` (or a JSON list) → primary tags, lower-case."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).replace(",", ";").split(";")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise error(f"field 'lang': expected text, got {type(item).__name__}")
        tag = item.strip().lower().replace("_", "-")
        if not tag:
            continue
        if not _LANG.match(tag):
            raise error(f"field 'lang': {item.strip()!r} is not a language tag (e.g. en, es, "
                        "zh, zh-Hant)")
        primary = tag.split("-")[0]
        if primary not in out:
            out.append(primary)
    return tuple(out)
