"""What every output format may be told, besides the report itself."""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__
from ..policy.model import Rule
from .contacts import ContactGrid


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    quiet: bool = False
    version: str = __version__
    #: the policy's rules, so formats can describe rules that found nothing (SARIF, JUnit)
    rules: tuple[Rule, ...] = ()
    #: findings hidden by a baseline, and its path: every format says so
    suppressed: int = 0
    baseline: str | None = None
    #: mask phone numbers and emails in every format (--redact), or in none (--show-pii)
    redact: bool = False
    show_pii: bool = False
    #: outbound contacts by local weekday and hour, for the html heat map (None: unknown)
    contacts: ContactGrid | None = None
    #: why ``contacts`` is None (the html page says so instead of the map)
    no_contacts: str = "the contacts were not counted"
    #: the inputs as findings name them (``<stdin>``, ``db:TABLE``), for the html page
    sources: tuple[str, ...] = ()
