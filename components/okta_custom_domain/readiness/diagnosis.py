"""Turn a readiness report into causes a person can act on, instead of "timed out".

Pure: reads only the report (answers and probes gathered by the check), so each rule can be
read on its own. Every cause has a stable ``code`` (for the doctor command and tests), a message
that names the record, the servers and the fix, and a ``details`` dict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dns.name

from okta_custom_domain.readiness.report import Cause, ReadinessReport, RecordReport, ServerAnswer

LETS_ENCRYPT_CAA = "letsencrypt.org"


def relative_or_fqdn(fqdn: str, zone: str | None) -> str:
    """``fqdn`` relative to ``zone`` (what a registrar form wants), or unchanged outside it."""
    if zone and fqdn.endswith("." + zone):
        return fqdn[: -len(zone) - 1]
    return fqdn


def _servers(answers: list[ServerAnswer]) -> str:
    return ", ".join(answer.label_with_serial() for answer in answers)


def _show(values: list[str]) -> str:
    return ", ".join(repr(value) for value in values) if values else "nothing"


def caa_allows_letsencrypt(records: list[str]) -> bool:
    """RFC 8659: with any ``issue`` property present, one must name letsencrypt.org."""
    issuers: list[str] = []
    for text in records:
        parts = text.split(None, 2)
        if len(parts) < 3 or parts[1].lower() != "issue":
            continue
        issuers.append(parts[2].strip().strip('"').split(";")[0].strip().lower())
    return not issuers or LETS_ENCRYPT_CAA in issuers


def _server_faults(report: ReadinessReport) -> list[Cause]:
    """REFUSED, SERVFAIL, timeouts and answers without AA, one cause per server and kind."""
    grouped: dict[tuple[str, str], list[tuple[RecordReport, ServerAnswer]]] = {}
    for record in report.records:
        for answer in record.servers:
            if answer.error is not None:
                code = "timeout"
            elif answer.rcode == "REFUSED":
                code = "refused"
            elif answer.rcode == "SERVFAIL":
                code = "servfail"
            elif answer.rcode is not None and not answer.authoritative:
                code = "not_authoritative"
            else:
                continue
            grouped.setdefault((code, answer.label()), []).append((record, answer))
    causes = []
    for (code, label), items in grouped.items():
        names = ", ".join(item[0].record.label() for item in items)
        zone = items[0][0].zone or "the zone"
        answer = items[0][1]
        if code == "timeout":
            text = (
                f"{label} did not answer ({answer.error}) for {names}: the server is down, "
                "unreachable or a firewall drops DNS. Every name server listed in the NS set "
                "must answer; fix or remove this one."
            )
        elif code == "refused":
            text = (
                f"{label} answers REFUSED for {names}: it does not serve {zone} (lame "
                f"delegation). Add {zone} to that server or remove it from the zone's NS set."
            )
        elif code == "servfail":
            text = (
                f"{label} answers SERVFAIL for {names}: the server failed to load {zone} "
                "(zone file error or expired secondary). Check that server's logs."
            )
        else:
            text = (
                f"{label} answers {answer.rcode} for {names} without the AA flag: it is not "
                f"authoritative for {zone} (lame delegation). Serve {zone} there or remove it "
                "from the NS set."
            )
        causes.append(
            Cause(
                code,
                text,
                record=items[0][0].record.label(),
                details={
                    "server": label,
                    "records": [item[0].record.label() for item in items],
                    "rcode": answer.rcode,
                    "error": answer.error,
                },
            )
        )
    return causes


def _lagging(record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]) -> Cause:
    good_serials = sorted({a.soa_serial for a in good if a.soa_serial is not None})
    bad_serials = sorted({a.soa_serial for a in bad if a.soa_serial is not None})
    behind = bool(good_serials and bad_serials and max(bad_serials) < min(good_serials))
    reason = (
        "lagging behind (older SOA serial): the zone transfer has not reached it yet; wait, "
        "or check NOTIFY and zone transfers from the primary"
        if behind
        else "the servers disagree; check that they are all fed from the same source"
    )
    return Cause(
        "lagging_server",
        f"{record.record.label()} is served by {_servers(good)} but not by {_servers(bad)} "
        f"(found there: {_show([v for a in bad for v in a.answer])}): {reason}.",
        record=record.record.label(),
        details={
            "serving": [a.label() for a in good],
            "missing": [a.label() for a in bad],
            "serving_serials": good_serials,
            "missing_serials": bad_serials,
        },
    )


def _value_cause(record: RecordReport, found: list[str]) -> Cause:
    expected = record.record.value
    label = record.record.label()
    details: dict[str, Any] = {"expected": expected, "found": found}
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    if record.record.rtype == "TXT":
        quoted = [v for v in found if v != expected and v.strip("\"'") == expected]
        if quoted:
            return Cause(
                "quoted_txt",
                f"{label} contains literal quote characters: found {_show(quoted)}, expected "
                f"{expected!r}. Your DNS provider stored the quotes as part of the value; "
                "enter the value without quotes.",
                record=label,
                details=details,
            )
        if len(found) > 1:
            has = expected in found
            return Cause(
                "multiple_txt",
                f"{label} has {len(found)} TXT values ({_show(found)}); "
                + (
                    f"the expected {expected!r} is among them. "
                    if has
                    else f"none is the expected {expected!r}. "
                )
                + "Delete the others so that only the current value Okta shows remains.",
                record=label,
                details=details,
            )
        return Cause(
            "wrong_value",
            f"{label} has a stale or wrong value: found {_show(found)}, expected {expected!r}. "
            "Okta regenerates the TXT value after a failed verification: copy the value Okta "
            f"shows now into the record {relative!r}.",
            record=label,
            details=details,
        )
    return Cause(
        "wrong_value",
        f"{label} points to {_show(found)}, expected {expected!r}. Change the CNAME target "
        "to the value Okta shows for this domain.",
        record=label,
        details=details,
    )


def _missing(record: RecordReport, answers: list[ServerAnswer]) -> Cause:
    label = record.record.label()
    probes = record.probes
    doubled = probes.get("doubled_name") or {}
    if doubled.get("found"):
        name = doubled["name"]
        relative = relative_or_fqdn(record.record.fqdn, record.zone)
        return Cause(
            "zone_appended_twice",
            f"{label} is missing, but {name} exists ({_show(doubled['found'])}): the zone "
            f"{record.zone} was appended to a full name. Your DNS provider wants the name "
            f"relative to the zone: enter {relative!r} (or the full name with a trailing dot, "
            f"{record.record.fqdn + '.'!r}) and delete {name}.",
            record=label,
            details={"found_at": name, "use_name": relative, "zone": record.zone},
        )
    addresses = (probes.get("address_records") or {}).get("found") or []
    if record.record.rtype == "CNAME" and addresses:
        return Cause(
            "proxied_cname",
            f"{label} answers address records ({_show(addresses)}) instead of the CNAME to "
            f"{record.record.value!r}: the record is proxied or flattened (Cloudflare "
            "'proxied', ALIAS/ANAME or CNAME flattening). Make it a plain DNS-only CNAME.",
            record=label,
            details={"found": addresses, "expected": record.record.value},
        )
    others = sorted({text for a in answers for text in a.other})
    extra = f" (found instead: {', '.join(others)})" if others else ""
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    return Cause(
        "missing_everywhere",
        f"{label} is on no authoritative server yet: {_servers(answers)} answer "
        f"{'/'.join(sorted({a.rcode or '?' for a in answers}))}{extra}. Create it"
        + (f" in zone {record.zone} with the name {relative!r}" if record.zone else "")
        + f" and the value {record.record.value!r}.",
        record=label,
        details={"servers": [a.label() for a in answers], "zone": record.zone},
    )


def _record_causes(record: RecordReport) -> list[Cause]:
    answering = [
        a
        for a in record.servers
        if a.error is None and a.authoritative and a.rcode in ("NOERROR", "NXDOMAIN")
    ]
    good = [a for a in answering if a.matches]
    bad = [a for a in answering if not a.matches]
    if not bad:
        return []
    if (record.probes.get("doubled_name") or {}).get("found"):
        return [_missing(record, bad)]
    if good:
        return [_lagging(record, good, bad)]
    found = sorted({value for a in bad for value in a.answer})
    if found:
        return [_value_cause(record, found)]
    return [_missing(record, bad)]


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
                "caa_forbids",
                f"CAA records at {caa['name']} ({'; '.join(caa['records'])}) apply to {domain} "
                f"and do not allow {LETS_ENCRYPT_CAA}, which issues Okta-managed certificates: "
                f'add `{caa["name"]}. CAA 0 issue "{LETS_ENCRYPT_CAA}"` (or remove the CAA '
                "records), otherwise the certificate cannot be issued.",
                record=record.record.label(),
                details={"name": caa["name"], "records": caa["records"], "domain": domain},
            )
        )
    return causes


def _dnssec_causes(report: ReadinessReport) -> list[Cause]:
    causes = []
    for record in report.records:
        probe = record.probes.get("validating_resolver")
        if not probe or not record.ready or probe.get("rcode") != "SERVFAIL":
            continue
        causes.append(
            Cause(
                "dnssec_broken",
                f"{record.record.label()} is right on every authoritative server, but the "
                f"validating resolver {probe['server']} answers SERVFAIL: DNSSEC for "
                f"{record.zone or 'the zone'} is broken (DS at the parent without matching "
                "signed DNSKEYs, or expired signatures). Fix the signing or remove the DS "
                "record at the registrar; validating resolvers cannot see the record until then.",
                record=record.record.label(),
                details={"resolver": probe["server"], "zone": record.zone},
            )
        )
    return causes


def _zone_problems(report: ReadinessReport) -> list[Cause]:
    return [
        Cause(
            "nameserver_unresolvable",
            f"Zone {zone.zone}: {problem}; resolvers that pick that name server fail. Give it "
            "an address (glue) or remove it from the NS set.",
            details={"zone": zone.zone, "problem": problem},
        )
        for zone in report.zones
        for problem in zone.problems
    ]


RULES: tuple[Callable[[ReadinessReport], list[Cause]], ...] = (
    _server_faults,
    lambda report: [cause for record in report.records for cause in _record_causes(record)],
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
        causes.append(
            Cause(
                "not_ready",
                "Some records are not served everywhere yet: "
                + "; ".join(r.record.label() for r in report.records if not r.ready),
            )
        )
    return causes


def negative_cache_seconds(soa_ttl: int, soa_minimum: int) -> int:
    """RFC 2308 negative-caching time: min(SOA TTL, SOA MINIMUM)."""
    return min(soa_ttl, soa_minimum)


def name_equal(a: str, b: str) -> bool:
    """DNS names compare case-insensitively, with or without the trailing dot."""
    return dns.name.from_text(a) == dns.name.from_text(b)
