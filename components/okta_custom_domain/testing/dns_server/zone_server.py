"""What the loopback authoritative servers (knotd, nsd, named) share: zone bookkeeping, the
process lifecycle and the waits that make ``start``/``set_zone``/``remove_zone`` synchronous.

Each server differs only in its config text, its command line and how it is told to reload;
a subclass supplies those hooks, so every implementation waits and fails in the same way.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import ClassVar

import dns.rcode

from okta_custom_domain.testing.dns_server.loopback import (
    START_TIMEOUT,
    free_port,
    log_tail,
    query_soa,
    write_zone_file,
)
from okta_custom_domain.testing.dns_server.zones import soa_serial_of, zone_key
from okta_custom_domain.testing.local_process import StartStop, end_process

RELOAD_TIMEOUT = 10.0


class ZoneFileServer(StartStop):
    """One authoritative server process serving zone files from its own temp directory.

    Subclasses set ``program``/``install_hint`` and define ``_write_config``, ``_command``,
    ``_apply_zone_list`` (after a zone is added or removed) and ``_reload_zone``.
    """

    program: ClassVar[str] = "server"
    install_hint: ClassVar[str] = ""

    def __init__(
        self, address: str = "127.0.0.1", port: int | None = None, *, workdir: Path | None = None
    ) -> None:
        self.address = address
        self.port = port if port is not None else free_port(address)
        self._own_workdir = workdir is None
        self._workdir: Path | None = workdir
        self._zones: dict[str, str] = {}
        self._process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        zones = sorted(self._zones)
        return f"{type(self).__name__}({self.address}@{self.port}, {state}, zones={zones})"

    @property
    def workdir(self) -> Path:
        """The temp directory holding every file of this server (created on first use)."""
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix=f"{self.program}-"))
        return self._workdir

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.program}.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _zone_file(self, zone: str) -> Path:
        return self.workdir / "zones" / f"{zone_key(zone)}.zone"

    # -- hooks -----------------------------------------------------------------------------
    def _write_config(self) -> Path:
        raise NotImplementedError

    def _command(self, config: Path) -> list[str]:
        raise NotImplementedError

    def _apply_zone_list(self) -> None:
        """Make the running server load the config's zone list (after add or remove)."""
        raise NotImplementedError

    def _reload_zone(self, zone: str) -> None:
        """Make the running server read ``zone``'s file again."""
        raise NotImplementedError

    def _check_zone(self, zone: str, text: str) -> None:
        """Refuse zone text the server would reject; the default checks it parses."""
        soa_serial_of(zone, text)

    def _check_with(self, checker: list[str], zone: str, text: str) -> None:
        """Run the server's own zone checker on ``text``: its error names the file and line."""
        path = self.workdir / "check" / f"{zone}.zone"
        write_zone_file(path, text)
        result = subprocess.run(
            [*checker, zone, str(path)], capture_output=True, text=True, timeout=30, check=False
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise RuntimeError(f"{self.program} would reject zone {zone}:\n{output}")

    def _ready(self) -> bool:
        """True once the server accepts control commands; may raise when it never will."""
        return True

    # -- zones -----------------------------------------------------------------------------
    def add_zone(self, zone: str, text: str) -> None:
        """Serve ``zone`` with zone-file ``text``; after start, reload and wait until served."""
        key = zone_key(zone)
        if key in self._zones and self.running:
            self.set_zone(key, text)  # same zone list: a reconfig would reload nothing
            return
        self._check_zone(key, text)  # fail early, naming the line, on text the server rejects
        self._zones[key] = text
        write_zone_file(self._zone_file(key), text)
        if self.running:
            self._write_config()
            self._apply_zone_list()
            self._wait_for_serial(key, soa_serial_of(key, text))

    def set_zone(self, zone: str, text: str) -> None:
        """Replace the content of ``zone``; returns once the new SOA serial is served."""
        key = zone_key(zone)
        if key not in self._zones:
            self.add_zone(key, text)
            return
        self._check_zone(key, text)
        self._zones[key] = text
        write_zone_file(self._zone_file(key), text)
        if self.running:
            self._reload_zone(key)
            self._wait_for_serial(key, soa_serial_of(key, text))

    def remove_zone(self, zone: str) -> None:
        """Stop serving ``zone``: the server then answers REFUSED for names in it."""
        key = zone_key(zone)
        if self._zones.pop(key, None) is None:
            return  # never served: nothing to reload
        if self.running:
            self._write_config()
            self._apply_zone_list()
            deadline = time.monotonic() + RELOAD_TIMEOUT
            while self._query_soa(key)[0] != dns.rcode.REFUSED:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.program} still serves {key} after removing it\n{self._log()}"
                    )
                time.sleep(0.02)
        with contextlib.suppress(FileNotFoundError):
            self._zone_file(key).unlink()

    def serial(self, zone: str) -> int | None:
        """The SOA serial this server answers for ``zone`` now (None when it does not)."""
        rcode, serial = self._query_soa(zone_key(zone))
        return serial if rcode == dns.rcode.NOERROR else None

    # -- process ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the server and return once it answers queries (and serves every added zone)."""
        if self.running:
            return
        command = self._command(self._write_config())
        log = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        except OSError as exc:
            raise RuntimeError(f"cannot run {command[0]}: {exc}; {self.install_hint}") from exc
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
        """Kill the server and remove the temp directory; safe to call twice."""
        self._kill()
        if self._own_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def _kill(self) -> None:
        process, self._process = self._process, None
        end_process(process)

    def _log(self) -> str:
        return log_tail(self.program, self.log_path)

    def _query_soa(self, zone: str) -> tuple[int | None, int | None]:
        return query_soa(self.address, self.port, zone)

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise RuntimeError(
                    f"{self.program} exited (status {code}) before answering on "
                    f"{self.address}@{self.port}\n{self._log()}"
                )
            if self._ready() and self._query_soa(".")[0] is not None:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.program} did not answer on {self.address}@{self.port} within "
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
                raise RuntimeError(f"{self.program} exited while loading {zone}\n{self._log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.program} on {self.address}@{self.port} serves {zone} with serial "
                    f"{served} (rcode {rcode}), not {serial}, {RELOAD_TIMEOUT:.0f} s after the "
                    f"reload\n{self._log()}"
                )
            time.sleep(0.02)
