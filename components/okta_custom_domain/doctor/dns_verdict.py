"""From the most blocking readiness cause to a verdict.

The cause already says what is wrong and what to do (``readiness.diagnosis``); this module
keeps those words and adds only what the doctor alone knows: Okta's state (a TXT value
regenerated after a failed verification), the System Log, the SOA timers of a lagging server,
and the doctor command to run again. ``HANDLERS`` maps each cause code to its rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from okta_custom_domain.doctor.conclusion import Verdict, VerdictCode
from okta_custom_domain.doctor.findings import Findings
from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.diagnosis import (
    discovery_failed,
    lagging_cause,
    serials_behind,
    split_servers,
)
from okta_custom_domain.readiness.wording import record_row, relative_or_fqdn

Handler = Callable[[Findings, Cause], Verdict]


def host(label: str) -> str:
    """``ns2.example.test 127.0.0.3:53`` -> ``ns2.example.test``."""
    return label.split(" ", 1)[0]


def doctor_again(domain: str) -> str:
    return f"run `okta-custom-domain doctor --domain {domain}` again"


def _as_is(code: VerdictCode) -> Handler:
    """A verdict that is the cause itself: its facts, its next step, its details."""

    def handler(findings: Findings, cause: Cause) -> Verdict:
        return Verdict(code, cause.summary, cause.next_step, details=dict(cause.details))

    return handler


def _lame(findings: Findings, cause: Cause) -> Verdict:
    return Verdict(
        VerdictCode.LAME_SERVER,
        cause.summary,
        cause.next_step,
        details={**cause.details, "cause": cause.code.value},
    )


def _dns_not_found(findings: Findings, cause: Cause) -> Verdict:
    words = discovery_failed(str(cause.details.get("error", cause.summary)), cause.next_step)
    return Verdict(
        VerdictCode.DNS_NOT_FOUND, words.summary, words.next_step, details=dict(cause.details)
    )


def _appended_twice(findings: Findings, cause: Cause) -> Verdict:
    record = findings.record(cause.record)
    if record is not None and any(answer.matches for answer in record.servers):
        # Fixed on the primary already; only a lagging copy still has the doubled name.
        lagging = lagging_cause(record, *split_servers(record))
        if lagging is not None:
            return _lagging(findings, lagging)
    return _as_is(VerdictCode.REGISTRAR_APPENDED_ZONE)(findings, cause)


def _regenerated(findings: Findings, cause: Cause) -> bool:
    """Okta replaced the TXT value after a failed verification; DNS has the old one."""
    failed = findings.status == "FAILED_TO_VERIFY" or bool(findings.events_of("verify", "FAILURE"))
    return failed and cause.details.get("expected") not in cause.details.get("found", [])


def _wrong_value(findings: Findings, cause: Cause) -> Verdict:
    record = findings.record(cause.record)
    if record is None:
        return _not_ready(findings, cause)
    if record.record.rtype != "TXT":
        return _as_is(VerdictCode.WRONG_CNAME)(findings, cause)
    if _regenerated(findings, cause):
        relative = relative_or_fqdn(record.record.fqdn, record.zone)
        return Verdict(
            VerdictCode.TXT_REGENERATED,
            f"Okta regenerated the TXT value of {findings.domain} after a failed verification"
            f"{findings.failure_note()}; DNS still serves "
            f"{', '.join(cause.details.get('found', []))}.",
            f"write `{record.record.value}` into TXT `{relative}`, then run `pulumi up --refresh`",
            details={**cause.details, "last_failure": findings.last_failure()},
        )
    code = (
        VerdictCode.MULTIPLE_TXT if cause.code == CauseCode.MULTIPLE_TXT else VerdictCode.WRONG_TXT
    )
    return _as_is(code)(findings, cause)


def _negative_cache_note(findings: Findings) -> str:
    seconds = findings.readiness.negative_cache_seconds if findings.readiness else None
    if not seconds:
        return ""
    return (
        f" Do not verify before every server answers: resolvers cache a missing record for "
        f"{seconds} s."
    )


def _missing(findings: Findings, cause: Cause) -> Verdict:
    """Every missing record at once: one ``create`` step with all the rows."""
    causes = findings.readiness.causes if findings.readiness else [cause]
    missing = [c for c in causes if c.code == CauseCode.MISSING_EVERYWHERE and c.record]
    records = [r for c in missing if (r := findings.record(c.record)) is not None]
    zone = next((r.zone for r in records if r.zone), None)
    return Verdict(
        VerdictCode.RECORD_MISSING,
        f"{' and '.join(c.record or '' for c in missing)} "
        f"{'is' if len(missing) == 1 else 'are'} on no authoritative server"
        f"{findings.failure_note()}.{_negative_cache_note(findings)}",
        f"create {' and '.join(record_row(r) for r in records)}"
        + (f" in zone {zone}" if zone else ""),
        details={
            "records": [
                {
                    **r.record.to_dict(),
                    "name": relative_or_fqdn(r.record.fqdn, r.zone),
                    "zone": r.zone,
                }
                for r in records
            ]
        },
    )


def _lagging(findings: Findings, cause: Cause) -> Verdict:
    """Behind: wait as long as the zone's SOA refresh says; disagreeing: the cause's step."""
    old = cause.details.get("missing_serials") or []
    new = cause.details.get("serving_serials") or []
    record = findings.record(cause.record)
    timing = findings.timing_of(record.zone if record else None)
    details = {
        **cause.details,
        "soa_refresh": timing.refresh if timing else None,
        "soa_retry": timing.retry if timing else None,
    }
    if not serials_behind(old, new):
        return Verdict(
            VerdictCode.SERVERS_DISAGREE, cause.summary, cause.next_step, details=details
        )
    serving = ", ".join(host(s) for s in cause.details.get("serving", []))
    lagging = [host(s) for s in cause.details.get("missing", [])]
    minutes = math.ceil(timing.refresh / 60) if timing else None
    how_long = (
        f"up to about {minutes} minutes (the zone's SOA refresh; retry every {timing.retry} s)"
        if timing
        else "a few minutes"
    )
    details["wait_minutes"] = minutes
    return Verdict(
        VerdictCode.WAIT_FOR_SERVER,
        cause.summary,
        f"wait {how_long}: {', '.join(lagging)} still {'serves' if len(lagging) == 1 else 'serve'}"
        f" serial {', '.join(map(str, old))} ({serving}: {', '.join(map(str, new))}); "
        f"then {doctor_again(findings.domain)}",
        details=details,
    )


def _not_ready(findings: Findings, cause: Cause) -> Verdict:
    return Verdict(
        VerdictCode.NOT_READY,
        f"The records of {findings.domain} are not served everywhere yet: {cause.message}",
        f"{doctor_again(findings.domain)} in a minute",
        details={**cause.details, "cause": cause.code.value},
    )


HANDLERS: dict[CauseCode, Handler] = {
    **{code: _lame for code in CauseCode if code.lame_server},
    CauseCode.DISCOVERY_FAILED: _dns_not_found,
    CauseCode.ZONE_APPENDED_TWICE: _appended_twice,
    CauseCode.WILDCARD_IN_PLACE: _as_is(VerdictCode.WILDCARD_IN_PLACE),
    CauseCode.CNAME_LOOP: _as_is(VerdictCode.CNAME_LOOP),
    CauseCode.CNAME_CHAIN_TOO_LONG: _as_is(VerdictCode.CNAME_CHAIN_TOO_LONG),
    CauseCode.CNAME_TARGET_NOT_READY: _as_is(VerdictCode.CNAME_TARGET_NOT_READY),
    CauseCode.NAME_IN_USE: _as_is(VerdictCode.NAME_IN_USE),
    CauseCode.PROXIED_CNAME: _as_is(VerdictCode.PROXIED_CNAME),
    CauseCode.QUOTED_TXT: _as_is(VerdictCode.QUOTED_TXT),
    CauseCode.TXT_WHITESPACE: _as_is(VerdictCode.TXT_WHITESPACE),
    CauseCode.WRONG_VALUE: _wrong_value,
    CauseCode.MULTIPLE_TXT: _wrong_value,
    CauseCode.MISSING_EVERYWHERE: _missing,
    CauseCode.LAGGING_SERVER: _lagging,
    CauseCode.CAA_FORBIDS: _as_is(VerdictCode.CAA_FORBIDS),
    CauseCode.DNSSEC_BROKEN: _as_is(VerdictCode.DNSSEC_BROKEN),
    CauseCode.NOT_READY: _not_ready,
}


def from_cause(findings: Findings, cause: Cause) -> Verdict:
    """The verdict for ``cause``, the most blocking readiness cause of ``findings``."""
    return HANDLERS.get(cause.code, _not_ready)(findings, cause)


__all__ = ["HANDLERS", "doctor_again", "from_cause", "host"]
