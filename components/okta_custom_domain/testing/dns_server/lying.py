"""A resolver that answers every query with one rcode and nothing else: a broken or lying one.

What a client sees of a filtering resolver that blocks everything, a captive portal, or a
forwarder whose upstream is gone: ``NXDOMAIN`` for every name, the root zone included, and no
SOA in the authority section (a real negative answer carries one, RFC 2308). dnspython answers
the queries on a daemon thread, over UDP and TCP.
"""

from __future__ import annotations

import socket

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from okta_custom_domain.testing.dns_server.endpoint import ThreadedEndpoint


class LyingResolver(ThreadedEndpoint):
    """UDP and TCP on ``address:port`` answering every query with ``rcode`` (no records)."""

    thread_name = "lying-dns"

    def __init__(
        self,
        address: str = "127.0.0.1",
        port: int | None = None,
        rcode: dns.rcode.Rcode = dns.rcode.NXDOMAIN,
    ) -> None:
        super().__init__(address, port)
        self.rcode = rcode
        self.questions: list[tuple[str, str]] = []  # (name, type) asked, so a test sees what

    def _reply(self, query: dns.message.Message) -> dns.message.Message:
        for question in query.question:
            name = question.name.to_text(omit_final_dot=True).lower() or "."
            self.questions.append((name, dns.rdatatype.to_text(question.rdtype)))
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.RA
        reply.set_rcode(self.rcode)
        return reply

    def on_udp(self, udp: socket.socket) -> None:
        wire, peer = udp.recvfrom(65535)
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return
        udp.sendto(self._reply(query).to_wire(), peer)

    def on_tcp(self, tcp: socket.socket) -> None:
        connection, _ = tcp.accept()
        with connection:
            connection.settimeout(1.0)
            try:
                query, _ = dns.query.receive_tcp(connection)
                dns.query.send_tcp(connection, self._reply(query))
            except (OSError, dns.exception.DNSException):
                return
