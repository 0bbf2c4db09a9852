"""Account facts: what some content rules need to know about a consumer's debts.

A threat of suit is a violation only on a time-barred debt; a garnishment threat
is excused by a judgment or a security interest; an "offer expires today" is
fine when the offer's real deadline is known; a fee is fine when the agreement
allows it. These facts are not in a contact log: they come from the consumer
directory (``--consumers``, one row per consumer: facts about all their debts) or
a facts file (``--facts``, one row per consumer and optionally debt), validated
here, and are read by the content checks through `Facts.scopes`.

Facts are per consumer and debt. A row with an empty ``debt_id`` (or a directory
row) gives the consumer-wide facts; a row naming a debt gives that debt's, on top
of the consumer-wide ones. A contact about several debts is judged for each of
them (see `fairdebt.content.check.ContentCheck.gate`): its words break a rule
when they break it for *any* debt it concerns, are allowed only when allowed for
*every* one, and are otherwise a warning naming the facts that would decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .io.normalize import MAX_YEAR, MIN_YEAR, RowError, _list
from .model import Rejected

#: facts that are true or false
BOOLEAN_FACTS = ("time_barred", "judgment", "secured", "litigation_intended", "fees_allowed")
#: facts that are a moment (ISO 8601 with a UTC offset)
TIME_FACTS = ("offer_expires_at",)
#: facts that are a list of names (``;``-separated in CSV)
LIST_FACTS = ("business_names",)
FACT_NAMES = BOOLEAN_FACTS + TIME_FACTS + LIST_FACTS

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
EMPTY: Mapping[str, Any] = MappingProxyType({})


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_fact(name: str, value: Any) -> Any:
    """The validated value of fact ``name`` (None: not given). Raises `RowError` naming
    the field for a value that is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if name in BOOLEAN_FACTS:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        raise RowError(f"field '{name}': {_shown(value)} is not true or false "
                       "(true/false, yes/no, 1/0)")
    if name in TIME_FACTS:
        moment = None
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                moment = None
        if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
            raise RowError(f"field '{name}': {_shown(value)} is not an ISO 8601 date-time "
                           "with a UTC offset (e.g. 2026-05-01T17:00:00-04:00)")
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise RowError(f"field '{name}': year {moment.year} is outside "
                           f"{MIN_YEAR}–{MAX_YEAR}")
        return moment
    if name in LIST_FACTS:
        if isinstance(value, str):
            items: list[Any] = value.split(";")
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            raise RowError(f"field '{name}': {_shown(value)} is not a list of names "
                           "(';'-separated, or a JSON list of strings)")
        names: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise RowError(f"field '{name}': {_shown(item)} is not a name (a string)")
            item = " ".join(item.split())
            if item and item not in names:
                names.append(item)
        return tuple(names) or None
    raise RowError(f"unknown fact '{name}' (known: {', '.join(FACT_NAMES)})")


def parse_facts(row: Mapping[str, Any]) -> dict[str, Any]:
    """The facts a row gives (every fact column present, validated; empty ones left out)."""
    out: dict[str, Any] = {}
    for name in FACT_NAMES:
        if name in row:
            value = parse_fact(name, row[name])
            if value is not None:
                out[name] = value
    return out


_Scope = tuple[str, int, dict[str, Any]]
"""(file, line, facts) of one consumer (and debt) as given."""


