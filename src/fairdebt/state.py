"""What the engine knows while it walks one consumer's events in time order.

`Account` holds the consumer's standing facts (cease received, attorney known,
consents, opted-out addresses, …), updated by account events and conversations
before later events are checked. `Context` is one event as checks see it: the
event, its local time in every candidate zone, and the account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from .model import Event, Finding, new_finding
from .timewindows import DayWindows, parse_designation
from .tz import earliest_at_or_after

if TYPE_CHECKING:
    from .facts import Facts

ScopedFact = tuple[float, tuple[str, ...], str]
"""(epoch from which it applies, debts it covers — empty means every debt, event id)."""
ChannelFact = tuple[float, str | None, str | None, str]
"""(epoch, channel or None for any, destination or None for any, event id)."""


def reaches(fact: ChannelFact, ev: Event) -> bool:
    """Whether a stop or an opt-out (its medium and address; None: any) is about ``ev``'s
    medium and address, whenever it was made."""
    _, channel, destination, _ = fact
    return channel in (None, ev.channel) and destination in (None, ev.destination)


def covers(fact_debts: tuple[str, ...], event_debts: tuple[str, ...]) -> bool:
    """Whether a fact about ``fact_debts`` reaches an event about ``event_debts``.

    Either side empty means "all debts" or "not recorded": conservatively, it reaches.
    """
    if not fact_debts or not event_debts:
        return True
    return any(d in fact_debts for d in event_debts)


class Account:
    """Standing facts about one consumer, from account events and earlier contacts."""

    __slots__ = ("attorneys", "ceases", "consents", "conversations", "debts", "first_talk",
                 "inbound", "inconvenient", "no_work", "opt_outs", "region", "stops", "told",
                 "used", "wrong", "zones")

    # Most consumers never send a cease or an opt-out: facts are empty tuples or None
    # until one arrives, so a million consumers cost a few hundred bytes each.
    def __init__(self) -> None:
        self.zones: tuple[str, ...] = ()
        self.debts: tuple[str, ...] = ()
        self.ceases: tuple[ScopedFact, ...] = ()
        self.attorneys: tuple[ScopedFact, ...] = ()
        self.consents: tuple[tuple[float, int, tuple[str, ...]], ...] = ()
        self.conversations: dict[str, float] | None = None
        self.wrong: dict[str, float] | None = None
        self.stops: tuple[ChannelFact, ...] = ()
        self.opt_outs: tuple[ChannelFact, ...] = ()
        self.no_work: tuple[float, str] | None = None
        self.inconvenient: tuple[float, DayWindows, str] | None = None
        self.inbound: dict[str, float] | None = None
        #: (channel, address) → when the consumer last contacted the collector from it
        self.used: dict[tuple[str, str], float] | None = None
        self.region: str | None = None  # last known, as zones
        self.first_talk: float | None = None  # first conversation with the consumer
        # which debts have had a communication (bit i + 1: debts[i]; bit 0: one that named
        # no debt): an int, so that a million consumers keep it for a few bytes each
        self.told = 0

    def apply(self, ev: Event, day: int) -> None:
        """Record an account event (from its timestamp on)."""
        kind = ev.event
        if kind == "cease":
            self.ceases += ((ev.epoch, ev.debt_ids, ev.event_id),)
        elif kind == "attorney":
            self.attorneys += ((ev.epoch, ev.debt_ids, ev.event_id),)
        elif kind == "consent":
            self.consents += ((ev.epoch, day, ev.debt_ids),)
        elif kind == "wrong_number":
            if ev.destination:
                if self.wrong is None:
                    self.wrong = {}
                self.wrong.setdefault(ev.destination, ev.epoch)
        elif kind == "stop_channel":
            self.stops += ((ev.epoch, ev.channel, ev.destination, ev.event_id),)
        elif kind == "opt_out":
            self.opt_outs += ((ev.epoch, ev.channel, ev.destination, ev.event_id),)
        elif kind == "no_work_contact":
            if self.no_work is None:
                self.no_work = (ev.epoch, ev.event_id)
        elif kind == "inconvenient":
            # a new designation replaces the last; an empty one withdraws it
            windows = parse_designation(ev.detail or "")
            self.inconvenient = (ev.epoch, windows, ev.event_id) if windows else None

    def note_debts(self, debts: tuple[str, ...]) -> None:
        if len(debts) == 1:
            if debts[0] not in self.debts:
                self.debts += debts
            return
        known = set(self.debts)
        self.debts += tuple(d for d in debts if d not in known)

    def initial(self, debt_ids: tuple[str, ...]) -> bool:
        """Whether a communication about ``debt_ids`` would be the first about them (one
        naming no debt: the first communication at all)."""
        if not debt_ids:
            return self.told == 0
        if len(debt_ids) == 1:  # the usual contact (no generator for it)
            return not self.told >> (self.debts.index(debt_ids[0]) + 1) & 1
        return any(not self.told >> (self.debts.index(d) + 1) & 1 for d in debt_ids)

    def note_communication(self, debt_ids: tuple[str, ...]) -> None:
        if not debt_ids:
            self.told |= 1
        for d in debt_ids:
            self.told |= 1 << (self.debts.index(d) + 1)

    def note_contact(self, ev: Event) -> None:
        """Remember what later checks depend on: conversations and inbound contacts
        (nothing when `notes_contact` says no)."""
        # consent comes from the consumer, so only a conversation with the consumer ends it
        if ev.channel == "call" and ev.outcome == "conversation" and ev.is_consumer_side:
            if self.conversations is None:
                self.conversations = {}
            if self.first_talk is None:
                self.first_talk = ev.epoch
            for debt in ev.debt_ids or ("",):
                self.conversations[debt] = ev.epoch
        if ev.direction == "inbound" and ev.channel and ev.is_consumer_side:
            # only the consumer's own contact opens a reply (comments 6(b)(1)-2, 6(b)(2))
            if self.inbound is None:
                self.inbound = {}
            self.inbound[ev.channel] = ev.epoch
            if ev.destination:
                if self.used is None:
                    self.used = {}
                self.used[(ev.channel, ev.destination)] = ev.epoch

    def consented(self, ev: Event, debt: str, day: int, days: int) -> bool:
        """Whether prior consent (§1006.14(b)(3)(i)) excludes this call from ``debt``'s counts.

        Consent is the consumer's, so it covers calls to the consumer only, about the
        debts it names (all debts when it names none). It lasts ``days`` consecutive
        local days (the day of receipt is day 1) and ends at the next telephone
        conversation with the consumer about that debt (or about no named debt).
        ``debt`` "" stands for "no debt recorded": only an unscoped consent covers it.
        """
        if not ev.is_consumer_side:
            return False
        talks = self.conversations or {}
        for epoch, consent_day, debts in self.consents:
            if epoch > ev.epoch or day - consent_day >= days:
                continue
            if debts and debt not in debts:
                continue
            if talks.get(debt, -1.0) > epoch or talks.get("", -1.0) > epoch:
                continue
            return True
        return False

    def is_wrong_number(self, destination: str | None, epoch: float) -> bool:
        if destination is None or self.wrong is None:
            return False
        marked = self.wrong.get(destination)
        return marked is not None and marked <= epoch


def notes_contact(ev: Event) -> bool:
    """Whether `Account.note_contact` keeps anything of ``ev``: a conversation with the
    consumer or the consumer's own contact (it reads channel, outcome, direction and
    party only: the engine asks once per dispatch)."""
    if not ev.is_consumer_side:
        return False
    return (ev.channel == "call" and ev.outcome == "conversation") or bool(
        ev.direction == "inbound" and ev.channel)


@dataclass(slots=True)
class Context:
    """One event as the checks see it."""

    event: Event
    account: Account
    zones: tuple[tuple[str, tzinfo], ...]
    """Candidate zones (name, zone): the event's own, else the consumer's last known."""
    local_times: tuple[datetime, ...]
    """The event's wall-clock time in each candidate zone, in the same order."""
    day: int
    """Local calendar day (proleptic ordinal) in the first candidate zone, else UTC."""
    zone_known: bool
    quiet: bool = False
    """The event's own findings are not wanted, only the state it leaves (history
    replayed for `decide`): checks may skip building them."""
    facts: Facts | None = None
    """The run's account facts (`fairdebt.facts`), when some were loaded."""
    stamps: tuple[str, str | None] | None = field(default=None, init=False, repr=False,
                                                  compare=False)
    """The event's timestamp and local time as its findings write them, once the first
    is made (`make_finding`): an event with several findings formats them once. (Not
    an argument: a context made from another, ``dataclasses.replace``, starts without.)"""

    def __getstate__(self) -> tuple[Any, ...]:
        # a held finding's context is stored with its consumer (spill.ColdStore): the run's
        # facts are shared by every consumer, and rebuilding a finding never reads them
        # (the fields are Context's slots, also for a `LazyContext`, which has none of its own)
        return tuple(None if name == "facts" else getattr(self, name)
                     for name in Context.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(Context.__slots__, state, strict=True):
            object.__setattr__(self, name, value)

    def day_start(self, ordinal: int) -> float:
        """The first instant of local day ``ordinal`` (as in `day`), as an epoch."""
        return earliest_at_or_after(datetime.fromordinal(ordinal), self.zones[0][1])

    def local_time_text(self) -> str | None:
        if not self.zone_known:
            return None
        sources = self.event.zone_sources
        if not sources and len(self.zones) == 1:  # the usual case, without the join
            return f"{self.local_times[0].isoformat()} ({self.zones[0][0]})"
        if sources and len(sources) == len(self.zones):
            return "; ".join(f"{t.isoformat()} ({name}: from {source})" for (name, _), t, source
                             in zip(self.zones, self.local_times, sources, strict=True))
        return "; ".join(f"{t.isoformat()} ({name})"
                         for (name, _), t in zip(self.zones, self.local_times, strict=True))


_LOCAL_TIMES: Any = Context.__dict__["local_times"]  # the slots under the properties
_DAY: Any = Context.__dict__["day"]


class LazyContext(Context):
    """A `Context` for an event whose zones are known, its local times and day worked out
    when first read: most content rules never read them (only their findings do), and
    converting the time is a good part of the engine's work per event."""

    __slots__ = ()

    def __init__(self, event: Event, account: Account,
                 zones: tuple[tuple[str, tzinfo], ...]) -> None:
        # (not the dataclass's __init__: it would set the two lazy fields)
        self.event = event
        self.account = account
        self.zones = zones
        self.zone_known = True
        self.quiet = False
        self.facts = None
        self.stamps = None
        # not worked out yet (None, not unset: a missing slot raises, which costs more)
        _LOCAL_TIMES.__set__(self, None)
        _DAY.__set__(self, None)

    @property
    def local_times(self) -> tuple[datetime, ...]:
        found: tuple[datetime, ...] | None = _LOCAL_TIMES.__get__(self, Context)
        if found is None:
            stamp = self.event.timestamp
            zones = self.zones
            found = (stamp.astimezone(zones[0][1]),) if len(zones) == 1 else tuple(
                stamp.astimezone(zone) for _, zone in zones)
            _LOCAL_TIMES.__set__(self, found)
        return found

    @local_times.setter
    def local_times(self, value: tuple[datetime, ...]) -> None:
        _LOCAL_TIMES.__set__(self, value)

    @property
    def day(self) -> int:
        found: int | None = _DAY.__get__(self, Context)
        if found is None:
            found = self.local_times[0].toordinal()
            _DAY.__set__(self, found)
        return found

    @day.setter
    def day(self, value: int) -> None:
        _DAY.__set__(self, value)


def next_local(ctx: Context, find: Callable[[datetime], datetime | None]) -> float | None:
    """The earliest epoch at or after the event's at which ``find`` (a scan of wall-clock
    time, e.g. `DayWindows.next_inside`) is satisfied in every candidate zone at once."""
    epoch = ctx.event.epoch
    for _ in range(64):
        settled = True
        for _, zone in ctx.zones:
            local = datetime.fromtimestamp(epoch, zone)
            wall = find(local)
            if wall is None:
                return None
            if wall != local.replace(tzinfo=None):
                epoch = max(epoch, earliest_at_or_after(wall, zone))
                settled = False
        if settled:
            return epoch
    return epoch  # still a lower bound: `decide` will ask again from there


def make_finding(rule_id: str, severity: str, citation: str, policy: str, ctx: Context,
                 message: str, *, debt_id: str | None = None,
                 evidence: tuple[str, ...] = (), content: Mapping[str, Any] | None = None
                 ) -> Finding:
    ev = ctx.event
    if debt_id is None and len(ev.debt_ids) == 1:
        debt_id = ev.debt_ids[0]
    elif debt_id is None and ev.debt_ids:
        debt_id = ";".join(ev.debt_ids)
    stamps = ctx.stamps
    if stamps is None:
        # (`event_stamps`, the reference: ~2.5 µs, the zone conversion and two isoformat;
        # `hour_stamps` most often puts minutes and seconds into texts made for the hour)
        stamps = ctx.stamps = hour_stamps(ctx)
    # (positional: binding fourteen keywords costs a third as much as making the finding;
    # `new_finding`: ``Finding(...)`` without the dataclass's __init__)
    return new_finding(rule_id, severity, message, citation, ev.file, ev.line, ev.event_id,
                       ev.consumer_id, debt_id, stamps[0], stamps[1], evidence, policy, content)


def event_stamps(ctx: Context) -> tuple[str, str | None]:
    """A finding's ``timestamp`` and ``local_time`` for ``ctx``'s event."""
    return ctx.event.timestamp.isoformat(), ctx.local_time_text()


#: (the timestamp's zone and fold, its hour, day, month and year, the local zone and its
#: name) → (those two zones, the texts of the hour's timestamps and local times before
#: and after their minutes and seconds), None when the hour is not for `hour_stamps`
_HOURS: dict[tuple[Any, ...], tuple[Any, Any, str, str, str, str] | None] = {}
HOURS_KEPT = 4096
_TWO = tuple(f"{n:02d}" for n in range(60))
_ONE_HOUR = timedelta(hours=1)
_NOT_YET: Any = object()


def hour_stamps(ctx: Context) -> tuple[str, str | None]:
    """`event_stamps` (the reference) for an event whose local time the context works
    out itself from one zone (a `LazyContext` that has not yet): its minutes and seconds
    put into texts made once for its hour (`_hour_texts`), where each finding's event
    would convert its time to the zone and format two times with their UTC offsets
    (~4.7 µs in a run, one message in six)."""
    ev = ctx.event
    zones = ctx.zones
    stamp = ev.timestamp
    own = stamp.tzinfo
    if type(ctx) is not LazyContext or len(zones) != 1 or ev.zone_sources or own is None \
            or _LOCAL_TIMES.__get__(ctx, Context) is not None or not ctx.zone_known:
        return event_stamps(ctx)
    name, zone = zones[0]
    key = (own, stamp.fold, stamp.hour, stamp.day, stamp.month, stamp.year, zone, name)
    try:
        texts = _HOURS.get(key, _NOT_YET)
    except TypeError:  # a zone that cannot be a key (a tzinfo comparing but not hashing)
        return event_stamps(ctx)
    # (zones equal but not the same, e.g. two fixed offsets with other names: made again)
    if texts is _NOT_YET or (texts is not None and (texts[0] is not own or texts[1] is not zone)):
        if len(_HOURS) >= HOURS_KEPT:
            _HOURS.clear()
        texts = _HOURS[key] = _hour_texts(stamp, name, zone)
    if texts is None:
        return event_stamps(ctx)
    two = _TWO
    micro = stamp.microsecond
    mid = f"{two[stamp.minute]}:{two[stamp.second]}" if not micro else \
        f"{two[stamp.minute]}:{two[stamp.second]}.{micro:06d}"
    return texts[2] + mid + texts[3], texts[4] + mid + texts[5]


def _hour_texts(stamp: datetime, name: str, zone: tzinfo
                ) -> tuple[Any, Any, str, str, str, str] | None:
    """For the hour of ``stamp`` (its zone's wall clock, its fold): the texts of its
    timestamp and of its local time in ``zone`` (named ``name``) before and after the
    minutes and seconds (``"YYYY-MM-DDTHH:"``, then ``MM:SS``, ``.ffffff`` if any and
    the UTC offset), when each zone's UTC offset is the same at the first instant of the
    hour and at the last, and the two differ by whole hours: then every instant of the
    hour is the first plus its minutes and seconds in both zones. (Offsets are taken as
    constant in between: no zone changes its offset twice within an hour.) None for
    other hours, left to `event_stamps`."""
    try:
        first = stamp.replace(minute=0, second=0, microsecond=0)
        last = stamp.replace(minute=59, second=59, microsecond=999999)
        offset = first.utcoffset()
        if offset is None or offset != last.utcoffset():
            return None
        here, there = first.astimezone(zone), last.astimezone(zone)
        local = here.utcoffset()
        if local is None or local != there.utcoffset() or (local - offset) % _ONE_HOUR:
            return None
    except (OverflowError, ValueError):  # at the ends of the calendar
        return None
    own, wall = first.isoformat(), here.isoformat()
    # ("YYYY-MM-DDTHH:MM:SS" is 19 characters, the year always four digits)
    return stamp.tzinfo, zone, own[:14], own[19:], wall[:14], f"{wall[19:]} ({name})"
