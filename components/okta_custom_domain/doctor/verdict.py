"""From findings to ONE verdict and ONE next step, in priority order.

Pure: reads only the findings, so every rule can be tested from a real situation and read on
its own. The order encodes Okta's checklist: first what makes every other check meaningless
(the domain is not at Okta, a name server does not serve the zone), then mistakes in the
records (zone appended twice, proxied CNAME, quotes, a regenerated TXT value, a missing record),
then what only needs time (a lagging secondary, a certificate being issued), and only when
nothing else applies, Okta support's last resort: delete and re-create the domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from okta_custom_domain.doctor.findings import Findings, event_time
from okta_custom_domain.readiness.diagnosis import relative_or_fqdn
from okta_custom_domain.readiness.report import Cause, RecordReport

#: Okta-managed certificates are usually issued within about 15 minutes of DNS verification.
CERTIFICATE_NORMAL_MINUTES = 15
#: After this long verified without a certificate (and nothing else wrong), re-create.
RECREATE_AFTER_MINUTES = 60

VERDICT_CODES: tuple[str, ...] = (
    "domain_not_found",
    "completed",
    "completed_cname_broken",
    "upload_certificate",
    "certificate_pending",
    "dns_not_found",
    "lame_server",
    "registrar_appended_zone",
    "proxied_cname",
    "quoted_txt",
    "txt_regenerated",
    "wrong_txt",
    "multiple_txt",
    "wrong_cname",
    "record_missing",
    "wait_for_server",
    "servers_disagree",
    "caa_forbids",
    "dnssec_broken",
    "not_ready",
    "verification_in_progress",
    "ready_to_verify",
    "recreate_domain",
)

#: Readiness cause codes, most blocking first.
CAUSE_PRIORITY: tuple[str, ...] = (
    "discovery_failed",
    "refused",
    "not_authoritative",
    "servfail",
    "timeout",
    "nameserver_unresolvable",
    "zone_appended_twice",
    "proxied_cname",
    "quoted_txt",
    "wrong_value",
    "multiple_txt",
    "missing_everywhere",
    "lagging_server",
    "caa_forbids",
    "dnssec_broken",
    "not_ready",
)

LAME_CODES = ("refused", "not_authoritative", "servfail", "timeout", "nameserver_unresolvable")


@dataclass(frozen=True)
class Verdict:
    """The doctor's conclusion: a stable ``code``, one sentence, one next step."""

    code: str
    summary: str
    next_step: str
    healthy: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 healthy or completed, 1 action needed (or only time) before the domain works."""
        return 0 if self.healthy else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "healthy": self.healthy,
            "summary": self.summary,
            "next_step": self.next_step,
            "details": self.details,
        }


def _host(label: str) -> str:
    """``ns2.example.test 127.0.0.3:53`` -> ``ns2.example.test``."""
    return label.split(" ", 1)[0]


def _minutes_since(then: datetime | None, now: datetime) -> int | None:
    if then is None:
        return None
    return max(0, int((now - then).total_seconds() // 60))


def _verify_cmd(domain: str) -> str:
    return f"`okta-custom-domain doctor --domain {domain} --verify`"


def _record(findings: Findings, label: str | None) -> RecordReport | None:
    if findings.readiness is None or label is None:
        return None
    return next((r for r in findings.readiness.records if r.record.label() == label), None)


def _last_failure(findings: Findings) -> dict[str, Any] | None:
    failures = findings.events_of("verify", "FAILURE")
    if not failures:
        return None
    last = failures[-1]
    return {"published": last.published, "reason": last.reason}


def _failure_note(findings: Findings) -> str:
    failure = _last_failure(findings)
    if failure is None:
        return ""
    reason = f": {failure['reason']}" if failure["reason"] else ""
    return f" (last verification failed at {failure['published']}{reason})"


def _negative_cache_note(findings: Findings) -> str:
    seconds = findings.readiness.negative_cache_seconds if findings.readiness else None
    if not seconds:
        return ""
    return (
        f" Do not verify before every server answers: resolvers cache a missing record for "
        f"{seconds} s."
    )


def _pick_cause(causes: list[Cause]) -> Cause | None:
    ranked = [c for c in causes if c.code in CAUSE_PRIORITY]
    if not ranked:
        return causes[0] if causes else None
    return min(ranked, key=lambda c: CAUSE_PRIORITY.index(c.code))


# -- verdicts by Okta status ---------------------------------------------------------------------


def _not_found(findings: Findings) -> Verdict:
    deleted = findings.events_of("delete", "SUCCESS")
    note = f" It was deleted at {deleted[-1].published} (System Log)." if deleted else ""
    return Verdict(
        "domain_not_found",
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
        relative = relative_or_fqdn(cname.record.fqdn, cname.zone)
        return Verdict(
            "completed_cname_broken",
            f"{findings.domain} is COMPLETED (certificate issued), but CNAME {cname.record.fqdn} "
            f"no longer points to {cname.record.value} on "
            f"{', '.join(_host(s.label()) for s in cname.missing_on())} "
            f"(found: {', '.join(found) or 'nothing'}): users cannot reach the sign-in page.",
            f"restore the DNS-only CNAME `{relative}` -> `{cname.record.value}`",
            details={"record": cname.record.to_dict(), "found": found},
        )
    cert = findings.okta.public_certificate
    expires = f" (certificate expires {cert.expiration})" if cert and cert.expiration else ""
    return Verdict(
        "completed",
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
            "upload_certificate",
            f"{domain} is VERIFIED; a MANUAL domain completes only once its certificate is "
            "uploaded.",
            "upload the certificate, chain and key: set the component's manual certificate and "
            f"run `pulumi up` (PUT /api/v1/domains/{findings.okta.id}/certificate)",
        )
    causes = findings.readiness.causes if findings.readiness else []
    caa = next((c for c in causes if c.code == "caa_forbids"), None)
    if caa is not None:
        return _caa(findings, caa)
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
            "recreate_domain",
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
        "certificate_pending",
        f"{domain} is verified, {pending} (normal up to about {CERTIFICATE_NORMAL_MINUTES}).",
        f"wait; {_verify_cmd(domain)} waits for the certificate",
        details=details,
    )


def _caa(findings: Findings, cause: Cause) -> Verdict:
    name = cause.details.get("name", findings.domain)
    return Verdict(
        "caa_forbids",
        f"CAA records at {name} ({'; '.join(cause.details.get('records', []))}) do not allow "
        "letsencrypt.org, which issues Okta-managed certificates.",
        f'add `{name}. CAA 0 issue "letsencrypt.org"` (or remove the CAA records)',
        details=dict(cause.details),
    )


def _from_cause(findings: Findings, cause: Cause) -> Verdict:
    """The verdict for the most blocking readiness cause (records not ready)."""
    assert findings.okta is not None
    domain = findings.domain
    code = cause.code
    details = dict(cause.details)
    record = _record(findings, cause.record)
    zone = record.zone if record else None
    if code == "discovery_failed":
        return Verdict(
            "dns_not_found",
            f"The authoritative servers of {domain} could not be found: "
            f"{details.get('error', cause.message)}.",
            "check that the zone is delegated to its name servers at the registrar, or give "
            "them with --nameserver HOST[:PORT]",
            details=details,
        )
    if code in LAME_CODES:
        server = details.get("server") or details.get("zone") or "a name server"
        return Verdict(
            "lame_server",
            cause.message,
            f"make {_host(str(server))} serve the zone (or remove it from the zone's NS set); "
            "every listed name server must answer",
            details={**details, "cause": code},
        )
    if (
        code == "zone_appended_twice"
        and record is not None
        and any(answer.matches for answer in record.servers)
    ):
        # Fixed on the primary already; only a lagging copy still has the doubled name.
        return _lagging(findings, _lagging_cause(record))
    if code == "zone_appended_twice":
        use = details["use_name"]
        return Verdict(
            "registrar_appended_zone",
            f"The registrar appended the zone: {details['found_at']} exists instead of "
            f"{cause.record.split(' ', 1)[1] if cause.record else domain}.",
            f"enter `{use}` as the record name (the label only) and delete `{details['found_at']}`",
            details=details,
        )
    if code == "proxied_cname":
        relative = relative_or_fqdn(domain, zone)
        return Verdict(
            "proxied_cname",
            f"{domain} answers address records ({', '.join(details.get('found', []))}) instead "
            "of a CNAME: the record is proxied or flattened.",
            f"make `{relative}` a DNS-only CNAME to `{details.get('expected')}` (Cloudflare: "
            "proxied = false; no CNAME flattening)",
            details=details,
        )
    if code == "quoted_txt":
        return Verdict(
            "quoted_txt",
            f"{cause.record} contains literal quote characters (found "
            f"{', '.join(details.get('found', []))}).",
            f"enter the TXT value without quotes: `{details.get('expected')}`",
            details=details,
        )
    if code in ("wrong_value", "multiple_txt") and record and record.record.rtype == "TXT":
        relative = relative_or_fqdn(record.record.fqdn, zone)
        value = record.record.value
        found = list(details.get("found", []))
        regenerated = (
            findings.status == "FAILED_TO_VERIFY" or bool(findings.events_of("verify", "FAILURE"))
        ) and value not in found
        if regenerated:
            return Verdict(
                "txt_regenerated",
                f"Okta regenerated the TXT value of {domain} after a failed verification"
                f"{_failure_note(findings)}; DNS still serves {', '.join(found)}.",
                f"write `{value}` into TXT `{relative}`, then run `pulumi up --refresh`",
                details={**details, "last_failure": _last_failure(findings)},
            )
        if code == "multiple_txt":
            return Verdict(
                "multiple_txt",
                f"TXT {record.record.fqdn} has {len(found)} values ({', '.join(found)}).",
                f"delete the other TXT values at `{relative}`; keep only `{value}`",
                details=details,
            )
        return Verdict(
            "wrong_txt",
            f"TXT {record.record.fqdn} has {', '.join(found)}, not the value Okta shows.",
            f"set TXT `{relative}` to `{value}`",
            details=details,
        )
    if code == "wrong_value" and record is not None:
        relative = relative_or_fqdn(record.record.fqdn, zone)
        return Verdict(
            "wrong_cname",
            f"CNAME {record.record.fqdn} points to {', '.join(details.get('found', []))}, "
            f"not {record.record.value}.",
            f"point CNAME `{relative}` to `{record.record.value}`",
            details=details,
        )
    if code == "missing_everywhere":
        return _missing(findings)
    if code == "lagging_server":
        return _lagging(findings, cause)
    if code == "caa_forbids":
        return _caa(findings, cause)
    if code == "dnssec_broken":
        return Verdict(
            "dnssec_broken",
            cause.message,
            "fix the zone's DNSSEC signing, or remove the DS record at the registrar",
            details=details,
        )
    return Verdict(
        "not_ready",
        f"The records of {domain} are not served everywhere yet: {cause.message}",
        f"run `okta-custom-domain doctor --domain {domain}` again in a minute",
        details={**details, "cause": code},
    )


def _missing(findings: Findings) -> Verdict:
    assert findings.readiness is not None
    missing = [c for c in findings.readiness.causes if c.code == "missing_everywhere" and c.record]
    parts = []
    rows = []
    zone = None
    for cause in missing:
        record = _record(findings, cause.record)
        if record is None:
            continue
        zone = zone or record.zone
        relative = relative_or_fqdn(record.record.fqdn, record.zone)
        arrow = "->" if record.record.rtype == "CNAME" else "="
        parts.append(f"{record.record.rtype} `{relative}` {arrow} `{record.record.value}`")
        rows.append({**record.record.to_dict(), "name": relative, "zone": record.zone})
    where = f" in zone {zone}" if zone else ""
    return Verdict(
        "record_missing",
        f"{' and '.join(c.record or '' for c in missing)} "
        f"{'is' if len(missing) == 1 else 'are'} on no authoritative server"
        f"{_failure_note(findings)}.{_negative_cache_note(findings)}",
        f"create {' and '.join(parts)}{where}",
        details={"records": rows},
    )


def _lagging_cause(record: RecordReport) -> Cause:
    """A ``lagging_server`` cause for a record some servers serve and others do not."""
    good = [a for a in record.servers if a.matches]
    bad = [a for a in record.servers if not a.matches]
    return Cause(
        "lagging_server",
        f"{record.record.label()} is served by some servers only",
        record=record.record.label(),
        details={
            "serving": [a.label() for a in good],
            "missing": [a.label() for a in bad],
            "serving_serials": sorted({a.soa_serial for a in good if a.soa_serial is not None}),
            "missing_serials": sorted({a.soa_serial for a in bad if a.soa_serial is not None}),
        },
    )


def _lagging(findings: Findings, cause: Cause) -> Verdict:
    domain = findings.domain
    serving = [_host(s) for s in cause.details.get("serving", [])]
    lagging = [_host(s) for s in cause.details.get("missing", [])]
    old = cause.details.get("missing_serials") or []
    new = cause.details.get("serving_serials") or []
    record = _record(findings, cause.record)
    timing = findings.timing_of(record.zone if record else None)
    details = {
        **cause.details,
        "soa_refresh": timing.refresh if timing else None,
        "soa_retry": timing.retry if timing else None,
    }
    verb = "serves" if len(lagging) == 1 else "serve"
    if old and new and max(old) < min(new):
        minutes = math.ceil(timing.refresh / 60) if timing else None
        how_long = (
            f"up to about {minutes} minutes (the zone's SOA refresh; retry every {timing.retry} s)"
            if timing and minutes is not None
            else "a few minutes"
        )
        details["wait_minutes"] = minutes
        return Verdict(
            "wait_for_server",
            f"{cause.record} is on {', '.join(serving)} but not yet on {', '.join(lagging)}, "
            f"which still {verb} an older zone (serial {', '.join(map(str, old))}).",
            f"wait {how_long}: {', '.join(lagging)} still {verb} serial "
            f"{', '.join(map(str, old))} ({', '.join(serving)}: {', '.join(map(str, new))}); "
            f"then run `okta-custom-domain doctor --domain {domain}` again",
            details=details,
        )
    return Verdict(
        "servers_disagree",
        f"{cause.record} is on {', '.join(serving)} but not on {', '.join(lagging)}, and "
        f"{', '.join(lagging)} {'is' if len(lagging) == 1 else 'are'} not behind (serials "
        f"{', '.join(map(str, old)) or '?'} vs {', '.join(map(str, new)) or '?'}).",
        f"make {', '.join(lagging)} serve the same zone data as {', '.join(serving)} "
        "(same primary: check zone transfers and where the record was written)",
        details=details,
    )


def _unverified(findings: Findings) -> Verdict:
    assert findings.okta is not None
    domain = findings.domain
    report = findings.readiness
    if report is None:
        return Verdict(
            "recreate_domain",
            f"Okta shows no usable DNS records for {domain} "
            f"({'; '.join(findings.notes) or 'dnsRecords empty'}).",
            "delete and re-create the domain, then publish the records Okta shows for it",
        )
    cause = _pick_cause(report.causes)
    if cause is not None:
        return _from_cause(findings, cause)
    status = findings.status or "unknown"
    if status == "IN_PROGRESS":
        return Verdict(
            "verification_in_progress",
            f"Every authoritative server serves the records; Okta is verifying {domain} "
            "(IN_PROGRESS).",
            f"wait a minute, then run `okta-custom-domain doctor --domain {domain}` again",
        )
    return Verdict(
        "ready_to_verify",
        f"Every authoritative server serves the records of {domain}; Okta shows {status}"
        f"{_failure_note(findings)}.",
        f"ready: run {_verify_cmd(domain)}",
        details={"status": status, "last_failure": _last_failure(findings)},
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
    "CAUSE_PRIORITY",
    "CERTIFICATE_NORMAL_MINUTES",
    "RECREATE_AFTER_MINUTES",
    "VERDICT_CODES",
    "Verdict",
    "decide",
]
