"""Zone-file text and what the servers answer: the helpers every DNS test writes records with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dns.message
import dns.name
import dns.query
import dns.rdatatype
import dns.zone


@dataclass(frozen=True)
class ZoneRecord:
    """One resource record in zone-file terms (``name`` relative to the zone, ``@`` = apex)."""

    name: str
    rtype: str
    value: str
    ttl: int = 300


def zone_text(
    zone: str,
    *,
    serial: int,
    nameservers: Sequence[tuple[str, str]],
    records: Sequence[ZoneRecord] = (),
    soa_minimum: int = 60,
    ttl: int = 300,
) -> str:
    """Zone-file text: SOA, NS (+ glue A/AAAA for in-zone name servers) and ``records``."""
    origin = dns.name.from_text(zone)
    if not nameservers:
        raise ValueError("nameservers: give at least one (ns FQDN, address) pair")
    primary = dns.name.from_text(nameservers[0][0]).to_text()
    lines = [
        f"$ORIGIN {origin.to_text()}",
        f"$TTL {ttl}",
        f"@ {ttl} IN SOA {primary} hostmaster.{origin.to_text()} "
        f"{serial} 3600 600 86400 {soa_minimum}",
    ]
    for ns_name, _ in nameservers:
        lines.append(f"@ {ttl} IN NS {dns.name.from_text(ns_name).to_text()}")
    for ns_name, address in nameservers:
        parsed = dns.name.from_text(ns_name)
        if parsed.is_subdomain(origin):
            rtype = "AAAA" if ":" in address else "A"
            lines.append(f"{parsed.to_text()} {ttl} IN {rtype} {address}")
    for record in records:
        lines.append(f"{record.name} {record.ttl} IN {record.rtype.upper()} {record.value}")
    return "\n".join(lines) + "\n"


def loopback_zone_text(
    zone: str,
    *,
    serial: int = 1,
    records: Sequence[ZoneRecord] = (),
    address: str = "127.0.0.1",
    **options: int,
) -> str:
    """Zone text for a zone whose one name server, ``ns1.<zone>``, answers on ``address``
    (the usual test zone); ``options`` go to :func:`zone_text` (``soa_minimum``, ``ttl``)."""
    return zone_text(
        zone, serial=serial, nameservers=[(f"ns1.{zone}", address)], records=records, **options
    )


def query_values(address: str, port: int, fqdn: str, rtype: str) -> list[str]:
    """What the server at ``address:port`` answers for ``fqdn`` ``rtype`` (empty when nothing).

    TXT character-strings are joined; other data is lower-cased without the trailing dot.
    """
    query = dns.message.make_query(fqdn, rtype)
    reply = dns.query.tcp(query, address, port=port, timeout=2)
    values: list[str] = []
    for rrset in reply.answer:
        if rrset.name == dns.name.from_text(fqdn):
            for rdata in rrset:
                if rtype.upper() == "TXT":
                    values.append(b"".join(rdata.strings).decode())
                else:
                    values.append(rdata.to_text().rstrip(".").lower())
    return values


def soa_serial_of(zone: str, text: str) -> int:
    """The SOA serial written in zone-file ``text``."""
    origin = dns.name.from_text(zone)
    parsed = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    soa = parsed.find_rdataset(origin, dns.rdatatype.SOA)
    return int(soa[0].serial)


def zone_key(zone: str) -> str:
    """``zone`` as the servers key it: lower case, no trailing dot."""
    return dns.name.from_text(zone).to_text(omit_final_dot=True).lower()
