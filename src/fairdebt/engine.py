"""Streaming evaluation: events in time order → per-consumer state → checks → findings.

One pass, no look-back: each consumer's `Account` (standing facts) and each
check's per-consumer state are all the memory there is. Check state that can
no longer matter (its window has passed) is released as the stream moves on: a
heap orders consumers by the time their state next expires, and a consumer with
nothing left but its zones and debts is folded into a small tuple until it is
seen again.

Beyond ``cache`` consumers in memory, the least recently seen ones are moved, in
batches, to a private temporary SQLite file (`spill.ColdStore`) and read back when
they are seen again; releases they missed while stored are applied then, as they
would have been (`Engine._catch_up`). `Engine.run` also writes findings to a
temporary file beyond ``SPILL_FINDINGS`` and reads them back once the consumers'
state is gone, so that the two never need memory at the same time.
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Callable, Iterable
from datetime import tzinfo
from operator import attrgetter
from typing import Any

from ._mypyc import mypyc_attr
from .checks import CHECKS, Check
from .checks.base import Batch
from .checks.require_phrases import is_communication
from .content.analysis import words
from .facts import Facts
from .model import CONTACT, Event, Finding
from .policy.model import Policy
from .spill import ColdStore, FindingSpill
from .state import Account, Context, LazyContext, notes_contact
from .tz import UTC, get_zone

#: state is released in steps of at least this much stream time, so a quiet consumer
#: is revisited about twice (short windows, then week-long ones), not once per horizon.
#: Measured on the 1M benchmark log: 2 days 35k events/s and 214 MB, 4 days 39k and
#: 220 MB, 9 days 40k and 237 MB.
RELEASE_STEP = 4 * 86400.0


_NONE: Any = object()
_Entry = tuple[int, "Check | Batch", "str | None", "tuple[int, int] | None"]
_Gates = tuple["tuple[frozenset[int], ...] | None", ...]
#: the dispatch of one kind of event: its checks; when some of them have a
#: `Check.phrase_gate`: (every phrase id a gate names, each check's gate, the checks
#: called for a given set of those ids found in a message, the same for a given set of
#: every phrase id found); and whether such an event
#: is a communication (`is_communication`) and changes what `Account.note_contact`
#: keeps, when the dispatch key holds every field those read (else None: ask each event)
_Dispatch = tuple[tuple[_Entry, ...],
                  "tuple[frozenset[int], _Gates, _Picked, _Picked] | None",
                  "bool | None", "bool | None"]
#: what `is_communication` and `notes_contact` read (``is_consumer_side`` is ``party``)
_CONTACT_FIELDS = frozenset({"party", "event", "direction", "channel", "outcome", "message"})
_Picked = dict[frozenset[int], tuple[_Entry, ...]]
#: at most this many sets of phrases found are remembered per dispatch, of each kind
#: (then forgotten)
PICKED = 4096
_Dormant = tuple[tuple[str, ...], tuple[str, ...], "str | None", "float | None", int]

#: consumer records (live or dormant) kept in memory before the least recently seen
#: are moved to the cold store: about 200 MB of records. The 1M-row benchmark log
#: (99,995 consumers) never needs the store; the 10M-row one (1M consumers) keeps one
#: in ten in memory.
CACHE = 100_000
#: findings `run` holds in memory before it writes them to a temporary file; fewer
#: once the cold store is in use (a log that big has many)
SPILL_FINDINGS = 65_536
SPILL_FINDINGS_COLD = 8_192


@mypyc_attr(native_class=False)  # for mypyc: a subclass of dict with a class attribute
class _Table(dict[str, Any]):
    """Consumer id → record, for the consumers in memory; ``len`` counts every consumer
    seen, those in the cold store (or forgotten at the end of `Engine.run`) too."""

    elsewhere = 0

    def __len__(self) -> int:
        return dict.__len__(self) + self.elsewhere


def _last_seen(item: tuple[str, Any]) -> float:
    record = item[1]
    return record.last if type(record) is _Consumer else float("-inf")


def _batch(entries: tuple[_Entry, ...], gates: _Gates) -> tuple[tuple[_Entry, ...], _Gates]:
    """Runs of consecutive checks of one kind that is batched (`Check.batched`) as one
    entry each (a run of one too: the batch may have a quicker path than the check):
    stateless, never skipped (no gate, no `requires`, not dated), so one call in their
    place, in their order, returns their findings in the same order."""
    out: list[tuple[_Entry, tuple[frozenset[int], ...] | None]] = []
    run: list[_Entry] = []

    def flush() -> None:
        checks = [c for _, c, _, _ in run if isinstance(c, Check)]
        merged = type(checks[0]).batched(checks) if checks else None
        if merged is not None:
            out.append(((-1, merged, None, None), None))
        else:
            out.extend((e, None) for e in run)
        run.clear()

    for entry, gate in zip(entries, gates, strict=True):
        index, check, requires, in_force = entry
        plain = index < 0 and gate is None and requires is None and in_force is None \
            and isinstance(check, Check)
        if run and not (plain and type(check) is type(run[0][1])):
            flush()
        if plain:
            run.append(entry)
        else:
            out.append((entry, gate))
    if run:
        flush()
    return tuple(e for e, _ in out), tuple(g for _, g in out)


class OutOfOrder(ValueError):
    """An event older than one already evaluated."""


@mypyc_attr(native_class=False)  # for mypyc: Account (not compiled) has __slots__
class _Consumer(Account):
    """The engine's record of a consumer: the account's facts plus each check's state."""

    __slots__ = ("last", "release_at", "states")
    _FIELDS = (*Account.__slots__, "states", "last", "release_at")

    # pickled for the cold store as a bare tuple of values (no slot names)
    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._FIELDS, state, strict=True):
            setattr(self, name, value)

    def __init__(self) -> None:
        super().__init__()
        self.states: dict[int, Any] = {}
        self.last = 0.0
        self.release_at = 0.0  # when this consumer is next due in the release heap

    def clone(self, checks: list[Check]) -> _Consumer:
        other = _Consumer()
        for name in Account.__slots__:
            value = getattr(self, name)
            setattr(other, name, dict(value) if isinstance(value, dict) else value)
        other.states = {i: checks[i].copy_state(s) for i, s in self.states.items()}
        other.last, other.release_at = self.last, self.release_at
        return other

    def standing(self) -> bool:
        """Facts that outlive any window: these keep the full record alive."""
        return bool(self.ceases or self.attorneys or self.consents or self.stops
                    or self.opt_outs or self.no_work or self.inconvenient or self.wrong)


