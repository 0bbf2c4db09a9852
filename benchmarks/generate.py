"""Generate a synthetic canonical contact log for benchmarking fairdebt.

Deterministic: the same ``--rows`` and ``--seed`` always give byte-identical output
(``--shuffle`` writes the very same rows, in a seeded random order).

    python benchmarks/generate.py --rows 1000000 --out benchmarks/data/log-1m.csv
    python benchmarks/generate.py --rows 1000000 --shuffle --out benchmarks/data/log-1m-shuffled.csv
    python benchmarks/generate.py --rows 10000000 --out benchmarks/data/log-10m.csv

The model (all shares approximate, by row):

* one consumer per 10 rows, spread over the seven US zones by population, with
  1-3 debts, a mobile number, and some a home line, a work line, an email address;
  0.5% have two candidate zones;
* ~90 days of activity starting 2026-03-01 (fewer contacts on weekends);
* outbound calls ~75% (no_answer 45%, voicemail 20%, conversation 10%, busy 10%,
  answered 10%, not_connected 5%), texts ~12%, emails ~8%, letters ~2%, inbound
  calls ~1.5%, account events ~1% (cease, attorney, consent, stop_channel, opt_out,
  wrong_number, no_work_contact, inconvenient), third-party contacts ~0.5% (employers
  and references, mostly location inquiries);
* calls at local 08:00-21:00 (mostly 09:00-20:00), ~2% outside the permitted hours;
* a minority of contacts break rules the way real logs do: call bursts over a few
  days (7-in-7), same-day bursts and rapid redials, calls soon after a conversation,
  contacts after a cease, an attorney or a stop request, texts without opt-out
  wording, work emails, third-party disclosures, unknown time zones.

The collector is "mostly compliant": after a cease, an attorney, a stop or a recent
conversation, most (not all) later contacts are suppressed or moved to another medium.

Rows are generated day by day and written as each UTC day closes, so memory stays
small whatever ``--rows`` is (``--shuffle`` spills to temporary files).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import gzip
import io
import random
import shutil
import sys
import tempfile
import time
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

COLUMNS = (
    "timestamp", "consumer_id", "event_id", "event", "channel", "direction", "party",
    "outcome", "debt_id", "destination", "destination_type", "timezone", "purpose",
    "disclosed_debt", "message", "opt_out_notice", "detail",
)
ROWS_PER_CONSUMER = 10
DEFAULT_DAYS = 90
START = date(2026, 3, 1)
#: UTC midnight of START: generated times are stored as seconds since it
EPOCH0 = int(datetime(START.year, START.month, START.day, tzinfo=timezone.utc).timestamp())
DAY = 86_400
HOUR = 3_600
SHUFFLE_BUCKET_ROWS = 250_000

# zone, population weight (rough share of the US population), area codes
ZONES: tuple[tuple[str, float, tuple[int, ...]], ...] = (
    ("America/New_York", 47.0, (212, 305, 404, 617, 704, 215, 313)),
    ("America/Chicago", 29.0, (312, 214, 713, 615, 504, 612)),
    ("America/Denver", 5.0, (303, 801, 505, 406)),
    ("America/Phoenix", 2.2, (602, 480, 520)),
    ("America/Los_Angeles", 16.0, (213, 415, 206, 503, 702)),
    ("America/Anchorage", 0.25, (907,)),
    ("Pacific/Honolulu", 0.45, (808,)),
)

# (outcome, weight): outbound calls
CALL_OUTCOMES = (("no_answer", 45), ("voicemail", 20), ("conversation", 10), ("busy", 10),
                 ("answered", 10), ("not_connected", 5))
# episodes: (kind, weight per episode); the weights are row shares / rows per episode
EPISODES = (
    ("call", 70.5),        # one outbound call
    ("redial", 0.4),       # two unanswered calls minutes apart (2 rows)
    ("burst", 0.45),       # 8-12 calls over a few days (~10 rows)
    ("sms", 8.6),          # plus emails to consumers with no email address
    ("email", 11.4),       # 70% of consumers have an address
    ("letter", 2.0),
    ("inbound", 1.5),
    ("account", 1.0),
    ("third_party", 0.45),
)
ACCOUNT_EVENTS = (("consent", 20), ("wrong_number", 12), ("stop_channel", 15),
                  ("opt_out", 10), ("inconvenient", 15), ("cease", 8), ("attorney", 7),
                  ("no_work_contact", 13))
DESIGNATIONS = ("Mon-Fri 15:00-17:00", "Mon-Fri 09:00-12:00", "Sat-Sun",
                "Mon-Fri 08:00-10:00; Sat-Sun", "Weekdays 12:00-13:00", "Mon-Fri 17:00-21:00",
                "Sun")
VOICEMAIL_MESSAGES = (("limited_content", 90), ("full", 5), ("none", 5))
DAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.3)  # Monday .. Sunday

# consumer traits (bits)
HOME, WORK, EMAIL = 1, 2, 4
# consumer status (bits), set by account events: steers the "mostly compliant" collector
CEASED, ATTORNEY, NO_CALLS, NO_SMS, NO_EMAIL, NO_WORK, WRONG_HOME = 1, 2, 4, 8, 16, 32, 64
COMPLIANCE = 0.85  # share of contacts a barred account does not get
COOLDOWN_COMPLIANCE = 0.95  # share of calls not placed within 7 days of a conversation

Row = tuple[Any, ...]
"""Internal row: seconds since EPOCH0, then the columns after timestamp, minus event_id."""


class Picker:
    """Weighted choice with one ``random()`` call."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))
        self.total = self.cum[-1]

    def __call__(self, rnd: float) -> str:
        return self.items[bisect.bisect(self.cum, rnd * self.total)]


