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
#: nesting the parser will follow: PyYAML composes recursively, so a file of ten
#: thousand "[" would otherwise end in a RecursionError instead of a message
MAX_COMPOSE_DEPTH = 200
#: the tags a mapping or a list may carry (YAML's own; the default ones included)
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "omap", "set",
                                                           "pairs"))


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


class _Loader(yaml.SafeLoader):
    """The safe loader with a bound on nesting while composing."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_COMPOSE_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nesting deeper than {MAX_COMPOSE_DEPTH} levels",
                    self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load(text: str, file: str, *, trusted: bool = False) -> Located:
    """``trusted``: a file shipped with fairdebt, composed by libyaml when PyYAML has it
    (~4× faster: the bundled packs and lexicons are read on every run) instead of the
    pure-Python loader that bounds the nesting of files we did not write."""
    try:
        # the reader checks the whole text for characters YAML forbids (NUL, most C0
        # controls) as the loader is made: inside the try, so they become a YamlError
        loader: Any = yaml.CSafeLoader(text) if trusted and yaml.__with_libyaml__ \
            else _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlError(file, line, f"invalid YAML: character U+{exc.character:04X} is not "
                        "allowed in a YAML file") from None
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


def _construct(loader: yaml.SafeLoader, node: yaml.Node, file: str) -> Any:
    """A scalar as the safe loader builds it. Explicit tags can ask for impossible values
    (``!!int abc``, ``!!bool maybe``, a key such as ``2026-02-30:``), on which PyYAML's
    constructors raise plain ValueError or KeyError: those become a YamlError here."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        raise YamlError(file, node.start_mark.line + 1,
                        f"invalid YAML: {node.tag.rsplit(':', 1)[-1]} value "
                        f"{str(getattr(node, 'value', ''))[:40]!r} cannot be read ({exc})"
                        ) from None


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, lines: dict[Path_, int],
           file: str, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(file, node.start_mark.line + 1,
                        f"document too large once aliases are expanded (>{MAX_NODES} nodes)")
    if len(path) > 64:
        raise YamlError(file, node.start_mark.line + 1, "nesting deeper than 64 levels")
    lines[path] = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        # a collection built here is plain data whatever its tag says, but a tag asking
        # for an object (!!python/object/apply:os.system [...]) is refused, not ignored
        raise YamlError(file, node.start_mark.line + 1,
                        f"invalid YAML: the tag {node.tag!r} is not allowed (plain "
                        "mappings, lists and values only)")
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = (key_node.value if isinstance(key_node, yaml.ScalarNode)
                   and key_node.tag == "tag:yaml.org,2002:timestamp"
                   else _construct(loader, key_node, file))
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
    value = _construct(loader, node, file)
    # anything else that is not plain data stays text: the schema decides types
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        return node.value
    return value
