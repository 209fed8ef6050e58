"""From findings to ONE verdict and ONE next step, in priority order.

Pure: reads only the findings, so every rule can be tested from a real situation and read on
its own. Okta's validation status picks the rule; with records not ready, the most blocking
readiness cause (``CauseCode`` order: a name server that does not serve the zone, then mistakes
in the records, then what only needs time) becomes the verdict (``dns_verdict``). Only when
nothing else applies comes Okta support's last resort: delete and re-create the domain.
"""

from __future__ import annotations

from datetime import datetime

from okta_custom_domain.doctor.conclusion import VERDICT_CODES, Verdict, VerdictCode
from okta_custom_domain.doctor.dns_verdict import doctor_again, from_cause, host
from okta_custom_domain.doctor.findings import Findings, event_time
from okta_custom_domain.readiness.cause import CauseCode, by_priority
from okta_custom_domain.readiness.wording import record_row

#: Okta-managed certificates are usually issued within about 15 minutes of DNS verification.
CERTIFICATE_NORMAL_MINUTES = 15
#: After this long verified without a certificate (and nothing else wrong), re-create.
RECREATE_AFTER_MINUTES = 60


def _minutes_since(then: datetime | None, now: datetime) -> int | None:
    if then is None:
        return None
    return max(0, int((now - then).total_seconds() // 60))


def _verify_cmd(domain: str) -> str:
    return f"`okta-custom-domain doctor --domain {domain} --verify`"


def _not_found(findings: Findings) -> Verdict:
    deleted = findings.events_of("delete", "SUCCESS")
    note = f" It was deleted at {deleted[-1].published} (System Log)." if deleted else ""
    return Verdict(
        VerdictCode.DOMAIN_NOT_FOUND,
        f"{findings.domain} is not a custom domain of this Okta org.{note}",
        "create it with `pulumi up` (the OktaCustomDomain component), or check the org "
        "(--org-url / --tenant) if it lives in another one",
        details={"deleted_at": deleted[-1].published if deleted else None},
    )


def _completed(findings: Findings) -> Verdict:
    assert findings.okta is not None
    cname = next(
        (
            r
            for r in (findings.readiness.records if findings.readiness else [])
            if r.record.rtype == "CNAME"
        ),
        None,
    )
    if cname is not None and not cname.ready:
        found = sorted({v for s in cname.servers for v in [*s.answer, *s.other]})
        return Verdict(
            VerdictCode.COMPLETED_CNAME_BROKEN,
            f"{findings.domain} is COMPLETED (certificate issued), but CNAME {cname.record.fqdn} "
            f"no longer points to {cname.record.value} on "
            f"{', '.join(host(s.label()) for s in cname.missing_on())} "
            f"(found: {', '.join(found) or 'nothing'}): users cannot reach the sign-in page.",
            f"restore the DNS-only {record_row(cname)}",
            details={"record": cname.record.to_dict(), "found": found},
        )
    cert = findings.okta.public_certificate
    expires = f" (certificate expires {cert.expiration})" if cert and cert.expiration else ""
    return Verdict(
        VerdictCode.COMPLETED,
        f"{findings.domain} is COMPLETED: DNS verified and certificate issued{expires}.",
        "nothing to do",
        healthy=True,
        details={"certificate_expiration": cert.expiration if cert else None},
    )


def _verified(findings: Findings) -> Verdict:
    assert findings.okta is not None
    domain = findings.domain
    if findings.okta.certificate_source_type == "MANUAL":
        return Verdict(
            VerdictCode.UPLOAD_CERTIFICATE,
            f"{domain} is VERIFIED; a MANUAL domain completes only once its certificate is "
            "uploaded.",
            "upload the certificate, chain and key: set the component's manual certificate and "
            f"run `pulumi up` (PUT /api/v1/domains/{findings.okta.id}/certificate)",
        )
    causes = findings.readiness.causes if findings.readiness else []
    caa = next((c for c in causes if c.code == CauseCode.CAA_FORBIDS), None)
    if caa is not None:
        return from_cause(findings, caa)
    return _certificate_wait(findings)


def _certificate_wait(findings: Findings) -> Verdict:
    """Verified, certificate not issued, nothing wrong: wait, or re-create after too long."""
    domain = findings.domain
    verified = findings.events_of("verify", "SUCCESS")
    since = event_time(verified[-1]) if verified else None
    minutes = _minutes_since(since, findings.checked_at)
    details = {
        "verified_at": verified[-1].published if verified else None,
        "pending_minutes": minutes,
        "normal_minutes": CERTIFICATE_NORMAL_MINUTES,
    }
    if minutes is not None and minutes > RECREATE_AFTER_MINUTES:
        return Verdict(
            VerdictCode.RECREATE_DOMAIN,
            f"{domain} was verified {minutes} minutes ago and still has no certificate (normal: "
            f"up to about {CERTIFICATE_NORMAL_MINUTES}); DNS, CAA and the System Log show "
            "nothing else to fix.",
            "delete and re-create the domain (Okta support's last resort): `pulumi up "
            "--replace` on its okta.Domain resource, then publish the new records it shows",
            details=details,
        )
    pending = (
        f"certificate pending for {minutes} minutes"
        if minutes is not None
        else "certificate pending (verification time unknown: System Log not read)"
    )
    return Verdict(
        VerdictCode.CERTIFICATE_PENDING,
        f"{domain} is verified, {pending} (normal up to about {CERTIFICATE_NORMAL_MINUTES}).",
        f"wait; {_verify_cmd(domain)} waits for the certificate",
        details=details,
    )


def _unverified(findings: Findings) -> Verdict:
    assert findings.okta is not None
    domain = findings.domain
    report = findings.readiness
    if report is None:
        return Verdict(
            VerdictCode.RECREATE_DOMAIN,
            f"Okta shows no usable DNS records for {domain} "
            f"({'; '.join(findings.notes) or 'dnsRecords empty'}).",
            "delete and re-create the domain, then publish the records Okta shows for it",
        )
    cause = by_priority(report.causes)
    if cause is not None:
        return from_cause(findings, cause)
    status = findings.status or "unknown"
    if status == "IN_PROGRESS":
        return Verdict(
            VerdictCode.VERIFICATION_IN_PROGRESS,
            f"Every authoritative server serves the records; Okta is verifying {domain} "
            "(IN_PROGRESS).",
            f"wait a minute, then {doctor_again(domain)}",
        )
    return Verdict(
        VerdictCode.READY_TO_VERIFY,
        f"Every authoritative server serves the records of {domain}; Okta shows {status}"
        f"{findings.failure_note()}.",
        f"ready: run {_verify_cmd(domain)}",
        details={"status": status, "last_failure": findings.last_failure()},
    )


def decide(findings: Findings) -> Verdict:
    """The one verdict for ``findings`` (see the module docstring for the order)."""
    if findings.okta is None:
        return _not_found(findings)
    status = findings.status
    if status == "COMPLETED":
        return _completed(findings)
    if status == "VERIFIED":
        return _verified(findings)
    return _unverified(findings)


__all__ = [
    "CERTIFICATE_NORMAL_MINUTES",
    "RECREATE_AFTER_MINUTES",
    "VERDICT_CODES",
    "Verdict",
    "VerdictCode",
    "decide",
]
