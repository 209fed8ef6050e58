"""Which zone holds a name and which servers to ask for it, found once per name and kept.

The resolver is asked only about names that exist (see ``zone_cut``), so checking records
before they exist does not make the user's resolver cache their absence.

The checker asks for the records' names; following a CNAME asks for names in other zones too.
Both go through one ``ZoneFinder`` so each zone is discovered once per wait, and every lookup
ends by the poll's deadline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import dns.asyncresolver

from okta_custom_domain.readiness.discovery import (
    DiscoveryError,
    NameServer,
    ZoneServers,
    find_zone,
    fixed_nameservers,
    make_resolver,
    zone_nameservers,
)
from okta_custom_domain.readiness.options import CheckOptions
from okta_custom_domain.readiness.query import MIN_ATTEMPT, QueryResult, ask
from okta_custom_domain.readiness.zone_cut import anchor_of, zone_below


class ZoneFinder:
    """Discovery with a cache: ``servers_for(name)`` per name, zones' NS sets per zone."""

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.deadline: float | None = None
        self._by_name: dict[str, ZoneServers] = {}
        self._by_zone: dict[str, ZoneServers] = {}

    def resolver(self, resolver: str | None) -> dns.asyncresolver.Resolver:
        """A discovery resolver whose lifetime ends at the poll's deadline, if sooner."""
        options = self.options
        stub = make_resolver(resolver, timeout=options.query_timeout, retries=options.retries)
        if self.deadline is not None:
            left = max(MIN_ATTEMPT, self.deadline - time.monotonic())
            stub.lifetime = min(stub.lifetime, left)
            stub.timeout = min(stub.timeout, stub.lifetime)
        return stub

    def _stub(self) -> dns.asyncresolver.Resolver | None:
        """The resolver to look names up with: given, or the system's unless servers are fixed."""
        if self.options.resolver is not None or self.options.nameservers is None:
            return self.resolver(self.options.resolver)
        return None

    async def servers_for(self, name: str) -> ZoneServers:
        """The zone of ``name`` and every address to ask (DiscoveryError when not found)."""
        if name not in self._by_name:
            if self.options.nameservers is not None:
                self._by_name[name] = await self._fixed(name)
            else:
                self._by_name[name] = await self._discovered(name)
        return self._by_name[name]

    async def zone_of(self, name: str) -> str | None:
        """The zone of a name that exists (asked of the resolver); None when not found."""
        stub = self._stub()
        if stub is None:
            return None
        try:
            return await find_zone(name, stub)
        except DiscoveryError:
            return None

    async def _ask(self, qname: str, rdtype: str, server: NameServer) -> QueryResult:
        options = self.options
        return await ask(
            qname,
            rdtype,
            server.address,
            server.port,
            timeout=options.query_timeout,
            retries=options.retries,
            deadline=self.deadline,
        )

    async def _fixed(self, name: str) -> ZoneServers:
        """The given servers; the zone is the one they answer for (asked of them directly)."""
        stub = self._stub()
        servers = await fixed_nameservers(
            self.options.nameservers or (), stub, self.options.dns_port
        )

        async def same_servers(zone: str) -> Sequence[NameServer]:
            return servers

        zone = await zone_below(name, anchor_of(name), servers, self._ask, same_servers)
        return ZoneServers(zone, servers)

    async def _discovered(self, name: str) -> ZoneServers:
        """The resolver finds the anchor's zone; that zone's servers the zone of ``name``."""
        stub = self._stub()
        assert stub is not None
        top = await self._zone_servers(await find_zone(anchor_of(name), stub), stub)
        assert top.zone is not None

        async def servers_of(zone: str) -> Sequence[NameServer]:
            return (await self._zone_servers(zone, stub)).nameservers

        zone = await zone_below(name, top.zone, top.nameservers, self._ask, servers_of)
        if zone is None:
            raise DiscoveryError(
                f"no name server of zone {top.zone} answered for {name}; check that they serve it"
            )
        return await self._zone_servers(zone, stub)

    async def _zone_servers(self, zone: str, stub: dns.asyncresolver.Resolver) -> ZoneServers:
        if zone not in self._by_zone:
            self._by_zone[zone] = await zone_nameservers(zone, stub, self.options.dns_port)
        return self._by_zone[zone]


__all__ = ["ZoneFinder"]
