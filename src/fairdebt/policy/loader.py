"""YAML policy files → `Policy`, with every error reported as file:line: message.

A policy may ``extends:`` built-in packs (by id) or files (paths relative to
itself), override a parent's rule by id (any field; ``params`` are merged key
by key) or switch it off with ``disabled: true``. Files are read only from the
built-in pack directory, the directory tree of a policy the user named, and
paths the user passed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from ..checks import CHECKS, Check
from ..content.check import ContentCheck
from ..content.lexicons import Lexicons, apply_overlay, freeze_table, load_directory
from ..content.testing import run_tests as run_tests_of
from ..model import (
    CHANNELS,
    DESTINATION_TYPES,
    DIRECTIONS,
    EVENT_TYPES,
    MESSAGE_KINDS,
    OUTCOMES,
    PARTIES,
    PURPOSES,
    REGION,
)
from ..tz import get_zone
from .model import PackInfo, Policy, Rule, When, freeze, normalize_when_value
from .yamlsrc import Located, YamlError, load

VOCABULARY: dict[str, frozenset[Any]] = {
    "event": EVENT_TYPES, "channel": CHANNELS, "direction": DIRECTIONS, "party": PARTIES,
    "outcome": OUTCOMES, "destination_type": DESTINATION_TYPES, "purpose": PURPOSES,
    "message": MESSAGE_KINDS, "disclosed_debt": frozenset({True, False}),
    "opt_out_notice": frozenset({True, False}),
}
MAX_DEPTH = 16



@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PolicyError(Exception):
    """A policy that cannot be used; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- built-in packs ---------------------------------------------------------------


def builtin_dir() -> Path:
    """Packs shipped in the wheel (``fairdebt/_rules``), or ``rules/`` in a source tree."""
    packaged = Path(str(resources.files("fairdebt"))) / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


@lru_cache(maxsize=1)
def builtin_packs() -> dict[str, Path]:
    """Pack id → file, for every YAML file under the built-in directory."""
    packs: dict[str, Path] = {}
    root = builtin_dir()
    for path in sorted(root.rglob("*.yaml")):
        try:
            data = load(path.read_text(encoding="utf-8"), str(path), trusted=True).data
        except (OSError, YamlError):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            packs[data["id"]] = path
    return packs


# --- loading ------------------------------------------------------------------------


def load_policy(name_or_path: str | Path, *more: str | Path, run_tests: bool = True) -> Policy:
    """Load a built-in pack by id or a policy file; several are layered in order.

    Content rules' own examples (``tests:``) are run unless ``run_tests`` is false
    (`fairdebt test-policy` runs them itself, to report each one)."""
    names = [name_or_path, *more]
    problems: list[Problem] = []
    rules: dict[str, dict[str, Any]] = {}
    metas: list[dict[str, Any]] = []
    # a file merged once is not merged again by a later layer; its pack data is kept
    seen: dict[Path, dict[str, Any]] = {}
    for name in names:
        path = _resolve(str(name), None, problems)
        if path is None:
            continue
        roots = (builtin_dir().resolve(), path.parent.resolve())
        meta = _collect(path, rules, problems, roots, (), seen)
        if meta is not None:
            metas.append(meta)
    if not problems and not metas:
        problems.append(Problem("<policy>", 0, "no policy given"))
    policy = _build(metas, list(seen.values()), rules, problems, run_tests)
    if problems or policy is None:
        raise PolicyError(problems)
    return policy


def _resolve(name: str, base: Path | None, problems: list[Problem],
             where: tuple[str, int] = ("<command line>", 0)) -> Path | None:
    packs = builtin_packs()
    if name in packs:
        return packs[name]
    candidate = Path(name) if base is None else (base / name)
    if candidate.is_file():
        return candidate
    known = ", ".join(sorted(packs)) or "(none installed)"
    problems.append(Problem(where[0], where[1],
                            f"no built-in policy or file named {name!r} (built-in: {known})"))
    return None


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    resolved = path.resolve()
    return any(resolved == r or r in resolved.parents for r in roots)


