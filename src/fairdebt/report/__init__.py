"""Output formats: one module each behind one small interface, ``render(report, options)``."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Report
from . import (
    csv_format,
    github_format,
    gitlab_format,
    json_format,
    jsonl_format,
    junit_format,
    sarif_format,
    text_format,
)
from .options import RenderOptions

Renderer = Callable[[Report, RenderOptions], str]

FORMATS: dict[str, Renderer] = {
    "text": text_format.render,
    "json": json_format.render,
    "jsonl": jsonl_format.render,
    "sarif": sarif_format.render,
    "junit": junit_format.render,
    "github": github_format.render,
    "gitlab": gitlab_format.render,
    "csv": csv_format.render,
}


def render(fmt: str, report: Report, options: RenderOptions) -> str:
    return FORMATS[fmt](report, options)


__all__ = ["FORMATS", "RenderOptions", "Renderer", "render"]
