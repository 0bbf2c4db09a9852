"""The literal pre-check of RE2 patterns (content.literals): it may only ever skip a
pattern that would not have matched. Every test compares with RE2 itself."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fairdebt
from fairdebt.content.analysis import Segment
from fairdebt.content.check import Matcher
from fairdebt.content.literals import required
from fairdebt.content.terms import INDEX, compile_pattern
from fairdebt.content.text import prepare

WORDS = ["this is", "police", "court", "Reply", "STOP", "debt", "collector", "i'm", "we are",
         "工号", "银行", "公安", "我们是", "法院", "st", "nd", "ab", "abc", "Kelvin", "sue",
         "1-800", "$20", "o'clock", "a.m."]
GLUE = [" ", ", ", ". ", "", "-", "：", "，", "  ", "\u200b", "K", "ſ", "K", "Ǆ", "ＰＯＬＩＣＥ"]


def _matches(pattern: str, norm: str) -> list[tuple[int, int]]:
    rx = compile_pattern(pattern)
    return [m.span() for m in rx.finditer(norm) if m.end() > m.start()]


def _holds(pattern: str, norm: str) -> None:
    """RE2 finds a match ⇒ each clause has a literal in the text."""
    if _matches(pattern, norm):
        for clause in required(pattern):
            assert any(lit in norm for lit in clause), (pattern, norm, clause)


# -- patterns from a small grammar: literals, classes, groups, alternation, repeats ----

_atoms = st.one_of(
    st.sampled_from(["this is", "police", "Court", "STOP", "reply", "i'm", "工号", "银行",
                     "公安", "we", "a", "K", "s", "x", "ſ", "\\.", "\\$", "-"]),
    st.sampled_from(["[a-z]", "[^，。]", "\\d", "\\w", "\\s", "\\W", ".", "\\b", "^", "$",
                     "[:：]", "[[:alpha:]]", "\\pN", "\\p{Han}", "[]a]"]),
)


def _quantified(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(inner, st.sampled_from(["", "", "?", "*", "+", "{2}", "{0,3}", "{1,2}",
                                             "+?", "{2,}"])).map(lambda t: t[0] + t[1])


_patterns = st.recursive(
    _quantified(_atoms),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map("".join),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + "|".join(xs) + ")"),
        _quantified(inner.map(lambda x: "(?:" + x + ")")),
    ),
    max_leaves=8,
)
_texts = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(GLUE)),
                  max_size=12).map("".join)


def _compiles(pattern: str) -> bool:
    try:
        compile_pattern(pattern)
    except ValueError:
        return False
    return True


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(_patterns, st.lists(_texts, min_size=1, max_size=4))
def test_a_match_always_holds_a_literal_of_every_clause(pattern: str, texts: list[str]
                                                      ) -> None:
    if not _compiles(pattern):
        return
    for text in texts:
        prep = prepare(text)
        _holds(pattern, prep.norm)
        # and the same again where the pattern's own strings are the text
        _holds(pattern, prepare(pattern).norm)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_patterns, _texts)
def test_the_matcher_with_its_pre_check_finds_what_re2_finds(pattern: str, text: str) -> None:
    if not _compiles(pattern):
        return
    m = Matcher({"patterns": [pattern]}, {})
    prep = prepare(text)
    seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
    plain = _matches(pattern, prep.norm)
    assert list(m.find(seg)) == plain
    assert m.matches(seg) == plain
    assert m.present(seg) == bool(plain)


def test_the_built_in_patterns_and_their_literals() -> None:
    policy = fairdebt.load_policy("us-reg-f", "cn", "uk-fca", "in-rbi", "au", "ie")
    patterns: set[str] = set()
    for rule in policy.rules:
        stack: list[object] = [rule.params]
        while stack:
            item = stack.pop()
            if isinstance(item, Mapping):
                found = item.get("patterns", ())
                patterns.update(p for p in found if isinstance(p, str))
                stack.extend(item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
    assert len(patterns) >= 5
    literal = {p: required(p) for p in patterns}
    # the impersonation patterns are gated by what they say: a "who we are" and a body
    imp = next(p for p in patterns if p.startswith("(this is|calling from"))
    assert len(literal[imp]) == 2
    assert any("police" in c for c in literal[imp])
    texts = ["This is the police department.", "this is the IRS calling", "We are the court",
             "我是市公安局经侦大队的", "您好，这里是某某银行信用卡中心，工号1023。",
             "我们是法院的", "Reply with the word STOP to opt out", "REPLY   stop",
             "This is an attempt to collect a debt and any information obtained will be "
             "used for that purpose.", "call 1-800-555-0100 at 9 a.m. on the 3rd"]
    for p in patterns:
        for text in texts:
            _holds(p, prepare(text).norm)


def test_syntax_the_reader_does_not_model_gives_no_pre_check() -> None:
    # RE2 compiles all of these (some reading a bracket or a brace as a character)
    for pattern in ["(?i)police", "(?-i:Police)", "\\Qpolice\\E", "\\x70olice",
                    "\\npolice", "{police}", "poli]ce", "[[police]", "police{1"]:
        assert required(pattern) == ()
    # and what it does model: alternatives multiplied out
    assert required("we( are| were) the police") == (
        frozenset({"we are the police", "we were the police"}),)
    assert required("a?b*c{0,2}") == ()
    assert required("(st|nd)") == ()  # too short to be worth a clause
    assert required("Police") == (frozenset({"police"}),)  # lower case, as the text is


def test_a_count_re2_reads_as_text_is_not_modelled_and_costs_nothing() -> None:
    """RE2 reads a count too long to parse as literal text ("M{26666666666666666666}"
    matches itself) and refuses one over 1000; the reader took the first for a count
    and multiplied a one-string set out that many times (a hang the fuzzer found,
    fuzz/regressions/content-timeout-1ce718b3…)."""
    huge = "6" * 49
    for pattern in [f"(ab){{{huge}}}", f"police{{{huge}}}", f"(x|y){{{huge}}}",
                    f"police{{1,{huge}}}", "9" * 5000 + "{" + "9" * 5000 + "}"]:
        compile_pattern(pattern)  # RE2 takes them all, the braces as text
        assert required(pattern) == ()
    assert required("(police){1000}")  # RE2's largest count is still modelled
    assert required("(police){3}") == (frozenset({"policepolicepolice"}),)
    with pytest.raises(ValueError):
        compile_pattern("police{1001}")


@pytest.mark.skipif(sys.maxunicode < 0x10FFFF, reason="narrow build")
def test_re2_case_folding_meets_only_the_lower_case_letter_in_normalized_text() -> None:
    """The soundness of lower-casing an ASCII literal: the characters RE2 matches
    case-insensitively for it, other than its lower case, never occur in normalized
    text (normalized text is NFKC then lower case, a character at a time; Chinese
    conversion only maps Chinese characters to Chinese characters)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    produced: set[str] = set()
    for ch in everything:
        produced.update(unicodedata.normalize("NFKC", ch).lower())
    for code in range(0x20, 0x7F):
        ch = chr(code)
        rx = compile_pattern("\\" + ch if not ch.isalnum() else ch)
        others = {m.group() for m in rx.finditer(everything)} - {ch.lower()}
        for other in others:
            assert other not in produced, (ch, other)
            # nor made by joining a combining mark to a letter (a canonical composition)
            decomposed = unicodedata.decomposition(other)
            assert not decomposed or decomposed.startswith("<") or \
                len(decomposed.split()) == 1, (ch, other)


