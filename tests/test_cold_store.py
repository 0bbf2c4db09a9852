"""The engine's disk-backed memory: consumers beyond the cache in a private SQLite file,
findings beyond a threshold in a temporary file. Neither may change a finding, a count
or leave a file or descriptor behind."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fairdebt
import fairdebt.engine as engine_module
from fairdebt.engine import Engine, _Consumer
from fairdebt.io.normalize import to_event
from fairdebt.model import Event, Finding
from fairdebt.order import sorted_events
from fairdebt.spill import ColdStore, FindingSpill
from fairdebt.state import Account, Context
from helpers import row

POLICY = fairdebt.load_policy("us")  # regional rules too: `without_region` is counted


def _log(seed: int = 7, consumers: int = 40, rows: int = 1500) -> list[Event]:
    """Calls, texts, third-party calls, conversations, wrong numbers, ceases and
    inconvenient times for a few dozen consumers over four months, with quiet gaps of
    five to eleven days in the whole stream (releases fall due inside them)."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    epoch = 1_775_000_000.0  # 2026-03-31
    for i in range(rows):
        if i % 300 == 299:
            epoch += rnd.choice([5, 6, 9, 11]) * 86400 + rnd.randrange(3600)
        epoch += rnd.choice([1, 30, 600, 3600, 3 * 3600])
        c = rnd.randrange(consumers)
        ts = _iso(epoch)
        dest = f"+1-212-555-{c:02d}{rnd.randrange(3)}"
        kind = rnd.random()
        fields: dict[str, Any] = {"debt_id": rnd.choice(["", f"D{c}", f"D{c};X{c}"]),
                                  "destination": dest}
        if c % 5 == 0:
            fields["region"] = rnd.choice(["US-MA", "US-NY", "US-DC"])
        tz = rnd.choice(["America/New_York", "America/Los_Angeles", None])
        if kind < 0.03:
            ev = rnd.choice(["wrong_number", "cease", "consent", "inconvenient", "opt_out"])
            extra = {"detail": "Mon-Fri 15:00-17:00"} if ev == "inconvenient" else {}
            if ev == "opt_out":
                extra["channel"] = "sms"
            out.append(row(ts, f"E{i}", consumer=f"C{c}", tz=tz, event=ev, **fields, **extra))
        elif kind < 0.15:
            out.append(row(ts, f"E{i}", consumer=f"C{c}", tz=tz, channel="sms",
                           outcome="delivered", opt_out_notice=rnd.random() < 0.9, **fields))
        elif kind < 0.22:
            out.append(row(ts, f"E{i}", consumer=f"C{c}", tz=tz, party="third_party",
                           purpose="location", disclosed_debt=False,
                           outcome=rnd.choice(["conversation", "no_answer"]), **fields))
        else:
            outcome = rnd.choice(["no_answer", "no_answer", "voicemail", "conversation",
                                  "busy", "answered"])
            out.append(row(ts, f"E{i}", consumer=f"C{c}", tz=tz, outcome=outcome, **fields))
    return list(sorted_events(to_event(r, "<t>", n) for n, r in enumerate(out, 1)))


