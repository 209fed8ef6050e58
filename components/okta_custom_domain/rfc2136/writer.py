"""Write and read one RRset at an authoritative server with RFC 2136 updates signed by TSIG.

Self-hosted BIND, Knot and PowerDNS zones take dynamic updates instead of an HTTP API. The
failures people hit (wrong key, wrong zone, server not listening) come back as terse rcodes or
dnspython TSIG exceptions; this module turns every one of them into a single ``Rfc2136Error``
(wording in ``rcodes``) that names the server, zone and key and says what to change. No Pulumi
here: the dynamic provider and the offline demo both call this writer. The record content
helpers live in ``rdata`` and ``Rfc2136Error`` in ``errors``.
"""

from __future__ import annotations

import logging
import socket
import struct
import time
from collections.abc import Sequence

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.update

from okta_custom_domain import defaults
from okta_custom_domain.names import normalize_fqdn, relative_label
from okta_custom_domain.rfc2136.errors import Rfc2136Error
from okta_custom_domain.rfc2136.rcodes import rcode_problem
from okta_custom_domain.rfc2136.rdata import build_rdataset, join_txt_strings, normalize_rtype
from okta_custom_domain.rfc2136.tsig import TsigKey

log = logging.getLogger(__name__)


class Rfc2136Writer:
    """Replace, delete and read one RRset of ``zone`` at ``server`` (TCP, TSIG-signed updates)."""

    def __init__(
        self,
        server: str,
        zone: str,
        key: TsigKey,
        *,
        port: int = defaults.DNS_PORT,
        timeout: float = 5.0,
        retries: int = 2,
    ) -> None:
        if not isinstance(server, str) or not server.strip():
            raise ValueError("server: the address or host name of the DNS server is required")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise ValueError(
                f"port: {port!r} is not a TCP/UDP port; "
                f"use 1-65535 ({defaults.DNS_PORT} by default)"
            )
        if timeout <= 0:
            raise ValueError(f"timeout: {timeout!r} must be a positive number of seconds")
        if retries < 0:
            raise ValueError(f"retries: {retries!r} must be zero or more")
        self.server = server.strip().strip("[]")
        self.zone = normalize_fqdn(zone, field="zone")
        self.key = key
        self.port = port
        self.timeout = timeout
        self.retries = retries

    def __repr__(self) -> str:
        return (
            f"Rfc2136Writer(server={self.server!r}, port={self.port}, zone={self.zone!r}, "
            f"key={self.key!r})"
        )

    # -- public operations -----------------------------------------------------------------
    def replace(self, fqdn: str, rtype: str, values: Sequence[str], ttl: int) -> None:
        """Make ``fqdn`` ``rtype`` hold exactly ``values``: delete + add in one update message."""
        label = self._label(fqdn)
        kind = normalize_rtype(rtype)
        rdataset = build_rdataset(kind, values, self._ttl(ttl))
        update = self._update()
        update.replace(label, rdataset)
        log.debug("RFC 2136 replace %s %s (%d values) %s", fqdn, kind, len(values), self._where())
        self._send_update(update, f"replace {kind} {self._fqdn(label)}")

    def delete(self, fqdn: str, rtype: str) -> None:
        """Remove the ``rtype`` RRset of ``fqdn``; an RRset that is not there is not an error."""
        label = self._label(fqdn)
        kind = normalize_rtype(rtype)
        update = self._update()
        update.delete(label, dns.rdatatype.from_text(kind))
        log.debug("RFC 2136 delete %s %s %s", fqdn, kind, self._where())
        self._send_update(update, f"delete {kind} {self._fqdn(label)}")

    def preflight(self) -> None:
        """Prove that the server serves the zone and takes updates signed with the key,
        without changing anything, so a wrong key or zone fails before anything is created.

        The probe is a signed UPDATE whose only section is a prerequisite that holds in every
        served zone (the apex SOA RRset exists, RFC 2136 2.4.1) and no update records: the
        server verifies the signature and its update ACL and answers NOERROR, or the same
        rcodes (NOTAUTH, BADKEY, BADSIG, REFUSED) a real write would get. The zone serial does
        not move. Not proved: a per-name policy (BIND ``update-policy``, Knot ``update-owner``)
        that allows the key the zone but not the two record names; that shows at the write.
        """
        update = self._update()
        update.present(dns.name.from_text(self.zone + "."), dns.rdatatype.SOA)
        log.debug("RFC 2136 preflight %s", self._where())
        self._send_update(update, "preflight (a signed update that changes nothing)")

    def read(self, fqdn: str, rtype: str) -> list[str] | None:
        """The values the server holds for ``fqdn`` ``rtype`` now, or ``None`` when none."""
        answer = self.read_rrset(fqdn, rtype)
        return None if answer is None else answer[0]

    def read_rrset(self, fqdn: str, rtype: str) -> tuple[list[str], int] | None:
        """``(values, ttl)`` of the RRset as the server answers it, or ``None`` when none."""
        label = self._label(fqdn)
        kind = normalize_rtype(rtype)
        name = dns.name.from_text(self._fqdn(label))
        query = dns.message.make_query(name, kind)
        query.flags &= ~dns.flags.RD
        action = f"query {kind} {self._fqdn(label)}"
        reply = self._parse_plain(self._exchange(query.to_wire(), action), query, action)
        rcode = reply.rcode()
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            self._raise_for_rcode(rcode, None, action)
        self._check_answering_zone(reply, action)
        if rcode == dns.rcode.NXDOMAIN:
            return None
        if not reply.flags & dns.flags.AA:
            raise self._error(
                action,
                "the answer is not authoritative (AA flag clear), so this server does not "
                f"serve zone {self.zone}: point server at a primary of the zone",
                rcode="NOERROR",
            )
        rdtype = dns.rdatatype.from_text(kind)
        for rrset in reply.answer:
            if rrset.name == name and rrset.rdtype == rdtype:
                if kind == "TXT":
                    values = [join_txt_strings(rd.strings) for rd in rrset]
                else:
                    values = [rd.target.to_text(omit_final_dot=True).lower() for rd in rrset]
                return values, int(rrset.ttl)
        return None

    # -- helpers ---------------------------------------------------------------------------
    def _check_answering_zone(self, reply: dns.message.Message, action: str) -> None:
        """A negative answer carries the SOA of the zone it came from: it must be ours."""
        zone_name = dns.name.from_text(self.zone)
        for rrset in reply.authority:
            if rrset.rdtype == dns.rdatatype.SOA and rrset.name != zone_name:
                other = rrset.name.to_text(omit_final_dot=True)
                raise self._error(
                    action,
                    f"server does not serve zone {self.zone}: it answered from zone {other}; "
                    f"set zone to {other} (the zone apex as configured on the server)",
                    rcode=dns.rcode.to_text(reply.rcode()),
                )

    @property
    def endpoint(self) -> str:
        """``server:port`` as people write it (``[::1]:53`` for an IPv6 address)."""
        host = f"[{self.server}]" if ":" in self.server else self.server
        return f"{host}:{self.port}"

    def _where(self) -> str:
        return f"at {self.endpoint} (zone {self.zone}, TSIG key {self.key.name})"

    def _error(self, action: str, problem: str, *, rcode: str | None = None) -> Rfc2136Error:
        return Rfc2136Error(
            f"RFC 2136 {action} {self._where()} failed: {problem}",
            server=self.server,
            port=self.port,
            zone=self.zone,
            key_name=self.key.name,
            rcode=rcode,
        )

    def _label(self, fqdn: str) -> str:
        try:
            return relative_label(fqdn, self.zone)
        except ValueError as exc:
            raise ValueError(f"fqdn: {exc}") from None

    def _fqdn(self, label: str) -> str:
        return f"{label}.{self.zone}"

    @staticmethod
    def _ttl(ttl: int) -> int:
        if not isinstance(ttl, int) or isinstance(ttl, bool) or not 0 <= ttl <= 2**31 - 1:
            raise ValueError(f"ttl: {ttl!r} is not a TTL; use seconds, e.g. 300")
        return ttl

    def _update(self) -> dns.update.UpdateMessage:
        return dns.update.UpdateMessage(
            self.zone + ".",
            keyring=self.key.keyring(),
            keyname=self.key.dns_name,
            keyalgorithm=self.key.dns_algorithm,
        )

    def _exchange(self, wire: bytes, action: str) -> bytes:
        """Send ``wire`` over TCP and return the reply's wire; retry transport failures."""
        attempts = self.retries + 1
        last: str = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(0.2 * attempt, 1.0))
            try:
                return self._tcp_roundtrip(wire)
            except ConnectionRefusedError:
                last = (
                    f"connection refused: nothing listens on TCP {self.endpoint}; "
                    "check server and port, and that the DNS server is running"
                )
            except TimeoutError:
                last = (
                    f"no answer within {self.timeout:g} s ({attempts} attempts): check that the "
                    f"server runs and answers TCP on port {self.port}, and that no firewall "
                    "drops the traffic"
                )
            except socket.gaierror as exc:
                raise self._error(
                    action,
                    f"cannot resolve the server name ({exc.strerror}); give its IP address "
                    "or a resolvable host name",
                ) from None
            except (ConnectionError, EOFError) as exc:
                last = (
                    f"the connection was closed without an answer ({exc.__class__.__name__}); "
                    "check that this is a DNS server that accepts TCP"
                )
            except OSError as exc:
                raise self._error(
                    action, f"cannot reach the server ({exc.strerror or exc}); check server"
                ) from None
            log.debug("RFC 2136 %s attempt %d/%d failed: %s", action, attempt + 1, attempts, last)
        raise self._error(action, last)

    def _tcp_roundtrip(self, wire: bytes) -> bytes:
        with socket.create_connection((self.server, self.port), timeout=self.timeout) as sock:
            sock.settimeout(self.timeout)
            sock.sendall(struct.pack("!H", len(wire)) + wire)
            (length,) = struct.unpack("!H", _read_exactly(sock, 2))
            return _read_exactly(sock, length)

    def _parse_plain(
        self, wire: bytes, query: dns.message.Message, action: str
    ) -> dns.message.Message:
        try:
            reply = dns.message.from_wire(wire, keyring=False, ignore_trailing=True)
        except dns.exception.DNSException as exc:
            raise self._error(
                action,
                f"the reply is not a valid DNS message ({exc.__class__.__name__}); "
                "check that server and port point at a DNS server",
            ) from None
        if not query.is_response(reply):
            raise self._error(action, "the reply does not match the request; retry")
        return reply

    def _send_update(self, update: dns.update.UpdateMessage, action: str) -> None:
        wire = update.to_wire()
        reply_wire = self._exchange(wire, action)
        plain = self._parse_plain(reply_wire, update, action)
        rcode = plain.rcode()
        tsig_failure: dns.exception.DNSException | None = None
        try:
            dns.message.from_wire(
                reply_wire, keyring=update.keyring, request_mac=update.mac, ignore_trailing=True
            )
        except dns.exception.DNSException as exc:
            tsig_failure = exc
        if rcode == dns.rcode.NOERROR and tsig_failure is None:
            log.debug("RFC 2136 %s %s done", action, self._where())
            return
        if rcode == dns.rcode.NOERROR:
            raise self._error(
                action,
                "the server applied the update but its reply does not carry a valid signature "
                f"of key {self.key.name} ({tsig_failure.__class__.__name__}); check that "
                "key_secret matches the server's key",
                rcode="NOERROR",
            )
        self._raise_for_rcode(rcode, tsig_failure, action)

    def _serves_zone(self) -> bool | None:
        """Whether the server answers the zone's SOA authoritatively (None: cannot tell)."""
        query = dns.message.make_query(self.zone + ".", dns.rdatatype.SOA)
        query.flags &= ~dns.flags.RD
        try:
            reply = dns.message.from_wire(
                self._tcp_roundtrip(query.to_wire()), keyring=False, ignore_trailing=True
            )
        except (OSError, EOFError, dns.exception.DNSException):
            return None
        if reply.rcode() != dns.rcode.NOERROR or not reply.flags & dns.flags.AA:
            return False
        soa = dns.rdatatype.SOA
        zone_name = dns.name.from_text(self.zone)
        return any(r.rdtype == soa and r.name == zone_name for r in reply.answer)


    def _raise_for_rcode(
        self, rcode: dns.rcode.Rcode, tsig_failure: dns.exception.DNSException | None, action: str
    ) -> None:
        problem = rcode_problem(
            rcode, tsig_failure, zone=self.zone, key=self.key, serves_zone=self._serves_zone
        )
        raise self._error(action, problem, rcode=dns.rcode.to_text(rcode))


def _read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data

__all__ = ["Rfc2136Writer"]