def test_cooccurrence_pre_check_on_the_scan_never_changes_the_answer() -> None:
    """forbid_cooccurrence's `_apart` (clauses of the scan's raw hits) against the
    group-by-group matching it saves, on texts made of the groups' own words."""
    import random

    from fairdebt.checks.forbid_cooccurrence import ForbidCooccurrence
    from fairdebt.engine import Engine

    engine = Engine(fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"]))
    rules = [c for c in engine.checks if isinstance(c, ForbidCooccurrence)]
    fast = [c for c in rules if c._where is not None]
    assert fast  # opt-out-no-strings at least
    rng = random.Random(5)
    glue = [" ", ". ", ", ", "; ", " - ", "x", "", "，", "。", "\n", "s ", "ing "]
    for rule in fast:
        vocab = [INDEX.phrases[t] for t in rule._where] + ["reply", "to", "fee", "stopping"]
        for _ in range(3000):
            text = "".join(rng.choice(vocab) + rng.choice(glue)
                           for _ in range(rng.randrange(1, 6)))
            text = text.upper() if rng.random() < 0.2 else text
            prep = prepare(text)
            seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
            got = rule._together(seg)
            where, rule._where = rule._where, None
            try:
                want = rule._together(Segment("text", "collector", prep, INDEX.scan(prep.norm)))
            finally:
                rule._where = where
            assert got == want, text


def test_a_patterns_literals_stay_in_the_index_only_while_its_matcher_lives() -> None:
    import gc

    m = Matcher({"patterns": ["(qzvx alpha|qzvx beta) gamma"]}, {})
    assert INDEX.holds("qzvx alpha gamma") and INDEX.holds("qzvx beta gamma")
    assert m.gate() is not None
    del m
    gc.collect()
    assert not INDEX.holds("qzvx alpha gamma") and not INDEX.holds("qzvx beta gamma")


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_patterns, st.lists(_texts, min_size=1, max_size=4))
def test_the_probe_without_groups_matches_where_the_pattern_does(pattern: str,
                                                               texts: list[str]) -> None:
    """`terms.probe` (the pattern compiled with never_capture) answers `may_match`: it
    must find a match, empty ones included, exactly where the pattern itself does."""
    from fairdebt.content.terms import may_match, probe

    if not _compiles(pattern):
        return
    rx = compile_pattern(pattern)
    raw = probe(rx)
    assert raw is not None and raw[0] is not rx._regexp
    for text in [*texts, pattern]:
        prep = prepare(text)
        seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
        assert may_match(raw, seg) == (rx.search(prep.norm) is not None), (pattern, text)


def test_the_probe_asks_from_the_start_unless_the_pattern_cannot_be_wrapped() -> None:
    """`terms.probe` asks ``(?s:.*?)(?:pattern)`` from the start of the text; a pattern
    whose ``\\Q`` quotes to its end cannot be wrapped, and is asked anywhere."""
    from fairdebt.content.terms import _ANCHOR_START, _UNANCHORED, may_match, probe

    for pattern, anchor in ((r"工号\s*\d+", _ANCHOR_START), (r"zq|工号 1", _ANCHOR_START),
                            (r"a\Qb(c", _UNANCHORED)):
        raw = probe(compile_pattern(pattern))
        assert raw is not None and raw[1] == anchor
        for text, found in (("xx 工号 12 yy", anchor == _ANCHOR_START),
                            ("ab(c\n", anchor == _UNANCHORED), ("\n\nab(c", anchor == _UNANCHORED),
                            ("nothing", False)):
            prep = prepare(text)
            seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
            assert may_match(raw, seg) is found, (pattern, text)
