"""The authoritative servers by name, so a test can run once per implementation.

``AUTHORITATIVE[kind](address, port)`` gives a server with the ``ZoneServing`` interface;
``@pytest.mark.parametrize("kind", sorted(AUTHORITATIVE))`` runs a test against each.
"""

from __future__ import annotations

from typing import Protocol

from okta_custom_domain.testing.dns_server.bind import BindServer
from okta_custom_domain.testing.dns_server.knot import AuthoritativeServer
from okta_custom_domain.testing.dns_server.nsd import NsdServer
from okta_custom_domain.testing.dns_server.zone_server import ZoneFileServer


class ZoneServing(Protocol):
    """What every loopback authoritative server offers for static zones."""

    address: str
    port: int

    @property
    def running(self) -> bool: ...

    def add_zone(self, zone: str, text: str) -> None: ...

    def set_zone(self, zone: str, text: str) -> None: ...

    def remove_zone(self, zone: str) -> None: ...

    def serial(self, zone: str) -> int | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


AUTHORITATIVE: dict[str, type[ZoneFileServer]] = {
    "bind": BindServer,
    "knot": AuthoritativeServer,
    "nsd": NsdServer,
}


# mypy checks here that the shared base (so every implementation) has the ZoneServing interface
_CONFORMING: tuple[type[ZoneServing], ...] = tuple(AUTHORITATIVE.values())
