"""State release: what a quiet consumer keeps, and that releasing changes no finding."""

from __future__ import annotations

import fairdebt
from fairdebt.engine import Engine, _Consumer
from fairdebt.io.normalize import to_event
from fairdebt.order import sorted_events
from helpers import hits, row, run

POLICY = fairdebt.load_policy("us-reg-f")


def test_a_quiet_consumer_is_folded_and_keeps_zone_and_debts() -> None:
    rows = [row("2026-04-01T10:00:00-04:00", "a", consumer="C1", debt_id="D1",
                tz="America/Los_Angeles", outcome="no_answer"),
            # another consumer's events move time on by 30 days
            row("2026-05-01T10:00:00-04:00", "b", consumer="C2", outcome="no_answer"),
            # C1 again, no zone on the row: Los Angeles is carried forward (06:00 there)
            row("2026-05-02T09:00:00-04:00", "c", consumer="C1", tz=None, outcome="no_answer")]
    engine = Engine(POLICY)
    events = list(sorted_events(to_event(r, "<t>", i) for i, r in enumerate(rows, 1)))
    engine.feed(events[0])
    engine.feed(events[1])
    assert engine.consumers["C1"] == (("America/Los_Angeles",), ("D1",), None, None, 0)  # folded
    found = engine.feed(events[2])
    assert [f.rule for f in found] == ["reg-f/hours"]
    assert isinstance(engine.consumers["C1"], _Consumer)
    assert engine.consumers["C1"].debts == ("D1",)


def test_a_consumer_with_standing_facts_is_never_folded() -> None:
    rows = [row("2026-04-01T10:00:00-04:00", "cease", consumer="C1", event="cease"),
            row("2026-04-01T11:00:00-04:00", "a", consumer="C1", channel="letter",
                outcome="sent"),
            row("2026-09-01T10:00:00-04:00", "b", consumer="C2", outcome="no_answer"),
            row("2026-09-02T10:00:00-04:00", "c", consumer="C1", outcome="no_answer")]
    assert hits(run(rows, "reg-f/cease"), "reg-f/cease") == ["a", "c"]


def test_release_does_not_change_findings_over_a_long_log() -> None:
    # the same calls, once with long quiet gaps (state released and folded between
    # bursts) and checked burst by burst: the findings must be the same
    rows = []
    for month in range(1, 10):
        for d in range(1, 9):  # 8 calls on days 1..7 (two on day 7)
            day = min(d, 7)
            rows.append(row(f"2026-{month:02d}-{day:02d}T{10 + d:02d}:00:00-04:00",
                            f"m{month}d{d}", outcome="no_answer", debt_id="D1",
                            destination=f"555-{d}"))
    whole = hits(run(rows, "reg-f/call-frequency"), "reg-f/call-frequency")
    per_month = [e for month in range(1, 10)
                 for e in hits(run([r for r in rows if r["event_id"].startswith(f"m{month}d")],
                                   "reg-f/call-frequency"), "reg-f/call-frequency")]
    assert whole == per_month == [f"m{m}d8" for m in range(1, 10)]


def test_findings_of_one_event_share_its_formatted_times() -> None:
    """`make_finding` formats an event's timestamp and local time once per context
    (`Context.stamps`): every finding, the first and the later ones of the same event,
    is the one made with `event_stamps` (the reference) on a fresh context, whatever the
    zones (none known, one, several, with their sources), and after a pickle round
    trip of a context that already made one."""
    import pickle
    from datetime import datetime, timedelta, timezone

    from fairdebt.model import Event, Finding
    from fairdebt.state import Account, Context, LazyContext, event_stamps, make_finding
    from fairdebt.tz import UTC, get_zone

    names = [(), ("America/New_York",), ("Asia/Shanghai",), ("Pacific/Kiritimati",),
             ("America/Los_Angeles", "Pacific/Pago_Pago"), ("Europe/London", "UTC")]
    start = datetime(2026, 3, 7, 0, 0, tzinfo=timezone(timedelta(hours=-5)))

    def context(ev: Event, zones: tuple[str, ...]) -> Context:
        if not zones:
            utc = ev.timestamp.astimezone(UTC)
            return Context(ev, Account(), (("UTC", UTC),), (utc,), utc.toordinal(), False)
        return LazyContext(ev, Account(), tuple((n, get_zone(n)) for n in zones))

    for k in range(300):
        ts = start + timedelta(minutes=97 * k, microseconds=k % 3)
        zones = names[k % len(names)]
        sources = tuple(f"directory {i}" for i in range(len(zones))) if k % 4 == 1 else ()
        ev = Event(ts, ts.timestamp(), "C1", f"e{k}", debt_ids=("D1", "D2")[:k % 3],
                   zone_sources=sources)
        ctx = context(ev, zones)
        if k % 5 == 0:
            make_finding("r0", "error", "c", "p", ctx, "first")
            ctx = pickle.loads(pickle.dumps(ctx))
        for i in range(3):
            got = make_finding(f"r{i}", "warning", "c", "p", ctx, f"m{i}", evidence=(f"x{i}",),
                               content={"i": i})
            stamp, local = event_stamps(context(ev, zones))
            want = Finding(rule=f"r{i}", severity="warning", message=f"m{i}", citation="c",
                           file=ev.file, line=ev.line, event_id=ev.event_id,
                           consumer_id=ev.consumer_id,
                           debt_id=";".join(ev.debt_ids) if ev.debt_ids else None,
                           timestamp=stamp, local_time=local, evidence=(f"x{i}",), policy="p",
                           content={"i": i})
            assert got == want, (k, i)
            assert stamp == ts.isoformat()


