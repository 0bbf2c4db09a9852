"""The content rules' fast paths give what the reference paths give.

`prepare` normalizes most non-ASCII text through translate tables (`_prepare_fast`);
`_prepare_slow`, the character loop, is the reference: on any text the fast path
accepts, the two must agree on the normalized text, the offset map and the clause
breaks.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt._mypyc import compiled
from fairdebt.content.text import _prepare_fast, _prepare_slow, prepare, scripts

#: the mypyc-compiled build (pyproject.toml): a test that replaces a method of a compiled
#: object is skipped there, since compiled callers call the method directly
COMPILED = bool(compiled())

# the characters that make normalization interesting, and some plain ones
TRICKY = list(
    "爆通讯录訊錄還債你好我們法院 \t\n\r\u3000\u00a0\u2003.,!?;:，。！？；：、-–—·*'’“”\"()【】"
    "abcXYZ019ＡＢＣ１２３ｓｔｏｐ"
    "\u200b\u200d\ufeff\u00ad\u0301\u0308"  # zero-width and combining: the slow path
    "㈱ﬁ①½"  # expanding (or not) under NFKC
    "한글カナ\U0001f600\U00020001\uf900\u2e80\x01\x1f\x7f"
)
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=40)


def same(text: str) -> None:
    want = _prepare_slow(text)
    got = _prepare_fast(text)
    if got is None:  # not for the fast path: prepare() takes the slow one
        assert prepare(text).norm == want.norm
        return
    assert got.norm == want.norm
    # (the offset map is made when first asked for: ask before and after the breaks)
    assert got.breaks == want.breaks
    assert got.src == want.src
    assert got.dropped == want.dropped
    # script counts worked out by the translate pass: what language detection counts
    assert got.scripts is None or got.scripts == scripts(text), text
    again = _prepare_fast(text)  # a finding's offsets, the map not asked for before
    if want.norm:
        assert again is not None
        assert again.span(0, len(again.norm)) == want.span(0, len(want.norm))


@settings(max_examples=2000, deadline=None)
@given(texts)
def test_translate_path_agrees_with_the_character_loop(text: str) -> None:
    same(text)


def test_translate_path_agrees_on_random_unicode() -> None:
    rng = random.Random(11)
    ranges = [(0x20, 0x7E), (0xA0, 0x2FF), (0x2000, 0x206F), (0x3000, 0x303F),
              (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFFEF), (0x1F300, 0x1F64F),
              (0x20000, 0x2A6DF), (0x0900, 0x097F), (0x0E00, 0x0E7F), (0x0, 0x20)]
    for _ in range(3000):
        n = rng.randrange(0, 30)
        text = "".join(chr(rng.randrange(*rng.choice(ranges))) for _ in range(n))
        same(text)


def test_mostly_ascii_text_agrees_with_the_character_loop() -> None:
    """`_prepare_latin` (lower case, then a replace per non-ASCII character) on text
    that is mostly ASCII with a few other characters: curly quotes and dashes (which
    it takes), and ones it must leave to the table (upper case, Han, spaces, expanding,
    combining, normalizing to another of the text's characters)."""
    from fairdebt.content.text import _prepare_latin

    rng = random.Random(12)
    odd = list("’‘“”–—·…éçÀİẞΣσςﬁ①½\u00a0\u3000\u2009一爆訊ＡＢａ\u0301\u200bµμΩΩ")
    plain = list("abcdefgHIJ 0123,.;:!?'-$")
    taken = 0
    for _ in range(20000):
        n = rng.randrange(0, 40)
        text = "".join(rng.choice(odd) if rng.random() < 0.08 else rng.choice(plain)
                       for _ in range(n))
        same(text)
        got = _prepare_latin(text, text.encode("ascii", "ignore"))
        if got is not None:
            taken += 1
            want = _prepare_slow(text)
            assert (got.norm, got.src, got.breaks) == (want.norm, want.src, want.breaks), text
            assert got.scripts == scripts(text), text
    assert taken > 2000


def test_plain_han_characters_are_their_own_normalized_form() -> None:
    """`_prepare_han` takes the Han characters `plain_han` lists as Han, counted as
    Chinese and unchanged: what the table and the character loop make of each."""
    from fairdebt.content.text import _HAN, _fast_entry, _normalize_char, _script, plain_han

    plain = plain_han()
    assert len(plain) > 20000
    for ch in plain:
        assert _normalize_char(ch) == (ch, _HAN), ch
        assert _fast_entry(ch) == (ch, "h") and _script(ch) == "H", ch
    # the Traditional characters are not among them
    assert not {"還", "債", "們", "訊", "錄", "戶"} & set(plain)


def test_chinese_text_without_the_table_agrees_with_the_character_loop() -> None:
    """`_prepare_han` on mostly Chinese text: Simplified and Traditional characters,
    Chinese and ASCII punctuation, fullwidth forms, spaces, Latin letters and digits, and
    characters it must leave to the table (upper case beyond ASCII, other spaces,
    combining, astral, expanding)."""
    from fairdebt.content.text import _prepare_han

    rng = random.Random(13)
    han = list("爆通讯录还债你好我们法院欠款逾期银行工号尊敬的客户請儘快還款機構號電話訊錄們債")
    other = list("，。！？；：、【】（）《》“”‘’·—…-–,.!?;:()$%@#&*/ ")
    latin = list("abcXYZ0123ＡＢＣ１２３ａｂ")
    rare = list("\u3000\u00a0ΣİẞéÀ\u0301\u200b\U00020001\U0001f600\uf900①½ﬁ\t\n")
    taken = deferred = 0
    for _ in range(20000):
        n = rng.randrange(0, 40)
        text = "".join(
            rng.choice(han) if (r := rng.random()) < 0.6 else rng.choice(other) if r < 0.85
            else rng.choice(latin) if r < 0.98 else rng.choice(rare) for _ in range(n))
        same(text)
        got = _prepare_han(text, text.encode("ascii", "ignore"))
        if got is not None:
            taken += 1
            want = _prepare_slow(text)
            assert got.norm == want.norm, text
            assert got.scripts == scripts(text), text
            assert (got.breaks, got.dropped, got.src) == (want.breaks, want.dropped,
                                                          want.src), text
            # the dropped spans from the mapped text, against the translate path's
            fresh = _prepare_han(text, text.encode("ascii", "ignore"))
            again = _prepare_han(text, text.encode("ascii", "ignore"))
            assert fresh is not None and again is not None
            if fresh._deferred:
                deferred += 1
                fresh._resolve()
                again._resolve_table()
                assert (fresh._drops, fresh._dropped, fresh._src) == (
                    again._drops, again._dropped, again._src), text
    assert taken > 8000 and deferred > 4000
    # a text of many distinct Traditional characters is normalized, its plan not kept
    from fairdebt.content.text import _HAN_PLANS, _PLAN_CHARS
    many = "".join(rng.sample(han, len(han))) + "，還" + "債們訊錄戶請儘還機構號電話" * 3
    rare = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 4000, 7))  # some Traditional
    for text in (many, rare + "，" + rare):
        assert _prepare_han(text, b"") is not None and prepare(text).norm == \
            _prepare_slow(text).norm
    assert all(len(key) <= _PLAN_CHARS for key in _HAN_PLANS)


