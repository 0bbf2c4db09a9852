"""The columnar evaluation of one plain CSV log: consumers it can decide, and the rest.

A consumer is *kept* (decided here) when every one of its rows is an account event
the normalizer accepts or a contact whose coded fields it accepts, with a
well-formed timestamp and a known time zone; with no region, no message content, no
two rows at the same instant, contacts' local days that never go backwards, and no
rule that this module does not implement selecting any of its contacts
(`plan.role`). Every other consumer is *sent*: its rows go through the normalizer
and the streaming `Engine`, unchanged. Consumers never share state (see ``--jobs``),
so the two halves add up to the streaming engine's report.

For kept consumers the columns only decide *which* (rule, row) pairs are findings,
and for counting rules which rows were counted; each finding is then built by the
rule's own check from the row's real `Event` (parsed by the streaming reader's row
parser), so messages, evidence and ids are the checks' own.

Counting rules (``frequency_cap``, ``cooldown``) are first tested conservatively per
consumer, ignoring debts: the count of a key's window, or the presence of a live
trigger, can only be larger without the debt split. A consumer that cannot break the
rule even so needs nothing more. One that might is counted exactly per (key, debt)
when each of its counted rows names one debt and it has no consent and no wrong-number
event (the only exclusions); otherwise the (rule, consumer) pair is *replayed*: the
consumer's events go through an `Engine` holding only that rule (`_replayed`). Rules
gated on an account fact are asked row by row with the account replayed, or replayed
the same way when their state (a reply allowed after an inbound contact) may matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from ..checks import Check
from ..checks.cooldown import Cooldown, Trigger
from ..checks.frequency import Counted, FrequencyCap
from ..checks.hours import ContactHours
from ..engine import Engine
from ..io.normalize import CsvRowParser, _debts, _zones, to_event
from ..model import ACCOUNT_EVENTS, CONSUMER_PARTIES, CONTACT, Event, Finding, Rejected
from ..policy.model import Policy
from ..state import Account
from ..tz import ZoneError, get_zone
from .clock import ZoneTable, epochs, local_days
from .columns import Columns, NotPlain, arrow_of, numpy_of
from .plan import ACCOUNT_FACTS, CODED, EMPTY, FILTER_FIELDS, key_parts, role

_STAND_IN = {"timestamp": "2000-01-01T00:00:00+00:00", "consumer_id": "c", "event_id": "e"}


@dataclass
class Outcome:
    """What the columnar pass decided, and the rows it leaves to the streaming engine."""

    findings: list[Finding]
    events: int  # rows of kept consumers (each an event)
    consumers: int  # kept consumers
    sent: Any  # rows of the consumers sent to the stream, in time order when known
    columns: Columns
    parser: CsvRowParser = field(repr=False)


def _codes(column: Any) -> tuple[Any, list[str]]:
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column)
    return numpy_of(encoded.indices), encoded.dictionary.to_pylist()


def _radix(parts: list[tuple[Any, int]]) -> Any:
    """One int64 per row for a tuple of small codes (code, number of codes): each in
    [0, `_product` of the numbers)."""
    import numpy as np

    if _product(size for _, size in parts) >= 1 << 62:
        raise NotPlain("too many distinct values to combine")
    out = np.zeros(len(parts[0][0]), dtype=np.int64)
    for codes, size in parts:
        out = out * max(size, 1) + codes
    return out


def _product(sizes: Iterator[int]) -> int:
    total = 1
    for size in sizes:
        total *= max(size, 1)
    return total


def _unique(np: Any, keys: Any, total: int) -> tuple[Any, Any]:
    """``np.unique(keys, return_inverse=True)`` for keys in [0, total): by a table of
    all the possible keys when that is small (no sort of every row)."""
    if total > 1 << 22 or total > 4 * len(keys):
        unique, inverse = np.unique(keys, return_inverse=True)
        return unique, inverse.reshape(-1)
    seen = np.zeros(total, dtype=bool)
    seen[keys] = True
    rank = np.cumsum(seen) - 1
    return np.nonzero(seen)[0], rank[keys]


class Evaluation:
    """The columnar pass over one file (see the module docstring)."""

    def __init__(self, columns: Columns, policy: Policy, input_zone: tzinfo | None,
                 default_timezone: str | None) -> None:
        import numpy as np
        import pyarrow.compute as pc

        self.np = np
        self.columns, self.policy = columns, policy
        self.engine = Engine(policy, default_timezone)  # also validates --default-timezone
        self.checks: list[Check] = self.engine.checks
        self.roles = [role(c) for c in self.checks]
        for check in self.checks:
            outside = check.fields - FILTER_FIELDS
            if outside:
                raise NotPlain(f"rule {check.rule.id} filters on {', '.join(sorted(outside))}")
        self.parser = CsvRowParser(columns.header, columns.name, input_zone)
        data, n = columns.data, columns.rows
        self.n = n
        self.epoch, ok = epochs(data["timestamp"])
        self.ts_ok = ok.copy()
        consumer = pc.utf8_trim(data["consumer_id"], " ")
        self.consumer, names = _codes(consumer)
        self.n_consumers = len(names)
        kept = ok.copy()
        blank = np.array([not s for s in names], dtype=bool)
        kept &= ~blank[self.consumer]
        for name in EMPTY:
            if name in data:
                kept &= numpy_of(pc.utf8_length(data[name])) == 0
        kept &= self._coded()
        self.account = self.account_kind[self.combo]  # "" for contacts
        kept &= self._zones() | (self.account != "")
        kept &= self._debts()
        destination = pc.utf8_trim(data["destination"], " ") if "destination" in data else None
        if destination is not None:
            self.dest, dest_names = _codes(destination)
            self.dest_names: list[str | None] = [d or None for d in dest_names]
        else:
            self.dest, self.dest_names = np.zeros(n, dtype=np.int64), [None]
        self.dest_size = len(self.dest_names)
        self.dest_known = np.array([d is not None for d in self.dest_names], dtype=bool)
        # account events: validity depends on more than the coded columns (a wrong number
        # needs a destination, a designation its detail): each is parsed as the reader would
        accounts = np.nonzero(kept & (self.account != ""))[0]
        self.parsed: dict[int, Event] = {}  # rows already parsed, kept for findings
        for row, ev in zip(accounts.tolist(), events_of(columns, self.parser, accounts),
                           strict=True):
            if isinstance(ev, Event):
                self.parsed[row] = ev
            else:
                kept[row] = False
        self.kept_rows = kept
        # a consumer is sent whole when any of its rows is
        self.sent_consumer = np.zeros(self.n_consumers, dtype=bool)
        self.sent_consumer[self.consumer[~kept]] = True
        self._local_clock()
        self._order_checks()
        # the kept rows of consumers not sent, in time order (no consumer is sent later)
        self.live = self.by_time[~self.sent_consumer[self.consumer[self.by_time]]]
        self.live_combo = self.combo[self.live]

    # -- per row ------------------------------------------------------------------------

    def _coded(self) -> Any:
        """Validate each combination of coded values once through the normalizer; decide
        each rule's selection and role per combination."""
        np, data = self.np, self.columns.data
        present = [c for c in CODED if c in data]
        parts, dictionaries = [], []
        for name in present:
            codes, values = _codes(data[name])
            parts.append((codes, len(values)))
            dictionaries.append(values)
        combo_key = _radix(parts) if parts else np.zeros(self.n, dtype=np.int64)
        unique, self.combo = _unique(np, combo_key, _product(s for _, s in parts))
        sizes = [size for _, size in parts]
        events: list[Event | None] = []
        kinds: list[str] = []
        for key in unique.tolist():
            raw: dict[str, Any] = dict(_STAND_IN)
            for name, size, values in zip(reversed(present), reversed(sizes),
                                          reversed(dictionaries), strict=True):
                key, code = divmod(key, max(size, 1))
                raw[name] = values[code]
            kind = (raw.get("event") or "").strip().lower()
            kinds.append(kind if kind in ACCOUNT_EVENTS else "")
            try:
                ev = to_event(raw, self.columns.name, 0)
            except ValueError:
                events.append(None)
                continue
            events.append(ev if ev.event == CONTACT else None)
        self.combo_events = events
        self.account_kind = np.array(kinds, dtype=object)
        k = len(events)
        # contacts valid as coded; account events are parsed row by row later
        good = np.array([e is not None or a != "" for e, a in zip(events, kinds, strict=True)],
                        dtype=bool)
        # per check and combination: selected by the rule
        self.selected = np.zeros((len(self.checks), k), dtype=bool)
        self.fires = np.zeros((len(self.checks), k), dtype=bool)  # "always": a finding
        self.triggers = np.zeros((len(self.checks), k), dtype=bool)
        self.when = np.zeros((len(self.checks), k), dtype=bool)
        probe = Account()
        for i, check in enumerate(self.checks):
            for j, combo_ev in enumerate(events):
                if combo_ev is None or not check.selects(combo_ev):
                    continue
                r = self.roles[i]
                if r == "unsupported":
                    good[j] = False
                    continue
                self.selected[i, j] = True
                if r == "always":
                    ctx = self.engine._context(combo_ev._replace(timezones=("UTC",)), probe)
                    self.fires[i, j] = bool(check.evaluate(ctx, None))
                elif r == "cooldown":
                    assert isinstance(check, Cooldown)
                    self.triggers[i, j] = check.trigger(combo_ev)
                    self.when[i, j] = check.rule.when(combo_ev)
        self.consumer_side = np.array([e is not None and e.party in CONSUMER_PARTIES
                                       for e in events], dtype=bool)
        self.inbound_combo = np.array([e is not None and e.direction == "inbound"
                                       for e in events], dtype=bool)
        self.party_of = [e.party if e is not None else "" for e in events]
        channels = sorted({e.channel or "" for e in events if e is not None})
        self.channel_code = np.array(
            [channels.index(e.channel or "") if e is not None else 0 for e in events],
            dtype=np.int64)
        self.channel_size = max(len(channels), 1)
        return good[self.combo]

    def _zones(self) -> Any:
        np, data = self.np, self.columns.data
        self.tz_zones: list[tuple[str, ...]] = []
        if "timezone" not in data:  # no contact is kept
            self.tz = np.zeros(self.n, dtype=np.int64)
            return np.zeros(self.n, dtype=bool)
        self.tz, raws = _codes(data["timezone"])
        good = np.zeros(len(raws), dtype=bool)
        for i, raw in enumerate(raws):
            try:
                zones = _zones(raw)
            except (ValueError, ZoneError):
                zones = ()
            self.tz_zones.append(zones)
            good[i] = bool(zones)
        return good[self.tz]

    def _debts(self) -> Any:
        np, data = self.np, self.columns.data
        if "debt_id" not in data:
            self.debt = np.zeros(self.n, dtype=np.int64)
            self.debt_single = np.zeros(1, dtype=bool)
            self.debt_id = np.full(1, -1, dtype=np.int64)
            return np.ones(self.n, dtype=bool)
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(data["debt_id"])
        self.debt = numpy_of(encoded.indices)
        values = encoded.dictionary
        raws = self.debt_values = values.to_pylist()
        k = len(raws)
        # a clean single id is its own value (`normalize._debts`' first case); the others
        # go through the normalizer's own parsing
        # (no Python scalars in compute calls: converting one imports pandas)
        simple = (numpy_of(pc.utf8_length(values)) > 0) & ~numpy_of(
            pc.match_substring(values, ";")) & numpy_of(
            pc.equal(pc.utf8_trim_whitespace(values), values))
        good = np.ones(k, dtype=bool)
        self.debt_single = simple.copy()
        self.debt_id = np.where(simple, np.arange(k), -1).astype(np.int64)
        index: dict[str, int] | None = None
        for i in np.nonzero(~simple)[0].tolist():
            try:
                debts = _debts(raws[i])
            except ValueError:
                good[i] = False
                continue
            if len(debts) == 1:  # " D1" is D1: the same debt as a row that wrote D1
                if index is None:
                    index = {r: j for j, r in enumerate(raws)}
                self.debt_single[i] = True
                self.debt_id[i] = index.setdefault(debts[0], k + i)
        return good[self.debt]

    def _local_clock(self) -> None:
        """Local day and second of the day of each kept row, in each candidate zone."""
        np = self.np
        kept = self.kept_rows
        self.day = np.zeros(self.n, dtype=np.int64)
        self.offset = np.zeros(self.n, dtype=np.int64)  # UTC offset in the first zone
        #: per timezone code: (its rows, [(second of day, weekday) per candidate zone])
        self.clocks: dict[int, tuple[Any, list[tuple[Any, Any]]]] = {}
        if not kept.any():
            return
        first, last = int(self.epoch[kept].min()), int(self.epoch[kept].max())
        tables: dict[str, ZoneTable] = {}
        for code in np.unique(self.tz[kept]).tolist():
            rows = np.nonzero(kept & (self.tz == code))[0]
            per_zone = []
            for index, name in enumerate(self.tz_zones[code]):
                table = tables.get(name)
                if table is None:
                    table = tables[name] = ZoneTable(get_zone(name), first, last)
                offset = table(self.epoch[rows])
                day, second = local_days(self.epoch[rows], offset)
                if index == 0:
                    self.day[rows] = day
                    self.offset[rows] = offset
                per_zone.append((second, (day - 1) % 7))  # ordinal 1 is a Monday
            self.clocks[code] = (rows, per_zone)

    def _order_checks(self) -> None:
        """Send consumers with two rows at one instant (their order is the streaming
        engine's tie-break) or whose local day goes backwards (a change of zone)."""
        np = self.np
        rows = np.nonzero(self.kept_rows)[0]
        epoch = self.epoch[rows]
        low = int(epoch.min()) if len(rows) else 0
        # one int64 key (consumer, then time): a single sort instead of a lexsort
        span = int(epoch.max()) - low + 1 if len(rows) else 1
        if span * max(self.n_consumers, 1) < 1 << 62:
            key = self.consumer[rows].astype(np.int64) * span + (epoch - low)
            order = rows[np.argsort(key, kind="stable")]
        else:
            order = rows[np.lexsort((epoch, self.consumer[rows]))]
        self.by_time = order
        c, e = self.consumer[order], self.epoch[order]
        same = c[1:] == c[:-1]
        self.sent_consumer[c[1:][same & (e[1:] == e[:-1])]] = True
        contacts = order[self.account[order] == ""]
        c, d = self.consumer[contacts], self.day[contacts]
        self.sent_consumer[c[1:][(c[1:] == c[:-1]) & (d[1:] < d[:-1])]] = True

    # -- counting rules -----------------------------------------------------------------

    def _keys(self, check: Check, rows: Any, by_debt: bool) -> tuple[Any, Any]:
        """(group per row, whether the row has a key at all) for a counting check."""
        np = self.np
        parts: list[tuple[Any, int]] = [(self.consumer[rows], self.n_consumers)]
        has_key = np.ones(len(rows), dtype=bool)
        for part in key_parts(check):
            if part == "person":
                parts.append((self._person(rows), len(self.persons) + 1))
            elif part == "destination":
                dest = self.dest[rows]
                has_key &= self.dest_known[dest]
                parts.append((dest, self.dest_size))
            elif part == "channel":
                parts.append((self.channel_code[self.combo[rows]], self.channel_size))
            # consumer: already the first part; creditor: empty on every kept row
        if by_debt:
            parts.append((np.maximum(self.debt_id[self.debt[rows]], 0), 2 * len(self.debt_id) + 1))
        return _radix(parts), has_key

    def _person(self, rows: Any) -> Any:
        """0 for the consumer's side; otherwise a code for "party:destination" (as
        `checks.keys.person` names a third party)."""
        np = self.np
        if not hasattr(self, "persons"):
            self.persons: dict[str, int] = {}
        out = np.zeros(len(rows), dtype=np.int64)
        combos = self.combo[rows]
        others = np.nonzero(~self.consumer_side[combos])[0]
        for i in others.tolist():
            row = rows[i]
            name = f"{self.party_of[combos[i]]}:{self.dest_names[self.dest[row]] or '?'}"
            out[i] = self.persons.setdefault(name, len(self.persons) + 1)
        return out

    def _gated(self) -> list[tuple[int, int, Any]]:
        """Rules gated on an account fact, for the contacts they might speak about: those
        they select at or after the first event that sets the fact. The rule is asked
        about each such contact with the account as the engine has it then (the
        consumer's earlier account events applied in order) — unless its state (a reply
        allowed once after the consumer's own contact) may hold something: a consumer
        with an inbound contact is replayed (`_replayed`)."""
        np = self.np
        kept = self.kept_rows & ~self.sent_consumer[self.consumer]
        first: dict[str, Any] = {}
        asked: dict[int, list[int]] = {}  # contact row → gated checks to ask
        self.inbound = np.zeros(self.n_consumers, dtype=bool)
        inbound = self.inbound_combo[self.combo] & kept
        self.inbound[self.consumer[inbound]] = True
        for i, check in enumerate(self.checks):
            if self.roles[i] != "gated":
                continue
            assert check.requires is not None
            kind = ACCOUNT_FACTS[check.requires]
            since = first.get(kind)
            if since is None:
                since = first[kind] = np.full(self.n_consumers, np.iinfo(np.int64).max,
                                              dtype=np.int64)
                rows = np.nonzero(kept & (self.account == kind))[0]
                np.minimum.at(since, self.consumer[rows], self.epoch[rows])
            rows = self._rows(i)
            late = rows[self.epoch[rows] >= since[self.consumer[rows]]]
            if check.new_state() is not None:
                # its state is a reply allowed after the consumer's own (inbound) contact:
                # without one it stays empty, so each contact can be asked on its own
                replied = self.inbound[self.consumer[late]]
                self.replay[i, self.consumer[late[replied]]] = True
                late = late[~replied]
            for row in late.tolist():
                asked.setdefault(row, []).append(i)
        return self._ask(asked)

    def _ask(self, asked: dict[int, list[int]]) -> list[tuple[int, int, Any]]:
        """Replay each consumer's account events up to its contacts in ``asked``."""
        np = self.np
        if not asked:
            return []
        contacts = np.array(sorted(asked), dtype=np.int64)
        contacts = contacts[~self.sent_consumer[self.consumer[contacts]]]
        owners = np.zeros(self.n_consumers, dtype=bool)
        owners[self.consumer[contacts]] = True
        facts = np.nonzero(self.kept_rows & (self.account != "") & owners[self.consumer])[0]
        rows = np.union1d(contacts, facts)
        rows = rows[np.lexsort((self.epoch[rows], self.consumer[rows]))]
        events = self._events(np.sort(rows).tolist())
        out: list[tuple[int, int, Any]] = []
        account, owner = Account(), -1
        for row in rows.tolist():
            if self.consumer[row] != owner:
                account, owner = Account(), int(self.consumer[row])
            ev = events[row]
            if ev.timezones:  # as `Engine.feed` keeps the account
                account.zones = ev.timezones
            if ev.debt_ids:
                account.note_debts(ev.debt_ids)
            ctx = self.engine._context(ev, account)
            if ev.event != CONTACT:
                account.apply(ev, ctx.day)
                continue
            for i in asked.get(row, ()):
                check = self.checks[i]
                found = check.evaluate(ctx, check.new_state())  # an empty state: see above
                if found:
                    out.append((i, row, found))
        return out

    def counting(self) -> list[tuple[int, int, Any]]:
        """Decide every counting rule for kept consumers: send those that might break
        one and cannot be counted exactly; return (check, row, detail) for findings."""
        np = self.np
        #: (check, consumer) pairs decided by replaying the consumer's events through an
        #: engine with only those checks (`_replayed`)
        self.replay = np.zeros((len(self.checks), self.n_consumers), dtype=bool)
        found: list[tuple[int, int, Any]] = self._gated()
        # consents and wrong numbers exclude calls from counts: such consumers are not
        # counted exactly here
        self.excluding = np.zeros(self.n_consumers, dtype=bool)
        marks = self.kept_rows & ((self.account == "consent") | (self.account == "wrong_number"))
        self.excluding[self.consumer[marks]] = True
        for i, check in enumerate(self.checks):
            if self.roles[i] == "cap":
                assert isinstance(check, FrequencyCap)
                found += self._cap(i, check)
            elif self.roles[i] == "cooldown":
                assert isinstance(check, Cooldown)
                found += self._cooldown(i, check)
        return found

    def _rows(self, i: int) -> Any:
        """Rows of still-kept consumers that rule ``i`` selects, in force, in time order."""
        np = self.np
        rows = self.live[self.selected[i][self.live_combo]]
        in_force = self.checks[i].in_force
        if in_force is not None:
            day = self.day[rows]
            rows = rows[(day >= in_force[0]) & (day <= in_force[1])]
        return rows if len(rows) else np.zeros(0, dtype=np.int64)

    def _exact(self, i: int, rows: Any, flagged: Any, by_debt: bool) -> Any:
        """Of the consumers in ``flagged``: leave those that cannot be counted exactly to
        the replay (`_replayed`); return the rows of the others."""
        rows = rows[flagged[self.consumer[rows]]]
        hard = self.excluding.copy()  # consents and wrong numbers
        if by_debt:  # rows naming no debt, or several
            hard[self.consumer[rows[~self.debt_single[self.debt[rows]]]]] = True
        mine = hard[self.consumer[rows]]
        self.replay[i, self.consumer[rows[mine]]] = True
        return rows[~mine]

    def _sorted_groups(self, check: Check, rows: Any, by_debt: bool) -> tuple[Any, Any]:
        np = self.np
        group, has_key = self._keys(check, rows, by_debt)
        rows, group = rows[has_key], group[has_key]
        order = np.argsort(group, kind="stable")  # rows were in time order per consumer
        return rows[order], group[order]

    def _window_starts(self, check: FrequencyCap, rows: Any, group: Any) -> Any:
        """For each row, the index of the first row still in its window."""
        np = self.np
        starts = np.r_[0, np.nonzero(group[1:] != group[:-1])[0] + 1]
        first = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
        if check.days is not None:
            at, reach = self.day[rows], check.days - 1  # day_j > day_i - days
        elif check.minutes is not None:
            at, reach = self.epoch[rows], check.minutes * 60  # epoch_j >= epoch_i - minutes
        else:
            return first  # the whole log
        # within a group `at` never decreases: each group gets its own stretch of one
        # sorted array, far enough from the next that a search never leaves its group
        span = int(at.max() - at.min()) + reach + 2 if len(at) else 1
        gid = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(group)]))
        flat = gid.astype(np.int64) * span + (at - at.min())
        return np.searchsorted(flat, flat - reach, side="left")

    def _cap(self, i: int, check: FrequencyCap) -> list[tuple[int, int, Any]]:
        np = self.np
        rows = self._rows(i)
        if not len(rows):
            return []
        srt, group = self._sorted_groups(check, rows, False)
        if not len(srt):
            return []
        lo = self._window_starts(check, srt, group)
        over = (np.arange(len(srt)) - lo + 1) > check.max
        flagged = np.zeros(self.n_consumers, dtype=bool)
        flagged[self.consumer[srt[over]]] = True
        if not flagged.any():
            return []
        if check.after_talk:  # counting starts at the first conversation: not done here
            self.replay[i] |= flagged
            return []
        narrowed = self._exact_groups(i, check, rows, flagged)
        if narrowed is None:
            return []
        srt, group = narrowed
        lo = self._window_starts(check, srt, group)
        count = np.arange(len(srt)) - lo + 1
        over = np.nonzero(count > check.max)[0]
        rows_of = srt.tolist()
        return [(i, rows_of[at], Window(rows_of, start, at + 1))
                for at, start in zip(over.tolist(), lo[over].tolist(), strict=True)]

    def _exact_groups(self, i: int, check: FrequencyCap | Cooldown, rows: Any,
                      flagged: Any) -> tuple[Any, Any] | None:
        """The flagged consumers' rows counted exactly (per debt where the rule counts per
        debt), sorted and grouped as the first, debt-blind pass was; None if none remain."""
        exact = self._exact(i, rows, flagged, check.by_debt)
        if not len(exact):
            return None
        srt, group = self._sorted_groups(check, exact, check.by_debt)
        return (srt, group) if len(srt) else None

    def _cooldown(self, i: int, check: Cooldown) -> list[tuple[int, int, Any]]:
        np = self.np
        rows = self._rows(i)
        if not len(rows):
            return []

        def hits(srt: Any, group: Any) -> tuple[Any, Any]:
            combo = self.combo[srt]
            trig, when = self.triggers[i][combo], self.when[i][combo]
            last = np.maximum.accumulate(np.where(trig, np.arange(len(srt)), -1))
            prev = np.r_[-1, last[:-1]]  # the latest trigger strictly before each row
            live = prev >= 0
            p = np.maximum(prev, 0)
            live &= group[p] == group
            live &= (self.day[srt] - self.day[srt[p]]) < check.days
            return when & live, p

        srt, group = self._sorted_groups(check, rows, False)
        if not len(srt):
            return []
        hit, _ = hits(srt, group)
        flagged = np.zeros(self.n_consumers, dtype=bool)
        flagged[self.consumer[srt[hit]]] = True
        if not flagged.any():
            return []
        narrowed = self._exact_groups(i, check, rows, flagged)
        if narrowed is None:
            return []
        srt, group = narrowed
        hit, prev = hits(srt, group)
        return [(i, int(srt[at]), int(srt[prev[at]])) for at in np.nonzero(hit)[0].tolist()]

    # -- rules decided row by row ---------------------------------------------------------

    def stateless(self, kept: Any) -> list[tuple[int, int, Any]]:
        np = self.np
        out: list[tuple[int, int, Any]] = []
        for i, check in enumerate(self.checks):
            r = self.roles[i]
            if r not in ("hours", "always"):
                continue
            mask = kept & self.selected[i][self.combo]
            in_force = check.in_force
            if in_force is not None:
                mask &= (self.day >= in_force[0]) & (self.day <= in_force[1])
            if r == "always":
                mask &= self.fires[i][self.combo]
            else:
                mask &= self._outside(check)
            out += [(i, row, None) for row in np.nonzero(mask)[0].tolist()]
        return out

    def _outside(self, check: Check) -> Any:
        """Rows outside the allowed windows in at least one candidate zone."""
        np = self.np
        ranges = check.allowed.ranges  # type: ignore[attr-defined]
        out = np.zeros(self.n, dtype=bool)
        for rows, per_zone in self.clocks.values():
            outside = np.zeros(len(rows), dtype=bool)
            for second, weekday in per_zone:
                inside = np.zeros(len(rows), dtype=bool)
                for day in range(7):
                    for start, end in ranges[day]:
                        inside |= (weekday == day) & (second >= start) & (second < end)
                outside |= ~inside
            out[rows] = outside
        return out

    # -- findings -------------------------------------------------------------------------

    def run(self) -> Outcome:
        np = self.np
        found = self.counting()
        kept = self.kept_rows & ~self.sent_consumer[self.consumer]
        found = [f for f in found if kept[f[1]]]
        found += self.stateless(kept)
        # rows only counted (evidence) need no event: their ids come from the column
        counted: set[int] = set()
        for i, _, detail in found:
            if isinstance(detail, int):
                counted.add(detail)
            elif detail is not None and not isinstance(detail, list):
                check = self.checks[i]
                assert isinstance(check, FrequencyCap)
                counted.update(_read_by_finding(detail, check.max))
        ids = self._event_ids(sorted(counted))
        findings, found = self._from_columns(found, ids)
        needed = {row for _, row, detail in found if not isinstance(detail, list)}
        events = self._events(sorted(needed))
        probe = Account()
        # a row with several findings (hours, a cap, a redial) gets one context; a row
        # counted by several windows of a burst, one `Counted` per debt
        contexts: dict[int, Any] = {}
        named_rows: dict[tuple[int, str], Counted] = {}
        for i, row, detail in found:
            if isinstance(detail, list):  # decided already (`_ask`)
                findings.extend(detail)
                continue
            check = self.checks[i]
            ev = events[row]
            ctx = contexts.get(row)
            if ctx is None:
                ctx = contexts[row] = self.engine._context(ev, probe)
            if detail is None:
                got = check.evaluate(ctx, None)
            elif isinstance(detail, int):
                assert isinstance(check, Cooldown)
                debt = ev.debt_ids[0] if check.by_debt else ""
                got = check._check(ctx, {debt: Trigger(float(self.epoch[detail]),
                                                       int(self.day[detail]), ids[detail])})
            else:
                assert isinstance(check, FrequencyCap)
                debt = ev.debt_ids[0] if check.by_debt else ""
                # as the check records them: the debts counted toward ("" is none)
                named = [named_rows.get((j, debt)) or named_rows.setdefault(
                    (j, debt), Counted(float(self.epoch[j]), int(self.day[j]), ids[j],
                                       (debt,) if debt else (), self.dest_names[self.dest[j]]))
                         for j in _read_by_finding(detail, check.max)]
                # `FrequencyCap._finding` reads the window's length, its first `max` entries
                # and its last: the entries between stand in for the rows they count
                head, last = named[:-1], named[-1]
                window = (*head, *([last] * (len(detail) - len(named))), last)
                got = [check._finding(ctx, [(debt, window)], False)]
            if got:
                findings.extend(got)
        findings += self._replayed(kept)
        sent = np.nonzero(~kept)[0]
        if self.ts_ok[sent].all():
            # a shuffled log's rows, put in time order here, stream in one pass (the
            # engine's reader still checks the order, and sorts if it must)
            sent = sent[np.argsort(self.epoch[sent], kind="stable")]
        consumers = int(np.unique(self.consumer[kept]).size) if kept.any() else 0
        return Outcome(findings, int(kept.sum()), consumers, sent, self.columns, self.parser)

    def _from_columns(self, found: list[tuple[int, int, Any]], ids: dict[int, str]
                      ) -> tuple[list[Finding], list[tuple[int, int, Any]]]:
        """Build the findings of hours, caps and cooldowns on rows with one candidate zone
        from the columns (`findings`); return them, and the rest of ``found``."""
        from . import findings as build

        np = self.np
        simple = build.simple_rows(self)
        quick: dict[int, list[tuple[int, Any]]] = {}
        rest: list[tuple[int, int, Any]] = []
        roles = self.roles
        for f in found:
            i, row, detail = f
            if roles[i] in _QUICK and simple[row]:
                quick.setdefault(i, []).append((row, detail))
            else:
                rest.append(f)
        if not quick:
            return [], rest
        rows = np.unique(np.array([row for pairs in quick.values() for row, _ in pairs],
                                  dtype=np.int64))
        facts = build.RowFacts(self, rows)
        out: list[Finding] = []
        for i, pairs in quick.items():
            check = self.checks[i]
            if isinstance(check, FrequencyCap):
                out += build.caps(self, facts, check, pairs, ids)
            elif isinstance(check, Cooldown):
                out += build.cooldowns(self, facts, check, pairs, ids)
            else:
                assert isinstance(check, ContactHours)
                out += build.hours(self, facts, check, np.array([r for r, _ in pairs]))
        return out, rest

    def _replayed(self, kept: Any) -> list[Finding]:
        """Findings of the (check, consumer) pairs the columns could not decide: every
        event of those consumers, in time order, through a streaming `Engine` holding
        just that check. Checks never share state, and an engine keeps each consumer's
        account the same whatever its checks, so each check finds what it finds in the
        full engine; the other checks' findings for those consumers are the fast path's.
        One engine per check: each sees only the consumers it must decide."""
        import dataclasses

        np = self.np
        replay = self.replay & ~self.sent_consumer[np.newaxis, :]
        out: list[Finding] = []
        default = self.engine.default_zones[0] if self.engine.default_zones else None
        for i in np.nonzero(replay.any(axis=1))[0].tolist():
            rows = np.nonzero(kept & replay[i][self.consumer])[0]
            rows = rows[np.argsort(self.epoch[rows], kind="stable")]  # no ties per consumer
            events = self._events(np.sort(rows).tolist())
            self.parsed.update(events)  # another check may replay the same consumer
            engine = Engine(dataclasses.replace(self.policy, rules=(self.policy.rules[i],)),
                            default)
            out += engine.run(events[row] for row in rows.tolist())
        return out

    def _event_ids(self, rows: list[int]) -> dict[int, str]:
        """Each row's event id as the reader gives it: the stripped cell, else FILE:LINE."""
        name = self.columns.name
        column = self.columns.data.get("event_id")
        cells = (column.take(arrow_of(rows)).to_pylist()
                 if column is not None else [""] * len(rows))
        line = self.columns.line
        return {row: cell.strip() or f"{name}:{line(row)}"
                for row, cell in zip(rows, cells, strict=True)}

    def _events(self, rows: list[int]) -> dict[int, Event]:
        """The streaming reader's own `Event` for each of ``rows``."""
        out = {r: self.parsed[r] for r in rows if r in self.parsed}
        todo = [r for r in rows if r not in out]
        for row, ev in zip(todo, events_of(self.columns, self.parser, todo), strict=True):
            if not isinstance(ev, Event):  # a kept row is one the reader accepts
                raise NotPlain(f"line {self.columns.line(row)} was expected to parse: {ev}")
            out[row] = ev
        return out


