"""Import mappings: YAML files saying how one export format becomes the canonical log.

A mapping names the input layout (CSV with or without a header, or JSON), renames
columns, and gives one rule list per canonical field (a column, a constant, a value
map, conditions on other columns). Presets are mapping files shipped in the package
(``io/presets/*.yaml``); a user's file may ``extends:`` one and override parts of it.
Every error is reported as ``file:line: message`` and all of them at once.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from ..content.terms import compile_re2
from ..model import (
    CHANNELS,
    DESTINATION_TYPES,
    DIRECTIONS,
    EVENT_TYPES,
    MESSAGE_KINDS,
    OUTCOMES,
    PARTIES,
    PURPOSES,
)
from ..policy.yamlsrc import Located, YamlError, load
from ..tz import ZoneError, get_zone

#: canonical fields whose values come from a fixed vocabulary: constants and value maps
#: in a mapping are checked against it when the mapping loads, not row by row
VOCABULARY: dict[str, frozenset[str]] = {
    "event": EVENT_TYPES, "channel": CHANNELS, "direction": DIRECTIONS, "party": PARTIES,
    "outcome": OUTCOMES, "destination_type": DESTINATION_TYPES, "purpose": PURPOSES,
    "message": MESSAGE_KINDS, "disclosed_debt": frozenset({"true", "false"}),
    "opt_out_notice": frozenset({"true", "false"}),
}
TIME_KEYWORDS = ("iso", "rfc2822", "epoch", "epoch_ms")
DEFAULT_WINDOW = 10_000
MAX_EXTENDS = 8
#: Asterisk writes ``uniqueid`` as ``[systemname-]epoch.sequence``
DEFAULT_EPOCH_PATTERN = r"(\d{9,11})(?:\.\d+)?$"


class MappingError(Exception):
    """A mapping that cannot be used; ``problems`` lists every ``file:line: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class Condition:
    column: str
    kind: str  # "in", "present", "absent", "prefix", "matches"
    values: tuple[str, ...] = ()
    pattern: Any = None  # an RE2 pattern (see _regex)


@dataclass(frozen=True, slots=True)
class Rule:
    when: tuple[Condition, ...] = ()
    columns: tuple[str, ...] = ()
    value: str | None = None
    #: casefolded source value → canonical value
    map: MappingABC[str, str] | None = None
    reject: MappingABC[str, str] = field(default_factory=dict)
    default: str | None = None
    #: the map's source values as written, to list them when a value is unknown
    known: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimeSpec:
    columns: tuple[str, ...]
    formats: tuple[str, ...]
    epoch_column: str | None = None
    epoch_pattern: Any = None  # an RE2 pattern (see _regex)


@dataclass(frozen=True, slots=True)
class Collapse:
    key: tuple[str, ...]
    identity: str | None = None
    latest: str | None = None
    window: int = DEFAULT_WINDOW


@dataclass(frozen=True, slots=True)
class ImportMapping:
    """A loaded, checked mapping (preset or file)."""

    name: str
    title: str
    source: str
    format: str = "csv"
    delimiter: str = ","
    header: bool = True
    #: headerless input: number of fields → column names
    layouts: MappingABC[int, tuple[str, ...]] = field(default_factory=dict)
    encoding: str = "utf-8"
    timezone: str | None = None
    rename: MappingABC[str, str] = field(default_factory=dict)
    timestamp: TimeSpec = TimeSpec(("timestamp",), ("iso",))
    fields: MappingABC[str, tuple[Rule, ...]] = field(default_factory=dict)
    collapse: Collapse | None = None

    def columns_for(self, name: str) -> tuple[str, ...]:
        """Every source column a canonical field may be read from (for header checks)."""
        if name == "timestamp":
            return self.timestamp.columns
        return tuple(c for rule in self.fields.get(name, ()) for c in rule.columns)

    def used_columns(self) -> frozenset[str]:
        """Every source column (after renaming; top level of a dotted path) the mapping
        reads: a value, a condition, a timestamp, a collapse key."""
        names = [*self.timestamp.columns]
        if self.timestamp.epoch_column:
            names.append(self.timestamp.epoch_column)
        for rules in self.fields.values():
            for rule in rules:
                names += rule.columns
                names += [c.column for c in rule.when]
        if self.collapse is not None:
            names += [*self.collapse.key, self.collapse.identity or "", self.collapse.latest or ""]
        return frozenset(n.split(".")[0] for n in names if n)

    def has_constant(self, name: str) -> bool:
        return any(rule.value is not None and not rule.when for rule in self.fields.get(name, ()))


