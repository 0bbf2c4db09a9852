"""Public holidays, from the ``holidays`` library (never a hand-typed list).

A calendar is named by a region code: a country (``AU``: national holidays only)
or a country and subdivision (``CA-ON``). Observed days (a holiday on a Sunday
observed on Monday) count as holidays.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays


class CalendarError(ValueError):
    """A calendar code the holidays library does not know."""


@lru_cache(maxsize=256)
def calendar(code: str) -> holidays.HolidayBase:
    import holidays  # when a rule first asks (~50 ms: most runs never do)

    country, _, subdivision = code.upper().partition("-")
    subdivision = subdivision.split("-")[0]  # US-NY-NYC: New York State's holidays
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise CalendarError(f"no holiday calendar for country {country!r} (codes are ISO "
                            "3166, e.g. CA, AU, IE)")
    if subdivision and subdivision not in supported[country]:
        raise CalendarError(f"no holiday calendar for {country}-{subdivision} (known "
                            f"subdivisions of {country}: {', '.join(supported[country])})")
    return holidays.country_holidays(country, subdiv=subdivision or None)


@lru_cache(maxsize=65536)
def is_holiday(code: str, ordinal: int) -> bool:
    """Whether local day ``ordinal`` is a public holiday in calendar ``code``."""
    return date.fromordinal(ordinal) in calendar(code)


def region_calendar(region: str | None) -> str | None:
    """The calendar for a consumer's region, or None when the library has none."""
    if not region:
        return None
    try:
        calendar(region)
        return region
    except CalendarError:
        country = region.split("-")[0]
        try:
            calendar(country)
            return country
        except CalendarError:
            return None
