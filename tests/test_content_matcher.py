"""The content matcher: normalization, script-aware boundaries, offsets, RE2, snippets."""

from __future__ import annotations

import pytest

from fairdebt.content.analysis import Segment
from fairdebt.content.check import Matcher, snippet
from fairdebt.content.terms import INDEX, compile_pattern
from fairdebt.content.text import prepare


def matches(text: str, phrases: list[str] = (), patterns: list[str] = ()  # type: ignore[assignment]
            ) -> list[str]:
    """The original words each match points at."""
    m = Matcher({"phrases": list(phrases), "patterns": list(patterns)}, {})
    prep = prepare(text)
    seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
    out = []
    for span in m.find(seg):
        a, b = prep.span(*span)
        out.append(text[a:b])
    return out


def test_case_width_and_zero_width_characters_do_not_hide_a_word() -> None:
    assert matches("You will be ARRESTED", ["arrested"]) == ["ARRESTED"]
    assert matches("You will be ＡＲＲＥＳＴＥＤ", ["arrested"]) == ["ＡＲＲＥＳＴＥＤ"]
    assert matches("You will be ar\u200brest\u200ded today", ["arrested"]) == [
        "ar\u200brest\u200ded"]
    assert matches("we’ll  sue\n you", ["we'll sue you"]) == ["we’ll  sue\n you"]


def test_latin_phrases_match_whole_words_only_unless_a_prefix() -> None:
    assert matches("This is about an issue with your bill", ["sue"]) == []
    assert matches("We will sue.", ["sue"]) == ["sue"]
    assert matches("we are threatening nothing", ["threaten*"]) == ["threatening"]
    assert matches("jailbreak", ["jail"]) == []


def test_chinese_traditional_spacing_and_punctuation_between_characters() -> None:
    assert matches("再不還錢就爆通訊錄", ["爆通讯录"]) == ["爆通訊錄"]
    assert matches("再不还就爆 通 讯 录！", ["爆通讯录"]) == ["爆 通 讯 录"]
    assert matches("爆-通-讯-录", ["爆通讯录"]) == ["爆-通-讯-录"]
    # no word boundaries in Chinese: a phrase inside a longer run matches
    assert matches("我们是法院工作人员", ["法院"]) == ["法院"]
    # a lexicon written in Traditional characters matches Simplified text
    assert matches("立案通知已发出", ["立案通知"]) == ["立案通知"]
    assert matches("立案通知已发出", ["立案通知"]) == matches("立案通知已发出", ["立案通知"])


def test_offsets_point_into_the_original_text_after_removals() -> None:
    text = "  Hello\u200b  there,\n\n we  WILL   sue you"
    (found,) = matches(text, ["will sue"])
    assert found == "WILL   sue"
    assert text.index(found) == text.upper().index("WILL")


def test_patterns_run_through_re2_and_unsupported_ones_are_refused() -> None:
    assert matches("pay a $25 fee to opt out", patterns=[r"\$\d+ (fee|charge)"]) == ["$25 fee"]
    with pytest.raises(ValueError, match="not a valid RE2 pattern"):
        compile_pattern(r"(a)\1")
    with pytest.raises(ValueError, match="RE2"):
        compile_pattern(r"(?<=x)y")


def test_snippet_masks_phone_numbers_and_emails() -> None:
    text = "Call 1-800-555-1212 or write pat@example.com or we will sue you tomorrow."
    start = text.index("sue")
    out = snippet(text, start, start + 3)
    assert "555-1212" not in out and "pat@example.com" not in out
    assert "1212" in out and "we will sue you" in out


def test_clauses_split_at_punctuation_including_dropped_chinese_commas() -> None:
    prep = prepare("We will not sue you, but we will garnish.")
    sue = prep.norm.index("sue")
    garnish = prep.norm.index("garnish")
    assert prep.clause_index(sue) != prep.clause_index(garnish)
    zh = prepare("联系你的同事，通知他们")
    assert zh.norm == "联系你的同事通知他们"
    assert zh.clause_index(zh.norm.index("同事")) != zh.clause_index(zh.norm.index("通知"))