# --- presets ------------------------------------------------------------------------


def presets_dir() -> Path:
    return Path(str(resources.files("fairdebt.io"))) / "presets"


@lru_cache(maxsize=1)
def preset_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in presets_dir().glob("*.yaml")))


def load_preset(name: str) -> ImportMapping:
    if name not in preset_names():
        raise MappingError([f"--from: no import preset {name!r} (presets: "
                            f"{', '.join(preset_names())}; list them with: fairdebt presets)"])
    return load_mapping(presets_dir() / f"{name}.yaml")


def load_mapping(path: str | Path, base: str | None = None) -> ImportMapping:
    """Load a mapping file; ``base`` (a preset name) is what it extends when it does not
    say (``--from PRESET --mapping FILE``)."""
    problems: list[str] = []
    # a file's ``extends:`` may name a preset or a file in the directory tree of the
    # mapping the user gave, nothing else: a mapping copied from a forum must not make
    # fairdebt read (and quote in its errors) files elsewhere on the machine
    data = _resolve(Path(path), problems, (), base, Path(path).resolve().parent)
    if problems or data is None:
        raise MappingError(problems or [f"{path}: empty mapping"])
    mapping = _compile(data, problems)
    if problems or mapping is None:
        raise MappingError(problems)
    return mapping


def _read(path: Path, problems: list[str]) -> Located | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read the mapping: {exc}")
        return None
    try:
        located = load(text, str(path))
    except YamlError as exc:
        problems.append(str(exc))
        return None
    if not isinstance(located.data, dict):
        problems.append(f"{path}:1: a mapping file is a YAML mapping with at least "
                        "'mapping: NAME' (see docs/importing.md)")
        return None
    validator = jsonschema.Draft202012Validator(_schema())
    for error in sorted(validator.iter_errors(located.data), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{path}:{located.line_of(tuple(error.absolute_path))}: {where}: "
                        f"{_explain(error)}")
    return located


