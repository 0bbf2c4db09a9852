"""``frequency_cap``: at most ``max`` counted events per key within a window.

Params: ``max``; the window, one of ``days`` (consecutive local calendar days,
the day of the counted event being day 1 — DST days count as one day),
``weeks`` (rolling: 7 days each), ``months`` (rolling: from the same day of the
month before, exclusive), ``minutes`` (elapsed time), ``calendar`` (``day``,
``week`` — ISO, Monday to Sunday — or ``month``: counts restart when the local
period does), or none (the whole log); ``after_first_conversation`` (only contacts after the first
conversation with the consumer count: Ontario); ``per``: key parts
(``person``, ``debt``, ``destination``, ``channel``, ``consumer``);
``exclude_consented`` (calls within a consent period, §1006.14(b)(3)(i));
``exclude_wrong_numbers`` (calls to a number the collector learns, within the
window, is not the person's: comment 14(b)(2)(i)-3 — findings are held until
the window closes so such a mark can still withdraw them); ``presumption``
(the finding says the rule is a rebuttable presumption).

The rule's ``when`` says which events count. An event naming several debts
counts toward each; one naming none counts toward every debt of the consumer.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from ..model import Finding
from ..state import Context
from .keys import ASSUMED_DEBTS, COUNTING_PARAMS, PRESUMPTION, CountingCheck, target_debts


class Counted(NamedTuple):
    epoch: float
    day: int
    event_id: str
    debts: tuple[str, ...]
    destination: str | None


_counted: Any = partial(tuple.__new__, Counted)  # skips NamedTuple's Python-level __new__


class Period(NamedTuple):
    """A calendar period: its number for a day ordinal, and the first day of the next."""

    number: Callable[[int], int]
    next_start: Callable[[int], int]


def _month(day: int) -> int:
    d = date.fromordinal(day)
    return d.year * 12 + d.month - 1


def _next_month(day: int) -> int:
    n = _month(day) + 1
    return date(n // 12, n % 12 + 1, 1).toordinal()


# ordinal 1 (0001-01-01) is a Monday, so (day - 1) // 7 numbers ISO weeks
PERIODS = {
    "day": Period(lambda day: day, lambda day: day + 1),
    "week": Period(lambda day: (day - 1) // 7, lambda day: (day - 1) // 7 * 7 + 8),
    "month": Period(_month, _next_month),
}


WINDOWS = ("days", "weeks", "months", "minutes", "calendar")


def add_months(day: int, months: int) -> int:
    """Day ordinal ``months`` calendar months later (or earlier), clamped to the month's
    end: 31 March minus one month is 28 (or 29) February."""
    d = date.fromordinal(day)
    n = d.year * 12 + d.month - 1 + months
    year, month = divmod(n, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last)).toordinal()


class Pending(NamedTuple):
    finding: Finding
    closes: int  # last local day on which a wrong-number mark still withdraws it
    destination: str | None
    per_debt: tuple[tuple[str, tuple[Counted, ...]], ...]
    assumed: bool
    ctx: Context  # to rebuild the finding if a wrong number withdraws some evidence


class CapState:
    """Per consumer: counted events per key, oldest first (short lists: cheaper than deques),
    and findings held until their window closes."""

    __slots__ = ("pending", "windows")

    def __init__(self) -> None:
        self.windows: dict[tuple[str | None, ...], list[Counted]] = {}
        self.pending: tuple[Pending, ...] = ()


class FrequencyCap(CountingCheck):
    KIND = "frequency_cap"
    ACCOUNT_EVENTS = frozenset({"wrong_number"})
    DEFAULT_MESSAGE = "too many contacts"
    PARAMS = {
        "type": "object",
        "additionalProperties": False,
        "required": ["max"],
        "properties": {
            "max": {"type": "integer", "minimum": 0},
            "days": {"type": "integer", "minimum": 1, "maximum": 3660},
            "weeks": {"type": "integer", "minimum": 1, "maximum": 520},
            "months": {"type": "integer", "minimum": 1, "maximum": 120},
            "minutes": {"type": "integer", "minimum": 1},
            "calendar": {"enum": ["day", "week", "month"]},
            "after_first_conversation": {"type": "boolean", "default": False},
            "unit": {"type": "string", "default": "contacts"},
            **COUNTING_PARAMS,
        },
        # at most one window
        "not": {"anyOf": [{"required": [a, b]} for i, a in enumerate(WINDOWS)
                          for b in WINDOWS[i + 1:]]},
    }

    def configure(self, params: Mapping[str, Any]) -> None:
        self.max = int(params["max"])
        self.days: int | None = params.get("days") or (
            params["weeks"] * 7 if params.get("weeks") else None)
        self.months: int | None = params.get("months")
        self.minutes: int | None = params.get("minutes")
        self.configure_counting(params)
        self.unit = params.get("unit", "contacts")
        self.hold = self.exclude_wrong and self.days is not None
        self.after_talk = bool(params.get("after_first_conversation"))
        self.period = PERIODS.get(params.get("calendar", ""))
        if self.period is not None:
            self.horizon = 33 * 86400.0
            self.span = f"in one calendar {params['calendar']}"
        elif self.months is not None:
            self.horizon = (self.months * 31 + 2) * 86400.0
            self.span = f"within {self.months} month{'s' if self.months > 1 else ''}"
        elif self.days is not None:
            self.horizon = (self.days + 2) * 86400.0
            self.span = f"within {self.days} consecutive day{'s' if self.days > 1 else ''}"
        elif self.minutes is not None:
            self.horizon = self.minutes * 60.0 + 1.0
            self.span = f"within {self.minutes} minutes"
        else:
            self.horizon = None
            self.span = "in the log"

    def new_state(self) -> CapState:
        return CapState()

    def copy_state(self, state: CapState) -> CapState:
        other = CapState()
        other.windows = {k: list(v) for k, v in state.windows.items()}
        other.pending = state.pending  # a tuple of immutable records
        return other

    def evaluate(self, ctx: Context, state: CapState) -> list[Finding] | None:
        ev, account = ctx.event, ctx.account
        out = self._release(state, ctx.day) if state.pending else None
        if self.wrong_number(ctx):
            return out
        if self.after_talk and (account.first_talk is None or account.first_talk >= ev.epoch):
            return out  # the cap starts after the first conversation
        key = self.key(ev)
        if key is None:
            return out
        debts, assumed = target_debts(ev, account) if self.by_debt else (("",), False)
        if self.exclude_consented and account.consents:
            span = self.days or 7
            debts = tuple(d for d in debts if not account.consented(ev, d, ctx.day, span))
            if not debts:
                return out  # every debt it is about is under the consumer's consent
        window = state.windows.get(key)
        if window is None:
            window = state.windows[key] = []
        elif self.days is not None:
            # filter every entry: local days need not be in order when the zone changes
            oldest = ctx.day - self.days
            window[:] = [c for c in window if c.day > oldest]
        elif self.months is not None:
            oldest = add_months(ctx.day, -self.months)
            window[:] = [c for c in window if c.day > oldest]
        elif self.period is not None:
            current = self.period.number(ctx.day)
            window[:] = [c for c in window if self.period.number(c.day) == current]
        elif self.minutes is not None:
            oldest_epoch = ev.epoch - self.minutes * 60
            if window and window[0].epoch < oldest_epoch:  # epochs are in order
                window[:] = [c for c in window if c.epoch >= oldest_epoch]
        # the entry records the debts it counted toward when it was made: "" is "none known"
        recorded = () if debts == ("",) else debts
        window.append(_counted((ev.epoch, ctx.day, ev.event_id, recorded, ev.destination)))
        if len(window) <= self.max or ctx.quiet:
            return out
        over = []
        for debt in debts:
            counted = tuple(c for c in window if not debt or not c.debts or debt in c.debts)
            if len(counted) > self.max:
                over.append((debt, counted))
        if not over:
            return out
        finding = self._finding(ctx, over, assumed)
        if not self.hold:
            return [*(out or []), finding]
        state.pending += (Pending(finding, _closes(over, self.days or 1), ev.destination,
                                  tuple(over), assumed, ctx),)
        return out

    def not_before(self, ctx: Context, state: CapState) -> float | None:
        ev = ctx.event
        if self.days is None and self.minutes is None and self.period is None \
                and self.months is None:
            return None  # the whole log is the window: nothing ever leaves it
        key = self.key(ev)
        window = state.windows.get(key, []) if key is not None else []
        debts, _ = target_debts(ev, ctx.account) if self.by_debt else (("",), False)
        if self.exclude_consented and ctx.account.consents:
            debts = tuple(d for d in debts
                          if not ctx.account.consented(ev, d, ctx.day, self.days or 7))
        at = ev.epoch
        for debt in debts:
            counted = [c for c in window if (not debt or not c.debts or debt in c.debts)
                       and self._live(c, ctx)]
            # this contact passes once at most max - 1 of the others are still counted
            leaving = len(counted) - self.max + 1
            if leaving <= 0:
                continue
            if leaving > len(counted):
                return None  # max 0: never
            if self.period is not None:  # the whole period's count ends with it
                at = max(at, ctx.day_start(self.period.next_start(ctx.day)))
            elif self.months is not None:
                first = sorted(c.day for c in counted)[leaving - 1]
                day = add_months(first, self.months)
                while add_months(day, -self.months) < first:  # clamped to a month's end
                    day += 1
                at = max(at, ctx.day_start(day))
            elif self.days is not None:
                day = sorted(c.day for c in counted)[leaving - 1] + self.days
                at = max(at, ctx.day_start(day))
            else:
                oldest = sorted(c.epoch for c in counted)[leaving - 1]
                at = max(at, oldest + (self.minutes or 0) * 60 + 0.001)
        return at

    def _live(self, c: Counted, ctx: Context) -> bool:
        """Whether ``c`` still counts for an event at ``ctx``."""
        if self.period is not None:
            return self.period.number(c.day) == self.period.number(ctx.day)
        if self.months is not None:
            return c.day > add_months(ctx.day, -self.months)
        if self.days is not None:
            return c.day > ctx.day - self.days
        return c.epoch >= ctx.event.epoch - (self.minutes or 0) * 60

    def _finding(self, ctx: Context, over: list[tuple[str, tuple[Counted, ...]]],
                 assumed: bool) -> Finding:
        count = max(len(c) for _, c in over)
        # the first `max` counted events and this one prove "more than max": listing the
        # whole window would make evidence grow with every further call (quadratic output)
        evidence = tuple(dict.fromkeys(
            c.event_id for _, counted in over for c in (*counted[:self.max], counted[-1])))
        debts = [d for d, _ in over if d]
        return self.finding(ctx, self.detail(count, debts, assumed),
                            debt_id=";".join(debts) or None, evidence=evidence)

    def detail(self, count: int, debts: list[str], assumed: bool) -> str:
        """A finding's detail: ``count`` contacts in the window, for ``debts``."""
        text = f"{count} {self.unit} {self.span} (max {self.max})"
        if debts:
            text += f" for debt {', '.join(debts)}"
        if assumed and debts:
            text += ASSUMED_DEBTS
        if self.presumption:
            text += PRESUMPTION
        return text

    def on_account_event(self, ctx: Context, state: CapState) -> list[Finding] | None:
        ev = ctx.event
        if ev.event != "wrong_number" or not self.exclude_wrong or not ev.destination:
            return None
        wrong = ev.destination
        for key, window in state.windows.items():
            state.windows[key] = [c for c in window if c.destination != wrong]
        kept: list[Pending] = []
        for p in state.pending:
            if ctx.day > p.closes:
                kept.append(p)
                continue
            if p.destination == wrong:
                continue  # the violating call itself went to someone else
            over = [(d, tuple(c for c in counted if c.destination != wrong))
                    for d, counted in p.per_debt]
            over = [(d, counted) for d, counted in over if len(counted) > self.max]
            if over:
                kept.append(p._replace(finding=self._finding(p.ctx, over, p.assumed),
                                       per_debt=tuple(over), closes=_closes(over, self.days or 1)))
        state.pending = tuple(kept)
        return None

    def _release(self, state: CapState, day: int) -> list[Finding] | None:
        done = [p.finding for p in state.pending if day > p.closes]
        if done:
            state.pending = tuple(p for p in state.pending if day <= p.closes)
        return done or None

    def flush(self, state: CapState) -> list[Finding]:
        out = [p.finding for p in state.pending]
        state.pending = ()
        return out


def _closes(over: list[tuple[str, tuple[Counted, ...]]], days: int) -> int:
    """The last local day of the period that holds the evidence."""
    return min(c.day for _, counted in over for c in counted) + days - 1
