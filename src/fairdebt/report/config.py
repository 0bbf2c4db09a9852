"""``fairdebt.toml`` or ``[tool.fairdebt]`` in ``pyproject.toml``: defaults for ``check``.

Found by walking up from the working directory; the first directory with either
file wins (``fairdebt.toml`` first; a ``pyproject.toml`` whose parsed TOML has no
``tool.fairdebt`` table is passed over). Values become the defaults of the
``check`` options, so a flag on the command line always wins. Relative paths
(policy files, the baseline, ``format`` paths) are relative to the file's directory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .gate import SEVERITIES
from .outputs import OutputError, parse_output

NAMES = ("fairdebt.toml", "pyproject.toml")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    defaults: dict[str, Any]  # option name of ``check`` -> value, as click expects it


def find(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        own = directory / "fairdebt.toml"
        if own.is_file():
            return own
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    """Whether ``pyproject`` sets ``tool.fairdebt``, in any TOML spelling (a table
    header, dotted keys, an inline table, quoted keys). A file that does not mention
    fairdebt at all is passed over unparsed; one that does but cannot be read or
    parsed is an error: it might hold settings such as ``redact = true``, and skipping
    them would be a guess."""
    try:
        if b"fairdebt" not in pyproject.read_bytes():
            return False
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot read: {exc.strerror or exc}") from None
    tool = _parse(pyproject).get("tool")
    return isinstance(tool, dict) and "fairdebt" in tool


def load(path: Path) -> Config:
    doc = _parse(path)
    tool = doc.get("tool")
    table = (tool.get("fairdebt", {}) if isinstance(tool, dict) else {}) \
        if path.name == "pyproject.toml" else doc
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fairdebt] must be a table")
    pii = {k.replace("-", "_"): v for k, v in table.items()
           if k.replace("-", "_") in ("redact", "show_pii")}
    if pii.get("redact") is True and pii.get("show_pii") is True:
        # which one was meant is a guess either way; on the command line this is an error too
        raise ConfigError(f"{path}: redact and show-pii contradict each other; set one")
    base = path.parent
    defaults: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        convert = _KEYS.get(name)
        if convert is None:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: "
                              f"{', '.join(k.replace('_', '-') for k in sorted(_KEYS))})")
        try:
            defaults[_PARAM.get(name, name)] = convert(value, base)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: {key}: {exc}") from None
    return Config(path, defaults)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at "
                          f"offset {exc.start}); TOML files are UTF-8") from None


def _parse(path: Path) -> dict[str, Any]:
    text = _read_text(path)  # outside the try below: its ConfigError is a ValueError too
    toml = _toml_module()
    if toml is None:
        # refusing beats guessing: a skipped config could drop --redact and leak numbers
        raise ConfigError(f"{path}: reading TOML needs Python 3.11+ or the 'tomli' package "
                          "(pip install tomli); or pass --no-config")
    try:
        result: dict[str, Any] = toml.loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return result


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
        return tomllib
    try:  # Python 3.10: tomli if the user has it; not a dependency for one optional file
        import tomli  # type: ignore[import-not-found,unused-ignore]
        return tomli
    except ModuleNotFoundError:
        return None


# --- settings --------------------------------------------------------------------------

def _strings(value: Any, base: Path) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise TypeError("expected a string or a list of strings")
    return items


def _string(value: Any, base: Path) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _flag(value: Any, base: Path) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _policies(value: Any, base: Path) -> list[str]:
    # a pack id stays as it is; a policy file is found next to the configuration
    return [str(base / p) if p.endswith((".yaml", ".yml")) and not Path(p).is_absolute()
            else p for p in _strings(value, base)]


def _path(value: Any, base: Path) -> str:
    text = _string(value, base)
    return text if Path(text).is_absolute() else str(base / text)


def _formats(value: Any, base: Path) -> list[str]:
    out = []
    for text in _strings(value, base):
        try:
            spec = parse_output(text)
        except OutputError as exc:
            raise ValueError(str(exc)) from None
        out.append(text if spec.to_stdout else f"{spec.format}:{_path(spec.path, base)}")
    return out


def _jobs(value: Any, base: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("expected a whole number of processes (0: one per CPU)")
    return value


def _fail_on(value: Any, base: Path) -> str:
    if value not in SEVERITIES:
        raise ValueError(f"expected one of {', '.join(SEVERITIES)}, got {value!r}")
    return str(value)


_KEYS: dict[str, Callable[[Any, Path], Any]] = {
    "policies": _policies, "policy": _policies, "select": _strings, "ignore": _strings,
    "format": _formats, "formats": _formats, "baseline": _path,
    "input_timezone": _string, "default_timezone": _string,
    "redact": _flag, "show_pii": _flag, "strict": _flag, "fail_on": _fail_on,
    "jobs": _jobs, "consumers": _path, "facts": _path,
}
#: setting names that differ from the ``check`` parameter they set
_PARAM = {"policy": "policies", "format": "formats", "facts": "facts_file"}
