"""Turn a readiness report into causes a person can act on, instead of "timed out".

Pure: reads only the report (answers and probes gathered by the check). Each rule is a small
function; ``RULES`` lists the report-wide ones and ``RECORD_RULES`` the per-record ones (first
match wins). Every cause has a ``CauseCode``, its facts, its next step and a ``details`` dict;
the doctor reuses them as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dns.name

from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.delegation import chain_cause
from okta_custom_domain.readiness.mail_rules import name_in_use
from okta_custom_domain.readiness.report import ReadinessReport, RecordReport, ServerAnswer
from okta_custom_domain.readiness.server_faults import server_faults
from okta_custom_domain.readiness.txt_rules import multiple_txt, pasted_txt
from okta_custom_domain.readiness.wildcards import wildcard_in_place
from okta_custom_domain.readiness.wording import (
    found_values,
    hosts,
    record_row,
    relative_or_fqdn,
    show,
    value_cause,
    with_serials,
)

LETS_ENCRYPT_CAA = "letsencrypt.org"
DISCOVERY_NEXT_STEP = (
    "check the name spelling and that the zone is delegated to its name servers at the "
    "registrar, or give the servers with --nameserver HOST[:PORT]"
)

#: A per-record rule: (record, servers serving it, servers not serving it) -> a cause or None.
RecordRule = Callable[[RecordReport, list[ServerAnswer], list[ServerAnswer]], Cause | None]


def caa_allows_letsencrypt(records: list[str]) -> bool:
    """RFC 8659: with any ``issue`` property present, one must name letsencrypt.org."""
    issuers: list[str] = []
    for text in records:
        parts = text.split(None, 2)
        if len(parts) < 3 or parts[1].lower() != "issue":
            continue
        issuers.append(parts[2].strip().strip('"').split(";")[0].strip().lower())
    return not issuers or LETS_ENCRYPT_CAA in issuers


def serials_behind(missing: list[int], serving: list[int]) -> bool:
    """True when every server without the record has an older zone than every one with it."""
    return bool(missing and serving and max(missing) < min(serving))


def discovery_failed(error: str, next_step: str | None = None) -> Cause:
    """No authoritative server could be found for the records; ``next_step`` when the fix is
    not the name's delegation (``DiscoveryError.next_step``: a broken resolver)."""
    return Cause(
        CauseCode.DISCOVERY_FAILED,
        f"Could not find the authoritative servers: {error}.",
        next_step or DISCOVERY_NEXT_STEP,
        details={"error": error},
    )


# -- per-record rules, in order ------------------------------------------------------------------


