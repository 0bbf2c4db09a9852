"""The shared language: events read from logs, findings produced by checks.

`Event` is a NamedTuple rather than a frozen dataclass: it is immutable and
typed like one, but five times cheaper to build, and the engine builds one per
input row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

# --- vocabularies (public contract: docs/log-format.md) -----------------------

CONTACT = "contact"
ACCOUNT_EVENTS = frozenset(
    {"cease", "attorney", "consent", "opt_out", "stop_channel", "no_work_contact",
     "inconvenient", "wrong_number"}
)
EVENT_TYPES = frozenset({CONTACT}) | ACCOUNT_EVENTS
CHANNELS = frozenset({"call", "sms", "email", "letter", "visit", "social", "other"})
DIRECTIONS = frozenset({"outbound", "inbound"})
#: Parties §1006.6(a) treats as "the consumer".
CONSUMER_PARTIES = frozenset({"consumer", "spouse", "parent", "guardian", "executor", "successor"})
PARTIES = CONSUMER_PARTIES | frozenset(
    {"consumer_attorney", "credit_bureau", "creditor", "creditor_attorney",
     "collector_attorney", "employer", "third_party"}
)
CALL_OUTCOMES = frozenset({"conversation", "answered", "voicemail", "no_answer", "busy",
                           "not_connected"})
MESSAGE_OUTCOMES = frozenset({"sent", "delivered", "failed", "bounced"})
OUTCOMES = CALL_OUTCOMES | MESSAGE_OUTCOMES
DESTINATION_TYPES = frozenset({"mobile", "landline", "home", "work", "email", "work_email",
                               "other"})
PURPOSES = frozenset({"collection", "location", "collection_ends", "remedy"})
MESSAGE_KINDS = frozenset({"none", "limited_content", "full", "opt_out_confirmation"})
#: who says a transcript turn: only the collector's words can break a content rule
SPEAKERS = frozenset({"collector", "consumer", "other"})
#: ISO 3166-1 country, ISO 3166-2 subdivision, and one further local level of our own
#: (``US-NY-NYC``: New York City's rules apply inside New York State)
REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3}(-[A-Z0-9]{1,8})?)?$")


class Event(NamedTuple):
    """One row of the canonical contact log, normalized.

    Optional fields are ``None`` when the log does not say; checks treat an
    unknown value conservatively and say so in their findings.
    """

    timestamp: datetime
    """Aware datetime as written in the log (its own offset kept)."""
    epoch: float
    """``timestamp`` as POSIX seconds: what ordering and elapsed time use."""
    consumer_id: str
    event_id: str
    event: str = CONTACT
    channel: str | None = None
    direction: str = "outbound"
    party: str = "consumer"
    outcome: str | None = None
    debt_ids: tuple[str, ...] = ()
    destination: str | None = None
    destination_type: str | None = None
    timezones: tuple[str, ...] = ()
    region: str | None = None
    purpose: str = "collection"
    disclosed_debt: bool | None = None
    message: str | None = None
    opt_out_notice: bool | None = None
    detail: str | None = None
    file: str = "<memory>"
    line: int = 0
    creditor: str | None = None
    """Who the debt is owed to (some caps count per creditor: Ontario)."""
    zone_sources: tuple[str, ...] = ()
    """Where each of ``timezones`` came from (a consumer directory's join), same order."""
    # --- message content (content rules, docs/content-rules.md) ---
    text: str | None = None
    """The body the collector (or, inbound, the consumer) wrote; a voicemail's words."""
    subject: str | None = None
    """An email's subject; for a letter, what is visible outside (envelope, postcard)."""
    transcript: tuple[tuple[str, str], ...] = ()
    """A call's words: (speaker, text) turns, speaker in `SPEAKERS`."""
    lang: tuple[str, ...] = ()
    """Languages the message uses (BCP 47 primary tags, lower-case); empty: detect."""
    sender: str | None = None
    """The name the message shows as its sender (SMS sender id, email From name, the
    business name on an envelope)."""
    public: bool | None = None
    """Whether the general public or the person's contacts could see it (a public
    social-media post, a postcard)."""

    @property
    def has_content(self) -> bool:
        """Whether the row carries words for content rules (most contact logs carry none:
        content rules are then not even dispatched)."""
        return self.text is not None or self.subject is not None or bool(self.transcript) \
            or self.sender is not None

    @property
    def is_consumer_side(self) -> bool:
        """The party counts as the consumer under §1006.6(a)."""
        return self.party in CONSUMER_PARTIES


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken by one event, with the events that prove it."""

    rule: str
    severity: str
    message: str
    citation: str
    file: str
    line: int
    event_id: str
    consumer_id: str
    debt_id: str | None
    timestamp: str
    local_time: str | None
    evidence: tuple[str, ...] = ()
    policy: str = ""
    content: Mapping[str, Any] | None = None
    """For content rules: where in the message (field, start, end in the original
    text), the matched words and a PII-masked snippet."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
            "policy": self.policy,
            "file": self.file,
            "line": self.line,
            "event_id": self.event_id,
            "consumer_id": self.consumer_id,
            "debt_id": self.debt_id,
            "timestamp": self.timestamp,
            "local_time": self.local_time,
            "evidence": list(self.evidence),
        }
        if self.content is not None:
            out["content"] = dict(self.content)
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as its fields (`--jobs` sends findings between processes): the
        # dataclass's own state pickles ~5 µs slower a finding each way
        return (Finding, _FINDING_FIELDS(self))


