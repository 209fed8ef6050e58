"""DNS endpoints that never answer: what a client sees of a dead server or a dropping firewall.

``SilentServer`` takes UDP datagrams and TCP connections and answers nothing, so a query times
out; ``closed_port`` is a port where nothing listens, so a UDP query gets ICMP port unreachable
(an immediate "connection refused") instead. Timeouts and refusals take different code paths in
a DNS client; both need a test.
"""

from __future__ import annotations

import socket

from okta_custom_domain.testing.dns_server.endpoint import ThreadedEndpoint
from okta_custom_domain.testing.dns_server.loopback import free_port


def closed_port(address: str = "127.0.0.1") -> int:
    """A port on ``address`` where nothing listens on UDP or TCP (it may be taken later)."""
    return free_port(address)


class SilentServer(ThreadedEndpoint):
    """UDP and TCP on ``address:port`` that read queries and never reply (a daemon thread)."""

    thread_name = "silent-dns"

    def __init__(self, address: str = "127.0.0.1", port: int | None = None) -> None:
        super().__init__(address, port)
        self.queries = 0  # UDP datagrams and TCP connections seen, so a test can tell it asked

    def on_udp(self, udp: socket.socket) -> None:
        udp.recvfrom(65535)
        self.queries += 1

    def on_tcp(self, tcp: socket.socket) -> None:
        connection, _ = tcp.accept()
        self._sockets.append(connection)  # held open, never read or answered
        self.queries += 1
