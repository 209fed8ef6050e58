"""Find the zone that holds a name by asking authoritative servers, not a resolver.

A resolver asked about a name that does not exist yet (the records are about to be created)
caches that absence for the zone's negative TTL (RFC 2308), and so would every lookup through
it afterwards. So the resolver is only asked about a name that exists, the parent of the
domain (``anchor``); from that zone down, its own servers are asked directly, with RD clear:
an authoritative server caches nothing. Their answer names the zone (the SOA in an
authoritative answer), or refers to a child zone (NS in authority, no AA) to walk into.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import dns.flags
import dns.name
import dns.rcode
import dns.rdatatype

from okta_custom_domain.readiness.discovery import NameServer
from okta_custom_domain.readiness.query import QueryResult
from okta_custom_domain.readiness.records import VERIFICATION_PREFIXES

#: Asks one server a question: (qname, rdtype, server) -> its result.
AskServer = Callable[[str, str, NameServer], Awaitable[QueryResult]]
#: The addresses of a child zone's servers: (zone, NS names, glue) -> servers.
ServersOf = Callable[[str], Awaitable[Sequence[NameServer]]]

MAX_STEPS = 16  # referrals followed plus CNAME owners climbed


def anchor_of(name: str) -> str:
    """The parent of the domain a record belongs to: a name that exists before the records do."""
    for prefix in VERIFICATION_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    parent = dns.name.from_text(name).parent()
    return parent.to_text(omit_final_dot=True).lower() if len(parent) > 1 else name


def _text(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower()


def _zone_in(result: QueryResult) -> str | None:
    """The zone an authoritative reply names: an SOA in the answer or the authority section."""
    reply = result.reply
    if reply is None or not reply.flags & dns.flags.AA:
        return None
    for rrset in (*reply.answer, *reply.authority):
        if rrset.rdtype == dns.rdatatype.SOA:
            return _text(rrset.name)
    return None


def _referral(result: QueryResult) -> str | None:
    """The child zone a non-authoritative reply refers to (NS records in the authority)."""
    reply = result.reply
    if reply is None or reply.flags & dns.flags.AA or reply.rcode() != dns.rcode.NOERROR:
        return None
    return next(
        (_text(rrset.name) for rrset in reply.authority if rrset.rdtype == dns.rdatatype.NS),
        None,
    )


USABLE = (dns.rcode.NOERROR, dns.rcode.NXDOMAIN)


async def _first_answer(
    ask: AskServer, name: str, servers: Sequence[NameServer]
) -> QueryResult | None:
    """The first usable reply (NOERROR or NXDOMAIN), else the first reply (BIND answers
    SERVFAIL at a CNAME loop); None when no server replies at all."""
    first = None
    for server in servers:
        result = await ask(name, "SOA", server)
        if result.reply is not None and result.reply.rcode() in USABLE:
            return result
        first = first or (result if result.reply is not None else None)
    return first


async def zone_below(
    name: str, zone: str, servers: Sequence[NameServer], ask: AskServer, servers_of: ServersOf
) -> str | None:
    """The zone holding ``name``, walking down from ``zone`` (served by ``servers``).

    None when no server gives a usable answer (the caller reports the servers as lame).
    """
    current = dns.name.from_text(name)
    for _ in range(MAX_STEPS):
        result = await _first_answer(ask, _text(current), servers)
        if result is None:
            return None
        found = _zone_in(result)
        if found is not None:
            return found
        if result.reply is not None and result.reply.rcode() not in USABLE:
            if current == dns.name.from_text(zone):
                return None
            current = current.parent()  # the name cannot be answered; its parent can
            continue
        child = _referral(result)
        if child is not None and child != zone:
            zone, servers = child, await servers_of(child)
            continue
        if current == dns.name.from_text(zone):
            return zone
        current = current.parent()  # a CNAME answer names no zone: its parent's zone holds it
    return zone


__all__ = ["AskServer", "ServersOf", "anchor_of", "zone_below"]
