"""A resolver that answers every query with one rcode and nothing else: a broken or lying one.

What a client sees of a filtering resolver that blocks everything, a captive portal, or a
forwarder whose upstream is gone: ``NXDOMAIN`` for every name, the root zone included, and no
SOA in the authority section (a real negative answer carries one, RFC 2308). dnspython answers
the queries on a daemon thread, over UDP and TCP.
"""

from __future__ import annotations

import selectors
import socket
import threading

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from okta_custom_domain.testing.dns_server.loopback import free_port
from okta_custom_domain.testing.local_process import StartStop


class LyingResolver(StartStop):
    """UDP and TCP on ``address:port`` answering every query with ``rcode`` (no records)."""

    def __init__(
        self,
        address: str = "127.0.0.1",
        port: int | None = None,
        rcode: dns.rcode.Rcode = dns.rcode.NXDOMAIN,
    ) -> None:
        self.address = address
        self.port = port if port is not None else free_port(address)
        self.rcode = rcode
        self.questions: list[tuple[str, str]] = []  # (name, type) asked, so a test sees what
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sockets: list[socket.socket] = []

    @property
    def endpoint(self) -> str:
        """``address:port``, the form the readiness options take."""
        return f"{self.address}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Bind both sockets (errors surface here) and start answering."""
        if self.running:
            return
        family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        udp = socket.socket(family, socket.SOCK_DGRAM)
        tcp = socket.socket(family, socket.SOCK_STREAM)
        self._sockets = [udp, tcp]
        try:
            udp.bind((self.address, self.port))
            tcp.bind((self.address, self.port))
            tcp.listen(16)
        except OSError:
            self._close_all()
            raise
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(udp, tcp), name=f"lying-dns-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and close every socket; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_all()

    def _reply(self, query: dns.message.Message) -> dns.message.Message:
        for question in query.question:
            name = question.name.to_text(omit_final_dot=True).lower() or "."
            self.questions.append((name, dns.rdatatype.to_text(question.rdtype)))
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.RA
        reply.set_rcode(self.rcode)
        return reply

    def _serve(self, udp: socket.socket, tcp: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(udp, selectors.EVENT_READ)
            selector.register(tcp, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.05):
                    if key.fileobj is udp:
                        self._serve_udp(udp)
                    else:
                        self._serve_tcp(tcp)

    def _serve_udp(self, udp: socket.socket) -> None:
        wire, peer = udp.recvfrom(65535)
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return
        udp.sendto(self._reply(query).to_wire(), peer)

    def _serve_tcp(self, tcp: socket.socket) -> None:
        connection, _ = tcp.accept()
        with connection:
            connection.settimeout(1.0)
            try:
                query, _ = dns.query.receive_tcp(connection)
                dns.query.send_tcp(connection, self._reply(query))
            except (OSError, dns.exception.DNSException):
                return

    def _close_all(self) -> None:
        sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()