def test_typical_messages_take_the_fast_path() -> None:
    for text in ("尊敬的客戶，您在華信銀行的欠款100元已逾期，請儘快還款。",
                 "爆 通 讯 录", "We’d like to help – call Mon–Fri.", "Hi  there\n\nyou"):
        assert _prepare_fast(text) is not None
        same(text)
    # the translate pass counts scripts (Chinese text needs no second pass for them)
    chinese = _prepare_fast("尊敬的客戶，您在華信銀行的欠款100元 ok 已逾期。")
    assert chinese is not None and chinese.scripts == (18, 2)
    # Chinese messages need no table pass (`_prepare_han`)
    from fairdebt.content.text import _prepare_han
    for text in ("尊敬的客戶，您在華信銀行的欠款100元已逾期，請儘快還款。",
                 "【某某银行】您好，我们受某某银行委托，工号：1234，提醒您本月100元尚未还清。",
                 "爆 通 讯 录", "张先生您好，可登录APP或拨打1-800-555-0100办理分期。"):
        assert _prepare_han(text, text.encode("ascii", "ignore")) is not None, text


def test_the_engine_skips_content_rules_whose_phrases_are_absent(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    import fairdebt
    from fairdebt.checks.forbid_phrases import ForbidPhrases
    from fairdebt.engine import Engine
    from fairdebt.model import Event

    called: list[str] = []
    real = ForbidPhrases.evaluate

    def spy(self, ctx, state):  # type: ignore[no-untyped-def]
        called.append(self.rule.id)
        return real(self, ctx, state)

    monkeypatch.setattr(ForbidPhrases, "evaluate", spy)
    engine = Engine(fairdebt.load_policy("us-reg-f").select(["*/content/*"]))
    ts = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)

    def sms(i: int, text: str) -> list[str]:
        called.clear()
        found = engine.feed(Event(ts, ts.timestamp() + i, "C1", f"m{i}", channel="sms",
                                  outcome="delivered", region="US", text=text))
        return [f.rule for f in found]

    sms(0, "Hi Pat, your statement is ready. Reply STOP to opt out.")
    # no rule is called: a rule with a pattern is gated by the pattern's literals too
    assert called == []
    assert "reg-f/content/arrest" in sms(1, "Pay today or you will be ARRESTED.")
    assert "reg-f/content/arrest" in called
    # a phrase found inside a longer word calls the rule, which finds nothing
    assert "reg-f/content/arrest" not in sms(2, "Jailbreak your phone. Reply STOP to opt out.")
    assert "reg-f/content/arrest" in called
    # "this is" and "police" are literals the impersonation pattern needs
    assert "reg-f/content/impersonation" in sms(3, "Hi, this is the police department.")
    assert "reg-f/content/impersonation" in called
    assert "reg-f/content/impersonation" not in sms(4, "This is it. Reply STOP to opt out.")
    assert called == []


