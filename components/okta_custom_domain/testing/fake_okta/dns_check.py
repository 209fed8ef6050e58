"""The fake's check of a domain's records: it really resolves them through a DNS server.

Verification is only worth testing against real DNS, so the fake asks the server a test points
it at (``FakeOkta.set_dns_server``) for the TXT and CNAME, with no cache, and words what is
missing the way Okta does.
"""

from __future__ import annotations

from typing import Any

import dns.exception
import dns.resolver


def check_dns(
    server: tuple[str, int] | None,
    timeout: float,
    *,
    txt_fqdn: str,
    txt_value: str,
    cname_fqdn: str,
    cname_target: str,
) -> tuple[bool, bool, str]:
    """(txt_ok, cname_ok, reason) as seen through ``server``."""
    if server is None:
        return False, False, "DNS record not found (the fake has no DNS server configured)"
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [server[0]]
    resolver.port = server[1]
    resolver.lifetime = timeout
    resolver.cache = None
    problems: list[str] = []
    txt_values = {
        b"".join(rdata.strings).decode(errors="replace")
        for rdata in _answer(resolver, txt_fqdn, "TXT", problems)
    }
    cname_value: str | None = None
    for rdata in _answer(resolver, cname_fqdn, "CNAME", problems):
        cname_value = rdata.target.to_text(omit_final_dot=True).lower()
    txt_ok = txt_value in txt_values
    cname_ok = cname_value == cname_target.lower().rstrip(".")
    if not txt_ok and not problems:
        problems.append(
            f"DNS record not found: TXT {txt_fqdn} does not have the expected value"
            if txt_values
            else f"DNS record not found: TXT {txt_fqdn}"
        )
    if not cname_ok and not problems:
        problems.append(
            f"DNS record not found: CNAME {cname_fqdn} -> {cname_target}"
            + (f" (found {cname_value})" if cname_value else "")
        )
    return txt_ok, cname_ok, "; ".join(problems)


def _answer(
    resolver: dns.resolver.Resolver, fqdn: str, rtype: str, problems: list[str]
) -> list[Any]:
    """The rdatas of ``fqdn`` ``rtype`` (none for NXDOMAIN); a failure is added to ``problems``."""
    try:
        return list(resolver.resolve(fqdn, rtype, raise_on_no_answer=False))
    except dns.resolver.NXDOMAIN:
        return []
    except dns.exception.DNSException as exc:
        problems.append(f"DNS timeout or error for {fqdn} ({type(exc).__name__})")
        return []


def check_records(
    server: tuple[str, int] | None, timeout: float, records: list[tuple[str, str, str]]
) -> list[str]:
    """What does not resolve as expected among ``(type, fqdn, value)`` records (TXT or
    CNAME), through ``server``; an empty list when every record is served."""
    if server is None:
        return ["DNS record not found (the fake has no DNS server configured)"]
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [server[0]]
    resolver.port = server[1]
    resolver.lifetime = timeout
    resolver.cache = None
    problems: list[str] = []
    for rtype, fqdn, value in records:
        answers = _answer(resolver, fqdn, rtype, problems)
        if rtype == "TXT":
            found = {b"".join(r.strings).decode(errors="replace") for r in answers}
            ok = value in found
        else:
            found = {r.target.to_text(omit_final_dot=True).lower() for r in answers}
            ok = value.lower().rstrip(".") in found
        if not ok:
            problems.append(f"DNS record not found: {rtype} {fqdn} -> {value}")
    return problems
