"""YAML → plain data plus the line of every value, loaded safely.

Only the safe loader's node types are built (no tags that construct objects),
aliases are expanded under a size cap (no "billion laughs"), and each value's
JSON path maps to its 1-based line so schema errors can point at the file.
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]
MAX_NODES = 100_000


class YamlError(Exception):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


class Located:
    """Data loaded from one YAML file, with a line for every path inside it."""

    def __init__(self, file: str, data: Any, lines: dict[Path_, int]) -> None:
        self.file, self.data, self.lines = file, data, lines

    def line_of(self, path: Path_) -> int:
        """The line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def load(text: str, file: str) -> Located:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(file, None, {(): 1})
        lines: dict[Path_, int] = {}
        budget = [MAX_NODES]
        data = _build(loader, node, (), lines, file, budget)
        return Located(file, data, lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(file, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(file, 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, lines: dict[Path_, int],
           file: str, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(file, node.start_mark.line + 1,
                        f"document too large once aliases are expanded (>{MAX_NODES} nodes)")
    if len(path) > 64:
        raise YamlError(file, node.start_mark.line + 1, "nesting deeper than 64 levels")
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError(file, key_node.start_mark.line + 1,
                                f"mapping key must be text, got {type(key).__name__}")
            skey = str(key)
            if skey in out:
                raise YamlError(file, key_node.start_mark.line + 1, f"duplicate key '{skey}'")
            out[skey] = _build(loader, value_node, (*path, skey), lines, file, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, child, (*path, i), lines, file, budget)
                for i, child in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:int" and ":" in node.value:
        return node.value  # YAML 1.1 reads 21:00 as the number 1260; a clock time is meant
    if node.tag == "tag:yaml.org,2002:timestamp":
        # dates stay text (the loader checks them): YAML's resolver would build a date,
        # or fail outright on one that does not exist, such as 2026-02-30
        return node.value
    value = loader.construct_object(node, deep=True)
    # anything else that is not plain data stays text: the schema decides types
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        return node.value
    return value
