"""A real NSD (``nsd``) on loopback: a second authoritative implementation for the tests.

NSD answers some edge cases its own way, so checks tested only against Knot could pass by
accident. Every file (config, zones, pid, xfrd state, control socket) is in a temp directory;
no ``username``/``chroot`` switch, so it runs as any user.

Reloads go through ``nsd-control`` over a Unix socket in the temp directory: no TLS keys to
generate (``nsd-control-setup`` takes about 3 s, 3072-bit RSA) and no control port to pick.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from okta_custom_domain.testing.dns_server.loopback import quote
from okta_custom_domain.testing.dns_server.zone_server import RELOAD_TIMEOUT, ZoneFileServer
from okta_custom_domain.testing.dns_server.zones import soa_serial_of
from okta_custom_domain.testing.local_process import find_program

NSD_INSTALL_HINT = "install NSD: `apt-get install nsd` (provides nsd, nsd-control, nsd-checkzone)"


def find_nsd() -> str:
    """Path of ``nsd``; a RuntimeError that says how to install it when it is missing."""
    return find_program("nsd", NSD_INSTALL_HINT)


def nsd_config(work: Path, listen: str, control_socket: Path, zone_files: dict[str, Path]) -> str:
    """``nsd.conf``: listen on ``listen`` (``address@port``), every path under ``work``."""
    lines = [
        "server:",
        f"    ip-address: {listen}",
        "    do-ip6: no",
        '    username: ""',
        '    chroot: ""',
        f"    zonesdir: {quote(str(work / 'zones'))}",
        '    database: ""',
        f"    pidfile: {quote(str(work / 'nsd.pid'))}",
        f"    xfrdfile: {quote(str(work / 'xfrd.state'))}",
        f"    xfrdir: {quote(str(work))}",
        f"    zonelistfile: {quote(str(work / 'zone.list'))}",
        f"    logfile: {quote(str(work / 'nsd.log'))}",
        "    verbosity: 1",
        "    server-count: 1",
        "    xfrd-reload-timeout: 0",  # default 1: at most one reload a second
        "    hide-version: yes",
        "remote-control:",
        "    control-enable: yes",
        f"    control-interface: {quote(str(control_socket))}",
    ]
    for zone in sorted(zone_files):
        path = quote(str(zone_files[zone]))
        lines += ["zone:", f"    name: {quote(zone)}", f"    zonefile: {path}"]
    return "\n".join(lines) + "\n"


class NsdServer(ZoneFileServer):
    """One ``nsd`` process serving zones from files in its own temporary directory."""

    program = "nsd"
    install_hint = NSD_INSTALL_HINT

    @property
    def control_socket(self) -> Path:
        return self.workdir / "nsd.sock"

    def _write_config(self) -> Path:
        (self.workdir / "zones").mkdir(parents=True, exist_ok=True)
        path = self.workdir / "nsd.conf"
        tmp = path.with_suffix(".tmp")
        zone_files = {zone: self._zone_file(zone) for zone in self._zones}
        listen = f"{self.address}@{self.port}"
        tmp.write_text(nsd_config(self.workdir, listen, self.control_socket, zone_files))
        tmp.replace(path)
        return path

    def _command(self, config: Path) -> list[str]:
        # -d: foreground; the config path is absolute, nsd-control's reconfig re-reads it
        return [find_nsd(), "-d", "-c", str(config.resolve())]

    def _ready(self) -> bool:
        return self.control_socket.exists()

    def _check_zone(self, zone: str, text: str) -> None:
        soa_serial_of(zone, text)
        self._check_with([find_program("nsd-checkzone", NSD_INSTALL_HINT)], zone, text)

    def _apply_zone_list(self) -> None:
        self._reload("reconfig")

    def _reload_zone(self, zone: str) -> None:
        self._reload("reload", zone)

    def _reload(self, *args: str) -> None:
        """Run a reloading ``nsd-control`` command; return once the old server children are gone.

        NSD answers from new children when a reload is done and tells the old ones to quit; a
        query one of them reads while quitting gets no answer, so a test's next query could be
        lost. Every reload replaces the children (the zone files' mtimes always move).
        """
        old = self._server_children()
        self._control(*args)
        deadline = time.monotonic() + RELOAD_TIMEOUT
        while old & self._server_children():
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"nsd's server processes {sorted(old)} still run "
                    f"{RELOAD_TIMEOUT:.0f} s after `nsd-control {' '.join(args)}`\n{self._log()}"
                )
            time.sleep(0.01)

    def _server_children(self) -> set[int]:
        """Live processes of this nsd that have no child: the ones answering queries."""
        if self._process is None:
            return set()
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            state, ppid, _, session = stat[stat.rindex(")") + 2 :].split()[:4]
            if int(session) == self._process.pid and state != "Z":
                parents[int(entry.name)] = int(ppid)
        return set(parents) - set(parents.values()) - {self._process.pid}

    def _control(self, *args: str) -> None:
        """Run ``nsd-control``; it exits 0 even when the command failed, so read its answer."""
        config = str((self.workdir / "nsd.conf").resolve())
        command = [find_program("nsd-control", NSD_INSTALL_HINT), "-c", config, *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines or lines[-1] != "ok":
            raise RuntimeError(
                f"`nsd-control {' '.join(args)}` failed ({result.returncode}): "
                f"{result.stdout}{result.stderr}\n{self._log()}"
            )
