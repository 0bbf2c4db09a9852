"""Output formats: one module each behind one small interface, ``render(report, options)``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..model import Report
from . import (
    csv_format,
    github_format,
    gitlab_format,
    html_format,
    json_format,
    jsonl_format,
    junit_format,
    sarif_format,
    text_format,
)
from .options import RenderOptions
from .pii import mask_report

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
    "html": html_format.render,
}

#: formats written in pieces as they are rendered (a report of millions of findings is
#: then never one string in memory): all of them; `render_chunks` would write another
#: format as one string
CHUNKED: dict[str, Callable[[Report, RenderOptions], Iterator[str]]] = {
    "text": text_format.chunks,
    "json": json_format.chunks,
    "jsonl": jsonl_format.chunks,
    "csv": csv_format.chunks,
    "sarif": sarif_format.chunks,
    "gitlab": gitlab_format.chunks,
    "github": github_format.chunks,
    "junit": junit_format.chunks,
    "html": html_format.chunks,
}

#: formats whose output usually lands where many people can read it (CI logs, code
#: scanning, dashboards): phone numbers and emails are masked there unless --show-pii
MASKED_BY_DEFAULT = frozenset({"sarif", "github", "gitlab", "junit", "html"})


def masks(fmt: str, options: RenderOptions) -> bool:
    """Whether ``fmt`` output hides personal data; ``show_pii`` wins over ``redact``."""
    return not options.show_pii and (options.redact or fmt in MASKED_BY_DEFAULT)


def render(fmt: str, report: Report, options: RenderOptions) -> str:
    """``report`` in format ``fmt``, with personal data masked as `masks` decides."""
    return FORMATS[fmt](_shown(fmt, report, options), options)


def render_chunks(fmt: str, report: Report, options: RenderOptions) -> Iterator[str]:
    """`render`'s text in pieces that join to it."""
    shown = _shown(fmt, report, options)
    if fmt in CHUNKED:
        yield from CHUNKED[fmt](shown, options)
    else:
        yield FORMATS[fmt](shown, options)


def _shown(fmt: str, report: Report, options: RenderOptions) -> Report:
    return mask_report(report) if masks(fmt, options) else report


__all__ = ["CHUNKED", "FORMATS", "MASKED_BY_DEFAULT", "RenderOptions", "Renderer", "masks",
           "render", "render_chunks"]
