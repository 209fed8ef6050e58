"""A real authoritative DNS server (``knotd``) on loopback, for tests, demos and the fake Okta.

Readiness checks are only worth something if they are tested against a real server with real
SOA serials, REFUSED answers and RFC 2136 updates, so this launcher runs Knot DNS with every file
(config, zones, rundir, databases, control socket) in a temporary directory. It runs unprivileged
too: no ``user:`` switch, no file outside the temp dir, no DNSSEC signing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.zone

from okta_custom_domain.testing.local_process import StartStop, end_process, find_program

KNOT_INSTALL_HINT = "install Knot DNS: `apt-get install knot` (provides knotd and knotc)"
START_TIMEOUT = 10.0
RELOAD_TIMEOUT = 10.0


@dataclass(frozen=True)
class ZoneRecord:
    """One resource record in zone-file terms (``name`` relative to the zone, ``@`` = apex)."""

    name: str
    rtype: str
    value: str
    ttl: int = 300


@dataclass(frozen=True)
class TsigKey:
    """A TSIG key allowed to send RFC 2136 updates; the secret stays out of ``repr``."""

    name: str
    algorithm: str = "hmac-sha256"
    secret: str = field(default="", repr=False)


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


def zone_text(
    zone: str,
    *,
    serial: int,
    nameservers: Sequence[tuple[str, str]],
    records: Sequence[ZoneRecord] = (),
    soa_minimum: int = 60,
    ttl: int = 300,
) -> str:
    """Zone-file text: SOA, NS (+ glue A/AAAA for in-zone name servers) and ``records``."""
    origin = dns.name.from_text(zone)
    if not nameservers:
        raise ValueError("nameservers: give at least one (ns FQDN, address) pair")
    primary = dns.name.from_text(nameservers[0][0]).to_text()
    lines = [
        f"$ORIGIN {origin.to_text()}",
        f"$TTL {ttl}",
        f"@ {ttl} IN SOA {primary} hostmaster.{origin.to_text()} "
        f"{serial} 3600 600 86400 {soa_minimum}",
    ]
    for ns_name, _ in nameservers:
        lines.append(f"@ {ttl} IN NS {dns.name.from_text(ns_name).to_text()}")
    for ns_name, address in nameservers:
        parsed = dns.name.from_text(ns_name)
        if parsed.is_subdomain(origin):
            rtype = "AAAA" if ":" in address else "A"
            lines.append(f"{parsed.to_text()} {ttl} IN {rtype} {address}")
    for record in records:
        lines.append(f"{record.name} {record.ttl} IN {record.rtype.upper()} {record.value}")
    return "\n".join(lines) + "\n"


def query_values(address: str, port: int, fqdn: str, rtype: str) -> list[str]:
    """What the server at ``address:port`` answers for ``fqdn`` ``rtype`` (empty when nothing).

    TXT character-strings are joined; other data is lower-cased without the trailing dot.
    """
    query = dns.message.make_query(fqdn, rtype)
    reply = dns.query.tcp(query, address, port=port, timeout=2)
    values: list[str] = []
    for rrset in reply.answer:
        if rrset.name == dns.name.from_text(fqdn):
            for rdata in rrset:
                if rtype.upper() == "TXT":
                    values.append(b"".join(rdata.strings).decode())
                else:
                    values.append(rdata.to_text().rstrip(".").lower())
    return values


def soa_serial_of(zone: str, text: str) -> int:
    """The SOA serial written in zone-file ``text``."""
    origin = dns.name.from_text(zone)
    parsed = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    soa = parsed.find_rdataset(origin, dns.rdatatype.SOA)
    return int(soa[0].serial)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
        return self.workdir / "zones" / f"{_zone_key(zone)}.zone"

    # -- configuration ---------------------------------------------------------------------
    def _config_text(self) -> str:
        work = self.workdir
        lines = [
            "server:",
            f"    rundir: {_quote(str(work / 'run'))}",
            f"    pidfile: {_quote(str(work / 'run' / 'knot.pid'))}",
            f"    listen: {self.address}@{self.port}",
            "    udp-workers: 2",
            "    tcp-workers: 2",
            "    background-workers: 1",
            "log:",
            "  - target: stderr",
            "    any: info",
            "control:",
            f"    listen: {_quote(str(self.control_socket))}",
            "database:",
            f"    storage: {_quote(str(work / 'db'))}",
            f"    journal-db: {_quote(str(work / 'db' / 'journal'))}",
            f"    kasp-db: {_quote(str(work / 'db' / 'keys'))}",
            f"    timer-db: {_quote(str(work / 'db' / 'timers'))}",
            f"    catalog-db: {_quote(str(work / 'db' / 'catalog'))}",
        ]
        if self.tsig is not None:
            lines += [
                "key:",
                f"  - id: {self.tsig.name}",
                f"    algorithm: {self.tsig.algorithm}",
                f"    secret: {self.tsig.secret}",
                "acl:",
                "  - id: tsig-update",
                f"    key: {self.tsig.name}",
                "    action: update",
            ]
        lines += [
            "template:",
            "  - id: default",
            f"    storage: {_quote(str(work / 'zones'))}",
            "    semantic-checks: off",
            "    zonefile-sync: -1",
            "    zonefile-load: whole",
            "    journal-content: none",
            "    serial-policy: increment",
        ]
        if self.tsig is not None:
            lines.append("    acl: tsig-update")
        if self._zones:
            lines.append("zone:")
            for zone in sorted(self._zones):
                lines += [
                    f"  - domain: {_quote(zone)}",
                    f"    file: {_quote(str(self._zone_file(zone)))}",
                ]
        return "\n".join(lines) + "\n"

    def _write_config(self) -> Path:
        for sub in ("run", "db", "zones"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        path = self.workdir / "knot.conf"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self._config_text())
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
        key = _zone_key(zone)
        soa_serial_of(key, text)  # fail early on a zone file knotd would reject
        self._zones[key] = text
        self._write_zone(key, text)
        if self.running:
            self._write_config()
            self._knotc("reload")
            self._wait_for_serial(key, soa_serial_of(key, text))

    def set_zone(self, zone: str, text: str) -> None:
        """Replace the content of ``zone``; returns once the new SOA serial is served."""
        key = _zone_key(zone)
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
        key = _zone_key(zone)
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
        rcode, serial = self._query_soa(_zone_key(zone))
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


def _zone_key(zone: str) -> str:
    return dns.name.from_text(zone).to_text(omit_final_dot=True).lower()


class TwoServerZone(StartStop):
    """The standard test topology: one zone on 127.0.0.2 and 127.0.0.3, same port, NS to both.

    ``ns1.<zone>`` has A 127.0.0.2 and ``ns2.<zone>`` A 127.0.0.3; each server has its own zone
    file, so a test can make one lag behind (older serial) or drop the zone (REFUSED).
    """

    ADDRESSES = ("127.0.0.2", "127.0.0.3")

    def __init__(
        self,
        zone: str = "example.test",
        *,
        soa_minimum: int = 60,
        ttl: int = 300,
        tsig: TsigKey | None = None,
        port: int | None = None,
    ) -> None:
        self.zone = _zone_key(zone)
        self.soa_minimum = soa_minimum
        self.ttl = ttl
        self.port = port if port is not None else free_port_on_all(self.ADDRESSES)
        self.nameservers: tuple[tuple[str, str], ...] = tuple(
            (f"ns{index}.{self.zone}", address)
            for index, address in enumerate(self.ADDRESSES, start=1)
        )
        self.servers: tuple[AuthoritativeServer, ...] = tuple(
            AuthoritativeServer(address, self.port, tsig=tsig) for address in self.ADDRESSES
        )
        self._serial = 1
        self.records: dict[int, tuple[ZoneRecord, ...]] = {0: (), 1: ()}
        self.serials: dict[int, int] = {0: self._serial, 1: self._serial}

    @property
    def addresses(self) -> tuple[str, ...]:
        return self.ADDRESSES

    def zone_text(self, serial: int, records: Sequence[ZoneRecord]) -> str:
        return zone_text(
            self.zone,
            serial=serial,
            nameservers=self.nameservers,
            records=records,
            soa_minimum=self.soa_minimum,
            ttl=self.ttl,
        )

    def start(self) -> None:
        try:
            for index, server in enumerate(self.servers):
                server.add_zone(self.zone, self.zone_text(self.serials[index], ()))
                server.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def set_records(self, records: Sequence[ZoneRecord], *, servers: Sequence[int] = (0, 1)) -> int:
        """Replace the records on the given servers (indexes) under a new serial; returns it."""
        self._serial += 1
        for index in servers:
            self.records[index] = tuple(records)
            self.serials[index] = self._serial
            self.servers[index].set_zone(self.zone, self.zone_text(self._serial, records))
        return self._serial

    def set_records_on(self, index: int, records: Sequence[ZoneRecord]) -> int:
        """Replace the records on one server only (the other keeps its older serial)."""
        return self.set_records(records, servers=(index,))

    def refuse_on(self, index: int) -> None:
        """Make one server drop the zone, so it answers REFUSED (a lame delegation)."""
        self.servers[index].remove_zone(self.zone)

    def nameserver_specs(self) -> list[str]:
        """``host:port`` of both servers, for the fixed-nameservers mode of the check."""
        return [f"{address}:{self.port}" for address in self.ADDRESSES]


UNBOUND_INSTALL_HINT = "install Unbound: `apt-get install unbound`"


def find_unbound() -> str:
    """Path of ``unbound``; a RuntimeError that says how to install it when it is missing."""
    return find_program("unbound", UNBOUND_INSTALL_HINT)


def broken_trust_anchor(zone: str) -> str:
    """A DNSKEY trust anchor for ``zone`` that no server holds: validation of it must fail.

    Used to reproduce broken DNSSEC (a DS/anchor without matching signed DNSKEYs) locally.
    """
    import base64

    key = base64.b64encode(os.urandom(64)).decode()
    return f"{dns.name.from_text(zone).to_text()} DNSKEY 257 3 13 {key}"


class RecursiveResolver(StartStop):
    """One ``unbound`` process on loopback: a caching (optionally validating) resolver.

    ``stubs`` maps a zone to the ``address@port`` of its authoritative servers, so the resolver
    never leaves loopback. ``trust_anchors`` turns validation on (see ``broken_trust_anchor``).
    """

    def __init__(
        self,
        stubs: Mapping[str, Sequence[str]],
        *,
        address: str = "127.0.0.1",
        port: int | None = None,
        trust_anchors: Sequence[str] = (),
    ) -> None:
        self.address = address
        self.port = port if port is not None else free_port(address)
        self.stubs = {_zone_key(zone): list(addrs) for zone, addrs in stubs.items()}
        self.trust_anchors = list(trust_anchors)
        self._workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """``address:port``, the form the readiness options take."""
        return f"{self.address}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _config_text(self, work: Path) -> str:
        modules = "validator iterator" if self.trust_anchors else "iterator"
        lines = [
            "server:",
            f"    interface: {self.address}",
            f"    port: {self.port}",
            "    do-ip6: no",
            "    do-daemonize: no",
            '    username: ""',
            '    chroot: ""',
            f"    directory: {_quote(str(work))}",
            f"    pidfile: {_quote(str(work / 'unbound.pid'))}",
            "    use-syslog: no",
            '    logfile: ""',
            "    verbosity: 1",
            "    num-threads: 1",
            "    do-not-query-localhost: no",
            "    access-control: 127.0.0.0/8 allow",
            f'    module-config: "{modules}"',
            "    qname-minimisation: no",
            "    val-log-level: 2",
        ]
        tlds = sorted({zone.rsplit(".", 1)[-1] for zone in self.stubs})
        lines += [f'    local-zone: "{tld}." nodefault' for tld in tlds]
        lines += [f"    trust-anchor: {_quote(anchor)}" for anchor in self.trust_anchors]
        for zone, addresses in self.stubs.items():
            lines += ["stub-zone:", f"    name: {_quote(zone + '.')}"]
            lines += [f"    stub-addr: {address}" for address in addresses]
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        """Start unbound and return once it answers; RuntimeError with its output otherwise."""
        if self.running:
            return
        unbound = find_unbound()
        self._workdir = Path(tempfile.mkdtemp(prefix="unbound-"))
        config = self._workdir / "unbound.conf"
        config.write_text(self._config_text(self._workdir))
        log_path = self._workdir / "unbound.log"
        with log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [unbound, "-d", "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        query = dns.message.make_query("localhost.", dns.rdatatype.A)
        while True:
            code = self._process.poll()
            if code is not None:
                output = log_path.read_text(errors="replace")
                self.stop()
                raise RuntimeError(f"unbound exited ({code}):\n{output}")
            try:
                dns.query.udp(query, self.address, port=self.port, timeout=0.2)
                return
            except (dns.exception.Timeout, OSError):
                pass
            if time.monotonic() > deadline:
                output = log_path.read_text(errors="replace")
                self.stop()
                raise RuntimeError(f"unbound did not answer on {self.endpoint}:\n{output}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Kill unbound and remove its temp directory; safe to call twice."""
        process, self._process = self._process, None
        end_process(process)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
