"""DNS endpoints that never answer: what a client sees of a dead server or a dropping firewall.

``SilentServer`` takes UDP datagrams and TCP connections and answers nothing, so a query times
out; ``closed_port`` is a port where nothing listens, so a UDP query gets ICMP port unreachable
(an immediate "connection refused") instead. Timeouts and refusals take different code paths in
a DNS client; both need a test.
"""

from __future__ import annotations

import selectors
import socket
import threading

from okta_custom_domain.testing.dns_server.loopback import free_port
from okta_custom_domain.testing.local_process import StartStop


def closed_port(address: str = "127.0.0.1") -> int:
    """A port on ``address`` where nothing listens on UDP or TCP (it may be taken later)."""
    return free_port(address)


class SilentServer(StartStop):
    """UDP and TCP on ``address:port`` that read queries and never reply (a daemon thread)."""

    def __init__(self, address: str = "127.0.0.1", port: int | None = None) -> None:
        self.address = address
        self.port = port if port is not None else free_port(address)
        self.queries = 0  # UDP datagrams and TCP connections seen, so a test can tell it asked
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
        """Bind both sockets (errors surface here) and start swallowing what arrives."""
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
            target=self._serve, args=(udp, tcp), name=f"silent-dns-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and close every socket; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_all()

    def _serve(self, udp: socket.socket, tcp: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(udp, selectors.EVENT_READ)
            selector.register(tcp, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.05):
                    if key.fileobj is udp:
                        udp.recvfrom(65535)
                    else:
                        connection, _ = tcp.accept()
                        self._sockets.append(connection)  # held open, never read or answered
                    self.queries += 1

    def _close_all(self) -> None:
        sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()