@mypyc_attr(native_class=False)  # for mypyc: `fork` copies it (copy.copy)
class Engine:
    """Evaluate a policy over events fed in time order (ties in any order)."""

    def __init__(self, policy: Policy, default_timezone: str | None = None,
                 facts: Facts | None = None, *, cache: int | None = None) -> None:
        self.policy = policy
        #: account facts for the content rules (read lazily through each Context)
        self.facts = facts
        self.checks: list[Check] = [CHECKS[r.check](r) for r in policy.rules]
        self.default_zones: tuple[str, ...] = (default_timezone,) if default_timezone else ()
        if default_timezone:
            get_zone(default_timezone, field="--default-timezone")
        fields = sorted(set().union(*(c.fields for c in self.checks)))
        # dispatch is cached on the values of every field some check filters on
        self._key: Callable[[Event], Any] = attrgetter(*fields, "event") if fields \
            else attrgetter("event")
        self._keyed_contact = {*fields, "event"} >= _CONTACT_FIELDS
        self._dispatch: dict[tuple[Any, ...], _Dispatch] = {}
        self._account_checks: dict[str, tuple[tuple[int, Check], ...]] = {}
        self._zones: dict[tuple[str, ...], tuple[tuple[str, tzinfo], ...]] = {}
        #: every consumer in memory: a live record, or (zones, debts, region, first talk,
        #: told) while dormant; the others are in ``_store``
        self.consumers: _Table = _Table()
        #: consumer records in memory before some are moved to the cold store (default
        #: `CACHE`; None inside the engine: no limit)
        self._cache: int | None = CACHE if cache is None else max(cache, 1)
        self._store: ColdStore | None = None
        self._regionless = 0  # consumers never seen with a region
        # routing: rules scoped to regions see a consumer's last known region
        self.regional = any(c.regions for c in self.checks)
        self._region_zones = policy.region_zones
        # which debts have had a communication is kept only if a rule asks (mini-Miranda)
        self._communications = any(c.TRACKS_COMMUNICATIONS and getattr(c, "stateful", False)
                                   for c in self.checks)
        self._fallback_zone = policy.fallback_zone
        self.events = 0
        self.last_epoch = float("-inf")
        self._horizons = [c.horizon for c in self.checks]
        # a check whose new_state() is None keeps no per-consumer state: none is stored,
        # so consumers seen only by such checks never enter the release schedule
        self._stateful = [c.new_state() is not None for c in self.checks]
        self._releases: list[tuple[float, str]] = []
        self._held: list[Finding] = []  # findings flushed by releases, not yet returned

    # -- dispatch ---------------------------------------------------------------------

    def _contact_checks(self, ev: Event) -> tuple[tuple[_Entry, ...], bool | None,
                                                    bool | None]:
        """The checks to call for a contact, whether it is a communication and whether
        it changes what `Account.note_contact` keeps (None: not known from the
        dispatch)."""
        key = self._key(ev)
        found = self._dispatch.get(key)
        if found is None:
            found = self._dispatch[key] = self._dispatch_for(ev)
        entries, gated, talk, noted = found
        if gated is not None:
            # content rules are skipped when the message's words lack their phrases: one
            # lookup per message (by every phrase found: templated messages repeat a few
            # sets; else by those some gate names, then worked out), not one call per rule
            named, gates, picked, seen = gated
            ids = words(ev).ids  # (the words are analyzed once)
            chosen = seen.get(ids)
            if chosen is None:
                hits = named.intersection(ids)
                chosen = picked.get(hits)
                if chosen is None:
                    if len(picked) >= PICKED:
                        picked.clear()
                    chosen = picked[hits] = tuple(
                        e for e, gate in zip(entries, gates, strict=True)
                        if gate is None or not any(s.isdisjoint(hits) for s in gate))
                if len(seen) >= PICKED:
                    seen.clear()
                seen[ids] = chosen
            return chosen, talk, noted
        return entries, talk, noted

    def _dispatch_for(self, ev: Event) -> _Dispatch:
        checks = [(i, c) for i, c in enumerate(self.checks) if c.selects(ev)]
        entries: tuple[_Entry, ...] = tuple(
            (i if self._stateful[i] else -1, c, c.requires, c.in_force) for i, c in checks)
        # only stateless checks are skipped: a stateful one must see every event
        gates = tuple(c.phrase_gate if not self._stateful[i] else None for i, c in checks)
        entries, gates = _batch(entries, gates)
        # (answered once per dispatch when they read only fields it is keyed on)
        talk = is_communication(ev) if self._keyed_contact else None
        noted = notes_contact(ev) if self._keyed_contact else None
        if all(g is None for g in gates):
            return entries, None, talk, noted
        named = frozenset().union(*(s for g in gates if g is not None for s in g))
        return entries, (named, gates, {}, {}), talk, noted

    def _account_event_checks(self, kind: str) -> tuple[tuple[int, Check], ...]:
        found = self._account_checks.get(kind)
        if found is None:
            found = tuple((i, c) for i, c in enumerate(self.checks) if kind in c.ACCOUNT_EVENTS)
            self._account_checks[kind] = found
        return found

    def _resolve(self, names: tuple[str, ...]) -> tuple[tuple[str, tzinfo], ...]:
        zones = self._zones.get(names)
        if zones is None:
            zones = self._zones[names] = tuple((n, get_zone(n)) for n in names)
        return zones

    # -- evaluation -------------------------------------------------------------------

    def feed(self, ev: Event, until: float | None = None) -> list[Finding]:
        """Evaluate one event; events must come in time order.

        With ``until``, the event is history behind a question about ``until`` (see
        `absorb`): only what it leaves behind is kept, its own findings are not built.
        """
        epoch = ev.epoch
        if epoch < self.last_epoch:
            raise OutOfOrder(f"{ev.file}:{ev.line}: event at {ev.timestamp.isoformat()} comes "
                             "after a later one")
        self.last_epoch = epoch
        self.events += 1
        releases = self._releases
        if releases and releases[0][0] <= epoch:
            self._release_due(epoch)
        consumer = self.consumers.get(ev.consumer_id)
        if type(consumer) is not _Consumer:
            consumer = self._revive(ev.consumer_id, consumer, epoch)
        consumer.last = epoch
        account: Account = consumer
        if ev.region:
            if account.region is None:
                self._regionless -= 1
            account.region = ev.region
        elif account.region:
            ev = ev._replace(region=account.region)
        if ev.timezones:
            account.zones = ev.timezones
        debt_ids = ev.debt_ids
        # (the usual contact: one debt, known already: nothing to note, no call)
        if debt_ids and (len(debt_ids) != 1 or debt_ids[0] not in account.debts):
            account.note_debts(debt_ids)
        out: list[Finding] = []
        states = consumer.states
        if ev.event == CONTACT:
            entries, talk, noted = self._contact_checks(ev)
            if until is not None:
                horizons = self._horizons
                entries = tuple(e for e in entries if e[0] >= 0 and (
                    (h := horizons[e[0]]) is None or epoch >= until - h))
            if entries:
                ctx = self._context(ev, account)
                ctx.quiet = until is not None
                ctx.facts = self.facts
            for index, check, requires, in_force in entries:
                if requires is not None and not getattr(account, requires):
                    continue
                if in_force is not None and not in_force[0] <= ctx.day <= in_force[1]:
                    continue
                if index < 0:
                    found = check.evaluate(ctx, None)
                else:
                    state = states.get(index, _NONE)
                    if state is _NONE:
                        state = states[index] = check.new_state()
                    found = check.evaluate(ctx, state)
                if found:
                    out += found
            if noted or noted is None:
                account.note_contact(ev)
            if self._communications and (is_communication(ev) if talk is None else talk):
                account.note_communication(ev.debt_ids)
        else:
            ctx = self._context(ev, account)
            account.apply(ev, ctx.day)
            for index, check in self._account_event_checks(ev.event):
                if index in states:
                    found = check.on_account_event(ctx, states[index])
                    if found:
                        out += found
        if states and not consumer.release_at and until is None:  # history: kept whole
            self._schedule(ev.consumer_id, consumer)
        if self._held:
            out += self._held
            self._held = []
        return out

    def absorb(self, ev: Event, until: float) -> None:
        """Take in a past event only for what it leaves behind for events at ``until``
        or later: account facts and the state of checks whose horizon reaches that far.
        Its own findings are not wanted (the history behind a `decide` question)."""
        self.feed(ev, until)

    def _revive(self, consumer_id: str, dormant: Any, now: float) -> _Consumer:
        """The record of a consumer not live in memory: new, dormant or stored."""
        fresh = dormant is None  # not in the table: it needs room
        if fresh and self._store is not None:
            dormant = self._store.get(consumer_id)
            if dormant is not None:
                self.consumers.elsewhere -= 1
                if type(dormant) is _Consumer:
                    dormant = self._catch_up(dormant, now)
                    if type(dormant) is _Consumer:
                        self._evict()
                        self.consumers[consumer_id] = dormant
                        if dormant.release_at:
                            heapq.heappush(self._releases, (dormant.release_at, consumer_id))
                        return dormant
        consumer = _Consumer()
        if dormant is not None:
            (consumer.zones, consumer.debts, consumer.region, consumer.first_talk,
             consumer.told) = dormant
        else:
            self._regionless += 1
        if fresh:
            self._evict()
        self.consumers[consumer_id] = consumer
        return consumer

    def _evict(self) -> None:
        """Move the least recently seen consumers to the cold store when too many are in
        memory (an eighth of the cache at a time)."""
        consumers = self.consumers
        if self._cache is None or dict.__len__(consumers) < self._cache:
            return
        if self._store is None:
            self._store = ColdStore()
        batch = max(self._cache // 8, 1)
        # the least recently seen (dormant ones first): one scan per batch, rather than
        # keeping the table in recency order on every event
        keys = [k for k, _ in heapq.nsmallest(batch, consumers.items(), key=_last_seen)]
        self._store.put([(k, consumers[k]) for k in keys])
        for k in keys:
            record = consumers.pop(k)
            if type(record) is _Consumer:
                # a held finding's context points back at the record: a cycle, which the
                # paused garbage collector (`runner.gc_paused`) would never free
                record.states = {}
        consumers.elsewhere += len(keys)
        releases = self._releases
        if len(releases) > 2 * self._cache:
            # stored consumers' entries are skipped when due: drop them now
            self._releases = [(due, k) for due, k in releases
                              if type(c := consumers.get(k)) is _Consumer and c.release_at == due]
            heapq.heapify(self._releases)

    def _catch_up(self, consumer: _Consumer, now: float) -> _Consumer | _Dormant:
        """Apply to a consumer read back from the store the releases that fell due while
        it was stored (by ``now``).

        In memory, each would have been applied at the first event at or after it fell
        due, perhaps a little later than here; but every step releases the states idle
        past their horizon and schedules the next for the earliest horizon left, so
        whatever the instants of the steps, the chain ends with the same states released
        (exactly those idle past both their horizon and `RELEASE_STEP` by ``now``) and
        the consumer folded or not alike: the record is the one memory would hold."""
        while consumer.release_at and consumer.release_at <= now:
            folded = self._release(consumer, consumer.release_at)
            if folded is not None:
                return folded
        return consumer

    def _schedule(self, consumer_id: str, consumer: _Consumer) -> None:
        if self._next_release(consumer):
            heapq.heappush(self._releases, (consumer.release_at, consumer_id))

    def _next_release(self, consumer: _Consumer) -> float:
        finite = [h for i in consumer.states if (h := self._horizons[i]) is not None]
        consumer.release_at = consumer.last + max(min(finite), RELEASE_STEP) if finite else 0.0
        return consumer.release_at

    def _release_due(self, now: float) -> None:
        """Release the state of every consumer whose windows have all passed by ``now``."""
        releases = self._releases
        while releases and releases[0][0] <= now:
            due, consumer_id = heapq.heappop(releases)
            consumer = self.consumers.get(consumer_id)
            if type(consumer) is not _Consumer or consumer.release_at != due:
                continue  # dormant, stored (it catches up when read back), or rescheduled
            folded = self._release(consumer, now)
            if folded is not None:
                self.consumers[consumer_id] = folded
            elif consumer.release_at:
                heapq.heappush(releases, (consumer.release_at, consumer_id))

    def _release(self, consumer: _Consumer, now: float) -> _Dormant | None:
        """Release the check state idle past its horizon at ``now`` and set when the
        consumer is next due; the dormant tuple it folds into when nothing is left."""
        idle = now - consumer.last
        for index in list(consumer.states):
            horizon = self._horizons[index]
            if horizon is not None and idle >= horizon:
                self._held += self.checks[index].flush(consumer.states.pop(index))
        if consumer.states:
            self._next_release(consumer)
        elif not consumer.standing():
            return (consumer.zones, consumer.debts, consumer.region, consumer.first_talk,
                    consumer.told)
        else:
            consumer.release_at = 0.0
        return None

    def _context(self, ev: Event, account: Account) -> Context:
        names = ev.timezones or account.zones or (
            self._region_zone(account.region) if self._region_zones else ()) \
            or self.default_zones
        if names:
            return LazyContext(ev, account, self._zones.get(names) or self._resolve(names))
        utc = ev.timestamp.astimezone(UTC)
        return Context(ev, account, (("UTC", UTC),), (utc,), utc.toordinal(), False)

    def _region_zone(self, region: str | None) -> tuple[str, ...]:
        """The zone a pack declares for the consumer's region (e.g. CN → Asia/Shanghai)."""
        if region is None:
            return self._fallback_zone
        for prefix, zone in self._region_zones:
            if region == prefix or region.startswith(prefix + "-"):
                return (zone,)
        return ()

    def without_region(self) -> int | None:
        """Consumers never seen with a region, when some rule is routed by subdivision."""
        if not any(any("-" in r for r in c.regions) for c in self.checks):
            return None
        return self._regionless

    def close(self) -> list[Finding]:
        """Findings still held back (windows not yet closed at the end of the log).

        With the cold store in use, the consumers in it are forgotten (only counted):
        feed no more events after closing."""
        out, self._held = self._held, []
        for consumer in self.consumers.values():
            if type(consumer) is _Consumer:
                for index, state in consumer.states.items():
                    out.extend(self.checks[index].flush(state))
                consumer.states = {}
        store, self._store = self._store, None
        if store is not None:
            try:
                for key, record in store.items():
                    if type(record) is _Consumer:
                        if key not in self.consumers:
                            for index, state in record.states.items():
                                out.extend(self.checks[index].flush(state))
                        # a stale copy (the newer one is in memory) is read back too: its
                        # held findings' contexts point back at it, a cycle either way
                        record.states = {}  # no cycle left for a paused collector
            finally:
                store.close()
        return out

    # -- what-if questions (for `decide`) ------------------------------------------------

    def fork(self) -> Engine:
        """An engine in the same state whose feeding leaves this one untouched."""
        other = copy.copy(self)  # checks, zones and dispatch caches are shared: read-only
        other.consumers = _Table((k, c.clone(self.checks) if type(c) is _Consumer else c)
                                 for k, c in self.consumers.items())
        if self._store is not None:  # the fork holds every consumer in memory
            other._store, other._cache = None, None
            for k, c in self._store.items():  # fresh copies; stale ones are in memory
                if k not in other.consumers:
                    other.consumers[k] = c
        else:
            other.consumers.elsewhere = self.consumers.elsewhere
        other._releases = list(self._releases)
        other._held = list(self._held)
        return other

    def trial(self, ev: Event) -> list[Finding]:
        """Every finding ``ev`` would produce if it came next, held-back ones included."""
        other = self.fork()
        found = other.feed(ev) + other.close()
        return [f for f in found if f.event_id == ev.event_id and f.line == ev.line
                and f.file == ev.file]

    def not_before(self, rule_id: str, ev: Event) -> float | None:
        """When rule ``rule_id`` would stop objecting to ``ev`` if it came next (see
        `Check.not_before`)."""
        index = next(i for i, c in enumerate(self.checks) if c.rule.id == rule_id)
        check = self.checks[index]
        known = self.consumers.get(ev.consumer_id)
        if known is None and self._store is not None:
            known = self._store.get(ev.consumer_id)  # a copy, as it would be in memory now
            if type(known) is _Consumer:
                held, self._held = self._held, []
                known = self._catch_up(known, self.last_epoch)
                self._held = held
        if isinstance(known, _Consumer):
            # a copy: the event's region must be seen as `feed` would record it
            consumer = known.clone(self.checks) if ev.region else known
        else:  # unseen or dormant: a stand-in, not stored
            consumer = _Consumer()
            if known is not None:
                (consumer.zones, consumer.debts, consumer.region, consumer.first_talk,
                 consumer.told) = known
        if ev.region:
            consumer.region = ev.region
        elif consumer.region:
            ev = ev._replace(region=consumer.region)
        state = consumer.states.get(index)
        if state is None:
            state = check.new_state()
        ctx = self._context(ev, consumer)
        ctx.facts = self.facts
        bound = check.not_before(ctx, state)
        if check.in_force is not None and check.in_force[1] < 10**7:
            # a dated rule stops objecting when it goes out of force
            ends = ctx.day_start(check.in_force[1] + 1)
            bound = ends if bound is None else min(bound, ends)
        return bound

    def run(self, events: Iterable[Event]) -> list[Finding]:
        """Every finding over a whole log. Beyond `SPILL_FINDINGS` findings are written to
        a temporary file until the end; the engine then keeps only its counts (events,
        consumers, consumers without a region) while they are read back."""
        out: list[Finding] = []
        spill = FindingSpill()
        try:
            for ev in events:
                found = self.feed(ev)
                if found:
                    out += found
                    if len(out) >= (SPILL_FINDINGS if self._store is None
                                    else SPILL_FINDINGS_COLD):
                        spill.write(out)
                        out = []
            out += self.close()
            if not spill.count:
                return out
            spill.write(out)
            out = []
            self._forget()
            return spill.read()
        except BaseException:
            if self._store is not None:  # the run is abandoned (e.g. `Unsorted`)
                self._store.close()
                self._store = None
            raise
        finally:
            spill.close()

    def _forget(self) -> None:
        """Drop every consumer's record, keeping the counts."""
        consumers = self.consumers
        consumers.elsewhere += dict.__len__(consumers)
        consumers.clear()
        self._releases = []
