"""Which servers to ask: a zone's NS set and every address of every name server.

The pieces that talk to a recursive resolver (the system's, or ``resolver``): the zone of a
name that exists (SOA climb, as cert-manager does), a zone's NS set, a host's addresses.
``zone_cut`` finds the zone of the records themselves without the resolver, and ``zone_finder``
puts both together. With fixed ``nameservers`` the server list is given, not discovered.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

from okta_custom_domain import defaults, parsers


class DiscoveryError(RuntimeError):
    """The zone or its name servers could not be found; the message says what to check.

    ``next_step`` is the fix when it is not the usual one (the name and its delegation): a
    resolver that cannot resolve anything needs replacing, not the zone fixing.
    """

    def __init__(self, message: str, *, next_step: str | None = None) -> None:
        super().__init__(message)
        self.next_step = next_step


BROKEN_RESOLVER_NEXT_STEP = (
    "give a working recursive resolver with --resolver HOST[:PORT] (e.g. 1.1.1.1), or the "
    "zone's authoritative servers with --nameserver HOST[:PORT]"
)


@dataclass(frozen=True)
class NameServer:
    """One authoritative address to query (``name`` is the NS name, when known)."""

    name: str | None
    address: str
    port: int

    @property
    def endpoint(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    def label(self) -> str:
        """``ns1.example.com 192.0.2.1:53`` (the form used in messages and outputs)."""
        return f"{self.name} {self.endpoint}" if self.name else self.endpoint


@dataclass(frozen=True)
class ZoneServers:
    """A zone and the addresses that must all serve it."""

    zone: str | None
    nameservers: tuple[NameServer, ...]
    problems: tuple[str, ...] = ()


def parse_host_port(text: str, default_port: int, *, field: str) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address into (host, port)."""
    return parsers.host_port(text, field, default_port)


def is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def make_resolver(
    resolver: str | None, *, timeout: float, retries: int, default_port: int = defaults.DNS_PORT
) -> dns.asyncresolver.Resolver:
    """A stub resolver for discovery: the system's, or the given ``host[:port]`` (no cache)."""
    lifetime = timeout * (max(0, retries) + 1)
    if resolver is None:
        try:
            stub = dns.asyncresolver.Resolver(configure=True)
        except dns.resolver.NoResolverConfiguration as exc:
            raise DiscoveryError(
                "no system resolver is configured (/etc/resolv.conf); give resolver HOST[:PORT]"
            ) from exc
    else:
        host, port = parse_host_port(resolver, default_port, field="resolver")
        if not is_address(host):
            raise ValueError(f"resolver: {resolver!r} must be an IP address (with optional :port)")
        stub = dns.asyncresolver.Resolver(configure=False)
        stub.nameservers = [host]
        stub.port = port
    stub.timeout = timeout
    stub.lifetime = lifetime
    stub.use_edns(0, 0, 4096)
    return stub


async def find_zone(name: str, stub: dns.asyncresolver.Resolver) -> str:
    """The zone that holds ``name`` (the closest enclosing SOA)."""
    try:
        zone = await dns.asyncresolver.zone_for_name(name, resolver=stub, lifetime=stub.lifetime)
    except dns.resolver.NoRootSOA as exc:
        # A working resolver answers the root zone's SOA, and a name under no zone with
        # NXDOMAIN and the root's SOA: climbing to the root without one blames the resolver.
        broken = await _root_soa_missing(stub)
        if broken is not None:
            raise DiscoveryError(
                f"the resolver {_describe(stub)} answers {broken} even for the root zone, "
                f"which always exists: it is not a working recursive resolver, so the zone of "
                f"{name} cannot be found through it",
                next_step=BROKEN_RESOLVER_NEXT_STEP,
            ) from exc
        raise DiscoveryError(f"no zone holds {name}: no SOA found up to the root") from exc
    except dns.exception.Timeout as exc:
        raise DiscoveryError(
            f"the resolver {_describe(stub)} did not answer the SOA queries for {name}"
        ) from exc
    except dns.resolver.NoNameservers as exc:
        raise DiscoveryError(
            f"the resolver {_describe(stub)} failed every SOA query for {name} ({exc})"
        ) from exc
    except dns.exception.DNSException as exc:
        raise DiscoveryError(f"finding the zone of {name} failed: {exc}") from exc
    return zone.to_text(omit_final_dot=True).lower()


