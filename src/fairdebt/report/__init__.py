"""Output formats: one module each behind one small interface, ``render(report, options)``."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Report
from . import json_format, text_format
from .options import RenderOptions

Renderer = Callable[[Report, RenderOptions], str]

FORMATS: dict[str, Renderer] = {
    "text": text_format.render,
    "json": json_format.render,
}

__all__ = ["FORMATS", "RenderOptions", "Renderer"]
