"""The standard test topology: one zone served by two ``knotd`` servers that can disagree."""

from __future__ import annotations

from collections.abc import Sequence

from okta_custom_domain.testing.dns_server.knot import AuthoritativeServer
from okta_custom_domain.testing.dns_server.knot_config import TsigKey
from okta_custom_domain.testing.dns_server.loopback import free_port_on_all
from okta_custom_domain.testing.dns_server.zones import ZoneRecord, zone_key, zone_text
from okta_custom_domain.testing.local_process import StartStop


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
        self.zone = zone_key(zone)
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
