"""The CNAME chain a reply shows for a name: followed hop by hop, loops detected.

Let's Encrypt follows a CNAME at the challenge name (acme-dns, Cloudflare's DCV delegation, a
separate "challenges" zone), so the check must too. A server that holds the target in its own
zones puts the target's records in the same answer; otherwise the chain ends at a name the
server does not serve, and ``delegation`` asks that name's own zone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import dns.message
import dns.name
import dns.rdatatype

from okta_custom_domain.readiness.query import QueryResult

#: The longest chain followed (hops), like resolvers' limits: longer chains are reported.
MAX_HOPS = 8


@dataclass(frozen=True)
class Chain:
    """The names from the queried one to the last target (``names[0]`` is the query name)."""

    names: tuple[str, ...]
    loop: bool = False
    too_long: bool = False

    @property
    def target(self) -> str:
        return self.names[-1]

    @property
    def hops(self) -> int:
        return len(self.names) - 1


def _text(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower()


def _ended(names: list[str], target: str, start: int) -> Chain | None:
    """Add the hop to ``target``; the chain when that hop closes a loop or is one too many."""
    if target in names:
        return Chain((*names, target), loop=True)
    names.append(target)
    if start + len(names) - 1 > MAX_HOPS:
        return Chain(tuple(names), too_long=True)
    return None


def chain_in_reply(reply: dns.message.Message | None, qname: str, start: int = 0) -> Chain:
    """Follow the CNAME records of ``reply.answer`` from ``qname``; ``start`` hops already made."""
    current = dns.name.from_text(qname)
    names = [_text(current)]
    if reply is None:
        return Chain(tuple(names))
    cnames = {
        rrset.name: rrset[0].target for rrset in reply.answer if rrset.rdtype == dns.rdatatype.CNAME
    }
    while current in cnames:
        current = cnames[current]
        if (ended := _ended(names, _text(current), start)) is not None:
            return ended
    return Chain(tuple(names))


async def chain_by_queries(
    ask: Callable[[str, str], Awaitable[QueryResult]], qname: str, start: int = 0
) -> Chain:
    """The chain followed one CNAME query at a time (a server that answers SERVFAIL for a
    looping chain, as BIND does, still answers each CNAME on its own)."""
    names = [_text(dns.name.from_text(qname))]
    while True:
        targets = (await ask(names[-1], "CNAME")).answer_texts("CNAME")
        if not targets:
            return Chain(tuple(names))
        if (ended := _ended(names, _text(dns.name.from_text(targets[0])), start)) is not None:
            return ended


__all__ = ["MAX_HOPS", "Chain", "chain_by_queries", "chain_in_reply"]