def _explain(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties" and isinstance(error.schema, MappingABC):
        allowed = sorted(error.schema.get("properties", {}))
        if allowed:
            return f"{error.message} (allowed: {', '.join(allowed)})"
    if error.validator == "oneOf" and isinstance(error.instance, dict) \
            and "column" in error.instance and "value" in error.instance:
        return "give either 'column' or 'value', not both"
    return str(error.message)


@dataclass
class _Raw:
    """The merged YAML data of a mapping and its ancestors, each value with its file:line."""

    data: dict[str, Any]
    where: dict[tuple[str, ...], str]  # (section, key) → "file:line"


def _resolve(path: Path, problems: list[str], chain: tuple[Path, ...],
             base: str | None = None, root: Path | None = None) -> _Raw | None:
    if len(chain) > MAX_EXTENDS or path.resolve() in chain:
        problems.append(f"{path}:1: extends: a cycle or more than {MAX_EXTENDS} levels")
        return None
    located = _read(path, problems)
    if located is None or problems:
        return None
    data: dict[str, Any] = located.data
    parent_name = data.get("extends", base)
    parent: _Raw | None = None
    if parent_name:
        parent_path = (presets_dir() / f"{parent_name}.yaml"
                       if parent_name in preset_names() else path.parent / parent_name)
        if parent_name not in preset_names() and root is not None \
                and root not in parent_path.resolve().parents:
            problems.append(f"{path}:{located.line_of(('extends',))}: extends: "
                            f"{parent_name!r} is outside the mapping's own directory "
                            f"({root}); name a preset or a file under it")
            return None
        if not parent_path.is_file():
            problems.append(f"{path}:{located.line_of(('extends',))}: extends: no preset or "
                            f"file {parent_name!r} (presets: {', '.join(preset_names())})")
            return None
        parent = _resolve(parent_path, problems, (*chain, path.resolve()), root=root)
        if parent is None:
            return None
    merged: dict[str, Any] = dict(parent.data) if parent else {}
    where = dict(parent.where) if parent else {}
    for key, value in data.items():
        where[(key,)] = f"{path}:{located.line_of((key,))}"
        if key in ("input", "rename", "fields", "extra_values") and isinstance(value, dict):
            # sections merge key by key: a child overrides one field, not all of them
            merged[key] = {**merged.get(key, {}), **value}
            for sub in value:
                where[(key, sub)] = f"{path}:{located.line_of((key, sub))}"
        else:
            merged[key] = value
    return _Raw(merged, where)


def _compile(raw: _Raw, problems: list[str]) -> ImportMapping | None:
    data, where = raw.data, raw.where

    def at(*keys: str) -> str:
        for n in range(len(keys), 0, -1):
            if keys[:n] in where:
                return where[keys[:n]]
        return where.get(("mapping",), "<mapping>:1")

    source = at("mapping").rsplit(":", 1)[0]
    inp: dict[str, Any] = data.get("input", {})
    fmt = inp.get("format", "csv")
    header = inp.get("header", fmt == "json" or ("columns" not in inp and "layouts" not in inp))
    layouts: dict[int, tuple[str, ...]] = {}
    if "columns" in inp:
        layouts[len(inp["columns"])] = tuple(inp["columns"])
    for count, names in inp.get("layouts", {}).items():
        if len(names) != int(count):
            problems.append(f"{at('input', 'layouts')}: input.layouts.{count}: lists "
                            f"{len(names)} columns, not {count}")
        layouts[int(count)] = tuple(names)
    if fmt == "json" and (not header or layouts):
        problems.append(f"{at('input')}: input: JSON records name their fields; 'header', "
                        "'columns' and 'layouts' are for CSV")
    if fmt == "csv" and not header and not layouts:
        problems.append(f"{at('input')}: input: a CSV without a header needs 'columns' or "
                        "'layouts' (the column names by position)")
    if header and layouts and fmt == "csv":
        problems.append(f"{at('input')}: input: 'columns'/'layouts' name the columns of a "
                        "file without a header; set 'header: false'")
    encoding = inp.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(f"{at('input', 'encoding')}: input.encoding: unknown encoding "
                        f"{encoding!r} (e.g. utf-8, cp1252, gb18030)")
    zone = inp.get("timezone")
    if zone:
        try:
            get_zone(zone, field="input.timezone")
        except ZoneError as exc:
            problems.append(f"{at('input', 'timezone')}: {exc}")
    fields_raw: dict[str, Any] = data.get("fields", {})
    extra: dict[str, Any] = data.get("extra_values", {})
    for required in ("timestamp", "consumer_id"):
        if required not in fields_raw:
            problems.append(f"{at('fields')}: fields: '{required}' is required (the canonical "
                            "log needs it in every row)")
    timestamp = _timestamp(fields_raw.get("timestamp"), at("fields", "timestamp"), problems)
    fields: dict[str, tuple[Rule, ...]] = {}
    for name, spec in fields_raw.items():
        if name == "timestamp":
            continue
        rules = spec if isinstance(spec, list) else [spec]
        fields[name] = tuple(_rule(name, r, extra.get(name, {}), at("fields", name), problems)
                             for r in rules)
    for name in extra:
        if name not in fields or not any(r.map is not None for r in fields[name]):
            problems.append(f"{at('extra_values', name)}: extra_values.{name}: the field "
                            "has no value map to add to")
    collapse = None
    if "collapse" in data:
        c = data["collapse"]
        collapse = Collapse(_names(c["key"]), c.get("identity"), c.get("latest"),
                            c.get("window", DEFAULT_WINDOW))
    if problems:
        return None
    return ImportMapping(
        name=data["mapping"], title=data.get("title", ""), source=source, format=fmt,
        delimiter=inp.get("delimiter", ","), header=header, layouts=layouts,
        encoding=encoding, timezone=zone, rename=dict(data.get("rename", {})),
        timestamp=timestamp, fields=fields, collapse=collapse)


def _names(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _timestamp(spec: dict[str, Any] | None, where: str, problems: list[str]) -> TimeSpec:
    if spec is None:
        return TimeSpec(("timestamp",), ("iso",))
    formats = spec.get("format", "iso")
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    pattern = None
    epoch = spec.get("infer_offset")
    if epoch:
        try:
            pattern = _regex(epoch.get("pattern", DEFAULT_EPOCH_PATTERN))
            if pattern.groups != 1:
                raise ValueError("it needs exactly one group: the epoch seconds")
        except ValueError as exc:
            problems.append(f"{where}: timestamp.infer_offset.pattern: {exc}")
    return TimeSpec(_names(spec["column"]), formats,
                    epoch["epoch_column"] if epoch else None, pattern)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rule(name: str, spec: dict[str, Any], extra: dict[str, Any], where: str,
          problems: list[str]) -> Rule:
    allowed = VOCABULARY.get(name)

    def canonical(value: Any, what: str) -> str:
        if value is None:
            return ""  # null: the field is left empty (not recorded)
        text = _text(value).strip()
        if allowed is not None and text.lower() not in allowed:
            problems.append(f"{where}: fields.{name}: {what} {text!r} is not a canonical "
                            f"{name} (expected one of: {', '.join(sorted(allowed))})")
        return text.lower() if allowed is not None else text

    when = tuple(_condition(col, cond, where, problems)
                 for col, cond in spec.get("when", {}).items())
    value = canonical(spec["value"], "value") if "value" in spec else None
    mapped = None
    known: tuple[str, ...] = ()
    if "map" in spec:
        entries = {**spec["map"], **extra}
        mapped = {_text(k).strip().casefold(): canonical(v, f"map value for {k!r}")
                  for k, v in entries.items()}
        known = tuple(sorted(_text(k).strip() for k in entries))
    reject = {_text(k).strip().casefold(): v for k, v in spec.get("reject", {}).items()}
    default = canonical(spec["default"], "default") if "default" in spec else None
    return Rule(when, _names(spec["column"]) if "column" in spec else (), value, mapped,
                reject, default, known)


def _condition(column: str, cond: Any, where: str, problems: list[str]) -> Condition:
    if isinstance(cond, dict):
        if "present" in cond:
            return Condition(column, "present" if cond["present"] else "absent")
        if "matches" in cond:
            try:
                return Condition(column, "matches", pattern=_regex(cond["matches"]))
            except ValueError as exc:
                problems.append(f"{where}: when.{column}.matches: {exc}")
                return Condition(column, "absent")
        return Condition(column, "prefix", (str(cond["prefix"]).casefold(),))
    values = cond if isinstance(cond, list) else [cond]
    return Condition(column, "in", tuple(_text(v).strip().casefold() for v in values))


def _regex(pattern: str) -> Any:
    """A mapping's pattern, compiled with RE2 as policies' patterns are: matching is
    linear in the text, so a mapping copied from a forum cannot hang a run on a crafted
    cell (Python's ``re`` backtracks: ``(a+)+$`` against 40 a's and a b takes hours)."""
    return compile_re2(pattern)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = resources.files("fairdebt.io").joinpath("mapping-schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
