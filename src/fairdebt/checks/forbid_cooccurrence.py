"""``forbid_cooccurrence``: several groups of words together, within one clause or N
characters (通讯录/同事/单位 with 通知/曝光/群发: "we will tell your contacts").

Each of ``groups`` is a set of phrases, patterns and lexicons; the rule fires when
every group has a match inside one clause (``within: clause``) or inside a window of
``within`` normalized characters. Windows are found in one pass over the matches
sorted by position (linear in their number). ``unless`` works as in `forbid_phrases`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from ..content import terms
from ..content.analysis import Segment
from ..content.analysis import words as words_of
from ..content.check import TERMS_OBJECT, ContentCheck, schema
from ..model import Finding
from ..state import Context


class ForbidCooccurrence(ContentCheck):
    KIND = "forbid_cooccurrence"
    DEFAULT_MESSAGE = "forbidden combination of words"
    PARAMS = schema({
        "groups": {"type": "array", "minItems": 2, "items": TERMS_OBJECT},
        "within": {"anyOf": [{"const": "clause"},
                             {"type": "integer", "minimum": 1, "maximum": 10_000}],
                   "default": "clause"},
        "unless": {**TERMS_OBJECT, "default": {}},
        "suggestion": {"type": "string", "default": ""},
    }, required=("groups",))

    def configure_content(self, params: Mapping[str, Any]) -> None:
        self.groups = [self.matcher(g, f"groups[{i}]") for i, g in enumerate(params["groups"])]
        for i, group in enumerate(self.groups):
            if not group:
                raise ValueError(f"groups[{i}]: give at least one of phrases, patterns, "
                                 "lexicons")
        within = params.get("within", "clause")
        self.window: int | None = None if within == "clause" else int(within)
        # (no literal pre-check: it runs only after a match)
        self.unless = self.matcher(params.get("unless") or {}, "unless", literals=False)
        self.suggestion = params.get("suggestion", "")
        # `_apart_sets`: phrase id → its length less one, and the groups it is in
        self._where: dict[int, tuple[int, tuple[int, ...]]] | None = None
        # `_apart`: the same with the groups as the bits of an int
        self._masks: dict[int, tuple[int, int]] = {}
        self._top = -1
        if self.window is None and not any(g.patterns or g.lazy for g in self.groups):
            where: dict[int, tuple[int, tuple[int, ...]]] = {}
            for i, group in enumerate(self.groups):
                for tid in group.tids:
                    where[tid] = (len(terms.INDEX.phrases[tid]) - 1,
                                  (*where.get(tid, (0, ()))[1], i))
            self._where = where
            self._top = max(where, default=-1)
            self._masks = {tid: (shift, sum(1 << g for g in set(groups)))
                           for tid, (shift, groups) in where.items()}
        # every group must match: each needs its phrases or its patterns' literals present
        sets = tuple(s for g in self.groups for s in (g.gate() or ()))
        self.phrase_gate = tuple(sorted(sets, key=len)) or None

    def evaluate(self, ctx: Context, state: Any) -> list[Finding] | None:
        # (what `words` gives, without its test and two calls: four messages in ten
        # come here)
        segs = words_of(ctx.event).collector if self.collector_words else self.words(ctx)
        for seg in segs:
            span = self._together(seg)
            if span is None:
                continue
            verdict, missing = self.gate(ctx)
            if verdict is not None:
                return None
            detail = "the collector combined " + " + ".join(
                f"group {i + 1}" for i in range(len(self.groups)))
            if self.suggestion:
                detail = f"{detail} (instead: {self.suggestion})"
            return [self.content_finding(ctx, detail, seg, span, missing)]
        return None

    def _apart(self, seg: Segment) -> bool:
        """`_apart_sets` (the reference) with each clause's groups as the bits of an int
        (no set per group, and it stops at the first clause holding every group); in
        ASCII text, clauses told apart by where the breaks are, not counted
        (`_apart_ascii`)."""
        if self._where is None or self._top >= seg.known:
            return False
        prep = seg.prep
        stops = prep.stops()
        if stops is not None:
            return self._apart_ascii(seg, stops)
        breaks = prep.breaks
        full = (1 << len(self.groups)) - 1
        held: dict[int, int] = {}
        get = self._masks.get
        have = held.get
        for last, tid in seg.hits:
            found = get(tid)
            if found is not None:
                clause = bisect_right(breaks, last - found[0])
                groups = have(clause, 0) | found[1]
                if groups == full:
                    return False
                held[clause] = groups
        return True

    def _apart_ascii(self, seg: Segment, stops: bytes) -> bool:
        """`_apart` for ASCII text, ``stops`` its `text.Prepared.stops`: the groups'
        occurrences in order of their starts, a clause's groups gathered until a break
        lies between one start and the next (a ". " starting after the first and by the
        second, or the last "."). The text's breaks are never listed: finding the
        few between the groups' phrases costs less than splitting at every one."""
        get = self._masks.get
        starts = []
        for last, tid in seg.hits:
            found = get(tid)
            if found is not None:
                starts.append((last - found[0], found[1]))
        starts.sort()
        full = (1 << len(self.groups)) - 1
        last_dot = len(stops) - 1 if stops.endswith(b".") else -1
        held = 0
        before = 0
        for start, groups in starts:
            # (a break matters only where the groups held change: after one, the new
            # clause would hold these groups alone, which it already does)
            if held and groups != held and (stops.find(b". ", before + 1, start + 2) >= 0
                                            or before < last_dot <= start):
                held = 0  # a break between the two: a new clause
            held |= groups
            if held == full:
                return False
            before = start
        return True

    def _apart_sets(self, seg: Segment) -> bool:
        """True when the groups' phrases, wherever the scan found them (word boundaries
        not yet checked), never all start in one clause: then no match of theirs does
        either (a match is such an occurrence, its start unchanged). One pass over the
        scan's hits instead of each group's matches; only for ``within: clause`` and
        groups without patterns, on a scan that looked for every phrase."""
        where = self._where
        if where is None or self._top >= seg.known:
            return False
        breaks = seg.prep.breaks
        seen: list[set[int]] = [set() for _ in self.groups]
        get = where.get
        for last, tid in seg.hits:
            found = get(tid)
            if found is not None:
                clause = bisect_right(breaks, last - found[0])
                for g in found[1]:
                    seen[g].add(clause)
        return not set.intersection(*seen)

    def _together(self, seg: Segment) -> tuple[int, int] | None:
        if self._apart(seg):
            return None
        hits: list[tuple[int, int, int]] = []
        prep = seg.prep
        common: set[int] | None = None  # clauses holding a match of every group so far
        for g, group in enumerate(self.groups):
            found = [(s, e, g) for s, e in group.matches(seg)]
            if not found:
                return None  # the common case: some group is absent
            if self.window is None:
                breaks = prep.breaks
                clauses = {bisect_right(breaks, s) for s, _, _ in found}
                common = clauses if common is None else common & clauses
                if not common:
                    return None  # every group matches, never all in one clause
            hits += found
        hits.sort()
        need = len(self.groups)
        if self.window is None:
            by_clause: dict[int, dict[int, tuple[int, int]]] = {}
            for s, e, g in hits:
                seen = by_clause.setdefault(prep.clause_index(s), {})
                seen.setdefault(g, (s, e))
                if len(seen) == need:
                    return self._span(seg, list(seen.values()))
            return None
        # sliding window over hits by start: the latest hit of each group inside it
        last: dict[int, tuple[int, int]] = {}
        for s, e, g in hits:
            last[g] = (s, e)
            if len(last) == need:
                lo = min(a for a, _ in last.values())
                hi = max(b for _, b in last.values())
                if hi - lo <= self.window:
                    return self._span(seg, list(last.values()))
        return None

    def _span(self, seg: Segment, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
        lo = min(s for s, _ in spans)
        hi = max(e for _, e in spans)
        if self.unless:
            clause_lo, clause_hi = seg.prep.clause(lo, hi)
            if any(clause_lo <= s and e <= clause_hi for s, e in self.unless.find(seg)):
                return None
        return lo, hi