def _collect(path: Path, rules: dict[str, dict[str, Any]], problems: list[Problem],
             roots: tuple[Path, ...], chain: tuple[Path, ...],
             seen: dict[Path, dict[str, Any]]) -> dict[str, Any] | None:
    """Read ``path`` and its parents depth-first, merging rules into ``rules`` by id."""
    file = str(path)
    if path.resolve() in chain:
        problems.append(Problem(file, 1, "extends itself (a cycle: "
                                + " → ".join(p.name for p in (*chain, path)) + ")"))
        return None
    if len(chain) > MAX_DEPTH:
        problems.append(Problem(file, 1, f"extends nests deeper than {MAX_DEPTH} levels"))
        return None
    if path.resolve() in seen:
        return None
    seen[path.resolve()] = {}
    try:
        located = load(path.read_text(encoding="utf-8"), file,
                       trusted=_inside(path, (builtin_dir(),)))
    except YamlError as exc:
        problems.append(Problem(exc.file, exc.line, exc.message))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(file, 1, f"cannot read: {exc}"))
        return None
    broken: set[int] = set()  # rules with schema errors: reported, not built
    before = len(problems)
    _validate(located, _policy_schema(), (), problems, broken=broken)
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or (
            len(problems) > before and not broken):
        if len(problems) == before:
            problems.append(Problem(file, 1, "a policy is a mapping with 'id' and 'rules'"))
        return None
    parents = data.get("extends") or []
    # anything but a name or a list of names is a schema error, already reported
    for i, parent in enumerate([parents] if isinstance(parents, str) else
                               parents if isinstance(parents, list) else []):
        if not isinstance(parent, str):
            continue
        where = (file, located.line_of(("extends", i) if not isinstance(parents, str)
                                       else ("extends",)))
        target = _resolve(parent, path.parent, problems, where)
        if target is None:
            continue
        if parent not in builtin_packs() and not _inside(target, roots):
            problems.append(Problem(*where, f"extends {parent!r} points outside the allowed "
                                    "directories (built-in packs and this policy's tree)"))
            continue
        _collect(target, rules, problems, roots, (*chain, path.resolve()), seen)
    first_seen: dict[str, int] = {}
    rules_data = data.get("rules") or []
    # "rules: abc" or a rule that is not a mapping is a schema error already reported;
    # walking it would index the characters of a string as rules
    for index, raw in enumerate(rules_data if isinstance(rules_data, list) else []):
        if not isinstance(raw, dict):
            continue
        rid = raw.get("id")
        if isinstance(rid, str):
            line = located.line_of(("rules", index))
            if rid in first_seen:
                problems.append(Problem(file, line, f"rule '{rid}' is defined twice in this "
                                        f"file (first at line {first_seen[rid]})"))
                continue
            first_seen[rid] = line
        if index not in broken or _buildable(raw):
            _merge_rule(raw, located, index, data["id"], rules, problems)
            if rid in rules and "_regions" not in rules[rid]:
                regions = data.get("regions") or ()
                rules[rid]["_regions"] = tuple(
                    str(r).upper() for r in (regions if isinstance(regions, list) else ()))
    _check_pack(data, located, problems)
    # lexicon overlays apply parents first: number files in the order they complete
    data["_seq"] = sum(1 for d in seen.values() if d)
    data["_located"] = located
    seen[path.resolve()] = data
    data["_file"] = file
    return data


