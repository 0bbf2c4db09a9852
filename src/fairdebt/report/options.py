"""What every output format may be told, besides the report itself."""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    quiet: bool = False
    version: str = __version__
