"""Findings of the column-wise rules (hours, caps, cooldowns) built from the columns.

On a log with many findings, building each one through its check (parse the row into
an `Event`, make a context, convert the time, call the check, format) costs ~30 µs,
most of a fast run. Here every field a finding repeats from its row (line, ids, the
timestamp and the local time as the streaming engine writes them) is worked out once
per row, for all the rows at once, and the message is the check's own (its
``message`` and ``detail`` methods), so each finding costs a few µs.

Only rows whose time zone cell names one zone are built here: with several candidate
zones the local time and an hours finding's wording list each zone, and such rows
go through the checks (`Evaluation.run`). The differential tests against the streaming
engine cover both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..checks.cooldown import Cooldown, Trigger
from ..checks.frequency import FrequencyCap
from ..checks.hours import ContactHours
from ..io.normalize import _debts
from ..model import Finding
from .columns import arrow_of

if TYPE_CHECKING:
    from .evaluate import Evaluation

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # strftime("%a") in C


class RowFacts:
    """What every finding on a row repeats from it, for many rows at once."""

    def __init__(self, ev: Evaluation, rows: Any) -> None:
        np = ev.np
        self.rows = rows  # sorted, unique
        data, name = ev.columns.data, ev.columns.name
        self.file = name
        take = arrow_of(rows)
        lines = ev.columns.lines
        self.line: list[int] = (lines[rows] if lines is not None else rows + 2).tolist()
        cells = data["event_id"].take(take).to_pylist() if "event_id" in data \
            else [""] * len(rows)
        self.event_id = [c.strip() or f"{name}:{line}"
                         for c, line in zip(cells, self.line, strict=True)]
        self.consumer = [c.strip() for c in data["consumer_id"].take(take).to_pylist()]
        # the reader's `fromisoformat(...).isoformat()` of the one spelling kept rows have
        self.timestamp = [_iso(c) for c in data["timestamp"].take(take).to_pylist()]
        # the event's debt ids as `make_finding` joins them, per distinct cell
        self.debt_text: list[str | None]
        if "debt_id" in data:
            codes = ev.debt[rows]
            texts = _debt_texts(ev, np.unique(codes).tolist())
            self.debt_text = [texts[c] for c in codes.tolist()]
        else:
            self.debt_text = [None] * len(rows)
        # local wall time and offset in the row's one zone
        offset = ev.offset[rows]
        # YYYY-MM-DDTHH:MM:SS (NumPy writes it ~3× faster than Arrow's strftime)
        wall = np.datetime_as_string((ev.epoch[rows] + offset).astype("datetime64[s]")
                                     ).tolist()
        zone = [ev.tz_zones[c][0] for c in ev.tz[rows].tolist()]
        offsets = {o: _offset_text(o) for o in np.unique(offset).tolist()}
        self.wall = wall
        self.local_time = [f"{w}{offsets[o]} ({z})"
                           for w, o, z in zip(wall, offset.tolist(), zone, strict=True)]
        self.zone = zone
        self.weekday = ((ev.day[rows] - 1) % 7).tolist()  # ordinal 1 is a Monday

    def index(self, rows: Any) -> list[int]:
        """Positions of ``rows`` (each one of ours) in our lists."""
        out: list[int] = self.rows.searchsorted(rows).tolist()
        return out


def simple_rows(ev: Evaluation) -> Any:
    """Rows whose facts `RowFacts` can give: one candidate zone, offsets in minutes."""
    np = ev.np
    one = np.array([len(z) == 1 for z in ev.tz_zones] or [False], dtype=bool)
    ok = one[ev.tz] if len(ev.tz_zones) else np.zeros(ev.n, dtype=bool)
    return ok & (ev.offset % 60 == 0)


def hours(ev: Evaluation, facts: RowFacts, check: ContactHours, rows: Any) -> list[Finding]:
    rule = check.rule
    at = facts.index(rows)
    return _build(rule.id, rule.severity, rule.citation, rule.policy, facts, at,
                  [check.message(check.detail(
                      f"{WEEKDAYS[facts.weekday[i]]} {facts.wall[i][11:16]} in {facts.zone[i]}"))
                   for i in at], None, None)


def caps(ev: Evaluation, facts: RowFacts, check: FrequencyCap, found: list[tuple[int, Any]],
         ids: dict[int, str]) -> list[Finding]:
    from .evaluate import _read_by_finding

    def detail(i: int, window: Any, debts: list[str]) -> tuple[str, tuple[str, ...]]:
        named = [ids[j] for j in _read_by_finding(window, check.max)]
        return check.detail(len(window), debts, False), tuple(dict.fromkeys(named))

    return _counted(facts, check, found, detail)


def cooldowns(ev: Evaluation, facts: RowFacts, check: Cooldown, found: list[tuple[int, int]],
              ids: dict[int, str]) -> list[Finding]:
    def detail(i: int, trigger: int, debts: list[str]) -> tuple[str, tuple[str, ...]]:
        first = Trigger(float(ev.epoch[trigger]), int(ev.day[trigger]), ids[trigger])
        return (check.detail(first, debts, True, False, False),
                (ids[trigger], facts.event_id[i]))

    return _counted(facts, check, found, detail)


def _counted(facts: RowFacts, check: FrequencyCap | Cooldown, found: list[tuple[int, Any]],
             detail: Callable[[int, Any, list[str]], tuple[str, tuple[str, ...]]]
             ) -> list[Finding]:
    """A counting rule's findings: on rows ``found`` (row, what was counted), each with
    ``detail``'s text and evidence; the debt is the row's one debt (`Evaluation._exact`
    leaves no other) when the rule counts per debt."""
    rule = check.rule
    at = facts.index([row for row, _ in found])
    messages: list[str] = []
    debts: list[str | None] = []
    evidence: list[tuple[str, ...]] = []
    for i, (_, counted) in zip(at, found, strict=True):
        debt = facts.debt_text[i] if check.by_debt else None
        text, proof = detail(i, counted, [debt] if debt else [])
        messages.append(check.message(text))
        debts.append(debt)
        evidence.append(proof)
    return _build(rule.id, rule.severity, rule.citation, rule.policy, facts, at, messages,
                  debts, evidence)


def _build(rule: str, severity: str, citation: str, policy: str, facts: RowFacts,
           at: list[int], messages: list[str], debts: list[str | None] | None,
           evidence: list[tuple[str, ...]] | None) -> list[Finding]:
    """As `state.make_finding`: a rule's debt, else the event's own."""
    file, line, event_id, consumer = facts.file, facts.line, facts.event_id, facts.consumer
    debt_text, timestamp, local = facts.debt_text, facts.timestamp, facts.local_time
    out = []
    for k, i in enumerate(at):
        debt = debts[k] if debts is not None else None
        out.append(Finding(rule, severity, messages[k], citation, file, line[i], event_id[i],
                           consumer[i], debt if debt is not None else debt_text[i],
                           timestamp[i], local[i], evidence[k] if evidence is not None else (),
                           policy, None))
    return out


def _debt_texts(ev: Evaluation, codes: list[int]) -> dict[int, str | None]:
    raws = ev.debt_values
    return {c: ";".join(_debts(raws[c])) or None for c in codes}


def _iso(cell: str) -> str:
    """``datetime.fromisoformat(cell).isoformat()`` for ``YYYY-MM-DDTHH:MM:SS`` then
    ``Z`` or ``±HH:MM`` (`clock.PATTERN`)."""
    if cell.endswith("Z"):
        return cell[:-1] + "+00:00"
    return cell[:19] + "+00:00" if cell.endswith("-00:00") else cell


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