def _check_pack(data: dict[str, Any], located: Located, problems: list[Problem]) -> None:
    """Pack-level routing: region codes and the default zone must be real."""
    regions = data.get("regions") or []
    # not a list: a schema error, already reported
    for i, region in enumerate(regions if isinstance(regions, list) else []):
        if not REGION.match(str(region).upper()):
            problems.append(Problem(located.file, located.line_of(("regions", i)),
                                    f"regions: {region!r} is not a region code (a country "
                                    "such as CN, or a subdivision such as US-MA or CA-ON)"))
    zone = data.get("default_timezone")
    if isinstance(zone, str):
        try:
            get_zone(zone, field="default_timezone")
        except ValueError as exc:
            problems.append(Problem(located.file, located.line_of(("default_timezone",)),
                                    str(exc)))


def _buildable(raw: Any) -> bool:
    """A rule with schema errors whose shape still allows checking its params and filters."""
    return (isinstance(raw, dict) and isinstance(raw.get("id"), str)
            and isinstance(raw.get("when", {}), dict) and isinstance(raw.get("params", {}), dict)
            and isinstance(raw.get("check", ""), str))


def _merge_rule(raw: dict[str, Any], located: Located, index: int, policy_id: str,
                rules: dict[str, dict[str, Any]], problems: list[Problem]) -> None:
    rid = raw["id"]
    line = located.line_of(("rules", index))
    if rid in rules:
        merged = dict(rules[rid])
        for key, value in raw.items():
            if key == "params" and isinstance(merged.get("params"), dict):
                merged["params"] = {**merged["params"], **value}
            else:
                merged[key] = value
        # errors in the effective rule are reported where it was last written
        merged.update(_where=(located.file, line), _located=located, _index=index)
        if "tests" in raw:
            merged["_tests_at"] = (located, index)
        rules[rid] = merged
        return
    if raw.get("disabled") is not True and "check" not in raw:
        problems.append(Problem(located.file, line,
                                f"rule '{rid}': 'check' is required for a new rule "
                                f"(known kinds: {', '.join(sorted(CHECKS))})"))
        return
    rules[rid] = {**raw, "_policy": policy_id, "_where": (located.file, line),
                  "_located": located, "_index": index, "_tests_at": (located, index)}


def _build(metas: list[dict[str, Any]], packs: list[dict[str, Any]],
           rules: dict[str, dict[str, Any]],
           problems: list[Problem], run_tests: bool = True) -> Policy | None:
    built: list[Rule] = []
    lexicons = _lexicons(packs, problems)
    for rid, raw in rules.items():
        if raw.get("disabled") is True:
            continue
        rule = _make_rule(rid, raw, problems, lexicons, run_tests)
        if rule is not None:
            built.append(rule)
    if problems or not metas:
        return None
    top = metas[-1]
    ids = [m["id"] for m in metas]
    region_zones = tuple(sorted(
        {(r.upper(), m["default_timezone"]) for m in packs if m.get("default_timezone")
         for r in m.get("regions") or ()}, key=lambda p: (-len(p[0]), p[0])))
    # consumers with no region get every pack with country-wide (or no) regions; they
    # get a default zone only if all such packs that own rules declare the same one
    owners = {raw["_policy"] for raw in rules.values() if raw.get("disabled") is not True}
    # (a pack without regions, such as a house policy, routes nobody: it has no say)
    countrywide = {m.get("default_timezone") for m in packs if m and m["id"] in owners
                   and m.get("regions")
                   and all("-" not in str(r) for r in m.get("regions") or ())}
    return Policy(
        id="+".join(ids),
        title=top.get("title", top["id"]),
        jurisdiction=top.get("jurisdiction", ""),
        version=str(top.get("version", "")),
        sources=tuple({"title": s} if isinstance(s, str) else dict(s)
                      for m in metas for s in m.get("sources", [])),
        rules=tuple(built),
        packs=tuple(ids),
        region_zones=region_zones,
        fallback_zone=tuple(z for z in countrywide if z) if len(countrywide) == 1 else (),
        pack_info=tuple(_info(m) for m in packs if m),
    )