def test_the_dispatch_by_the_phrases_found_is_the_one_worked_out_afresh() -> None:
    """`Engine._contact_checks` remembers the checks to call by every phrase id found
    (then by those a gate names): on messages of many sets of phrases, each asked twice,
    the checks are those it works out with nothing remembered."""
    import random
    from datetime import datetime, timezone

    import fairdebt
    from fairdebt.engine import Engine
    from fairdebt.model import Event

    engine = Engine(fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"]))
    fresh = Engine(engine.policy)
    rng = random.Random(17)
    vocab = ["Reply STOP to opt out.", "a debt collector", "pay $20", "arrested", "garnish",
             "fee", "date of birth", "this is the police", "工号1234", "某某银行", "爆你通讯录",
             "法院", "通知你的同事", "hello", "。", ", "]
    ts = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    seen = set()
    for i in range(3000):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randrange(1, 6)))
        region = rng.choice(["US", "CN"])
        ev = Event(ts, ts.timestamp() + i, f"C{i % 7}", f"m{i}", channel="sms",
                   outcome="delivered", region=region, text=text)
        def rules(found):  # type: ignore[no-untyped-def]
            entries, talk, noted = found
            return [c.rule.id if hasattr(c, "rule") else [x.rule.id for x in c.checks]
                    for _, c, _, _ in entries], talk, noted

        for _ in range(2):
            got = rules(engine._contact_checks(ev))
            for dispatch in fresh._dispatch.values():  # nothing remembered
                if dispatch[1] is not None:
                    dispatch[1][2].clear()
                    dispatch[1][3].clear()
            assert got == rules(fresh._contact_checks(ev)), text
        seen.add(text)
    assert len(seen) > 1000


def test_scripts_counts_ascii_letters_as_the_regular_expressions_do() -> None:
    from fairdebt.content.text import _HAN_RE, _LATIN_RE, scripts

    rng = random.Random(3)
    # ASCII, then any text: Han (the supplementary planes too), Latin beyond ASCII, the
    # letters just outside the expressions' ranges
    for _ in range(500):
        text = "".join(chr(rng.randrange(0, 128)) for _ in range(rng.randrange(0, 60)))
        assert scripts(text) == (len(_HAN_RE.findall(text)), len(_LATIN_RE.findall(text)))
    ranges = [(0, 0x80), (0x80, 0x300), (0x3000, 0x3500), (0x4DB0, 0x4E10), (0x9FF0, 0xA010),
              (0xF8F0, 0xFB10), (0xFF00, 0xFF70), (0x1FFF0, 0x20010), (0x31340, 0x31360)]
    for _ in range(3000):
        text = "".join(chr(rng.randrange(*rng.choice(ranges)))
                       for _ in range(rng.randrange(0, 40)))
        assert scripts(text) == (len(_HAN_RE.findall(text)), len(_LATIN_RE.findall(text)))


def test_present_and_the_re2_shortcut_agree_with_find() -> None:
    import fairdebt
    from content_corpus import specs
    from fairdebt.checks import CHECKS
    from fairdebt.content.analysis import Segment
    from fairdebt.content.check import Matcher
    from fairdebt.content.terms import INDEX

    policy = fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"])
    matchers: list[Matcher] = []
    for rule in policy.rules:
        check = CHECKS[rule.check](rule)
        # (every attribute, by dir(): a compiled check keeps its own in slots, not
        # in its __dict__)
        for value in [getattr(check, name) for name in dir(check) if not name.startswith("__")]:
            if isinstance(value, Matcher):
                matchers.append(value)
            elif isinstance(value, dict):
                matchers += [v for v in value.values() if isinstance(v, Matcher)]
            elif isinstance(value, list):
                matchers += [v for v in value if isinstance(v, Matcher)]
                matchers += [v.match for v in value if isinstance(getattr(v, "match", None),
                                                                  Matcher)]
    assert len(matchers) > 30
    patterned = [m for m in matchers if m.patterns]
    assert patterned
    for spec in specs(600):
        text = spec.get("text")
        if not isinstance(text, str) or not text:
            continue
        prep = prepare(text)
        seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
        for m in matchers:
            assert m.present(seg) == (m.first(seg) is not None)
        for m in patterned:  # the patterns alone, through the wrapper's own finditer
            for rx in m.patterns:
                plain = any(x.end() > x.start() for x in rx.finditer(prep.norm))
                assert plain == Matcher({"patterns": [rx.pattern]}, {}).present(seg)