def test_a_context_made_from_another_formats_its_own_times() -> None:
    """`Context.stamps` is no argument: ``dataclasses.replace`` with another event gives
    a context that formats that event's times, not the first one's."""
    import dataclasses
    from datetime import datetime, timedelta, timezone

    from fairdebt.model import Event
    from fairdebt.state import Account, Context, make_finding
    from fairdebt.tz import UTC

    ts = datetime(2026, 3, 7, 12, 0, tzinfo=timezone.utc)
    first = Event(ts, ts.timestamp(), "C1", "e1")
    later = Event(ts + timedelta(hours=5), ts.timestamp() + 5 * 3600, "C1", "e2")
    ctx = Context(first, Account(), (("UTC", UTC),), (ts,), ts.toordinal(), True)
    assert make_finding("r", "error", "c", "p", ctx, "m").timestamp == ts.isoformat()
    other = dataclasses.replace(ctx, event=later, local_times=(later.timestamp,))
    found = make_finding("r", "error", "c", "p", other, "m")
    assert (found.timestamp, found.local_time) == (
        later.timestamp.isoformat(), f"{later.timestamp.isoformat()} (UTC)")


def test_new_finding_is_the_dataclass_made_positionally() -> None:
    """`model.new_finding` (each slot set directly) makes what ``Finding(...)`` does: every
    field in its place, equal, of the same hash and type, pickled alike and still frozen."""
    import dataclasses
    import pickle
    import random

    from fairdebt.model import Finding, new_finding

    rng = random.Random(3)
    names = list(Finding.__dataclass_fields__)
    for _ in range(200):
        values = [f"{name}-{rng.randrange(1000)}" for name in names]
        values[names.index("line")] = rng.randrange(10**6)
        values[names.index("evidence")] = tuple(f"e{i}" for i in range(rng.randrange(3)))
        values[names.index("content")] = None if rng.random() < 0.5 else {"k": rng.random()}
        for optional in ("debt_id", "local_time"):
            if rng.random() < 0.3:
                values[names.index(optional)] = None
        got = new_finding(*values)  # type: ignore[arg-type]
        want = Finding(*values)  # type: ignore[arg-type]
        assert type(got) is Finding
        assert [getattr(got, n) for n in names] == values
        assert got == want and repr(got) == repr(want)
        if want.content is None:
            assert hash(got) == hash(want)
        assert pickle.loads(pickle.dumps(got)) == want
    try:
        got.rule = "x"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a finding made by new_finding must stay frozen")


