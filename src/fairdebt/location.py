"""Where is the consumer? Candidate time zones from every source the data offers.

Regulation F (comment 6(b)(1)(i)-2) asks the collector to treat as inconvenient a
time that is inconvenient in any location it has reason to know of, so the
candidate zones are the union over the sources: an explicit zone, the region
(a state spanning several zones gives all of them), the postal code, and each
known phone number's geography. Data comes from well-kept packages, never a
hand-typed table: `zipcodes` (US ZIP codes with their IANA zones) and
`phonenumbers` (Google's libphonenumber metadata). A mobile number may have been
ported from another area, so its zone is a reason to know, not proof.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import phonenumbers
import zipcodes
from phonenumbers import timezone as phone_zones

from .tz import ZoneError, get_zone


def _valid(zone: str) -> bool:
    try:
        get_zone(zone)
    except ZoneError:
        return False  # the packages' data has the odd non-IANA name: never trust it blindly
    return True


@lru_cache(maxsize=1)
def _us_state_zones() -> dict[str, tuple[str, ...]]:
    zones: dict[str, set[str]] = defaultdict(set)
    for record in zipcodes.list_all():  # type: ignore[no-untyped-call]
        if record.get("timezone") and _valid(record["timezone"]):
            zones[f"US-{record['state']}"].add(record["timezone"])
    return {state: tuple(sorted(z)) for state, z in zones.items()}


def region_zones(region: str | None) -> tuple[str, ...]:
    """Every zone used in a US state (``US-FL``: Eastern and Central); () when unknown."""
    if not region:
        return ()
    parts = region.upper().split("-")
    return _us_state_zones().get("-".join(parts[:2]), ()) if len(parts) >= 2 else ()


@lru_cache(maxsize=65536)
def postal_zones(postal_code: str, country: str = "US") -> tuple[str, ...]:
    """The zone of a US ZIP code (five digits, ZIP+4 accepted); () when unknown."""
    if country.upper() != "US":
        return ()
    code = postal_code.strip()[:5]
    if len(code) != 5 or not code.isdigit():
        return ()
    try:
        found = zipcodes.matching(code)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError):
        return ()
    return tuple(sorted({r["timezone"] for r in found
                         if r.get("timezone") and _valid(r["timezone"])}))


@lru_cache(maxsize=65536)
def phone_number_zones(number: str, country: str = "US") -> tuple[str, ...]:
    """The zones libphonenumber gives a number's area; () for unknown or too-broad ones."""
    parsed = parse_phone(number, country)
    if parsed is None:
        return ()
    zones = [z for z in phone_zones.time_zones_for_number(parsed) if _valid(z)]
    # a number with no geography (toll-free, a whole-country mobile range) says nothing
    return () if len(zones) > 4 else tuple(sorted(zones))


def parse_phone(number: str, country: str = "US") -> phonenumbers.PhoneNumber | None:
    try:
        parsed = phonenumbers.parse(number, country.upper())
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


@lru_cache(maxsize=262144)
def e164(number: str, country: str = "US") -> str | None:
    """A number in E.164 (``+12125550142``) so that exports that write it differently
    still join; None when it is not a phone number."""
    parsed = parse_phone(number, country)
    if parsed is None:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
