"""A DNS endpoint on loopback served by a thread: UDP and TCP on one port, started and stopped.

The test servers written in Python (``SilentServer``, ``LyingResolver``) differ only in what
they do with a datagram or a connection; binding, the select loop and closing live here once.
"""

from __future__ import annotations

import selectors
import socket
import threading

from okta_custom_domain.testing.dns_server.loopback import free_port
from okta_custom_domain.testing.local_process import StartStop


class ThreadedEndpoint(StartStop):
    """UDP and TCP on ``address:port``; subclasses say what a datagram or connection gets."""

    thread_name = "dns-endpoint"

    def __init__(self, address: str = "127.0.0.1", port: int | None = None) -> None:
        self.address = address
        self.port = port if port is not None else free_port(address)
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
        """Bind both sockets (errors surface here) and start serving."""
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
            target=self._serve, args=(udp, tcp), name=f"{self.thread_name}-{self.port}",
            daemon=True,
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and close every socket; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_all()

    def on_udp(self, udp: socket.socket) -> None:
        """A datagram is waiting on ``udp``."""
        raise NotImplementedError

    def on_tcp(self, tcp: socket.socket) -> None:
        """A connection is waiting on ``tcp``."""
        raise NotImplementedError

    def _serve(self, udp: socket.socket, tcp: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(udp, selectors.EVENT_READ)
            selector.register(tcp, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.05):
                    if key.fileobj is udp:
                        self.on_udp(udp)
                    else:
                        self.on_tcp(tcp)

    def _close_all(self) -> None:
        sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()
