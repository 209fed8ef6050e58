"""The day-two checks of one custom domain, each judged on its own: ok, warning or failing.

Okta renews OKTA_MANAGED certificates through Let's Encrypt, without anyone looking; what
silently blocks a renewal is a CAA record (on the name or any parent) that does not allow
``letsencrypt.org``, or the CNAME no longer pointing at Okta. So a domain is watched for: its
status at Okta, the days its certificate has left, CAA, the CNAME, and its brand. Pure: every
check reads what was gathered (``watch``), so each rule is tested from a real situation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from okta_custom_domain.okta.models import OktaDomain
from okta_custom_domain.readiness.cause import CauseCode
from okta_custom_domain.readiness.diagnosis import LETS_ENCRYPT_CAA, caa_allows_letsencrypt
from okta_custom_domain.readiness.report import ReadinessReport

DEFAULT_WARN_DAYS = 21
"""Let's Encrypt certificates last 90 days and are renewed about 30 days before they expire:
with 21 days left a renewal is overdue, and there are still three weeks to fix what blocks it."""
CHECK_NAMES = ("okta_status", "certificate", "caa", "cname", "brand")


class Level(IntEnum):
    """A check's outcome; the value is the exit code it calls for."""

    OK = 0
    WARNING = 1
    FAILING = 2

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Check:
    """One check's outcome: its level, one sentence a person can act on, the facts as data."""

    name: str
    level: Level
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level.word, "summary": self.summary, "details": self.details}


def not_checked(name: str, why: str) -> Check:
    """A check that could not run (the domain is not at Okta, or Okta could not be asked)."""
    return Check(name, Level.WARNING, f"not checked: {why}")


def status_check(domain: str, okta: OktaDomain | None) -> Check:
    """COMPLETED is healthy; a domain missing, refused or failed is failing; one on its way
    (NOT_STARTED, IN_PROGRESS, VERIFIED) is a warning."""
    if okta is None:
        return Check(
            "okta_status", Level.FAILING,
            f"{domain} is not a custom domain of the org: run `pulumi up` (or check the org)",
        )  # fmt: skip
    status = okta.validation_status or "unknown"
    details = {"status": status, "id": okta.id}
    if status == "COMPLETED":
        return Check("okta_status", Level.OK, "COMPLETED", details)
    if status in ("FAILED_TO_VERIFY", "DOMAIN_TAKEN"):
        return Check(
            "okta_status", Level.FAILING,
            f"{status}: run `okta-custom-domain doctor --domain {domain}`", details,
        )  # fmt: skip
    return Check(
        "okta_status", Level.WARNING,
        f"{status}, not COMPLETED yet: run `okta-custom-domain doctor --domain {domain}`", details,
    )  # fmt: skip


def _expiry(okta: OktaDomain) -> datetime | None:
    cert = okta.public_certificate
    if cert is None or not cert.expiration:
        return None
    try:
        return datetime.fromisoformat(cert.expiration.replace("Z", "+00:00"))
    except ValueError:
        return None


def certificate_check(okta: OktaDomain, now: datetime, warn_days: int) -> Check:
    """Days left: expired is failing, fewer than ``warn_days`` a warning."""
    expires = _expiry(okta)
    if expires is None:
        return Check("certificate", Level.WARNING, "no certificate at Okta yet")
    exact = (expires - now).total_seconds() / 86400
    days = round(exact)
    details = {"expiration": expires.isoformat(), "days_left": days, "warn_days": warn_days}
    if exact < 0:
        return Check("certificate", Level.FAILING, f"expired {-days} days ago", details)
    if exact >= warn_days:
        return Check("certificate", Level.OK, f"{days} days left", details)
    if okta.certificate_source_type == "MANUAL":
        fix = "upload a new certificate (new `certificate` inputs, then `pulumi up`)"
    else:
        fix = "Okta has not renewed it: fix CAA/CNAME if failing, else contact Okta support"
    return Check(
        "certificate", Level.WARNING, f"{days} days left (< {warn_days}): {fix}", details
    )


def caa_check(okta: OktaDomain, report: ReadinessReport) -> Check:
    """The closest CAA set at or above the domain must allow letsencrypt.org (OKTA_MANAGED)."""
    found = next((r.probes["caa"] for r in report.records if r.probes.get("caa")), None)
    if found is None:
        return Check("caa", Level.OK, "no CAA records: any CA may issue")
    details = {"name": found["name"], "zone": found.get("zone"), "records": found["records"]}
    if caa_allows_letsencrypt(found["records"]):
        return Check("caa", Level.OK, f"CAA at {found['name']} allows {LETS_ENCRYPT_CAA}", details)
    if okta.certificate_source_type == "MANUAL":
        return Check(
            "caa", Level.OK,
            f"CAA at {found['name']} does not allow {LETS_ENCRYPT_CAA} (a MANUAL domain does "
            "not need it)", details,
        )  # fmt: skip
    cause = next((c for c in report.causes if c.code == CauseCode.CAA_FORBIDS), None)
    summary = cause.message if cause else f"CAA at {found['name']} forbids {LETS_ENCRYPT_CAA}"
    return Check("caa", Level.FAILING, f"renewal blocked: {summary}", details)


def cname_check(report: ReadinessReport) -> Check:
    """Every authoritative server must still answer the CNAME with Okta's target."""
    record = next((r for r in report.records if r.record.rtype == "CNAME"), None)
    if record is None:
        return not_checked("cname", "Okta shows no CNAME record")
    details: dict[str, Any] = {"fqdn": record.record.fqdn, "expected": record.record.value}
    if record.ready:
        return Check("cname", Level.OK, f"-> {record.record.value}", details)
    found = sorted({v for s in record.servers for v in [*s.answer, *s.other]})
    details["found"] = found
    causes = [c.message for c in report.causes if c.code != CauseCode.CAA_FORBIDS]
    summary = causes[0] if causes else f"found {', '.join(found) or 'nothing'}"
    return Check(
        "cname", Level.FAILING,
        f"does not point to {record.record.value} (users and renewals fail): {summary}", details,
    )  # fmt: skip


def brand_check(okta: OktaDomain, configured: str | None) -> Check:
    """The brand in config (when one is set) is the domain's brand at Okta."""
    details = {"brand_id": okta.brand_id, "configured": configured}
    if configured is None or configured == okta.brand_id:
        return Check("brand", Level.OK, okta.brand_id or "none", details)
    return Check(
        "brand", Level.WARNING,
        f"{okta.brand_id} at Okta, {configured} in config: `pulumi up` sets it back", details,
    )  # fmt: skip


__all__ = [
    "CHECK_NAMES",
    "DEFAULT_WARN_DAYS",
    "Check",
    "Level",
    "brand_check",
    "caa_check",
    "certificate_check",
    "cname_check",
    "not_checked",
    "status_check",
]