def test_hour_stamps_are_the_event_stamps() -> None:
    """`state.hour_stamps` (an hour's texts, minutes and seconds put in) gives what
    `event_stamps` (the reference) gives on a fresh context: random instants from 1850 to
    2100 and around offset changes, in zones with half-hour, 45-minute and historical
    (seconds) offsets, timestamps in UTC, in fixed offsets (whole minutes or not) and in
    zones (either fold), with and without microseconds, the same hour asked again with
    another timestamp zone that compares equal."""
    import random
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from fairdebt.model import Event
    from fairdebt.state import _HOURS, Account, Context, LazyContext, event_stamps, hour_stamps
    from fairdebt.tz import get_zone

    rng = random.Random(11)
    names = ["America/New_York", "Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu",
             "Australia/Lord_Howe", "Europe/Amsterdam", "Africa/Monrovia", "Pacific/Chatham",
             "America/St_Johns", "Europe/Dublin", "UTC"]
    owns = [timezone.utc, timezone(timedelta(0), "Z"), timezone(timedelta(hours=-5)),
            timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(seconds=-17762)),
            ZoneInfo("America/New_York"), ZoneInfo("Europe/Amsterdam"), None]
    fast = 0
    _HOURS.clear()
    for k in range(20000):
        name = rng.choice(names)
        zone = get_zone(name)
        if k % 3:
            # near an offset change of the zone: a second from a whole hour of a year
            # whose offsets change (tzdata's changes fall on those in these zones)
            base = datetime(rng.choice([1883, 1916, 1937, 1968, 2007, 2024, 2026, 2099]),
                            rng.choice([1, 3, 4, 10, 11]), rng.randrange(1, 29),
                            rng.randrange(24), tzinfo=timezone.utc)
            instant = base + timedelta(minutes=rng.choice([0, 0, 15, 30, 45]),
                                       seconds=rng.randrange(-90, 90))
        else:
            instant = datetime(1850, 1, 1, tzinfo=timezone.utc) + timedelta(
                seconds=rng.randrange(250 * 365 * 86400))
        if rng.random() < 0.3:
            instant = instant.replace(microsecond=rng.randrange(10**6))
        own = rng.choice(owns)
        stamp = instant.astimezone(own) if own is not None else instant.replace(tzinfo=None)
        if isinstance(own, ZoneInfo) and rng.random() < 0.5:
            stamp = stamp.replace(fold=1 - stamp.fold)
        ev = Event(stamp, stamp.timestamp(), "C1", f"e{k}")
        zones = ((name, zone),)
        want = event_stamps(LazyContext(ev, Account(), zones))
        assert hour_stamps(LazyContext(ev, Account(), zones)) == want, (stamp, name)
        if own is not None:
            fast += _HOURS.get((own, stamp.fold, stamp.hour, stamp.day, stamp.month,
                                stamp.year, zone, name)) is not None
    assert fast > 5000
    # the hour that comes twice in New York, as the timestamp's own zone: either fold
    new_york = ZoneInfo("America/New_York")
    for fold in (0, 1, 0, 1):
        stamp = datetime(2026, 11, 1, 1, 30, 15, fold=fold, tzinfo=new_york)
        ev = Event(stamp, stamp.timestamp(), "C1", f"f{fold}")
        zones = (("Asia/Shanghai", get_zone("Asia/Shanghai")),)
        want = event_stamps(LazyContext(ev, Account(), zones))
        assert hour_stamps(LazyContext(ev, Account(), zones)) == want, fold
    # not for it: given local times, several zones, zones from a source
    ts = datetime(2026, 3, 8, 6, 59, 30, tzinfo=timezone.utc)
    ev = Event(ts, ts.timestamp(), "C1", "e")
    ctx = Context(ev, Account(), (("UTC", get_zone("UTC")),), (ts - timedelta(hours=1),),
                  ts.toordinal(), True)
    assert hour_stamps(ctx) == event_stamps(ctx)
    two = (("America/New_York", get_zone("America/New_York")), ("UTC", get_zone("UTC")))
    assert hour_stamps(LazyContext(ev, Account(), two)) == event_stamps(
        LazyContext(ev, Account(), two))
    sourced = ev._replace(zone_sources=("directory",))
    one = (("America/New_York", get_zone("America/New_York")),)
    assert hour_stamps(LazyContext(sourced, Account(), one)) == event_stamps(
        LazyContext(sourced, Account(), one))


def test_hour_stamps_in_an_hour_with_a_change_of_offset() -> None:
    """A zone whose offset changes in the middle of an hour, at 07:00:30 UTC: the hour is
    left to `event_stamps`, before and after the change."""
    from datetime import datetime, timedelta, timezone, tzinfo

    from fairdebt.model import Event
    from fairdebt.state import _HOURS, Account, LazyContext, event_stamps, hour_stamps

    change = datetime(2026, 3, 8, 7, 0, 30)  # UTC: +1 before, +2 from then on

    class Jump(tzinfo):
        def fromutc(self, dt: datetime) -> datetime:
            naive = dt.replace(tzinfo=None)
            return (naive + self._offset(naive, utc=True)).replace(tzinfo=self)

        def _offset(self, naive: datetime, utc: bool) -> timedelta:
            if utc:
                return timedelta(hours=1 if naive < change else 2)
            return timedelta(hours=1 if naive < change + timedelta(hours=1) else 2)

        def utcoffset(self, dt: datetime | None) -> timedelta:
            assert dt is not None
            return self._offset(dt.replace(tzinfo=None), utc=False)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

    zones = (("Jump", Jump()),)
    _HOURS.clear()
    for second in (5, 29, 30, 31, 59, 0):
        ts = datetime(2026, 3, 8, 7, 0, second, tzinfo=timezone.utc)
        ev = Event(ts, ts.timestamp(), "C1", f"e{second}")
        want = event_stamps(LazyContext(ev, Account(), zones))
        assert hour_stamps(LazyContext(ev, Account(), zones)) == want, second
    assert want[1] == "2026-03-08T08:00:00+01:00 (Jump)"

    class Split(tzinfo):  # the timestamp's own zone: +1 for the first half of each hour
        def utcoffset(self, dt: datetime | None) -> timedelta:
            assert dt is not None
            return timedelta(hours=1 if dt.minute < 30 else 2)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

    split = Split()
    utc = (("UTC", timezone.utc),)
    for minute in (10, 40, 10):
        ts = datetime(2026, 3, 8, 7, minute, 5, tzinfo=split)
        ev = Event(ts, ts.timestamp(), "C1", f"s{minute}")
        want = event_stamps(LazyContext(ev, Account(), utc))
        assert hour_stamps(LazyContext(ev, Account(), utc)) == want, minute
