"""A real authoritative DNS server (``knotd``) on loopback, for tests, demos and the fake Okta.

Readiness checks are only worth something if they are tested against a real server with real
SOA serials, REFUSED answers and RFC 2136 updates, so this launcher runs Knot DNS with every file
(config, zones, rundir, databases, control socket) in a temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from okta_custom_domain.testing.dns_server.knot_config import TsigKey, knot_config
from okta_custom_domain.testing.dns_server.loopback import START_TIMEOUT, free_port
from okta_custom_domain.testing.dns_server.zones import soa_serial_of, zone_key
from okta_custom_domain.testing.local_process import StartStop, end_process, find_program

KNOT_INSTALL_HINT = "install Knot DNS: `apt-get install knot` (provides knotd and knotc)"
RELOAD_TIMEOUT = 10.0


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


class AuthoritativeServer(StartStop):
    """One ``knotd`` process serving zones from files in its own temporary directory."""

    def __init__(
        self,
        address: str = "127.0.0.1",
        port: int | None = None,
        *,
        tsig: TsigKey | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.address = address
        self.port = port if port is not None else free_port(address)
        self.tsig = tsig
        self._own_workdir = workdir is None
        self._workdir: Path | None = workdir
        self._zones: dict[str, str] = {}
        self._process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        zones = sorted(self._zones)
        return f"AuthoritativeServer({self.address}@{self.port}, {state}, zones={zones})"

    # -- paths -----------------------------------------------------------------------------
    @property
    def workdir(self) -> Path:
        """The temp directory holding every file of this server (created on first use)."""
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="knotd-"))
        return self._workdir

    @property
    def control_socket(self) -> Path:
        return self.workdir / "knot.sock"

    @property
    def log_path(self) -> Path:
        return self.workdir / "knotd.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _zone_file(self, zone: str) -> Path:
        return self.workdir / "zones" / f"{zone_key(zone)}.zone"

    # -- configuration ---------------------------------------------------------------------
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

    def _write_zone(self, zone: str, text: str) -> None:
        path = self._zone_file(zone)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(path)

    # -- zones -----------------------------------------------------------------------------
    def add_zone(self, zone: str, text: str) -> None:
        """Serve ``zone`` with zone-file ``text``; after start, reload and wait until served."""
        key = zone_key(zone)
        soa_serial_of(key, text)  # fail early on a zone file knotd would reject
        self._zones[key] = text
        self._write_zone(key, text)
        if self.running:
            self._write_config()
            self._knotc("reload")
            self._wait_for_serial(key, soa_serial_of(key, text))

    def set_zone(self, zone: str, text: str) -> None:
        """Replace the content of ``zone``; returns once the new SOA serial is served."""
        key = zone_key(zone)
        if key not in self._zones:
            self.add_zone(key, text)
            return
        serial = soa_serial_of(key, text)
        self._zones[key] = text
        self._write_zone(key, text)
        if self.running:
            self._knotc("zone-reload", key)
            self._wait_for_serial(key, serial)

    def remove_zone(self, zone: str) -> None:
        """Stop serving ``zone``: the server then answers REFUSED for names in it."""
        key = zone_key(zone)
        self._zones.pop(key, None)
        if self.running:
            self._write_config()
            self._knotc("reload")
            deadline = time.monotonic() + RELOAD_TIMEOUT
            while self._query_soa(key)[0] != dns.rcode.REFUSED:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"knotd still serves {key} after removing it\n{self._log()}")
                time.sleep(0.02)
        with contextlib.suppress(FileNotFoundError):
            self._zone_file(key).unlink()

    def serial(self, zone: str) -> int | None:
        """The SOA serial this server answers for ``zone`` now (None when it does not)."""
        rcode, serial = self._query_soa(zone_key(zone))
        return serial if rcode == dns.rcode.NOERROR else None

    # -- process ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start knotd and return once it answers queries (and serves every added zone)."""
        if self.running:
            return
        knotd = find_knotd()
        config = self._write_config()
        log = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(
                [knotd, "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        except OSError as exc:
            raise RuntimeError(f"cannot run {knotd}: {exc}; {KNOT_INSTALL_HINT}") from exc
        finally:
            log.close()
        try:
            self._wait_until_answering()
            for zone, text in self._zones.items():
                self._wait_for_serial(zone, soa_serial_of(zone, text))
        except BaseException:
            self._kill()
            raise

    def stop(self) -> None:
        """Kill knotd and remove the temp directory; safe to call twice."""
        self._kill()
        if self._own_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def _kill(self) -> None:
        process, self._process = self._process, None
        end_process(process)

    def _log(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no knotd output)"
        tail = "\n".join(text.splitlines()[-40:])
        return f"knotd output ({self.log_path}):\n{tail}"

    def _knotc(self, *args: str) -> None:
        command = [find_knotc(), "-s", str(self.control_socket), "-b", "-t", "10", *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"`knotc {' '.join(args)}` failed ({result.returncode}): "
                f"{result.stdout}{result.stderr}\n{self._log()}"
            )

    def _query_soa(self, zone: str) -> tuple[int | None, int | None]:
        """(rcode, serial) of an SOA query to this server; (None, None) when nothing answers."""
        query = dns.message.make_query(zone, dns.rdatatype.SOA)
        query.flags &= ~dns.flags.RD
        try:
            reply = dns.query.udp(query, self.address, port=self.port, timeout=0.3)
        except (dns.exception.Timeout, OSError, dns.exception.DNSException):
            return None, None
        serial = None
        for rrset in reply.answer:
            if rrset.rdtype == dns.rdatatype.SOA:
                serial = int(rrset[0].serial)
        return reply.rcode(), serial

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise RuntimeError(
                    f"knotd exited (status {code}) before answering on "
                    f"{self.address}@{self.port}\n{self._log()}"
                )
            rcode, _ = self._query_soa(".")
            if rcode is not None and self.control_socket.exists():
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"knotd did not answer on {self.address}@{self.port} within "
                    f"{START_TIMEOUT:.0f} s\n{self._log()}"
                )
            time.sleep(0.02)

    def _wait_for_serial(self, zone: str, serial: int) -> None:
        deadline = time.monotonic() + RELOAD_TIMEOUT
        while True:
            rcode, served = self._query_soa(zone)
            if rcode == dns.rcode.NOERROR and served == serial:
                return
            if not self.running:
                raise RuntimeError(f"knotd exited while loading {zone}\n{self._log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"knotd on {self.address}@{self.port} serves {zone} with serial {served} "
                    f"(rcode {rcode}), not {serial}, {RELOAD_TIMEOUT:.0f} s after the reload\n"
                    f"{self._log()}"
                )
            time.sleep(0.02)
