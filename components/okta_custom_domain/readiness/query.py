"""One DNS query to one server, the way authoritative checks must ask.

RD cleared (an authoritative server must answer from its own data, not recurse), EDNS0 with a
4096-byte payload, UDP with TCP fallback on truncation, a per-query timeout and a few retries.
Failures come back as data (``error`` and its kind), never as exceptions: a silent server is a
finding, and so is one that refuses (the UDP socket is connected, so an ICMP "port unreachable"
surfaces at once as refused instead of waiting out the timeout). A ``deadline`` caps every
attempt, so a dead server cannot stretch a wait past its timeout.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

import dns.asyncbackend
import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

EDNS_PAYLOAD = 4096
#: The shortest attempt worth making when a deadline is near (a loopback answer takes ~1 ms).
MIN_ATTEMPT = 0.1


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
    error_kind: str | None = None  # "timeout", "refused", "network" or "bad_reply"
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


def attempt_timeout(timeout: float, deadline: float | None) -> float | None:
    """This attempt's timeout: ``timeout``, cut to what is left before ``deadline``.

    None when the deadline has passed and an attempt has already been made.
    """
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    return None if left < MIN_ATTEMPT else min(timeout, left)


async def _send(
    query: dns.message.Message, address: str, port: int, timeout: float
) -> tuple[dns.message.Message, bool]:
    """One UDP attempt (TCP on truncation) over a connected socket, so refusals are seen."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    backend = dns.asyncbackend.get_default_backend()
    sock = await backend.make_socket(family, socket.SOCK_DGRAM, 0, None, (address, port))
    try:
        return await dns.asyncquery.udp_with_fallback(
            query, address, timeout=timeout, port=port, udp_sock=sock
        )
    finally:
        await sock.close()


def _failure(exc: Exception, timeout: float, attempts: int) -> tuple[str, str]:
    """(kind, words) for a failed attempt."""
    if isinstance(exc, dns.exception.Timeout):
        return "timeout", f"no answer within {timeout:g} s (tried {attempts} times)"
    if isinstance(exc, ConnectionRefusedError):
        return (
            "refused",
            f"connection refused: nothing listens on that port (tried {attempts} times)",
        )
    if isinstance(exc, OSError):
        return "network", f"network error: {exc.strerror or exc}"
    return "bad_reply", f"bad reply: {exc}"


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
    deadline: float | None = None,
) -> QueryResult:
    """Ask ``address``:``port`` for ``qname``/``rdtype``; retry on timeout or network error.

    With ``deadline`` (a ``time.monotonic()`` value) no attempt runs past it; the first attempt
    still runs (for at least ``MIN_ATTEMPT``) so every server is asked once.
    """
    result = QueryResult(address=address, port=port, qname=qname, rdtype=rdtype)
    started = time.perf_counter()
    for _ in range(max(0, retries) + 1):
        budget = attempt_timeout(timeout, deadline)
        if budget is None and result.attempts:
            break
        budget = MIN_ATTEMPT if budget is None else budget
        result.attempts += 1
        if stats is not None:
            stats.sent += 1
        try:
            reply, used_tcp = await _send(
                make_query(qname, rdtype, recursion=recursion), address, port, budget
            )
        except (dns.exception.DNSException, OSError) as exc:
            result.error_kind, result.error = _failure(exc, budget, result.attempts)
            if result.error_kind == "refused":
                break  # definitive: asking again gets the same ICMP answer
            continue
        if used_tcp and stats is not None:
            stats.sent += 1
        result.reply, result.tcp = reply, used_tcp
        result.error = result.error_kind = None
        break
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result