_QUICK = frozenset({"hours", "cap", "cooldown"})  # roles `_from_columns` builds


class Window:
    """A cap's window: the rows ``rows[start:end]``, the last its finding's row. (Not the
    slice: a window can hold as many rows as the log, and there is one per finding.)"""

    __slots__ = ("end", "rows", "start")

    def __init__(self, rows: list[int], start: int, end: int) -> None:
        self.rows, self.start, self.end = rows, start, end

    def __len__(self) -> int:
        return self.end - self.start


def _read_by_finding(window: Window, limit: int) -> list[int]:
    """The rows of a cap's window that its finding names: the first ``limit`` (the
    rule's max) and the last."""
    rows, start, end = window.rows, window.start, window.end
    return rows[start:end] if end - start <= limit + 1 else \
        [*rows[start:start + limit], rows[end - 1]]


def events_of(columns: Columns, parser: CsvRowParser, rows: Any,
              batch: int = 65536) -> Iterator[Event | Rejected]:
    """Parse ``rows`` (indices) as the streaming reader does: an `Event`, or
    `Rejected` with the reason, with the row's line."""
    names = columns.header
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        take = arrow_of(chunk)
        cells = [columns.data[h].take(take).to_pylist() for h in names]
        for index, row in zip(chunk, zip(*cells, strict=True), strict=True):
            line = columns.line(int(index))
            try:
                yield parser(list(row), line)
            except ValueError as exc:
                yield Rejected(columns.name, line, str(exc))