class Generator:
    """Streams the rows of one synthetic log in time order."""

    def __init__(self, rows: int, seed: int = 1, days: int = DEFAULT_DAYS) -> None:
        if rows < 1:
            raise ValueError("rows must be positive")
        self.total = rows
        self.days = days
        self.rng = rng = random.Random(seed)
        n = self.consumers = max(1, rows // ROWS_PER_CONSUMER)
        self.width = max(7, len(str(n - 1)))
        zone_ids = range(len(ZONES))
        self.zone = bytearray(rng.choices(zone_ids, weights=[z[1] for z in ZONES], k=n))
        self.ndebts = bytearray(rng.choices((1, 2, 3), weights=(60, 30, 10), k=n))
        rnd = rng.random
        self.traits = bytearray((HOME if rnd() < 0.35 else 0) | (WORK if rnd() < 0.25 else 0)
                                | (EMAIL if rnd() < 0.7 else 0) for _ in range(n))
        two_zones = {c: rng.choice([z for z in zone_ids if z != self.zone[c]])
                     for c in rng.sample(range(n), n // 200)}
        self.tz_names = {c: f"{ZONES[self.zone[c]][0]};{ZONES[z][0]}"
                         for c, z in two_zones.items()}
        self.status = bytearray(n)
        self.last_conversation = array("i", [-100]) * n
        self.call_outcome = Picker(CALL_OUTCOMES)
        self.episode_kind = Picker(EPISODES)
        self.account_kind = Picker(ACCOUNT_EVENTS)
        self.vm_message = Picker(VOICEMAIL_MESSAGES)
        # local midnight of day d in zone z, as seconds since EPOCH0 (offset taken at noon)
        self.midnight = [self._midnights(name, days + 40) for name, _, _ in ZONES]
        horizon = days + 50
        self.dates = [(START + timedelta(d)).isoformat() + "T" for d in range(horizon)]
        self.clock = [f"{s // HOUR:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00"
                      for s in range(DAY)]
        weights = [DAY_WEIGHTS[(START + timedelta(d)).weekday()] for d in range(days)]
        total_weight = sum(weights)
        self.day_targets = [round(rows * w / total_weight) for w in accumulate(weights)]
        self.day_targets[-1] = rows
        self.buckets: defaultdict[int, list[Row]] = defaultdict(list)
        self.next_event = 1

    @staticmethod
    def _midnights(zone_name: str, days: int) -> list[int]:
        zone = ZoneInfo(zone_name)
        out = []
        for d in range(days):
            day = START + timedelta(d)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
            offset = noon.utcoffset()
            assert offset is not None
            out.append(d * DAY - int(offset.total_seconds()))
        return out

    # -- consumers --------------------------------------------------------------------

    def cid(self, c: int) -> str:
        return f"C{c:0{self.width}d}"

    def phone(self, c: int, line: int) -> str:
        """The consumer's mobile (0), home (1) or work (2) number; 3: a reference's."""
        areas = ZONES[self.zone[c]][2]
        n = c * 4 + line
        return f"+1-{areas[c % len(areas)]}-{200 + n // 10_000 % 800:03d}-{n % 10_000:04d}"

    def debt(self, c: int) -> str:
        """One debt (mostly), several, or none named (each as in real logs)."""
        count = self.ndebts[c]
        r = self.rng.random()
        if r < 0.03:
            return ""
        if count > 1 and r < 0.06:
            return ";".join(f"D{c:0{self.width}d}-{k}" for k in range(1, count + 1))
        return f"D{c:0{self.width}d}-{1 + int(r * 997) % count}"

    def timezone(self, c: int) -> str:
        if self.rng.random() < 0.002:
            return ""  # not recorded on this row
        return self.tz_names.get(c) or ZONES[self.zone[c]][0]

    # -- times --------------------------------------------------------------------

    def at(self, c: int, day: int, second: int) -> int:
        return self.midnight[self.zone[c]][day] + second

    def call_second(self, outside: float = 0.02) -> int:
        """Local second of the day for an outbound contact: ~``outside`` out of hours."""
        r = self.rng.random()
        if r < outside:
            r /= outside
            if r < 0.5:
                return int(6.5 * HOUR + r * 2 * 1.5 * HOUR)  # 06:30-08:00
            return int(21 * HOUR + (r - 0.5) * 2 * 1.5 * HOUR)  # 21:00-22:30
        r = (r - outside) / (1 - outside)
        if r < 0.05:
            return int(8 * HOUR + r / 0.05 * HOUR)  # 08:00-09:00
        if r < 0.10:
            return int(20 * HOUR + (r - 0.05) / 0.05 * HOUR)  # 20:00-21:00
        return int(9 * HOUR + (r - 0.10) / 0.90 * 11 * HOUR)  # 09:00-20:00

    def office_second(self) -> int:
        return int(8 * HOUR + self.rng.random() * 12 * HOUR)

    # -- episodes -----------------------------------------------------------------

    def episode(self, day: int) -> list[Row]:
        rng = self.rng
        c = rng.randrange(self.consumers)
        kind = self.episode_kind(rng.random())
        status = self.status[c]
        if kind in ("call", "redial", "burst"):
            if status & (CEASED | ATTORNEY) and rng.random() < COMPLIANCE:
                return []
            if day - self.last_conversation[c] < 7 and rng.random() < COOLDOWN_COMPLIANCE:
                return []  # waits out the seven days after a conversation
            if status & NO_CALLS and rng.random() < COMPLIANCE:
                kind = "sms"
        if kind in ("sms", "email"):
            if status & (CEASED | ATTORNEY) and rng.random() < COMPLIANCE:
                return []
            if kind == "email" and not self.traits[c] & EMAIL:
                kind = "sms"
            barred = NO_SMS if kind == "sms" else NO_EMAIL
            if status & barred and rng.random() < COMPLIANCE:
                kind = "letter"
        if kind == "call":
            return [self.call(c, day, self.call_second())]
        if kind == "sms":
            return [self.message(c, day, "sms")]
        if kind == "email":
            return [self.message(c, day, "email")]
        if kind == "letter":
            return [self.letter(c, day)]
        if kind == "inbound":
            return [self.inbound(c, day)]
        if kind == "account":
            return [self.account_event(c, day)]
        if kind == "redial":
            return self.redial(c, day)
        if kind == "burst":
            return self.burst(c, day)
        return self.third_party(c, day)

    def destination(self, c: int) -> tuple[str, str]:
        traits, status, r = self.traits[c], self.status[c], self.rng.random()
        if r < 0.2 and traits & HOME and not (status & WRONG_HOME and r < 0.2 * COMPLIANCE):
            return self.phone(c, 1), "home"
        if r >= 0.9 and traits & WORK and not (status & NO_WORK and r < 0.9 + 0.1 * COMPLIANCE):
            return self.phone(c, 2), "work"
        return self.phone(c, 0), "mobile"

    def call(self, c: int, day: int, second: int, outcome: str = "",
             to: tuple[str, str] | None = None, debt: str | None = None) -> Row:
        outcome = outcome or self.call_outcome(self.rng.random())
        message = disclosed = ""
        if outcome == "voicemail":
            message = self.vm_message(self.rng.random())
        elif outcome == "conversation":
            disclosed = "true"
            self.last_conversation[c] = day
        dest, dtype = to or self.destination(c)
        return (self.at(c, day, second), self.cid(c), "contact", "call", "outbound", "consumer",
                outcome, self.debt(c) if debt is None else debt, dest, dtype, self.timezone(c),
                "collection", disclosed, message, "", "")

    def redial(self, c: int, day: int) -> list[Row]:
        second = min(self.call_second(), DAY - 600)
        to, debt = self.destination(c), self.debt(c)
        again = second + self.rng.randrange(20, 290)
        outcome = "voicemail" if self.rng.random() < 0.4 else "no_answer"
        return [self.call(c, day, second, "no_answer", to, debt),
                self.call(c, day, again, outcome, to, debt)]

    def burst(self, c: int, day: int) -> list[Row]:
        rng = self.rng
        to, debt = self.destination(c), self.debt(c)
        count = rng.randint(8, 12)
        span = 0 if rng.random() < 0.1 else rng.randint(2, 6)
        times = sorted((day + rng.randint(0, span), self.call_second()) for _ in range(count))
        rows = []
        for i, (d, s) in enumerate(times, start=1):
            outcome = self.call_outcome(rng.random())
            if outcome == "conversation" and i < count:
                outcome = "no_answer"  # the dialer keeps trying until it reaches someone
            rows.append(self.call(c, d, s, outcome, to, debt))
        return rows

    def message(self, c: int, day: int, channel: str) -> Row:
        rng = self.rng
        r = rng.random()
        if channel == "sms":
            dest, dtype = self.phone(c, 0), "mobile"
            outcome = "delivered" if r < 0.94 else ("sent" if r < 0.97 else "failed")
        else:
            if self.traits[c] & WORK and rng.random() < 0.02:
                dest, dtype = f"c{c}@employer{c % 997}.example", "work_email"
            else:
                dest, dtype = f"c{c}@mail.example", "email"
            outcome = "delivered" if r < 0.95 else ("sent" if r < 0.97 else "bounced")
        notice = "false" if rng.random() < 0.01 else "true"
        return (self.at(c, day, self.call_second(0.005)), self.cid(c), "contact", channel,
                "outbound", "consumer", outcome, self.debt(c), dest, dtype, self.timezone(c),
                "collection", "", "", notice, "")

    def letter(self, c: int, day: int) -> Row:
        purpose = "collection_ends" if self.status[c] & CEASED else "collection"
        return (self.at(c, day, self.office_second()), self.cid(c), "contact", "letter",
                "outbound", "consumer", "sent", self.debt(c), "", "", self.timezone(c),
                purpose, "", "", "", "")

    def inbound(self, c: int, day: int) -> Row:
        outcome = "conversation" if self.rng.random() < 0.85 else "answered"
        if outcome == "conversation":
            self.last_conversation[c] = day
        return (self.at(c, day, self.office_second()), self.cid(c), "contact", "call",
                "inbound", "consumer", outcome, self.debt(c), self.phone(c, 0), "mobile",
                self.timezone(c), "collection", "true", "", "", "")

    def account_event(self, c: int, day: int) -> Row:
        rng = self.rng
        kind = self.account_kind(rng.random())
        channel = destination = detail = debt = ""
        status = 0
        if kind in ("cease", "attorney", "consent"):
            debt = self.debt(c)
            status = CEASED if kind == "cease" else ATTORNEY if kind == "attorney" else 0
        elif kind == "stop_channel":
            r = rng.random()
            if r < 0.5:
                channel, status = "call", NO_CALLS
            elif r < 0.7 and self.traits[c] & HOME:
                channel, destination = "call", self.phone(c, 1)
            elif r < 0.85:
                channel, status = "sms", NO_SMS
            else:
                channel, status = "email", NO_EMAIL
        elif kind == "opt_out":
            if rng.random() < 0.6 or not self.traits[c] & EMAIL:
                channel, destination, status = "sms", self.phone(c, 0), NO_SMS
            else:
                channel, destination, status = "email", f"c{c}@mail.example", NO_EMAIL
        elif kind == "wrong_number":
            line = 1 if self.traits[c] & HOME else 0
            destination, status = self.phone(c, line), WRONG_HOME if line else 0
        elif kind == "no_work_contact":
            status = NO_WORK
        else:  # inconvenient
            detail = DESIGNATIONS[rng.randrange(len(DESIGNATIONS))]
        self.status[c] |= status
        return (self.at(c, day, self.office_second()), self.cid(c), kind, channel, "", "", "",
                debt, destination, "", self.timezone(c), "", "", "", "", detail)

    def third_party(self, c: int, day: int) -> list[Row]:
        rng = self.rng
        if self.traits[c] & WORK and rng.random() < 0.5:
            party, dest, dtype = "employer", self.phone(c, 2), "work"
        else:
            party, dest, dtype = "third_party", self.phone(c, 3), "home"
        purpose = "location" if rng.random() < 0.7 else "collection"
        rows = []
        visits = 2 if purpose == "location" and rng.random() < 0.2 else 1
        for visit in range(visits):
            r = rng.random()
            outcome = "conversation" if r < 0.5 or visit else \
                "voicemail" if r < 0.7 else "no_answer"
            message = self.vm_message(rng.random()) if outcome == "voicemail" else ""
            disclosed = "" if outcome == "no_answer" else \
                "true" if rng.random() < 0.05 else "false"
            when = self.at(c, day + visit * rng.randint(1, 10), self.call_second(0.0))
            rows.append((when, self.cid(c), "contact", "call", "outbound", party, outcome,
                         self.debt(c), dest, dtype, self.timezone(c), purpose, disclosed,
                         message, "", ""))
        return rows

    # -- output -------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[str, ...]]:
        """Every row, ascending by timestamp, as the CSV columns."""
        made = 0
        buckets = self.buckets
        for day in range(self.days):
            target = self.day_targets[day]
            while made < target:
                rows = self.episode(day)
                if made + len(rows) > self.total:
                    rows = rows[: self.total - made]
                for row in rows:
                    buckets[row[0] // DAY].append(row)
                made += len(rows)
            # a later local day starts after this UTC day ends (US zones are behind UTC)
            yield from self._close(day)
        yield from self._close(max(buckets, default=0))

    def _close(self, upto: int) -> Iterator[tuple[str, ...]]:
        dates, clock = self.dates, self.clock
        for day in sorted(d for d in self.buckets if d <= upto):
            rows = self.buckets.pop(day)
            rows.sort(key=itemgetter(0))
            date_text, base = dates[day], day * DAY
            first = self.next_event
            self.next_event += len(rows)
            for number, row in enumerate(rows, start=first):
                yield (date_text + clock[row[0] - base], row[1],
                       f"E{number:09d}", *row[2:])


# -- writing ----------------------------------------------------------------------


def open_output(path: Path, compress: bool) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:
        raw = open(path, "wb")  # noqa: SIM115 - closed with the wrapper
        # mtime=0 and no file name: the same rows give the same bytes
        packed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        return io.TextIOWrapper(packed, encoding="utf-8", newline="", write_through=False)
    return open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)


def write_sorted(gen: Generator, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(gen.rows())


def write_shuffled(gen: Generator, out: IO[str], seed: int, workdir: Path) -> None:
    """The same rows in a random order: scatter into runs on disk, shuffle each run."""
    order = random.Random(f"shuffle-{seed}")  # separate stream: the rows do not change
    runs = max(1, -(-gen.total // SHUFFLE_BUCKET_ROWS))
    with tempfile.TemporaryDirectory(prefix="fairdebt-gen-", dir=workdir) as tmp:
        files = [open(Path(tmp) / f"run-{i}.csv", "w+", encoding="utf-8", newline="")  # noqa: SIM115
                 for i in range(runs)]
        try:
            writers = [csv.writer(f, lineterminator="\n") for f in files]
            pick = order.randrange
            for row in gen.rows():
                writers[pick(runs)].writerow(row)
            csv.writer(out, lineterminator="\n").writerow(COLUMNS)
            for f in files:
                f.seek(0)
                lines = f.readlines()
                order.shuffle(lines)
                out.writelines(lines)
        finally:
            for f in files:
                f.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, required=True, help="number of data rows")
    parser.add_argument("--out", type=Path, required=True, help="output CSV path")
    parser.add_argument("--seed", type=int, default=1, help="random seed [1]")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                        help=f"days of activity [{DEFAULT_DAYS}]")
    parser.add_argument("--shuffle", action="store_true",
                        help="write the same rows in random order (not time-sorted)")
    parser.add_argument("--gzip", action="store_true", help="gzip the output")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.days < 1:
        parser.error("--rows and --days must be positive")
    started = time.perf_counter()
    gen = Generator(args.rows, args.seed, args.days)
    partial = args.out.with_name(args.out.name + ".partial")
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open_output(partial, args.gzip))
        if args.shuffle:
            write_shuffled(gen, out, args.seed, args.out.parent)
        else:
            write_sorted(gen, out)
    shutil.move(partial, args.out)
    elapsed = time.perf_counter() - started
    print(f"{args.out}: {args.rows:,} rows, {gen.consumers:,} consumers, "
          f"{'shuffled' if args.shuffle else 'time-sorted'}, {elapsed:.1f} s "
          f"({args.rows / elapsed:,.0f} rows/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
