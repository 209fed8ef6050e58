"""Gather everything the doctor knows about one custom domain, before judging anything.

Okta's troubleshooting checklist, as data: the domain at Okta (status, expected records), what
every authoritative server answers for those records (the readiness library, which also looks
for the zone appended twice, proxied CNAMEs, CAA and lagging servers), the zone's SOA timers
(how long a lagging secondary may take) and the ``system.custom_url_domain.*`` System Log events
of the last 24 hours. Reading is all this module does; ``verdict`` decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import dns.rdatatype

from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.errors import OktaApiError, OktaTransportError
from okta_custom_domain.okta.models import LogEvent, OktaDomain
from okta_custom_domain.okta.verification import expected_records_of
from okta_custom_domain.readiness.blocking import run_sync
from okta_custom_domain.readiness.checker import ReadinessChecker
from okta_custom_domain.readiness.options import CheckOptions
from okta_custom_domain.readiness.query import ask
from okta_custom_domain.readiness.records import ExpectedRecord, RecordError, parse_records
from okta_custom_domain.readiness.report import ReadinessReport, RecordReport

LOG_WINDOW = timedelta(hours=24)
EVENT_PREFIX = "system.custom_url_domain."
LOG_FILTER = f'eventType sw "{EVENT_PREFIX}"'


@dataclass(frozen=True)
class ZoneTiming:
    """A zone's SOA timers: a secondary that missed a NOTIFY catches up within ``refresh``."""

    zone: str
    refresh: int
    retry: int
    expire: int
    minimum: int
    ttl: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "refresh": self.refresh,
            "retry": self.retry,
            "expire": self.expire,
            "minimum": self.minimum,
            "ttl": self.ttl,
        }


@dataclass
class Findings:
    """What the doctor learned about ``domain``; ``notes`` hold what could not be read."""

    domain: str
    checked_at: datetime
    okta: OktaDomain | None = None
    expected: list[ExpectedRecord] = field(default_factory=list)
    readiness: ReadinessReport | None = None
    zone_timings: list[ZoneTiming] = field(default_factory=list)
    events: list[LogEvent] = field(default_factory=list)
    events_read: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        return self.okta.validation_status if self.okta else None

    def events_of(self, event_type: str, outcome: str | None = None) -> list[LogEvent]:
        """Events of ``system.custom_url_domain.<event_type>``, oldest first."""
        wanted = EVENT_PREFIX + event_type
        return [
            e
            for e in self.events
            if e.event_type == wanted and (outcome is None or (e.outcome or "").upper() == outcome)
        ]

    def timing_of(self, zone: str | None) -> ZoneTiming | None:
        return next((t for t in self.zone_timings if t.zone == zone), None)

    def record(self, label: str | None) -> RecordReport | None:
        """The readiness report of the record labelled ``label`` (``TXT name``)."""
        if self.readiness is None or label is None:
            return None
        return next((r for r in self.readiness.records if r.record.label() == label), None)

    def last_failure(self) -> dict[str, Any] | None:
        """The last failed verification in the System Log: when, and Okta's reason."""
        failures = self.events_of("verify", "FAILURE")
        if not failures:
            return None
        return {"published": failures[-1].published, "reason": failures[-1].reason}

    def failure_note(self) -> str:
        """`` (last verification failed at ...: reason)``, or empty without a failure."""
        failure = self.last_failure()
        if failure is None:
            return ""
        reason = f": {failure['reason']}" if failure["reason"] else ""
        return f" (last verification failed at {failure['published']}{reason})"


