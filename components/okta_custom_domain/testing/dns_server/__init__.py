"""Real DNS servers on loopback, for tests, demos and the fake Okta.

Three authoritative servers share one interface (``zone_server.ZoneFileServer``, typed as
``implementations.ZoneServing``): ``knot`` runs ``knotd`` (its config in ``knot_config``; the
only one taking RFC 2136 updates), ``nsd`` runs NSD and ``bind`` runs ``named``;
``implementations.AUTHORITATIVE`` names them for tests run once per implementation.
``two_server`` is the standard two-server zone on knotd, ``unbound`` a recursive resolver,
``silent`` an endpoint that never answers and a port where nothing listens, ``lying`` a
resolver that answers NXDOMAIN for every name (the root included); ``zones`` writes
zone text and queries a server, ``loopback`` finds free ports. Every name is importable here.
"""

from okta_custom_domain.testing.dns_server.bind import BIND_INSTALL_HINT, BindServer, find_named
from okta_custom_domain.testing.dns_server.implementations import AUTHORITATIVE, ZoneServing
from okta_custom_domain.testing.dns_server.knot import (
    KNOT_INSTALL_HINT,
    RELOAD_TIMEOUT,
    AuthoritativeServer,
    find_knotc,
    find_knotd,
)
from okta_custom_domain.testing.dns_server.knot_config import TsigKey
from okta_custom_domain.testing.dns_server.loopback import (
    START_TIMEOUT,
    free_port,
    free_port_on_all,
)
from okta_custom_domain.testing.dns_server.lying import LyingResolver
from okta_custom_domain.testing.dns_server.nsd import NSD_INSTALL_HINT, NsdServer, find_nsd
from okta_custom_domain.testing.dns_server.silent import SilentServer, closed_port
from okta_custom_domain.testing.dns_server.two_server import TwoServerZone
from okta_custom_domain.testing.dns_server.unbound import (
    UNBOUND_INSTALL_HINT,
    RecursiveResolver,
    broken_trust_anchor,
    find_unbound,
)
from okta_custom_domain.testing.dns_server.zone_server import ZoneFileServer
from okta_custom_domain.testing.dns_server.zones import (
    ZoneRecord,
    loopback_zone_text,
    query_values,
    soa_serial_of,
    zone_text,
)

__all__ = [
    "AUTHORITATIVE",
    "BIND_INSTALL_HINT",
    "KNOT_INSTALL_HINT",
    "NSD_INSTALL_HINT",
    "RELOAD_TIMEOUT",
    "START_TIMEOUT",
    "UNBOUND_INSTALL_HINT",
    "AuthoritativeServer",
    "BindServer",
    "LyingResolver",
    "NsdServer",
    "RecursiveResolver",
    "SilentServer",
    "TsigKey",
    "TwoServerZone",
    "ZoneFileServer",
    "ZoneRecord",
    "ZoneServing",
    "broken_trust_anchor",
    "closed_port",
    "find_knotc",
    "find_knotd",
    "find_named",
    "find_nsd",
    "find_unbound",
    "free_port",
    "free_port_on_all",
    "loopback_zone_text",
    "query_values",
    "soa_serial_of",
    "zone_text",
]