def test_clause_breaks_are_the_matches_of_the_clause_expression() -> None:
    """`Prepared.breaks` finds delimiters by one split where it can; the reference is
    the regular expression's own matches, on any text (not only normalized text)."""
    import random

    from fairdebt.content.text import _CLAUSE, Prepared

    rng = random.Random(8)
    pieces = [*"ab .,;:!?-–—。，、！x\n\t\u00a0\u3000", " - ", " – ", "a.m.", "1,000"]
    for _ in range(20000):
        norm = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 14)))
        want = [m.start() + (1 if m.group().startswith((" ", "\n")) else 0)
                for m in _CLAUSE.finditer(norm)]
        assert Prepared(norm, norm, None).breaks == want, repr(norm)
    # ASCII text (English: delimiters found as bytes)
    ascii_pieces = [*"ab .,;:!?-x\n\t", " - ", "a.m.", "1,000", "...", "e.g. ", ". \x1c",
                    "\x7f", "\x00", ".\x0b", "\x1f "]
    for _ in range(20000):
        norm = "".join(rng.choice(ascii_pieces) for _ in range(rng.randrange(0, 14)))
        want = [m.start() + (1 if m.group().startswith((" ", "\n")) else 0)
                for m in _CLAUSE.finditer(norm)]
        assert Prepared(norm, norm, None).breaks == want, repr(norm)


def test_the_ascii_fast_path_is_taken_exactly_when_the_old_test_allowed_it() -> None:
    import random

    from fairdebt.content.text import _ASCII_SLOW, prepare

    rng = random.Random(9)
    for _ in range(20000):
        text = "".join(chr(rng.choice([32, 32, 97, 98, 46, rng.randrange(128)]))
                       for _ in range(rng.randrange(0, 8)))
        old = text.isascii() and not _ASCII_SLOW.search(text) and not text[:1].isspace() \
            and not text[-1:].isspace()
        assert (prepare(text).src is None) == old, repr(text)
        # (the script counts it works out on the way are what `scripts` counts)
        assert prepare(text).scripts in (None, scripts(text)), repr(text)
        assert old <= (prepare(text).scripts is not None)


def test_masking_is_skipped_only_where_it_would_change_nothing() -> None:
    import random

    from fairdebt.content.check import _masked
    from fairdebt.report.pii import mask_text

    rng = random.Random(10)
    # (digits a few at a time too: fewer than seven in all is skipped, seven is not)
    pieces = ["call ", "1-800-555-0100", "555 0100", "x", "@", "pat@example.com", " ",
              "١٢٣٤٥٦٧٨", "+44 20 7946 0958", "２０２６", "abc", "ext. 12", ".",
              "1", "12", "3-4", "567", "(8)", "²", "٣", "$", "-"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 9)))
        assert _masked(text) == mask_text(text), text


def test_closed_content_slots_are_looked_for_only_when_the_rule_reads_a_message() -> None:
    from fairdebt.content.analysis import Segment
    from fairdebt.content.check import Matcher
    from fairdebt.content.terms import INDEX, LAZY
    from fairdebt.content.text import prepare

    m = Matcher({"phrases": ["zqx slotword"]}, {}, lazy=True)
    assert m.gate() is None  # its ids are not in the scan every message gets
    assert LAZY.holds("zqx slotword") and not INDEX.holds("zqx slotword")
    prep = prepare("Call me: ZQX Slotword, at 5.")
    seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
    assert m.present(seg) and m.first(seg) == (9, 21)
    # a phrase added to the second index later is still found in a segment whose
    # second scan came first
    late = Matcher({"phrases": ["at 5"]}, {}, lazy=True)
    assert late.first(seg) == (23, 27)


def test_a_swapped_index_is_used_by_everything_made_after_the_swap() -> None:
    """The fuzz harness gives each input a fresh phrase index (terms.INDEX and
    analysis.INDEX swapped): phrases, patterns' literals and segments must all use it."""
    from datetime import datetime, timezone

    from fairdebt.content import analysis, terms
    from fairdebt.content.check import Matcher
    from fairdebt.model import Event

    saved = terms.INDEX
    terms.INDEX = analysis.INDEX = terms.TermIndex()
    try:
        m = Matcher({"phrases": ["police"], "patterns": ["we are the (police|court)"]}, {})
        ts = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
        ev = Event(ts, ts.timestamp(), "C1", "m1", channel="sms", outcome="delivered",
                   text="Hi, we are the POLICE.")
        (seg,) = analysis.segments(ev)
        assert seg.index is terms.INDEX
        assert list(m.find(seg)) == [(15, 21), (4, 21)]
        assert m.gate() is not None and all(s <= set(terms.INDEX.phrases)
                                            for s in m.gate() or ())
    finally:
        terms.INDEX = analysis.INDEX = saved


REQUIRE_MIX = """
  - id: t/initial
    check: require_phrases
    when: {party: [consumer, spouse]}
    params:
      communication: initial
      wordings: {en: [attempt to collect a debt], zh: [催收]}
  - id: t/later
    check: require_phrases
    params:
      communication: later
      latin_default: es
      wordings: {es: [cobrador de deudas], en: [debt collector]}
  - id: t/any
    check: require_phrases
    when: {channel: [sms, email]}
    params:
      wordings: {en: {phrases: [opt out], patterns: ['reply\\W+stop']}}
  - id: t/subject-only
    check: require_phrases
    params:
      fields: [subject]
      wordings: {en: [notice]}
  - id: t/us-only
    check: require_phrases
    params:
      wordings: {zh: [工号]}
"""