def _info(data: dict[str, Any]) -> PackInfo:
    return PackInfo(
        id=data["id"], title=data.get("title", data["id"]),
        jurisdiction=data.get("jurisdiction", ""), version=str(data.get("version", "")),
        regions=tuple(str(r).upper() for r in data.get("regions") or ()),
        default_timezone=data.get("default_timezone"),
        sources=tuple({"title": s} if isinstance(s, str) else dict(s)
                      for s in data.get("sources", [])),
        file=data.get("_file", ""))


def _lexicons(packs: list[dict[str, Any]], problems: list[Problem]) -> Lexicons:
    """The built-in lexicons with every loaded file's ``lexicons:`` overlay applied, parents
    first (see `fairdebt.content.lexicons`)."""
    base, builtin_issues = _builtin_lexicons()
    table = dict(base)
    issues = list(builtin_issues)
    for data in sorted((d for d in packs if d), key=lambda d: d.get("_seq", 0)):
        apply_overlay(table, data["_located"], issues)
    problems.extend(Problem(*issue) for issue in issues)
    return freeze_table(table)


@lru_cache(maxsize=1)
def _builtin_lexicons() -> tuple[dict[str, tuple[str, ...]], tuple[tuple[str, int, str], ...]]:
    table, issues = load_directory(builtin_dir() / "lexicons")
    return table, tuple(issues)


def _rule_tests(rid: str, raw: dict[str, Any], check: Check,
                problems: list[Problem]) -> None:
    """Run a rule's own examples; each one that misbehaves is a problem at its line."""
    located, index = raw.get("_tests_at") or (raw["_located"], raw["_index"])
    if not isinstance(check, ContentCheck):
        problems.append(Problem(located.file, located.line_of(("rules", index, "tests")),
                                f"rule '{rid}' tests: only content check kinds run examples "
                                f"('{check.KIND}' does not)"))
        return
    for outcome in run_tests_of(check, raw["tests"]):
        if not outcome.ok:
            where = located.line_of(("rules", index, "tests", outcome.kind, outcome.index))
            problems.append(Problem(located.file, where,
                                    f"rule '{rid}' tests.{outcome.kind}[{outcome.index}]: "
                                    f"{outcome.reason}: \"{outcome.text}\""))


def _make_rule(rid: str, raw: dict[str, Any], problems: list[Problem],
               lexicons: Lexicons | None = None, run_tests: bool = True) -> Rule | None:
    file, line = raw["_where"]
    located: Located = raw["_located"]
    index: int = raw["_index"]
    kind = CHECKS.get(raw.get("check", ""))
    if kind is None:
        problems.append(Problem(file, line, f"rule '{rid}': unknown check {raw.get('check')!r} "
                                f"(known: {', '.join(sorted(CHECKS))})"))
        return None
    params = dict(raw.get("params") or {})
    before = len(problems)
    _validate(located, kind.PARAMS, ("rules", index, "params"), problems, params,
              label=f"rule '{rid}' params")
    when_data = raw.get("when") or {}
    _check_vocabulary(when_data, located, ("rules", index, "when"), rid, problems)
    if "trigger" in params:
        _validate(located, _when_schema(), ("rules", index, "params",
                  "trigger"), problems, params["trigger"], label=f"rule '{rid}' trigger")
        _check_vocabulary(params["trigger"], located, ("rules", index, "params", "trigger"),
                          rid, problems, "params.trigger")
    if len(problems) > before:
        return None
    _fill_defaults(kind.PARAMS, params)
    rule = Rule(
        id=rid, check=kind.KIND, params=freeze(params), when=When.from_mapping(when_data),
        severity=raw.get("severity", "error"), message=raw.get("message"),
        citation=raw.get("citation", ""), description=raw.get("description", ""),
        title=raw.get("title", ""), verified=raw.get("verified", True),
        policy=raw["_policy"], file=file, line=line, regions=raw.get("_regions", ()),
        effective_from=_date(raw, "effective_from", located, index, problems),
        effective_to=_date(raw, "effective_to", located, index, problems),
        tests=freeze(raw["tests"]) if raw.get("tests") else None,
        lexicons=lexicons if lexicons is not None else freeze_table({}),
    )
    if rule.effective_from and rule.effective_to and rule.effective_to < rule.effective_from:
        problems.append(Problem(file, line, f"rule '{rid}': effective_to is before "
                                "effective_from"))
        return None
    try:
        check = kind(rule)  # params that need parsing (day names, clock times) fail here
    except (ValueError, KeyError, TypeError) as exc:
        problems.append(Problem(file, located.line_of(("rules", index, "params")),
                                f"rule '{rid}' params: {exc}"))
        return None
    # tests that are not a mapping are a schema error, already reported: not run
    if raw.get("tests") and isinstance(raw["tests"], Mapping) and run_tests:
        before = len(problems)
        _rule_tests(rid, raw, check, problems)
        if len(problems) > before:
            return None
    return rule


