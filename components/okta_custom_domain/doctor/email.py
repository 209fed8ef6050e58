"""The doctor for a custom email domain: Okta's status, the four records on every server, one
verdict and one next step.

An email domain is stuck for the reasons a URL domain is (its records are not served, or not
as Okta asks), plus Okta's own polling: POLLING (Okta re-checks DNS for up to 24 hours) and
ERROR (Okta gave up; mail goes from noreply@okta.com). The readiness library judges the records
(the mail rules included: a mail name already in use, a DKIM name typed in full...); Okta's
status decides what the next step is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from okta_custom_domain.okta.email_domains import OktaEmailDomain, OktaEmailDomainsClient
from okta_custom_domain.readiness.blocking import run_sync
from okta_custom_domain.readiness.cause import Cause, CauseCode, by_priority
from okta_custom_domain.readiness.checker import ReadinessChecker
from okta_custom_domain.readiness.options import CheckOptions
from okta_custom_domain.readiness.records import parse_records
from okta_custom_domain.readiness.report import ReadinessReport

FALLBACK = "until then Okta sends mail from noreply@okta.com"


@dataclass(frozen=True)
class EmailVerdict:
    """The conclusion for one email domain: a stable code, one sentence, one next step."""

    code: str
    summary: str
    next_step: str
    healthy: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def find_email_domain(client: OktaEmailDomainsClient, domain: str) -> OktaEmailDomain | None:
    """The org's email domain called ``domain`` (list, then get), or None."""
    for entry in client.list_email_domains():
        if entry.domain == domain:
            return client.get_email_domain(entry.id)
    return None


def check_email_records(found: OktaEmailDomain, options: CheckOptions) -> ReadinessReport:
    """What every authoritative server answers for the email domain's four records."""
    records = parse_records(
        [{"type": r.record_type, "fqdn": r.fqdn, "value": r.value} for r in found.records]
    )
    return run_sync(ReadinessChecker(records, options).check())


def decide_email(
    domain: str, found: OktaEmailDomain | None, report: ReadinessReport | None
) -> EmailVerdict:
    """Okta's status first (not found, VERIFIED), then the records, then what Okta does."""
    if found is None:
        return EmailVerdict(
            "email_domain_not_found",
            f"{domain} is not an email domain of this org.",
            "create it (emailDomains[] in the stack config, or OktaEmailDomain), with a brand",
        )
    status = found.validation_status or "unknown"
    details = {"id": found.id, "status": status}
    if status == "VERIFIED":
        return EmailVerdict(
            "email_verified",
            f"{domain} is VERIFIED: Okta sends mail from {found.user_name}@{domain}.",
            "nothing to do",
            healthy=True,
            details=details,
        )
    # CAA only matters for certificates: an email domain has none
    causes = [c for c in report.causes if c.code != CauseCode.CAA_FORBIDS] if report else []
    cause = by_priority(causes)
    if cause is not None:
        return _records_not_ready(domain, status, cause, details)
    if status == "POLLING":
        return EmailVerdict(
            "email_polling",
            f"{domain} is POLLING and every authoritative server serves its four records: "
            "Okta re-checks DNS on its own (for up to 24 hours).",
            "wait, or run `pulumi up` again to keep waiting for VERIFIED",
            details=details,
        )
    return EmailVerdict(
        "email_ready_to_verify",
        f"{domain} is {status} and every authoritative server serves its four records; {FALLBACK}.",
        "run `pulumi up`: it verifies once and waits for VERIFIED",
        details=details,
    )


def _records_not_ready(
    domain: str, status: str, cause: Cause, details: dict[str, Any]
) -> EmailVerdict:
    given_up = " Okta gave up polling (ERROR)" if status == "ERROR" else ""
    return EmailVerdict(
        f"email_{cause.code.value}",
        f"{domain} is {status}:{given_up} {cause.summary} ({FALLBACK})",
        f"{cause.next_step}; then run `pulumi up` (it verifies once the records are served)",
        details={**details, "cause": cause.to_dict()},
    )


def diagnose_email(
    client: OktaEmailDomainsClient, domain: str, options: CheckOptions
) -> EmailVerdict:
    """Read the email domain, check its records unless it is VERIFIED, decide."""
    found = find_email_domain(client, domain)
    report = None
    if found is not None and found.validation_status != "VERIFIED":
        report = check_email_records(found, options)
    return decide_email(domain, found, report)


__all__ = ["EmailVerdict", "decide_email", "diagnose_email", "find_email_domain"]
