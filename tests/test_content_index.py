"""The process-wide phrase index holds only what loaded rules use: a service that
loads policy after policy (each with its own phrases) does not grow without bound,
and matching stays right across the rebuilds that drop released phrases."""

from __future__ import annotations

import gc
from pathlib import Path

import fairdebt
from fairdebt.content.terms import INDEX, Phrase


def custom_policy(tmp_path: Path, n: int) -> fairdebt.Policy:
    path = tmp_path / f"p{n}.yaml"
    path.write_text(f"""id: t{n}
rules:
  - id: t{n}/word
    check: forbid_phrases
    params:
      phrases: [zorblax{n}, quuxword{n} now]
""", encoding="utf-8")
    return fairdebt.load_policy(path)


def findings(pol: fairdebt.Policy, text: str) -> list[str]:
    report = fairdebt.check([{"timestamp": "2026-04-01T10:00:00-04:00", "consumer_id": "C1",
                              "channel": "sms", "timezone": "America/New_York",
                              "text": text}], pol)
    return [f.rule for f in report.findings]


def test_loading_many_policies_in_turn_keeps_the_index_bounded(tmp_path: Path) -> None:
    gc.collect()
    before = len(INDEX)
    for n in range(400):
        pol = custom_policy(tmp_path, n)
        # the new phrases are found, the released ones of earlier policies are not
        assert findings(pol, f"pay ZORBLAX{n} today") == [f"t{n}/word"]
        assert findings(pol, f"pay zorblax{n - 1} quuxword{n - 1} now") == []
        del pol
        gc.collect()
    assert len(INDEX) <= before + 2
    assert len(INDEX.automaton()) <= before + 2 + max(INDEX.KEEP_DORMANT, before) + 2


def test_the_same_policy_checked_again_reuses_its_ids_without_a_rebuild(
        tmp_path: Path) -> None:
    pol = custom_policy(tmp_path, 1000)
    assert findings(pol, "zorblax1000") == ["t1000/word"]
    gc.collect()
    version = INDEX.version
    for _ in range(3):  # each check builds an engine, interning the phrases again
        assert findings(pol, "zorblax1000") == ["t1000/word"]
        gc.collect()
    assert INDEX.version == version


def test_a_phrase_shared_by_two_holders_stays_until_both_are_gone() -> None:
    a, b = Phrase("glorptastic"), Phrase("glorptastic")
    first = a.tid
    assert b.tid == first
    del a
    gc.collect()
    assert INDEX.holds("glorptastic")
    del b
    gc.collect()
    assert not INDEX.holds("glorptastic")
    # asked for again while dormant, it gets its id back; a new phrase never gets it
    again = Phrase("glorptastic")
    assert again.tid == first
    assert Phrase("glorptastic-two").tid not in (first,)


def test_the_per_character_cache_is_bounded() -> None:
    from fairdebt.content import text

    # every code point outside the surrogates, as a hostile message could hold them
    hostile = "".join(chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c < 0xE000)
    text.normalize(hostile)
    assert len(text._CHARS) <= text._CHARS_KEPT


def test_the_automaton_follows_every_intern_and_release_between_scans() -> None:
    """`TermIndex.built` looks only at a flag once the automaton is up to date: each
    intern and release must clear it, or a new phrase would go unfound and released
    ones never be dropped."""
    from fairdebt.content.terms import TermIndex

    index = TermIndex()
    index.KEEP_DORMANT = 0  # drop released phrases at the next look
    alpha = index.intern("alpha")
    assert [tid for _, tid in index.scan("alpha beta")] == [alpha]
    beta = index.intern("beta")  # after a scan: the next one must see it
    assert sorted(tid for _, tid in index.scan("alpha beta")) == [alpha, beta]
    assert index.built()[0] is index.built()[0]  # no rebuild without a change
    index.release("alpha", alpha)
    index.release("beta", beta)  # more released than live: dropped at the next look
    assert len(index.built()[0]) == 0 and alpha not in index.phrases
    assert list(index.scan("alpha beta")) == []
