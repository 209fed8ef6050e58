"""Real DNS servers on loopback, for tests, demos and the fake Okta.

``knot`` runs an authoritative ``knotd`` (its config in ``knot_config``), ``two_server`` the
standard two-server zone on it, ``unbound`` a recursive resolver; ``zones`` writes zone text and
queries a server, ``loopback`` finds free ports. Every name is importable from here.
"""

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
from okta_custom_domain.testing.dns_server.two_server import TwoServerZone
from okta_custom_domain.testing.dns_server.unbound import (
    UNBOUND_INSTALL_HINT,
    RecursiveResolver,
    broken_trust_anchor,
    find_unbound,
)
from okta_custom_domain.testing.dns_server.zones import (
    ZoneRecord,
    loopback_zone_text,
    query_values,
    soa_serial_of,
    zone_text,
)

__all__ = [
    "KNOT_INSTALL_HINT",
    "RELOAD_TIMEOUT",
    "START_TIMEOUT",
    "UNBOUND_INSTALL_HINT",
    "AuthoritativeServer",
    "RecursiveResolver",
    "TsigKey",
    "TwoServerZone",
    "ZoneRecord",
    "broken_trust_anchor",
    "find_knotc",
    "find_knotd",
    "find_unbound",
    "free_port",
    "free_port_on_all",
    "loopback_zone_text",
    "query_values",
    "soa_serial_of",
    "zone_text",
]