_FINDING_FIELDS = attrgetter(*Finding.__dataclass_fields__)

# each field's slot setter, in the fields' order (the unpacking fails if they change)
(_rule, _severity, _message, _citation, _file, _line, _event_id, _consumer_id, _debt_id,
 _timestamp, _local_time, _evidence, _policy, _content) = (
    Finding.__dict__[name].__set__ for name in Finding.__dataclass_fields__)
_new = object.__new__


def new_finding(rule: str, severity: str, message: str, citation: str, file: str, line: int,
                event_id: str, consumer_id: str, debt_id: str | None, timestamp: str,
                local_time: str | None, evidence: tuple[str, ...], policy: str,
                content: Mapping[str, Any] | None) -> Finding:
    """``Finding(...)`` with every field given, in order, each set through its slot: the
    frozen dataclass's ``__init__`` sets each by ``object.__setattr__`` (~1.4 µs a
    finding, half of it that lookup; a content rule makes one for one message in four)."""
    out = _new(Finding)
    _rule(out, rule)
    _severity(out, severity)
    _message(out, message)
    _citation(out, citation)
    _file(out, file)
    _line(out, line)
    _event_id(out, event_id)
    _consumer_id(out, consumer_id)
    _debt_id(out, debt_id)
    _timestamp(out, timestamp)
    _local_time(out, local_time)
    _evidence(out, evidence)
    _policy(out, policy)
    _content(out, content)
    return out


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input row that could not be checked, and why."""

    file: str
    line: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Summary:
    rows_read: int
    events_checked: int
    rows_rejected: int
    findings: int
    by_rule: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    consumers: int = 0
    consumers_without_region: int | None = None
    """With rules routed by region: consumers never seen with a region, who got the
    country-wide rules only. None when no rule is routed to a subdivision."""
    unmatched_rows: int | None = None
    """With a consumer directory: rows that joined no consumer (checked as they are)."""
    rows_merged: int | None = None
    """Rows read through an import preset or mapping and folded into another row's event
    (the legs of one call, a record delivered twice): then rows_read = events_checked +
    rows_rejected + rows_merged. None for canonical logs, where nothing is merged."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rows_read": self.rows_read,
            "events_checked": self.events_checked,
            "rows_rejected": self.rows_rejected,
            **({"rows_merged": self.rows_merged} if self.rows_merged is not None else {}),
            "findings": self.findings,
            "by_rule": dict(self.by_rule),
            "by_severity": dict(self.by_severity),
            "consumers": self.consumers,
        }
        if self.consumers_without_region is not None:
            out["consumers_without_region"] = self.consumers_without_region
        if self.unmatched_rows is not None:
            out["unmatched_rows"] = self.unmatched_rows
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a run produced: the findings, the rejected rows, the counts."""

    policies: tuple[str, ...]
    findings: tuple[Finding, ...]
    rejected: tuple[Rejected, ...]
    summary: Summary

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)
