"""What the loopback DNS servers share: a port free for UDP and TCP, config-file quoting, an
SOA probe, zone files whose reload is noticed and the log tail their errors quote."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rdatatype

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


def query_soa(address: str, port: int, zone: str) -> tuple[int | None, int | None]:
    """(rcode, serial) of an SOA query to ``address:port``; (None, None) when nothing answers."""
    query = dns.message.make_query(zone, dns.rdatatype.SOA)
    query.flags &= ~dns.flags.RD
    try:
        reply = dns.query.udp(query, address, port=port, timeout=0.3)
    except (OSError, dns.exception.DNSException):
        return None, None
    serial = None
    for rrset in reply.answer:
        if rrset.rdtype == dns.rdatatype.SOA:
            serial = int(rrset[0].serial)
    return reply.rcode(), serial


def write_zone_file(path: Path, text: str) -> None:
    """Replace ``path`` atomically, its mtime strictly later than the old file's.

    NSD and BIND skip a zone reload when the file's mtime has not moved, and a filesystem's
    coarse clock can give two quick writes the same mtime.
    """
    try:
        before = path.stat().st_mtime_ns
    except FileNotFoundError:
        before = None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    if before is not None and path.stat().st_mtime_ns <= before:
        later = before + 1_000_000
        os.utime(path, ns=(later, later))


def log_tail(program: str, path: Path, lines: int = 40) -> str:
    """The last ``lines`` of a server's log, for error messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no {program} output)"
    tail = "\n".join(text.splitlines()[-lines:])
    return f"{program} output ({path}):\n{tail}"