async def _root_soa_missing(stub: dns.asyncresolver.Resolver) -> str | None:
    """What ``stub`` answers instead of the root zone's SOA (``NXDOMAIN``, ``no SOA``); None
    when it gives the SOA, or fails in a way the caller already reports (timeout, SERVFAIL)."""
    try:
        answer = await stub.resolve(
            dns.name.root, dns.rdatatype.SOA, raise_on_no_answer=False, lifetime=stub.lifetime
        )
    except dns.resolver.NXDOMAIN:
        return "NXDOMAIN"
    except dns.exception.DNSException:
        return None
    return None if answer.rrset is not None else "no SOA (an empty answer)"


def _describe(stub: dns.asyncresolver.Resolver) -> str:
    return ", ".join(f"{ns}:{stub.port}" for ns in stub.nameservers)


async def _addresses(name: str, stub: dns.asyncresolver.Resolver) -> tuple[list[str], str | None]:
    """IPv4 and IPv6 addresses of ``name``; a problem text when it has none."""
    found: list[str] = []
    errors: list[str] = []
    for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        try:
            answer = await stub.resolve(name, rdtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return [], f"name server {name} does not exist (NXDOMAIN)"
        except dns.exception.DNSException as exc:
            errors.append(f"{dns.rdatatype.to_text(rdtype)}: {exc}")
            continue
        if answer.rrset is not None:
            found.extend(rdata.to_text() for rdata in answer.rrset)
    if found:
        return found, None
    detail = f" ({'; '.join(errors)})" if errors else ""
    return [], f"name server {name} has no A or AAAA address{detail}"


async def zone_nameservers(
    zone: str, stub: dns.asyncresolver.Resolver, dns_port: int
) -> ZoneServers:
    """Every address of every NS of ``zone``, queried on ``dns_port``."""
    try:
        answer = await stub.resolve(zone, dns.rdatatype.NS)
    except dns.exception.DNSException as exc:
        raise DiscoveryError(f"the NS set of zone {zone} could not be read: {exc}") from exc
    assert answer.rrset is not None
    names = sorted({rdata.target.to_text(omit_final_dot=True).lower() for rdata in answer.rrset})
    lookups = await asyncio.gather(*(_addresses(name, stub) for name in names))
    servers: list[NameServer] = []
    problems: list[str] = []
    for name, (addresses, problem) in zip(names, lookups, strict=True):
        servers.extend(NameServer(name, address, dns_port) for address in sorted(addresses))
        if problem:
            problems.append(problem)
    if not servers:
        raise DiscoveryError(f"no name server of zone {zone} has an address: {'; '.join(problems)}")
    return ZoneServers(zone, tuple(servers), tuple(problems))


async def fixed_nameservers(
    specs: Sequence[str], stub: dns.asyncresolver.Resolver | None, dns_port: int
) -> tuple[NameServer, ...]:
    """The ``--nameserver`` list: IPs as given, host names resolved through ``stub``."""
    servers: list[NameServer] = []
    for index, spec in enumerate(specs):
        host, port = parse_host_port(spec, dns_port, field=f"nameservers[{index}]")
        if is_address(host):
            servers.append(NameServer(None, host, port))
            continue
        if stub is None:
            raise ValueError(
                f"nameservers[{index}]: {spec!r} is a host name; give an IP address "
                "or a resolver to look it up"
            )
        addresses, problem = await _addresses(host, stub)
        if problem:
            raise DiscoveryError(f"nameservers[{index}]: {problem}")
        servers.extend(NameServer(host, address, port) for address in addresses)
    return tuple(servers)