def _zone_appended_twice(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    doubled = record.probes.get("doubled_name") or {}
    if not doubled.get("found"):
        return None
    label, name = record.record.label(), doubled["name"]
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    return Cause(
        CauseCode.ZONE_APPENDED_TWICE,
        f"{label} is missing, but {name} exists ({show(doubled['found'])}): the zone "
        f"{record.zone} was appended to a full name. Your DNS provider wants the name relative "
        f"to the zone (enter {relative!r}, or the full name with a trailing dot, "
        f"{record.record.fqdn + '.'!r}).",
        f"enter `{relative}` as the record name (the label only) and delete `{name}`",
        record=label,
        details={"found_at": name, "use_name": relative, "zone": record.zone},
    )


def lagging_cause(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """Some servers serve the record, others do not: behind (older serial) or disagreeing."""
    if not good:
        return None
    good_serials = sorted({a.soa_serial for a in good if a.soa_serial is not None})
    bad_serials = sorted({a.soa_serial for a in bad if a.soa_serial is not None})
    if serials_behind(bad_serials, good_serials):
        reason = "lagging behind (older SOA serial): the zone transfer has not reached it yet"
        step = f"wait for {hosts(bad)}, or check NOTIFY and zone transfers from the primary"
    else:
        reason = "the servers disagree"
        step = (
            f"make {hosts(bad)} serve the same zone data as {hosts(good)} (same primary: "
            "check zone transfers and where the record was written)"
        )
    return Cause(
        CauseCode.LAGGING_SERVER,
        f"{record.record.label()} is served by {with_serials(good)} but not by {with_serials(bad)} "
        f"(found there: {show([v for a in bad for v in a.answer])}): {reason}.",
        step,
        record=record.record.label(),
        details={
            "serving": [a.label() for a in good],
            "missing": [a.label() for a in bad],
            "serving_serials": good_serials,
            "missing_serials": bad_serials,
        },
    )


def _wrong_value(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    found, expected = found_values(bad), record.record.value
    if not found:
        return None
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    if record.record.rtype == "TXT":
        summary = (
            f"{record.record.label()} has a stale or wrong value: found {show(found)}, "
            f"expected {expected!r}. Okta regenerates the TXT value after a failed verification."
        )
        step = f"set TXT `{relative}` to `{expected}`"
    else:
        summary = f"{record.record.label()} points to {show(found)}, expected {expected!r}."
        step = f"point CNAME `{relative}` to `{expected}`"
    return value_cause(CauseCode.WRONG_VALUE, record, bad, summary, step)


def _proxied_cname(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    addresses = (record.probes.get("address_records") or {}).get("found") or []
    if record.record.rtype != "CNAME" or not addresses:
        return None
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    return Cause(
        CauseCode.PROXIED_CNAME,
        f"{record.record.label()} answers address records ({show(addresses)}) instead of the "
        f"CNAME to {record.record.value!r}: the record is proxied or flattened (Cloudflare "
        "'proxied', ALIAS/ANAME or CNAME flattening).",
        f"make `{relative}` a DNS-only CNAME to `{record.record.value}` (Cloudflare: "
        "proxied = false; no CNAME flattening)",
        record=record.record.label(),
        details={"found": addresses, "expected": record.record.value},
    )


def _missing_everywhere(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    others = sorted({text for a in bad for text in a.other})
    extra = f" (found instead: {', '.join(others)})" if others else ""
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    name = f" (name {relative!r} in zone {record.zone})" if record.zone else ""
    return Cause(
        CauseCode.MISSING_EVERYWHERE,
        f"{record.record.label()}{name} is on no authoritative server yet: {with_serials(bad)} "
        f"answer {'/'.join(sorted({a.rcode or '?' for a in bad}))}{extra}.",
        f"create {record_row(record)}" + (f" in zone {record.zone}" if record.zone else ""),
        record=record.record.label(),
        details={"servers": [a.label() for a in bad], "zone": record.zone},
    )


def _delegated(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """The TXT name is a CNAME to another zone, and the target lacks the value."""
    target = record.delegated
    if target is None or target.ready:
        return None
    inner = record_cause(target)
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    where = f"{target.record.fqdn} (zone {target.zone})"
    there = inner.summary if inner else "not every server of that zone answers (see above)."
    return Cause(
        CauseCode.CNAME_TARGET_NOT_READY,
        f"{record.record.label()} is a CNAME to {where}, which Let's Encrypt follows: the TXT "
        f"must be at the target. There: {there}",
        (inner.next_step if inner else f"make every server of zone {target.zone} answer")
        + f" (at the CNAME target; a TXT cannot sit beside the CNAME at `{relative}`)",
        record=record.record.label(),
        details={
            "target": target.record.fqdn,
            "target_zone": target.zone,
            "target_cause": inner.to_dict() if inner else None,
        },
    )


RECORD_RULES: tuple[RecordRule, ...] = (
    chain_cause,
    _delegated,
    _zone_appended_twice,
    lagging_cause,
    wildcard_in_place,
    pasted_txt,
    multiple_txt,
    _wrong_value,
    name_in_use,
    _proxied_cname,
    _missing_everywhere,
)


def split_servers(record: RecordReport) -> tuple[list[ServerAnswer], list[ServerAnswer]]:
    """The authoritative answers for ``record``: (serving it, not serving it)."""
    answering = [
        a
        for a in record.servers
        if a.error is None and a.authoritative and a.rcode in ("NOERROR", "NXDOMAIN")
    ]
    return [a for a in answering if a.matches], [a for a in answering if not a.matches]


def record_cause(record: RecordReport) -> Cause | None:
    """The first per-record rule that applies, when some server answers without the record."""
    good, bad = split_servers(record)
    if not bad and not (record.probes.get("cname_chain") or {}).get("problem"):
        return None
    return next(
        (cause for rule in RECORD_RULES if (cause := rule(record, good, bad)) is not None), None
    )


# -- report-wide rules ---------------------------------------------------------------------------


def _record_causes(report: ReadinessReport) -> list[Cause]:
    return [cause for record in report.records if (cause := record_cause(record)) is not None]


def _in_zone(caa: dict[str, Any], record: RecordReport) -> str:
    """Where the CAA set sits, when it is above the domain's own zone."""
    zone = caa.get("zone") or caa["name"]
    if zone == record.zone:
        return ""
    return f" (zone {zone}, above the zone cut of {record.zone}: Let's Encrypt climbs past it)"


def _caa_causes(report: ReadinessReport) -> list[Cause]:
    causes = []
    seen: set[str] = set()
    for record in report.records:
        caa = record.probes.get("caa")
        if not caa or caa["name"] in seen or caa_allows_letsencrypt(caa["records"]):
            continue
        seen.add(caa["name"])
        domain = record.record.domain
        causes.append(
            Cause(
                CauseCode.CAA_FORBIDS,
                f"CAA records at {caa['name']}{_in_zone(caa, record)} "
                f"({'; '.join(caa['records'])}) apply to {domain} "
                f"and do not allow {LETS_ENCRYPT_CAA}, which issues Okta-managed certificates: "
                "the certificate cannot be issued.",
                f'add `{caa["name"]}. CAA 0 issue "{LETS_ENCRYPT_CAA}"` (or remove the CAA '
                "records)",
                record=record.record.label(),
                details={
                    "name": caa["name"],
                    "zone": caa.get("zone"),
                    "records": caa["records"],
                    "domain": domain,
                },
            )
        )
    return causes


def _dnssec_causes(report: ReadinessReport) -> list[Cause]:
    return [
        Cause(
            CauseCode.DNSSEC_BROKEN,
            f"{record.record.label()} is right on every authoritative server, but the "
            f"validating resolver {probe['server']} answers SERVFAIL: DNSSEC for "
            f"{record.zone or 'the zone'} is broken (DS at the parent without matching signed "
            "DNSKEYs, or expired signatures); validating resolvers cannot see the record.",
            "fix the zone's DNSSEC signing, or remove the DS record at the registrar",
            record=record.record.label(),
            details={"resolver": probe["server"], "zone": record.zone},
        )
        for record in report.records
        if (probe := record.probes.get("validating_resolver"))
        and record.ready
        and probe.get("rcode") == "SERVFAIL"
    ]


def _zone_problems(report: ReadinessReport) -> list[Cause]:
    return [
        Cause(
            CauseCode.NAMESERVER_UNRESOLVABLE,
            f"Zone {zone.zone}: {problem}; resolvers that pick that name server fail.",
            "give it an address (glue) or remove it from the zone's NS set",
            details={"zone": zone.zone, "problem": problem},
        )
        for zone in report.zones
        for problem in zone.problems
    ]


def _not_ready(report: ReadinessReport) -> Cause:
    return Cause(
        CauseCode.NOT_READY,
        "Some records are not served everywhere yet: "
        + "; ".join(r.record.label() for r in report.records if not r.ready),
    )


RULES: tuple[Callable[[ReadinessReport], list[Cause]], ...] = (
    server_faults,
    _record_causes,
    _caa_causes,
    _dnssec_causes,
    _zone_problems,
)


def diagnose(report: ReadinessReport) -> list[Cause]:
    """Every cause that keeps ``report`` from being ready (empty when it is ready)."""
    causes = list(report.causes)  # e.g. discovery failures set by the check itself
    for rule in RULES:
        causes.extend(rule(report))
    if not causes and report.records and not all(r.ready for r in report.records):
        causes.append(_not_ready(report))
    return causes


def negative_cache_seconds(soa_ttl: int, soa_minimum: int) -> int:
    """RFC 2308 negative-caching time: min(SOA TTL, SOA MINIMUM)."""
    return min(soa_ttl, soa_minimum)


def name_equal(a: str, b: str) -> bool:
    """DNS names compare case-insensitively, with or without the trailing dot."""
    return dns.name.from_text(a) == dns.name.from_text(b)