def _require_events() -> list:  # type: ignore[type-arg]
    from content_corpus import _events, specs

    events = _events(specs(1500, seed=77))
    # some consumers outside any region and some with other parties: the stateful
    # rules' `when` and routing, and communications that are not (inbound, no words)
    # parties the stateful rules' `when` leaves out, and consumers with several debts
    # (what is initial is per debt)
    out = []
    for i, ev in enumerate(events):
        if i % 7 == 3:
            ev = ev._replace(region=None)
        if i % 11 == 5:
            ev = ev._replace(text=None, subject=None, transcript=())
        if i % 6 == 1:
            ev = ev._replace(party=("parent", "guardian", "executor")[i % 3])
        if i % 4 == 2:
            ev = ev._replace(debt_ids=((f"X{i % 3}",), (), ("X1", "X2"))[i % 3])
        out.append(ev)
    return out


def test_require_phrases_batch_gives_what_the_rules_give_one_by_one(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The engine evaluates a dispatch's consecutive `require_phrases` rules by one call
    (`RequireBatch`); the rules called one by one are the reference."""
    import fairdebt
    from fairdebt.checks.require_phrases import RequireBatch, RequirePhrases
    from fairdebt.engine import Engine

    path = tmp_path / "p.yaml"
    path.write_text("id: t\nregions: [US]\nrules:\n" + REQUIRE_MIX, encoding="utf-8")
    policies = [fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"]),
                fairdebt.load_policy(path)]
    events = _require_events()
    for policy in policies:
        batched = Engine(policy)
        got = [f.to_dict() for ev in events for f in batched.feed(ev)]
        used = [e for entries, *_ in batched._dispatch.values() for e in entries
                if isinstance(e[1], RequireBatch)]
        assert used  # the batch was really what ran
        with monkeypatch.context() as m:
            m.setattr(RequirePhrases, "batched", classmethod(lambda cls, checks: None))
            reference = Engine(policy)
            # and whether each contact is a communication asked of every event, not
            # once per dispatch
            assert batched._keyed_contact
            reference._keyed_contact = False
            want = [f.to_dict() for ev in events for f in reference.feed(ev)]
            assert not any(isinstance(e[1], RequireBatch)
                           for entries, *_ in reference._dispatch.values() for e in entries)
        assert len(want) > 100
        assert got == want


def test_any_span_is_whether_spans_finds_one() -> None:
    """`Segment.any_span` (stops at the first match) against `Segment.spans`, for every
    indexed phrase, as a whole word and as a prefix, on the generated corpus."""
    import fairdebt
    from content_corpus import specs
    from fairdebt.content.analysis import Segment
    from fairdebt.content.terms import INDEX
    from fairdebt.engine import Engine

    # the packs' phrases are in the index while their checks are held
    engine = Engine(fairdebt.load_policy("us-reg-f", "cn"))
    found = 0
    for spec in specs(400, seed=31):
        text = spec.get("text")
        if not isinstance(text, str) or not text:
            continue
        prep = prepare(text)
        fresh = Segment("text", "collector", prep, INDEX.scan(prep.norm))
        cached = Segment("text", "collector", prep, INDEX.scan(prep.norm))
        for tid in fresh.ids:
            for prefix in (False, True):
                want = bool(cached.spans(tid, prefix))
                assert fresh.any_span(tid, prefix) == want, (text, INDEX.phrases[tid], prefix)
                assert cached.any_span(tid, prefix) == want
                found += want
    assert found > 500 and engine.checks


def test_contact_notes_answered_per_dispatch_agree_with_each_event() -> None:
    """The engine asks `notes_contact` once per dispatch and skips
    `Account.note_contact` when it says no: it must say no only where
    `note_contact` keeps nothing."""
    import itertools
    from datetime import datetime, timezone

    from fairdebt.model import Event
    from fairdebt.state import Account, notes_contact

    ts = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
    kept = 0
    for party, direction, channel, outcome in itertools.product(
            ("consumer", "spouse", "third_party", "creditor"), ("inbound", "outbound"),
            ("call", "sms", "email", None), ("conversation", "delivered", "voicemail", None)):
        ev = Event(ts, ts.timestamp(), "C1", "e1", party=party, direction=direction,
                   channel=channel, outcome=outcome, debt_ids=("D1",))
        account = Account()
        account.note_contact(ev)
        changed = (account.conversations, account.inbound, account.first_talk) != (
            None, None, None)
        assert changed == notes_contact(ev), (party, direction, channel, outcome)
        kept += changed
    assert kept > 10


def test_lazy_context_gives_the_local_times_an_eager_one_gives() -> None:
    """The engine's `LazyContext` works out local times and day when first read; the
    eager `Context` (every zone converted up front) is the reference, across DST
    changes and date lines, read in either order, and after a pickle round trip (the
    cold store keeps held findings' contexts)."""
    import pickle
    from datetime import datetime, timedelta, timezone

    from fairdebt.model import Event
    from fairdebt.state import Account, Context, LazyContext
    from fairdebt.tz import get_zone

    names = [("America/New_York",), ("Asia/Shanghai",), ("Pacific/Kiritimati",),
             ("America/Los_Angeles", "Pacific/Pago_Pago"), ("Europe/London", "UTC")]
    start = datetime(2026, 3, 7, 0, 0, tzinfo=timezone.utc)
    for k in range(200):
        ts = start + timedelta(minutes=97 * k)
        ev = Event(ts, ts.timestamp(), "C1", f"e{k}")
        account = Account()
        zones = tuple((n, get_zone(n)) for n in names[k % len(names)])
        local = tuple(ts.astimezone(z) for _, z in zones)
        want = Context(ev, account, zones, local, local[0].toordinal(), True)
        got = LazyContext(ev, account, zones)
        if k % 2:
            assert got.day == want.day
        assert got.local_times == want.local_times
        assert [t.utcoffset() for t in got.local_times] == [t.utcoffset() for t in local]
        assert got.day == want.day
        assert got.local_time_text() == want.local_time_text()
        back = pickle.loads(pickle.dumps(LazyContext(ev, account, zones)))
        assert (back.local_times, back.day, back.zones[0][0], back.zone_known) == (
            want.local_times, want.day, want.zones[0][0], True)


def test_ascii_text_scanned_by_the_ascii_twin_gives_the_full_automatons_hits() -> None:
    """ASCII text is scanned by an automaton holding only the ASCII phrases; the full
    automaton is the reference: the same hits in the same order, on the corpus, on
    every ASCII phrase alone and on phrases run together (overlaps, shared suffixes)."""
    import random

    import fairdebt
    from content_corpus import specs
    from fairdebt.content.terms import INDEX, Hits, scan_with
    from fairdebt.engine import Engine

    engine = Engine(fairdebt.load_policy("us-reg-f", "cn"))
    built = INDEX.built()
    full = built[0]
    phrases = [p for tid, p in INDEX.phrases.items() if INDEX.holds(p) and p.isascii()]
    texts = [prepare(t).norm for s in specs(600, seed=41)
             if isinstance(t := s.get("text"), str)]
    rng = random.Random(5)
    texts += phrases
    texts += [" ".join(rng.choice(phrases) for _ in range(rng.randrange(1, 6)))
              + rng.choice(["", ".", " now", "s"]) for _ in range(3000)]
    texts += ["".join(rng.choice(phrases) for _ in range(rng.randrange(1, 4)))
              for _ in range(3000)]
    ascii_texts = 0
    for norm in texts:
        want = Hits(full.iter(norm))
        got = scan_with(built, norm)
        assert list(got) == list(want), norm
        assert got.known == built[1]
        ascii_texts += norm.isascii()
    assert ascii_texts > 6000 and len(phrases) > 200 and engine.checks


def test_text_whose_other_characters_no_phrase_holds_is_scanned_by_the_ascii_twin(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Mostly ASCII text whose characters beyond ASCII (`Prepared.wide`) are in no phrase
    the ASCII twin lacks is scanned by the twin; the full automaton is the reference, on
    the corpus and on phrases (Spanish and Chinese ones too) run together with dashes,
    curly quotes and accented letters, some of them in the other phrases."""
    import random

    import fairdebt
    from content_corpus import specs
    from fairdebt.content.terms import INDEX, Hits, scan_with
    from fairdebt.engine import Engine

    engine = Engine(fairdebt.load_policy("us-reg-f", "cn"))
    # the micro sign normalizes to a Greek mu, which a phrase holds: the normalized
    # characters decide, not the ones written
    path = tmp_path / "p.yaml"
    path.write_text("id: t\nrules:\n  - id: t/mu\n    check: forbid_phrases\n"
                    "    params: {phrases: [μ]}\n", encoding="utf-8")
    mine = Engine(fairdebt.load_policy(path))
    built = INDEX.built()
    full, lacking = built[0], built[3]
    phrases = [p for p in INDEX.phrases.values() if INDEX.holds(p)]
    plain = [p for p in phrases if p.isascii()]
    wide = [p for p in phrases if not p.isascii() and all(ord(c) < 0x2E80 for c in p)]
    assert wide and "ó" in lacking
    rng = random.Random(8)
    odd = ["–", "—", "’", "“", "é", "ó", "ñ", "…", "ü", "á", "í", "µ"]
    texts = [t for spec in specs(600, seed=43) if isinstance(t := spec.get("text"), str)]
    for _ in range(4000):
        texts.append(" ".join(rng.choice(plain if (r := rng.random()) < 0.85 else wide
                                         if r < 0.95 else phrases)
                              + rng.choice(["", rng.choice(odd), " " + rng.choice(odd)])
                              for _ in range(rng.randrange(1, 6))))
    twin = 0
    for text in texts:
        prep = prepare(text)
        if prep.wide is None:
            continue
        got = scan_with(built, prep.norm, prep.wide)
        assert list(got) == list(Hits(full.iter(prep.norm))), text
        twin += not prep.norm.isascii() and lacking.isdisjoint(prep.wide)
    assert twin > 500 and engine.checks and mine.checks


def test_languages_of_a_text_message_are_what_languages_detects() -> None:
    """`require_phrases._detected` works out a lone segment's languages itself;
    `languages` is the reference (on the corpus and on texts mixing the scripts in every
    proportion around its thresholds)."""
    from datetime import datetime, timezone

    from content_corpus import specs
    from fairdebt.checks.require_phrases import _detected, languages
    from fairdebt.content.analysis import Segment, Words
    from fairdebt.content.terms import INDEX
    from fairdebt.model import Event

    rng = random.Random(17)
    texts = [t for spec in specs(400, seed=5) if isinstance(t := spec.get("text"), str)]
    for _ in range(3000):
        texts.append("".join(rng.choice(("爆", "a", "b ", "1", "，", "é"))
                             for _ in range(rng.randrange(0, 80))))
    # each threshold exactly: two Chinese characters, ten letters, a sixth of the words
    texts += ["爆" * han + "a" * latin for han in range(6) for latin in range(0, 130)]
    seen = set()
    ts = datetime(2026, 3, 2, tzinfo=timezone.utc)
    event = Event(ts, ts.timestamp(), "C1", "e1")  # (not read: the words are given)
    for text in texts:
        prep = prepare(text)
        seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
        for default in ("en", "es"):
            got = _detected(Words(event, 0, (seg,)), default)
            assert got == languages([seg], default), text
            seen.add(got)
    assert {(), ("zh",), ("en",), ("zh", "en"), ("es",)} <= seen


COOCCURRENCE_MIX = """
  - id: t/zh
    check: forbid_cooccurrence
    params:
      groups:
        - {phrases: [通讯录, 同事, 单位, 家人]}
        - {phrases: [通知, 曝光, 群发, 爆]}
  - id: t/three
    check: forbid_cooccurrence
    params:
      groups:
        - {phrases: [stop, opt out, "$"]}
        - {phrases: [fee, "$5", pay*, "a.m.", stop]}
        - {phrases: [now, today, 今天, n, "."]}
"""


def test_cooccurrence_apart_by_bits_agrees_with_the_sets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`ForbidCooccurrence._apart` (each clause's groups as the bits of an int) against
    `_apart_sets` (the reference, a set of clauses per group): on the corpus, and on
    texts made of the groups' phrases, run together or split by delimiters (Chinese ones
    dropped between Chinese characters: a clause then starts at a phrase; a phrase in
    two groups), so that both answers are common."""
    import fairdebt
    from content_corpus import specs
    from fairdebt.checks.forbid_cooccurrence import ForbidCooccurrence
    from fairdebt.content.analysis import Segment
    from fairdebt.content.terms import INDEX
    from fairdebt.engine import Engine

    path = tmp_path / "p.yaml"
    path.write_text("id: t\nrules:\n" + COOCCURRENCE_MIX, encoding="utf-8")
    engine = Engine(fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"]))
    mine = Engine(fairdebt.load_policy(path))
    rules = [c for c in engine.checks + mine.checks if isinstance(c, ForbidCooccurrence)
             and c._where is not None]
    assert len(rules) == 3
    texts = [t for spec in specs(600, seed=41) if isinstance(t := spec.get("text"), str)]
    rng = random.Random(41)
    glue = [" ", ". ", ", ", "! ", " and ", "x", "", "; ", "，", "。", " - ", "\n", ".",
            "  ", "1.5 ", "a.m. "]
    for check in rules:
        words = [INDEX.phrases[tid] for g in check.groups for tid in g.tids]
        for _ in range(3000):
            texts.append("".join(rng.choice(words) + rng.choice(glue)
                                 for _ in range(rng.randrange(1, 7))))
    # (answers by whether the text took the ASCII walk, `_apart_ascii`, and by groups)
    counts: dict[tuple[bool, int, bool], int] = {}
    for text in texts:
        prep = prepare(text)
        seg = Segment("text", "collector", prep, INDEX.scan(prep.norm))
        for check in rules:
            want = check._apart_sets(seg)
            assert check._apart(seg) == want, (check.rule.id, text)
            key = (prep.stops() is not None, len(check.groups), want)
            counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 8 and min(counts.values()) > 300, counts


def test_snippet_finds_the_words_around_a_match_as_the_loop_does() -> None:
    """`snippet` widens to whole words with two searches; `snippet_loop`, a character at
    a time, is the reference: on texts with and without whitespace (Chinese), of every
    kind, around spans anywhere (at either end too), at several widths."""
    import re

    from fairdebt.content.check import snippet, snippet_loop

    # the searches' \s is str.isspace, for every code point
    space = re.compile(r"\s")
    assert all(bool(space.match(ch)) == ch.isspace()
               for ch in map(chr, range(0x110000)))
    rng = random.Random(19)
    alphabet = list("abc爆通讯录，。 \t\n\u3000\u00a0\u2003-$@0123456789")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) if rng.random() < 0.5 else rng.choice("xy爆")
                       for _ in range(rng.randrange(0, 200)))
        start = rng.randrange(0, len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        width = rng.choice((0, 1, 5, 40))
        assert snippet(text, start, end, width) == snippet_loop(text, start, end, width), (
            text, start, end, width)


def test_loading_the_packs_leaves_the_han_classes_unbuilt() -> None:
    """The Chinese lexicons' phrases are short: normalizing them when a pack loads (every
    run) does not build `_prepare_han`'s character classes (~0.12 s), which only messages
    (`HAN_MIN` characters or more) pay for."""
    import subprocess
    import sys

    code = ("import fairdebt\nfrom fairdebt.content import text\n"
            "fairdebt.load_policy('us-reg-f')\n"
            "print(text._HAN_RES is None)\n"
            "text.prepare('尊敬的客户，您的账单已逾期，请尽快还款，谢谢您的配合。' * 2)\n"
            "print(text._HAN_RES is None)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "False"]


def test_require_phrases_details_kept_per_languages_are_the_ones_made_afresh(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`RequirePhrases._report` keeps each finding's detail per languages absent and
    languages without wordings (bounded: a log's ``lang`` may name any): every finding
    is the one made with the detail worked out afresh (`RequirePhrases._detail`)."""
    from datetime import datetime, timedelta, timezone

    import fairdebt
    from fairdebt.checks.require_phrases import RequirePhrases
    from fairdebt.content.analysis import words
    from fairdebt.engine import Engine
    from fairdebt.model import Event
    from fairdebt.state import Account, LazyContext
    from fairdebt.tz import get_zone

    path = tmp_path / "p.yaml"
    path.write_text("id: t\nrules:\n" + REQUIRE_MIX, encoding="utf-8")
    engine = Engine(fairdebt.load_policy(path))
    rules = [c for c in engine.checks if isinstance(c, RequirePhrases)]
    rng = random.Random(5)
    pool = ["en", "zh", "es", "", "fr", "de", "x"] + [f"l{i}" for i in range(300)]
    start = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
    for k in range(3000):
        ts = start + timedelta(seconds=k)
        ev = Event(ts, ts.timestamp(), f"C{k % 9}", f"e{k}", channel="sms", text="Hi there",
                   debt_ids=("D1",))
        segs = words(ev).collector
        rule = rules[k % len(rules)]
        absent = rng.sample([lang for lang in rule.wordings], rng.randrange(2))
        unknown = [] if absent and rng.random() < 0.5 else \
            [rng.choice(pool if k % 3 else pool[:7]) for _ in range(rng.randrange(3))]
        langs = (*absent, *unknown)

        utc = (("UTC", get_zone("UTC")),)
        # with the details the earlier findings left, then with every one made afresh
        got = rule._report(LazyContext(ev, Account(), utc), segs, langs, list(absent),
                           list(unknown))
        kept, rule._details = rule._details, {}
        want = rule._report(LazyContext(ev, Account(), utc), segs, langs, list(absent),
                            list(unknown))
        rule._details = kept
        got, want = [f.to_dict() for f in got or ()], [f.to_dict() for f in want or ()]
        assert got == want, (absent, unknown)
        assert len(rule._details) <= 256


class _Recorded:
    """A method wrapped to remember the ids of the segments it is called with."""

    def __init__(self, method: Any) -> None:
        self.method = method
        self.segments: list[int] = []

    def __call__(self, seg: Any) -> Any:
        self.segments.append(id(seg))
        return self.method(seg)


@pytest.mark.skipif(COMPILED, reason="replaces ForbidCooccurrence._together on an "
                    "instance, which a compiled evaluate does not call")
def test_cooccurrence_reads_the_shared_collector_words_as_words_gives_them() -> None:
    """`ForbidCooccurrence.evaluate` takes the event's shared collector words directly
    when the rule reads every field of the collector; `ContentCheck.words` (the
    reference, which first asks whether the event has words at all, and without
    ``collector_words`` picks the segments by field and speaker) gives the same
    segments and findings, for events with and without words, inbound ones and
    transcripts."""
    import fairdebt
    from content_corpus import _events, specs
    from fairdebt.checks.forbid_cooccurrence import ForbidCooccurrence
    from fairdebt.engine import Engine
    from fairdebt.state import Account, LazyContext
    from fairdebt.tz import get_zone

    engine = Engine(fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"]))
    rules = [c for c in engine.checks if isinstance(c, ForbidCooccurrence)]
    assert rules and all(c.collector_words for c in rules)
    events = _events(specs(400, seed=43))
    events += [ev._replace(text=None, subject=None, transcript=()) for ev in events[:50]]
    events += [ev._replace(direction="inbound") for ev in events[50:100]]
    events += [ev._replace(text=None, transcript=(("collector", "a"), ("consumer", "b")))
               for ev in events[100:150]]
    kinds = set()
    found = 0
    for ev in events:
        for check in rules:
            runs = []
            for reference in (False, True):
                check.collector_words = not reference
                seen = _Recorded(check._together)
                check._together = seen  # type: ignore[method-assign]
                got = check.evaluate(LazyContext(ev, Account(), (("UTC", get_zone("UTC")),)),
                                     None)
                del check._together
                runs.append((seen.segments, [f.to_dict() for f in got or ()]))
            check.collector_words = True
            assert runs[0] == runs[1], ev
            kinds.add(len(runs[0][0]))
            found += bool(runs[0][1])
    assert {0, 1, 2} <= kinds and found > 5
