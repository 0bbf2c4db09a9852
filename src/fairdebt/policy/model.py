"""Policies as immutable objects: safe to share across threads and runs."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from ..model import Event

BOOLEAN_FIELDS = frozenset({"disclosed_debt", "opt_out_notice"})


def normalize_when_value(name: str, value: Any) -> Any:
    """Policy values as the log normalizes them: vocabularies lower-case, regions upper-case,
    booleans as booleans (``"false"`` in quotes means false)."""
    if name in BOOLEAN_FIELDS and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, str):
        return value.upper() if name == "region" else value.lower()
    return value


def freeze(value: Any) -> Any:
    """Params as read-only data: mappings become mapping proxies, lists tuples (a policy
    is shared across threads and by `decide`'s cached engines: it must not change)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Frozen params back to plain dicts and lists (for display and JSON)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class When:
    """Filters on event fields: every listed field must match; ``not`` fields must not.

    A field the log left empty matches no value, so ``not: {outcome: [busy]}``
    keeps a call whose outcome is unknown (the conservative reading).
    """

    match: tuple[tuple[str, frozenset[Any]], ...] = ()
    exclude: tuple[tuple[str, frozenset[Any]], ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> When:
        if not data:
            return cls()

        def pairs(m: Mapping[str, Any]) -> tuple[tuple[str, frozenset[Any]], ...]:
            out = []
            for name, value in m.items():
                if name == "not":
                    continue
                values = [normalize_when_value(name, v)
                          for v in (value if isinstance(value, (list, tuple)) else [value])]
                out.append((name, frozenset(values)))
            return tuple(sorted(out, key=lambda p: p[0]))

        return cls(pairs(data), pairs(data.get("not") or {}))

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(n for n, _ in self.match) | frozenset(n for n, _ in self.exclude)

    def __call__(self, event: Event) -> bool:
        for name, values in self.match:
            if getattr(event, name) not in values:
                return False
        return all(getattr(event, name) not in values for name, values in self.exclude)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    check: str
    params: Mapping[str, Any]
    when: When
    severity: str
    message: str | None
    citation: str
    description: str
    title: str
    verified: bool
    policy: str
    file: str = ""
    line: int = 0
    regions: tuple[str, ...] = ()
    """Consumer regions the rule applies to (its pack's ``regions``); empty: everyone."""
    effective_from: date | None = None
    effective_to: date | None = None
    """The rule applies to contacts on these local days (inclusive) only."""
    tests: Mapping[str, Any] | None = None
    """Content rules' own examples, ``{flag: [...], pass: [...]}`` (docs/content-rules.md)."""
    lexicons: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Every lexicon of the policy (built-in ones with its overlays), by name."""

    @property
    def summary(self) -> str:
        if self.title:
            return self.title
        first = self.description.strip().split("\n\n")[0].replace("\n", " ")
        return first.split(". ")[0].rstrip(".") if first else self.id


@dataclass(frozen=True, slots=True)
class PackInfo:
    """One pack's own metadata, as written in its file."""

    id: str
    title: str
    jurisdiction: str
    version: str
    regions: tuple[str, ...]
    default_timezone: str | None
    sources: tuple[Mapping[str, str], ...]
    file: str


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    title: str
    jurisdiction: str
    version: str
    sources: tuple[Mapping[str, str], ...]
    rules: tuple[Rule, ...]
    file: str = ""
    packs: tuple[str, ...] = field(default=())
    region_zones: tuple[tuple[str, str], ...] = ()
    """(region, zone) for packs that declare a default zone for their regions."""
    fallback_zone: tuple[str, ...] = ()
    """For consumers with no region: the one default zone country-wide packs agree on."""
    pack_info: tuple[PackInfo, ...] = ()
    """Every pack loaded, extended ones included, in load order."""

    def pack(self, pack_id: str) -> PackInfo | None:
        return next((p for p in self.pack_info if p.id == pack_id), None)

    def select(self, select: list[str] | None = None, ignore: list[str] | None = None) -> Policy:
        """The policy with only the rules named by ``select`` and not by ``ignore`` (globs)."""

        def hit(rule: Rule, patterns: list[str]) -> bool:
            return any(fnmatch.fnmatchcase(rule.id, p) for p in patterns)

        rules = tuple(r for r in self.rules
                      if (not select or hit(r, select)) and not (ignore and hit(r, ignore)))
        return dataclasses.replace(self, rules=rules)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)
