"""What each rule of a policy means for the columnar path.

Every check is given one role, decided from its kind and params alone:

- ``gated``: the check is called only once the consumer's account holds a fact that
  only an account event sets (`Check.requires`: a cease, an attorney, a stop, an
  opt-out, no-work, an inconvenient designation). A kept consumer has no contact this
  rule selects at or after the first such event (else it is sent), so it is never called.
- ``silent``: it cannot say anything about a kept consumer: no row carries message
  content, so content checks return nothing (``require_phrases`` and ``identity``
  return None without words, the others are not even dispatched); every contact names
  its time zone, so ``zone_known`` is satisfied.
- ``hours``: ``contact_hours`` without holidays, decided per row from the local clock.
- ``always``: ``forbid`` (every selected contact is a finding) and ``third_party``,
  whose verdict depends only on the row's coded fields (decided once per combination).
- ``cap`` / ``cooldown``: ``frequency_cap`` (windows in days, weeks, minutes or the
  whole log) and ``cooldown``, counted per key column-wise.
- ``unsupported``: anything else. A contact such a rule selects sends its consumer to
  the streaming engine, so no rule is ever skipped.
"""

from __future__ import annotations

from ..checks import Check
from ..checks.closed_content import ClosedContent
from ..checks.cooldown import Cooldown
from ..checks.forbid import Forbid
from ..checks.forbid_cooccurrence import ForbidCooccurrence
from ..checks.forbid_phrases import ForbidPhrases
from ..checks.frequency import FrequencyCap
from ..checks.hours import ContactHours
from ..checks.identity import Identity
from ..checks.require_phrases import RequirePhrases
from ..checks.third_party import ThirdParty
from ..checks.zone_known import ZoneKnown

#: content checks, each of which returns nothing for a row without words: read in
#: `ContentCheck.words` (no content: no segments), `RequirePhrases.evaluate` (returns
#: None without content) and `Identity.evaluate` (reads ``sender``/``subject`` only)
CONTENT = (ForbidPhrases, ForbidCooccurrence, RequirePhrases, ClosedContent, Identity)

#: the `Account` facts that only account events set, and the event that sets each
#: (see `Account.apply`)
ACCOUNT_FACTS = {"ceases": "cease", "attorneys": "attorney", "stops": "stop_channel",
                 "opt_outs": "opt_out", "no_work": "no_work_contact",
                 "inconvenient": "inconvenient"}
#: coded columns: few distinct values, each validated once through the normalizer
CODED = ("event", "channel", "direction", "party", "outcome", "destination_type", "purpose",
         "disclosed_debt", "message", "opt_out_notice")
#: columns a kept row must leave empty (content, routing and per-creditor facts)
EMPTY = ("region", "creditor", "text", "subject", "transcript", "lang", "sender", "public")
#: event fields a rule's filters may read for its consumers to be kept: the coded ones,
#: and fields constant on kept rows (no region, no content)
FILTER_FIELDS = frozenset(CODED) | {"region", "has_content"}
KEY_PARTS = frozenset({"person", "debt", "destination", "channel", "consumer", "creditor"})


def role(check: Check) -> str:
    """The check's role (see the module docstring)."""
    if check.requires is not None:
        return "gated" if check.requires in ACCOUNT_FACTS else "unsupported"
    if type(check) in (*CONTENT, ZoneKnown):
        return "silent"
    if type(check) is ContactHours:
        return "unsupported" if check.holidays else "hours"
    if type(check) is Forbid and check.unless_used:  # reads the consumer's own contacts
        return "unsupported"
    if type(check) in (Forbid, ThirdParty):
        return "always"
    if type(check) is FrequencyCap:
        ok = check.months is None and check.period is None and _parts_ok(check)
        return "cap" if ok else "unsupported"
    if type(check) is Cooldown:
        return "cooldown" if _parts_ok(check) else "unsupported"
    return "unsupported"


def key_parts(check: Check) -> tuple[str, ...]:
    return tuple(check.params.get("per", ["person", "debt"]))


def _parts_ok(check: Check) -> bool:
    return set(key_parts(check)) <= KEY_PARTS