def _iso(epoch: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def _report(events: list[Event], cache: int | None) -> tuple[list[dict[str, Any]], int,
                                                             int | None, bool]:
    engine = Engine(POLICY, cache=cache)
    used = False
    found: list[Finding] = []
    for ev in events:
        found += engine.feed(ev)
        used |= engine._store is not None
    found += engine.close()
    rows = sorted((f.to_dict() for f in found), key=repr)
    return rows, len(engine.consumers), engine.without_region(), used


@pytest.mark.parametrize("cache", [1, 2, 5, 17])
def test_a_small_cache_changes_no_finding_and_no_count(cache: int) -> None:
    events = _log()
    whole = _report(events, None)
    assert not whole[3] and whole[0]
    small = _report(events, cache)
    assert small[3]  # the store was used
    assert small[:3] == whole[:3]


def test_the_store_round_trips_a_live_record_exactly() -> None:
    events = _log(seed=3, consumers=3, rows=400)
    engine = Engine(POLICY)
    for ev in events[:-5]:
        engine.feed(ev)
    store = ColdStore()
    try:
        records = dict(engine.consumers)
        assert any(type(r) is _Consumer and r.states for r in records.values())
        store.put(records.items())
        pending = 0
        for key, record in records.items():
            back = store.get(key)
            assert type(back) is type(record)
            if type(record) is _Consumer:
                for name in _Consumer._FIELDS:
                    if name != "states":
                        assert getattr(back, name) == getattr(record, name), name
                assert back.states.keys() == record.states.keys()
                for i, state in record.states.items():
                    assert _plain(back.states[i]) == _plain(state)
                    for held in getattr(back.states[i], "pending", ()):
                        pending += 1
                        assert isinstance(held.ctx, Context) and held.ctx.account is back
            else:
                assert back == record
        assert store.get("nobody") is None
        assert pending  # a held finding (with its context) went through the store
    finally:
        store.close()
    with pytest.raises(ValueError):
        store.get("C1")


def _plain(value: Any) -> Any:
    """A state as comparable values (slots objects by their slots)."""
    if isinstance(value, Account):
        return "<the consumer's own record>"  # a held finding's context points back
    if hasattr(value, "__slots__") and not isinstance(value, tuple):
        return {n: _plain(getattr(value, n)) for n in value.__slots__}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def test_findings_spilled_and_read_back_are_equal_and_share_rule_strings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    events = _log(seed=11)
    expected = Engine(POLICY).run(events)
    monkeypatch.setattr(engine_module, "SPILL_FINDINGS", 3)
    monkeypatch.setattr(engine_module, "SPILL_FINDINGS_COLD", 2)
    engine = Engine(POLICY, cache=4)
    found = engine.run(events)
    assert found == expected
    assert len({id(f.citation) for f in found if f.rule == "reg-f/hours"}) == 1
    assert len(engine.consumers) == len({ev.consumer_id for ev in events})
    assert dict.__len__(engine.consumers) == 0  # forgotten once the findings are back


def test_findings_spill_round_trips() -> None:
    f = Finding("r", "error", "m", "c", "x.csv", 3, "E1", "C1", None, "t", None, ("E0", "E1"),
                "p", {"field": "text", "start": 1})
    spill = FindingSpill()
    try:
        spill.write([f, f])
        spill.write([f])
        assert spill.read() == [f, f, f]
    finally:
        spill.close()


def _fds() -> set[str]:
    return {os.readlink(f"/proc/self/fd/{n}") for n in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{n}")}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux /proc needed")
def test_no_file_or_descriptor_is_left_behind_when_a_run_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(engine_module, "SPILL_FINDINGS", 2)
    monkeypatch.setattr(engine_module, "SPILL_FINDINGS_COLD", 2)
    events = _log(seed=5)
    before = _fds()

    def failing() -> Iterator[Event]:
        for n, ev in enumerate(events):
            if n == len(events) // 2:
                raise RuntimeError("the log broke")
            yield ev

    engine = Engine(POLICY, cache=3)
    with pytest.raises(RuntimeError):
        engine.run(failing())
    assert engine._store is None
    del engine
    assert _fds() == before
    assert list(tmp_path.iterdir()) == []
    engine = Engine(POLICY, cache=3)
    assert engine.run(events)
    del engine
    assert _fds() == before
    assert list(tmp_path.iterdir()) == []


def test_a_fork_holds_every_consumer_and_leaves_the_store_alone() -> None:
    events = _log(seed=9, consumers=12, rows=600)
    engine = Engine(POLICY, cache=2)
    for ev in events[:-1]:
        engine.feed(ev)
    assert engine._store is not None
    other = engine.fork()
    assert other._store is None
    assert dict.__len__(other.consumers) == len(engine.consumers)
    # the fork and the original agree on the last event, and on everything held back
    assert sorted(map(repr, other.feed(events[-1]) + other.close())) == \
        sorted(map(repr, engine.feed(events[-1]) + engine.close()))


def test_checker_and_check_agree_with_a_small_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    events = _log(seed=13)
    expected = fairdebt.check(events, POLICY)
    monkeypatch.setattr(engine_module, "CACHE", 3)
    monkeypatch.setattr(engine_module, "SPILL_FINDINGS_COLD", 2)
    assert fairdebt.check(events, POLICY) == expected  # the store and the spill in use
    checker = fairdebt.Checker(POLICY)
    streamed = [f for ev in events for f in checker.feed(ev)]
    report = checker.close()
    assert checker._engine.consumers.elsewhere > 0
    assert sorted(map(repr, streamed + list(report.findings[len(streamed):]))) == \
        sorted(map(repr, expected.findings))
    assert report.summary.consumers == expected.summary.consumers
    assert report.summary.by_rule == expected.summary.by_rule
    assert report.summary.consumers_without_region == expected.summary.consumers_without_region


def test_evicted_records_are_freed_without_the_garbage_collector() -> None:
    # `check_files` pauses the cyclic collector; a held finding's context points back at
    # its consumer's record, so an evicted record must not be left in a cycle
    import gc

    events = _log(seed=21)
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        engine = Engine(POLICY, cache=2)
        held = 0
        for ev in events:
            engine.feed(ev)
            held += sum(bool(getattr(s, "pending", ())) for c in engine.consumers.values()
                        if type(c) is _Consumer for s in c.states.values())
        assert held  # records with held findings were in memory, and many were evicted
        engine.close()
        del engine
        gc.collect()
        assert not [o for o in gc.garbage if type(o) is _Consumer]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_stored_records_leave_the_runs_facts_out() -> None:
    """A held finding keeps its context; with facts loaded, storing the consumer must not
    pickle the run's whole facts table into every record (nor lose the findings)."""
    import pickle

    from fairdebt.facts import Facts

    facts = Facts.from_rows([{"consumer_id": f"C{c}", "time_barred": "true"}
                             for c in range(2000)])
    events = _log()
    plain = Engine(POLICY, cache=2)
    with_facts = Engine(POLICY, None, facts, cache=2)
    found_plain: list[Finding] = []
    found_facts: list[Finding] = []
    used = False
    for ev in events:
        found_plain += plain.feed(ev)
        found_facts += with_facts.feed(ev)
        used |= with_facts._store is not None
    found_plain += plain.close()
    found_facts += with_facts.close()
    assert used
    assert sorted(map(repr, found_facts)) == sorted(map(repr, found_plain))
    ctx = Context.__new__(Context)
    for name in Context.__slots__:
        object.__setattr__(ctx, name, facts if name == "facts" else None)
    assert pickle.loads(pickle.dumps(ctx)).facts is None
    assert len(pickle.dumps(ctx)) < 200
