"""A real recursive resolver (``unbound``) on loopback, stubbed to the loopback zones.

The readiness check's resolver mode and its DNSSEC verdicts need a caching, validating resolver
that never leaves loopback; this launcher runs Unbound with its files in a temporary directory.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rdatatype

from okta_custom_domain.testing.dns_server.loopback import START_TIMEOUT, free_port, quote
from okta_custom_domain.testing.dns_server.zones import zone_key
from okta_custom_domain.testing.local_process import StartStop, end_process, find_program

UNBOUND_INSTALL_HINT = "install Unbound: `apt-get install unbound`"


def find_unbound() -> str:
    """Path of ``unbound``; a RuntimeError that says how to install it when it is missing."""
    return find_program("unbound", UNBOUND_INSTALL_HINT)


def broken_trust_anchor(zone: str) -> str:
    """A DNSKEY trust anchor for ``zone`` that no server holds: validation of it must fail.

    Used to reproduce broken DNSSEC (a DS/anchor without matching signed DNSKEYs) locally.
    """
    key = base64.b64encode(os.urandom(64)).decode()
    return f"{dns.name.from_text(zone).to_text()} DNSKEY 257 3 13 {key}"


#: A ``log-queries`` line: ``info: 127.0.0.1 login.example.test. SOA IN``.
_QUERY_LINE = re.compile(r"info: \S+ (?P<name>\S+) (?P<type>[A-Z0-9]+) IN$")


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
        self.stubs = {zone_key(zone): list(addrs) for zone, addrs in stubs.items()}
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
            f"    directory: {quote(str(work))}",
            f"    pidfile: {quote(str(work / 'unbound.pid'))}",
            "    use-syslog: no",
            '    logfile: ""',
            "    verbosity: 1",
            "    num-threads: 1",
            "    do-not-query-localhost: no",
            "    access-control: 127.0.0.0/8 allow",
            f'    module-config: "{modules}"',
            "    qname-minimisation: no",
            "    val-log-level: 2",
            "    log-queries: yes",
        ]
        tlds = sorted({zone.rsplit(".", 1)[-1] for zone in self.stubs})
        lines += [f'    local-zone: "{tld}." nodefault' for tld in tlds]
        lines += [f"    trust-anchor: {quote(anchor)}" for anchor in self.trust_anchors]
        for zone, addresses in self.stubs.items():
            lines += ["stub-zone:", f"    name: {quote(zone + '.')}"]
            lines += [f"    stub-addr: {address}" for address in addresses]
        return "\n".join(lines) + "\n"

    def questions(self) -> list[tuple[str, str]]:
        """Every (name, type) clients have asked so far (from the query log), in order.

        What a resolver was asked is what it may have cached: a test reads this to show that
        a check did not make it look up names that do not exist yet.
        """
        if self._workdir is None:
            return []
        asked = []
        for line in (self._workdir / "unbound.log").read_text(errors="replace").splitlines():
            match = _QUERY_LINE.search(line)
            if match:
                asked.append((match["name"].rstrip(".").lower(), match["type"]))
        return asked

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