def event_time(event: LogEvent) -> datetime | None:
    """The ``published`` time of an event as an aware datetime (None when unreadable)."""
    try:
        parsed = datetime.fromisoformat(event.published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_events(
    client: OktaDomainsClient, domain: str, now: datetime, window: timedelta = LOG_WINDOW
) -> list[LogEvent]:
    """Custom-domain System Log events of the last ``window`` that target ``domain``."""
    events = client.list_logs(since=now - window, until=now, filter=LOG_FILTER)
    return [
        e
        for e in events
        if e.event_type.startswith(EVENT_PREFIX) and domain in [t.lower() for t in e.targets]
    ]


async def _zone_timings(report: ReadinessReport, options: CheckOptions) -> list[ZoneTiming]:
    """SOA timers of each zone of the report, asked from its first answering server."""
    seen: dict[str, tuple[str, int]] = {}
    for record in report.records:
        if record.zone is None or record.zone in seen:
            continue
        for answer in record.servers:
            if answer.authoritative:
                seen[record.zone] = (answer.address, answer.port)
                break
    timings: list[ZoneTiming] = []
    for zone, (address, port) in seen.items():
        result = await ask(
            zone,
            "SOA",
            address,
            port,
            timeout=options.query_timeout,
            retries=options.retries,
        )
        if result.reply is None:
            continue
        for rrset in result.reply.answer:
            if rrset.rdtype == dns.rdatatype.SOA:
                soa = rrset[0]
                timings.append(
                    ZoneTiming(
                        zone,
                        int(soa.refresh),
                        int(soa.retry),
                        int(soa.expire),
                        int(soa.minimum),
                        int(rrset.ttl),
                    )
                )
                break
    return timings


async def _check_dns(
    records: list[ExpectedRecord], options: CheckOptions
) -> tuple[ReadinessReport, list[ZoneTiming]]:
    report = await ReadinessChecker(records, options).check()
    return report, await _zone_timings(report, options)


def gather_for(
    client: OktaDomainsClient,
    okta_domain: OktaDomain | None,
    domain: str,
    options: CheckOptions,
    *,
    now: datetime | None = None,
    log_window: timedelta = LOG_WINDOW,
) -> Findings:
    """Findings for ``domain`` whose Okta object (with ``dnsRecords``) is ``okta_domain``."""
    checked_at = now or datetime.now(UTC)
    findings = Findings(domain=domain, checked_at=checked_at, okta=okta_domain)
    try:
        findings.events = read_events(client, domain, checked_at, log_window)
        findings.events_read = True
    except (OktaApiError, OktaTransportError) as exc:
        findings.notes.append(
            f"System Log not read ({exc.__class__.__name__}: {str(exc).splitlines()[0]}); "
            "an OAuth service app needs the scope okta.logs.read"
        )
    if okta_domain is None:
        return findings
    try:
        findings.expected = parse_records(expected_records_of(okta_domain))
    except RecordError as exc:
        findings.notes.append(f"Okta's dnsRecords for {domain} cannot be checked: {exc}")
        return findings
    findings.readiness, findings.zone_timings = run_sync(_check_dns(findings.expected, options))
    return findings


def gather(
    client: OktaDomainsClient,
    domain: str,
    options: CheckOptions,
    *,
    now: datetime | None = None,
    log_window: timedelta = LOG_WINDOW,
) -> Findings:
    """Find ``domain`` at Okta by name, then gather its findings (``okta`` None if absent)."""
    return gather_for(
        client, client.find_domain(domain), domain, options, now=now, log_window=log_window
    )


def gather_all(
    client: OktaDomainsClient,
    options: CheckOptions,
    *,
    now: datetime | None = None,
    log_window: timedelta = LOG_WINDOW,
) -> list[Findings]:
    """Findings for every custom domain of the org (the built-in ``default`` entry skipped)."""
    results = []
    for entry in client.list_domains():
        if entry.is_default:
            continue
        full = client.get_domain(entry.id)
        results.append(
            gather_for(client, full, full.domain, options, now=now, log_window=log_window)
        )
    return results


__all__ = [
    "EVENT_PREFIX",
    "LOG_WINDOW",
    "Findings",
    "ZoneTiming",
    "event_time",
    "gather",
    "gather_all",
    "gather_for",
    "read_events",
]
