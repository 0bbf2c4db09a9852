"""Lexicons: named lists of phrases that rules share (``en/arrest``, ``zh/contacts``).

The built-in ones live in ``rules/lexicons/<language>.yaml``::

    language: en
    lexicons:
      arrest: [arrest, jail, "put you in prison"]

and are named ``<language>/<key>``. A policy file may add its own and change the
built-in ones under a top-level ``lexicons:`` key (applied in load order, parents
first)::

    lexicons:
      en/insults: {add: [deadbeat], remove: [loser]}
      acme/products: [Acme Card, Acme Loan]     # a new lexicon (or a replacement)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..policy.yamlsrc import Located, YamlError, load
from .text import normalize

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$")
KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
Lexicons = Mapping[str, tuple[str, ...]]
#: (file, line, message)
Issue = tuple[str, int, str]


def load_directory(directory: Path) -> tuple[dict[str, tuple[str, ...]], list[Issue]]:
    """Every lexicon file in ``directory``; problems are returned, not raised."""
    table: dict[str, tuple[str, ...]] = {}
    issues: list[Issue] = []
    if not directory.is_dir():
        return table, issues
    for path in sorted(directory.glob("*.yaml")):
        file = str(path)
        try:
            located = load(path.read_text(encoding="utf-8"), file)
        except YamlError as exc:
            issues.append((exc.file, exc.line, exc.message))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            issues.append((file, 1, f"cannot read: {exc}"))
            continue
        data = located.data
        language = data.get("language") if isinstance(data, dict) else None
        entries = data.get("lexicons") if isinstance(data, dict) else None
        if not isinstance(language, str) or not KEY.match(language) or \
                not isinstance(entries, dict):
            issues.append((file, 1, "a lexicon file is a mapping with 'language' (e.g. en) "
                                    "and 'lexicons' (name → list of phrases)"))
            continue
        for key, terms in entries.items():
            where = (file, located.line_of(("lexicons", key)))
            if not isinstance(key, str) or not KEY.match(key):
                issues.append((*where, f"lexicon name {key!r}: lower-case letters, digits, "
                                       "'.', '_' and '-'"))
                continue
            clean = _terms(terms, located, ("lexicons", key), f"{language}/{key}", issues)
            if clean is not None:
                table[f"{language}/{key}"] = clean
    return table, issues


def _terms(terms: Any, located: Located, path: tuple[Any, ...], name: str,
           issues: list[Issue]) -> tuple[str, ...] | None:
    if not isinstance(terms, list) or not terms:
        issues.append((located.file, located.line_of(path),
                       f"lexicon '{name}': expected a non-empty list of phrases"))
        return None
    out: list[str] = []
    for i, term in enumerate(terms):
        if not isinstance(term, str) or not normalize(term.rstrip("*")):
            issues.append((located.file, located.line_of((*path, i)),
                           f"lexicon '{name}': entry {i + 1} is not a non-empty phrase"))
            continue
        out.append(term)
    return tuple(dict.fromkeys(out))


def apply_overlay(table: dict[str, tuple[str, ...]], located: Located,
                  issues: list[Issue]) -> None:
    """Apply a policy file's ``lexicons:`` section to ``table`` (in place)."""
    data = located.data
    section = data.get("lexicons") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return  # absent; a wrong shape is reported by the policy schema
    for name, spec in section.items():
        path: tuple[Any, ...] = ("lexicons", name)
        line = located.line_of(path)
        if isinstance(spec, list):
            clean = _terms(spec, located, path, name, issues)
            if clean is not None:
                table[name] = clean
            continue
        if not isinstance(spec, dict):
            continue  # reported by the schema
        if name not in table:
            issues.append((located.file, line,
                           f"lexicons: '{name}' is not a known lexicon (known: "
                           f"{', '.join(sorted(table)) or 'none'}); to define a new one, "
                           "give a list of phrases"))
            continue
        terms = list(table[name])
        remove = spec.get("remove") or []
        if remove:
            present = {normalize(t): t for t in terms}
            drop = set()
            for i, term in enumerate(remove):
                key = normalize(str(term))
                if key not in present:
                    issues.append((located.file, located.line_of((*path, "remove", i)),
                                   f"lexicons: '{name}' has no entry {term!r} to remove"))
                drop.add(key)
            terms = [t for t in terms if normalize(t) not in drop]
        add = spec.get("add") or []
        if add:
            extra = _terms(list(add), located, (*path, "add"), name, issues)
            terms += list(extra or ())
        if not terms:
            issues.append((located.file, line, f"lexicons: '{name}' would be left empty"))
            continue
        table[name] = tuple(dict.fromkeys(terms))


def freeze_table(table: Mapping[str, tuple[str, ...]]) -> Lexicons:
    return MappingProxyType(dict(table))
