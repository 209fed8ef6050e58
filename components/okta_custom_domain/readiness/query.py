"""One DNS query to one server, the way authoritative checks must ask.

RD cleared (an authoritative server must answer from its own data, not recurse), EDNS0 with a
4096-byte payload, UDP with TCP fallback on truncation, a per-query timeout and a few retries.
Failures come back as data (``error``), never as exceptions: a silent server is a finding.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

EDNS_PAYLOAD = 4096


@dataclass
class QueryStats:
    """Counts queries sent (each retry and each TCP fallback is one more query)."""

    sent: int = 0


@dataclass
class QueryResult:
    """What one server said (or that it said nothing) about one question."""

    address: str
    port: int
    qname: str
    rdtype: str
    reply: dns.message.Message | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    tcp: bool = False
    attempts: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def rcode(self) -> str | None:
        return None if self.reply is None else dns.rcode.to_text(self.reply.rcode())

    @property
    def authoritative(self) -> bool:
        return self.reply is not None and bool(self.reply.flags & dns.flags.AA)

    def answer_texts(self, rdtype: str) -> list[str]:
        """Rdata texts of type ``rdtype`` owned by the queried name."""
        if self.reply is None:
            return []
        wanted = dns.rdatatype.from_text(rdtype)
        qname = dns.name.from_text(self.qname)
        return [
            rdata.to_text()
            for rrset in self.reply.answer
            if rrset.rdtype == wanted and rrset.name == qname
            for rdata in rrset
        ]


def make_query(qname: str, rdtype: str, *, recursion: bool) -> dns.message.Message:
    """A query with EDNS0 (payload 4096); RD only when asking a recursive resolver."""
    message = dns.message.make_query(qname, rdtype, use_edns=0, payload=EDNS_PAYLOAD)
    if not recursion:
        message.flags &= ~dns.flags.RD
    return message


async def ask(
    qname: str,
    rdtype: str,
    address: str,
    port: int,
    *,
    timeout: float,
    retries: int,
    recursion: bool = False,
    stats: QueryStats | None = None,
) -> QueryResult:
    """Ask ``address``:``port`` for ``qname``/``rdtype``; retry on timeout or network error."""
    result = QueryResult(address=address, port=port, qname=qname, rdtype=rdtype)
    started = time.perf_counter()
    for _ in range(max(0, retries) + 1):
        query = make_query(qname, rdtype, recursion=recursion)
        result.attempts += 1
        if stats is not None:
            stats.sent += 1
        try:
            reply, used_tcp = await dns.asyncquery.udp_with_fallback(
                query, address, timeout=timeout, port=port
            )
        except dns.exception.Timeout:
            result.error = f"no answer within {timeout:g} s (tried {result.attempts} times)"
            continue
        except OSError as exc:
            result.error = f"network error: {exc.strerror or exc}"
            continue
        except dns.exception.DNSException as exc:
            result.error = f"bad reply: {exc}"
            continue
        if used_tcp and stats is not None:
            stats.sent += 1
        result.reply, result.tcp, result.error = reply, used_tcp, None
        break
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result
