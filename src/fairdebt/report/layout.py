"""Reports written in pieces: lines in batches (`lines`), and JSON laid out as
``json.dumps(value, indent=2, ensure_ascii=False)`` lays it out — lists of objects a
batch at a time (`array`), objects of one shape from a template (`Template`: SARIF
results, GitLab issues), where the standard library's encoder is pure Python once
``indent`` is set (~50 µs an object, most of a large report's time).

A template is the shape's layout with a slot for each value, cut at the slots; filling
it joins the text between the slots with the values already encoded (`text`, `null`,
or any JSON the caller lays out). Each format's tests compare its output with
``json.dumps`` byte for byte.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

_SLOT = re.compile(r'"\\u0001(\w+)\\u0001"')  # a slot as json.dumps writes it


def slot(name: str) -> str:
    """The placeholder for value ``name`` in a shape given to `Template`."""
    return f"\x01{name}\x01"


class Template:
    """``shape`` (a dict or list whose values may be `slot`s) laid out ``depth`` levels
    down in a document indented by 2."""

    def __init__(self, shape: Any, depth: int) -> None:
        text = json.dumps(shape, indent=2, ensure_ascii=False).replace(
            "\n", "\n" + "  " * depth)
        cut = _SLOT.split(text)
        self.texts: tuple[str, ...] = tuple(cut[0::2])
        self.names: tuple[str, ...] = tuple(cut[1::2])

    def fill(self, values: dict[str, str]) -> str:
        """The layout with each slot replaced by its (encoded) value."""
        out = [self.texts[0]]
        for name, text in zip(self.names, self.texts[1:], strict=True):
            out += (values[name], text)
        return "".join(out)


def text(value: str) -> str:
    """A JSON string."""
    return encode_basestring(value)


def text_or_null(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def text_list(values: tuple[str, ...] | list[str], depth: int) -> str:
    """A list of strings as ``indent=2`` writes it ``depth`` levels down."""
    if not values:
        return "[]"
    inner = "\n" + "  " * (depth + 1)
    return "[" + inner + ("," + inner).join(map(encode_basestring, values)) + "\n" + \
        "  " * depth + "]"


def value(item: Any, depth: int) -> str:
    """Any JSON value as ``indent=2`` writes it ``depth`` levels down: dicts with string
    keys, lists, strings, integers, booleans and None directly (a content finding's
    details: ~1 µs instead of the standard library's ~12), anything else by the
    standard library."""
    cls = item.__class__
    if cls is str:
        return encode_basestring(item)
    if item is None:
        return "null"
    if item is True:
        return "true"
    if item is False:
        return "false"
    if cls is int:
        return int.__repr__(item)
    if (cls is list or cls is tuple) and item:
        inner = "\n" + "  " * (depth + 1)
        return "[" + inner + ("," + inner).join([value(v, depth + 1) for v in item]) + \
            "\n" + "  " * depth + "]"
    if cls is dict and item and all(k.__class__ is str for k in item):
        inner = "\n" + "  " * (depth + 1)
        return "{" + inner + ("," + inner).join(
            [encode_basestring(k) + ": " + value(v, depth + 1) for k, v in item.items()]) + \
            "\n" + "  " * depth + "}"
    return json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)


def array(items: Sequence[Any], encode: Callable[[Any], str], depth: int,
          batch: int) -> Iterator[str]:
    """The list of ``encode(item)`` (each laid out ``depth + 1`` levels down) as
    ``indent=2`` writes it ``depth`` levels down, in pieces of ``batch`` items."""
    if not items:
        yield "[]"
        return
    inner = "\n" + "  " * (depth + 1)
    yield "[" + inner
    for start in range(0, len(items), batch):
        if start:
            yield "," + inner
        yield ("," + inner).join([encode(x) for x in items[start:start + batch]])
    yield "\n" + "  " * depth + "]"


def lines(text_lines: Iterable[str], batch: int) -> Iterator[str]:
    """The lines in pieces of up to ``batch`` lines, each piece ending with a line break."""
    it = iter(text_lines)
    while piece := list(itertools.islice(it, batch)):
        yield "\n".join(piece) + "\n"
