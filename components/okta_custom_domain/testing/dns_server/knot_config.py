"""The ``knot.conf`` of a loopback ``knotd``: every path in its temp directory, no privileges.

No ``user:`` switch, no file outside the temp dir and no DNSSEC signing, so it runs as any user;
zone files are loaded whole and never written back, so a test's zone text is what is served.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from okta_custom_domain.testing.dns_server.loopback import quote


@dataclass(frozen=True)
class TsigKey:
    """A TSIG key allowed to send RFC 2136 updates; the secret stays out of ``repr``."""

    name: str
    algorithm: str = "hmac-sha256"
    secret: str = field(default="", repr=False)


def knot_config(
    work: Path,
    listen: str,
    control_socket: Path,
    tsig: TsigKey | None,
    zone_files: Mapping[str, Path],
) -> str:
    """The config text: server on ``listen`` (``address@port``), TSIG updates, the zones."""
    lines = _server_section(work, listen, control_socket)
    if tsig is not None:
        lines += [
            "key:",
            f"  - id: {tsig.name}",
            f"    algorithm: {tsig.algorithm}",
            f"    secret: {tsig.secret}",
            "acl:",
            "  - id: tsig-update",
            f"    key: {tsig.name}",
            "    action: update",
        ]
    lines += [
        "template:",
        "  - id: default",
        f"    storage: {quote(str(work / 'zones'))}",
        "    semantic-checks: off",
        "    zonefile-sync: -1",
        "    zonefile-load: whole",
        "    journal-content: none",
        "    serial-policy: increment",
    ]
    if tsig is not None:
        lines.append("    acl: tsig-update")
    if zone_files:
        lines.append("zone:")
        for zone in sorted(zone_files):
            lines += [f"  - domain: {quote(zone)}", f"    file: {quote(str(zone_files[zone]))}"]
    return "\n".join(lines) + "\n"


def _server_section(work: Path, listen: str, control_socket: Path) -> list[str]:
    """server, log (stderr), control and database: all under ``work``."""
    return [
        "server:",
        f"    rundir: {quote(str(work / 'run'))}",
        f"    pidfile: {quote(str(work / 'run' / 'knot.pid'))}",
        f"    listen: {listen}",
        "    udp-workers: 2",
        "    tcp-workers: 2",
        "    background-workers: 1",
        "log:",
        "  - target: stderr",
        "    any: info",
        "control:",
        f"    listen: {quote(str(control_socket))}",
        "database:",
        f"    storage: {quote(str(work / 'db'))}",
        f"    journal-db: {quote(str(work / 'db' / 'journal'))}",
        f"    kasp-db: {quote(str(work / 'db' / 'keys'))}",
        f"    timer-db: {quote(str(work / 'db' / 'timers'))}",
        f"    catalog-db: {quote(str(work / 'db' / 'catalog'))}",
    ]
