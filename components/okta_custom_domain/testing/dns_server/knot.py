"""A real authoritative DNS server (``knotd``) on loopback, for tests, demos and the fake Okta.

Readiness checks are only worth something if they are tested against a real server with real
SOA serials, REFUSED answers and RFC 2136 updates, so this launcher runs Knot DNS with every file
(config, zones, rundir, databases, control socket) in a temporary directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from okta_custom_domain.testing.dns_server.knot_config import TsigKey, knot_config
from okta_custom_domain.testing.dns_server.zone_server import RELOAD_TIMEOUT, ZoneFileServer
from okta_custom_domain.testing.local_process import find_program

KNOT_INSTALL_HINT = "install Knot DNS: `apt-get install knot` (provides knotd and knotc)"

__all__ = ["KNOT_INSTALL_HINT", "RELOAD_TIMEOUT", "AuthoritativeServer", "find_knotc", "find_knotd"]


def find_knotd() -> str:
    """Path of ``knotd``; a RuntimeError that says how to install it when it is missing."""
    return find_program("knotd", KNOT_INSTALL_HINT)


def find_knotc() -> str:
    """Path of ``knotc`` (installed next to ``knotd``)."""
    for candidate in (
        shutil.which("knotc"),
        str(Path(find_knotd()).with_name("knotc")),
        "/usr/sbin/knotc",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(f"knotc was not found on PATH or in /usr/sbin: {KNOT_INSTALL_HINT}")


class AuthoritativeServer(ZoneFileServer):
    """One ``knotd`` process serving zones from files in its own temporary directory.

    ``tsig`` allows RFC 2136 updates signed with that key (the other servers take none).
    """

    program = "knotd"
    install_hint = KNOT_INSTALL_HINT

    def __init__(
        self,
        address: str = "127.0.0.1",
        port: int | None = None,
        *,
        tsig: TsigKey | None = None,
        workdir: Path | None = None,
    ) -> None:
        super().__init__(address, port, workdir=workdir)
        self.tsig = tsig

    @property
    def control_socket(self) -> Path:
        return self.workdir / "knot.sock"

    def _write_config(self) -> Path:
        for sub in ("run", "db", "zones"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        path = self.workdir / "knot.conf"
        tmp = path.with_suffix(".tmp")
        zone_files = {zone: self._zone_file(zone) for zone in self._zones}
        listen = f"{self.address}@{self.port}"
        tmp.write_text(
            knot_config(self.workdir, listen, self.control_socket, self.tsig, zone_files)
        )
        tmp.chmod(0o600)  # it may hold the TSIG secret
        tmp.replace(path)
        return path

    def _command(self, config: Path) -> list[str]:
        return [find_knotd(), "-c", str(config)]

    def _ready(self) -> bool:
        return self.control_socket.exists()

    def _apply_zone_list(self) -> None:
        self._knotc("reload")

    def _reload_zone(self, zone: str) -> None:
        self._knotc("zone-reload", zone)

    def _knotc(self, *args: str) -> None:
        command = [find_knotc(), "-s", str(self.control_socket), "-b", "-t", "10", *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"`knotc {' '.join(args)}` failed ({result.returncode}): "
                f"{result.stdout}{result.stderr}\n{self._log()}"
            )
