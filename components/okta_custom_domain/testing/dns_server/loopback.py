"""What the loopback DNS servers share: a port free for UDP and TCP, and config-file quoting."""

from __future__ import annotations

import socket
from collections.abc import Sequence

START_TIMEOUT = 10.0


def _port_free_on(address: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(family, kind) as sock:
            try:
                sock.bind((address, port))
            except OSError:
                return False
    return True


def free_port_on_all(addresses: Sequence[str]) -> int:
    """A port that is free on UDP and TCP on every one of ``addresses`` (same number for all)."""
    first = addresses[0]
    family = socket.AF_INET6 if ":" in first else socket.AF_INET
    for _ in range(200):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((first, 0))
            port = int(probe.getsockname()[1])
        if all(_port_free_on(address, port) for address in addresses):
            return port
    raise RuntimeError(f"no port free on UDP and TCP for all of {', '.join(addresses)}")


def free_port(address: str) -> int:
    """A port free on both UDP and TCP on ``address`` (a DNS server needs both)."""
    return free_port_on_all([address])


def quote(value: str) -> str:
    """``value`` as a double-quoted string of a knot.conf or unbound.conf."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