class Facts:
    """Account facts per consumer and debt, with the rows that could not be used.

    Build one with `fairdebt.load_facts` (a file), `Facts.from_rows` (mappings with
    the facts file's keys) or `Facts.combine`; read it with `get`. The checks use
    `scopes` and `value`.
    """

    __slots__ = ("_by", "rejected", "sources")

    def __init__(self) -> None:
        #: consumer → debt ("" for all the consumer's debts) → (file, line, facts)
        self._by: dict[str, dict[str, _Scope]] = {}
        self.rejected: list[Rejected] = []
        """Rows that were not used, with file, line and reason."""
        self.sources: list[str] = []
        """Where the facts came from (file names), in the order read."""

    def __repr__(self) -> str:
        return (f"<Facts: {len(self._by):,} consumer(s) from {', '.join(self.sources) or '-'}; "
                f"{len(self.rejected):,} row(s) rejected>")

    @property
    def consumers(self) -> int:
        """How many consumers some fact is given for."""
        return len(self._by)

    # -- building ---------------------------------------------------------------------

    def add(self, consumer_id: str, debt_id: str, facts: Mapping[str, Any], file: str,
            line: int) -> None:
        """Record validated ``facts`` (see `parse_facts`) for a consumer (and debt: ""
        for all of them). Raises `RowError` when this file already gave facts for them,
        or another source gave different values."""
        problem = self._problem(consumer_id, debt_id, facts, file)
        if problem is not None:
            raise RowError(problem)
        if file not in self.sources:
            self.sources.append(file)
        known = self._by.setdefault(consumer_id, {})
        old = known.get(debt_id)
        if old is None:
            known[debt_id] = (file, line, dict(facts))
        else:
            old[2].update(facts)

    def _problem(self, consumer_id: str, debt_id: str, facts: Mapping[str, Any],
                 file: str) -> str | None:
        old = self._by.get(consumer_id, {}).get(debt_id)
        if old is None:
            return None
        whom = f"consumer '{consumer_id}'" + (f", debt '{debt_id}'," if debt_id else "")
        if old[0] == file:
            return f"{whom} is listed twice (first at line {old[1]})"
        for name, value in facts.items():
            if name in old[2] and old[2][name] != value:
                return (f"field '{name}': {whom} has {_text(value)} here but "
                        f"{_text(old[2][name])} in {old[0]}:{old[1]}")
        return None

    def add_row(self, row: Mapping[str, Any], file: str, line: int,
                columns: frozenset[str] | None = None) -> None:
        """Validate one facts-file row and record it; a bad one is listed as rejected."""
        try:
            consumer = _cell(row, "consumer_id")
            if not consumer:
                raise RowError("field 'consumer_id': missing (required)")
            allowed = FACTS_FILE_COLUMNS if columns is None else columns
            unknown = [k for k in row if k not in allowed]
            if unknown:
                raise RowError(f"unknown field(s) {', '.join(sorted(map(str, unknown)))[:400]}")
            facts = parse_facts(row)
            debts = _list(row.get("debt_id"), "debt_id") or ("",)
            for debt in debts:  # all or nothing: check every debt before recording one
                problem = self._problem(consumer, debt, facts, file)
                if problem is not None:
                    raise RowError(problem)
            for debt in debts:
                self.add(consumer, debt, facts, file, line)
        except RowError as exc:
            self.rejected.append(Rejected(file, line, str(exc)))

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], name: str = "<facts>") -> Facts:
        """Facts from mappings with the facts file's keys (``consumer_id``, optional
        ``debt_id``, the fact names); a bad row is listed in ``rejected`` with its
        1-based position as its line."""
        out = cls()
        out.sources.append(name)
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                out.rejected.append(Rejected(name, number, "expected a mapping"))
                continue
            out.add_row(row, name, number)
        return out

    @classmethod
    def combine(cls, *parts: Facts | None) -> Facts:
        """One `Facts` from several (e.g. the directory's and a facts file's): a value
        given differently by two of them rejects the later row (with both places)."""
        out = cls()
        for part in parts:
            if part is None:
                continue
            out.rejected.extend(part.rejected)
            for source in part.sources:
                if source not in out.sources:
                    out.sources.append(source)
            for consumer, debts in part._by.items():
                for debt, (file, line, facts) in debts.items():
                    try:
                        out.add(consumer, debt, facts, file, line)
                    except RowError as exc:
                        out.rejected.append(Rejected(file, line, str(exc)))
        return out

    # -- reading ----------------------------------------------------------------------

    def get(self, consumer_id: str, debt_id: str | None = None) -> Mapping[str, Any]:
        """The facts known for one of the consumer's debts (the consumer-wide ones with
        that debt's own on top; None: only the consumer-wide ones)."""
        known = self._by.get(consumer_id)
        if not known:
            return EMPTY
        base = known.get("")
        general = base[2] if base is not None else {}
        own = known.get(debt_id) if debt_id else None
        return MappingProxyType({**general, **own[2]} if own is not None else dict(general))

    def scopes(self, consumer_id: str, debt_ids: tuple[str, ...]) -> tuple[Mapping[str, Any], ...]:
        """The facts of each debt a contact concerns: one mapping per debt it names; for
        a contact naming no debt, one per debt the facts name for the consumer, plus the
        consumer-wide facts when given (or alone when no debt is named)."""
        known = self._by.get(consumer_id)
        if not known:
            return (EMPTY,)
        base = known.get("")
        general: Mapping[str, Any] = base[2] if base is not None else EMPTY
        if debt_ids:
            out = []
            for debt in debt_ids:
                own = known.get(debt)
                out.append(general if own is None else {**general, **own[2]})
            return tuple(out)
        named = [{**general, **scope[2]} for debt, scope in known.items() if debt]
        if not named:
            return (general,)
        return ((general,) if base is not None else ()) + tuple(named)

    def value(self, consumer_id: str, debt_ids: tuple[str, ...], name: str) -> Any:
        """One fact for a contact: for a list (``business_names``), every name any
        concerned debt gives; otherwise the value when every concerned debt has the
        same one, else None (unknown)."""
        scopes = self.scopes(consumer_id, debt_ids)
        if name in LIST_FACTS:
            merged: list[Any] = []
            for scope in scopes:
                for item in scope.get(name) or ():
                    if item not in merged:
                        merged.append(item)
            return tuple(merged) or None
        values = {scope.get(name) for scope in scopes}
        return values.pop() if len(values) == 1 else None


FACTS_FILE_COLUMNS = frozenset({"consumer_id", "debt_id", *FACT_NAMES})


def _cell(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


__all__ = ["BOOLEAN_FACTS", "FACTS_FILE_COLUMNS", "FACT_NAMES", "LIST_FACTS", "TIME_FACTS",
           "Facts", "parse_fact", "parse_facts"]