def _date(raw: dict[str, Any], key: str, located: Located, index: int,
          problems: list[Problem]) -> date | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(located.file, located.line_of(("rules", index, key)),
                                f"rule '{raw['id']}' {key}: {value!r} is not a date "
                                "(YYYY-MM-DD)"))
        return None


def _check_vocabulary(when: Mapping[str, Any], located: Located, path: tuple[Any, ...],
                      rid: str, problems: list[Problem], label: str = "when") -> None:
    for name, value in when.items():
        if name == "not":
            if isinstance(value, Mapping):
                _check_vocabulary(value, located, (*path, "not"), rid, problems,
                                  f"{label}.not")
            continue
        if name == "region":
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, str) or not REGION.match(item.upper()):
                    problems.append(Problem(
                        located.file, located.line_of((*path, name)),
                        f"rule '{rid}' {label}.region: {item!r} is not an ISO 3166 code "
                        "such as US, US-MA or CA-ON"))
            continue
        allowed = VOCABULARY.get(name)
        if allowed is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            # a list or mapping where a value belongs is unknown too (and unhashable)
            if isinstance(item, (list, dict)) or normalize_when_value(name, item) not in allowed:
                problems.append(Problem(
                    located.file, located.line_of((*path, name)),
                    f"rule '{rid}' {label}.{name}: unknown value {item!r} (expected one of: "
                    f"{', '.join(sorted(str(a).lower() for a in allowed))})"))


def _validate(located: Located, schema: Mapping[str, Any], base: tuple[Any, ...],
              problems: list[Problem], instance: Any = None, label: str = "",
              broken: set[int] | None = None) -> None:
    data = located.data if instance is None else instance
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        path = (*base, *error.absolute_path)
        if broken is not None:
            if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
                broken.add(path[1])
            else:
                broken.add(-1)  # a policy-level error: keep checking rules, build nothing
        field = ".".join(str(p) for p in path[len(base):]) or label or "(top level)"
        prefix = f"{label}: " if label and field != label else ""
        problems.append(Problem(located.file, located.line_of(path),
                                f"{prefix}{field}: {_explain(error)}"))


def _explain(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = sorted(schema.get("properties", {}))
        return f"{error.message} (allowed: {', '.join(allowed)})"
    if error.validator == "not" and error.validator_value == {"required": ["days", "minutes"]}:
        return "give either 'days' or 'minutes', not both"
    return str(error.message)


def _fill_defaults(schema: Mapping[str, Any], params: dict[str, Any]) -> None:
    for name, sub in schema.get("properties", {}).items():
        if name not in params and "default" in sub:
            params[name] = sub["default"]


@lru_cache(maxsize=1)
def _policy_schema() -> dict[str, Any]:
    text = resources.files("fairdebt.policy").joinpath("policy-schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _when_schema() -> dict[str, Any]:
    return {"$defs": _policy_schema()["$defs"], "$ref": "#/$defs/when"}
