"""The CAA records that apply to a domain, found as Let's Encrypt finds them (RFC 8659).

The relevant set is the closest one climbing from the domain towards the root, past the zone
cut: a parent zone's ``CAA 0 issue "digicert.com"`` forbids Let's Encrypt for every name
below it that has no CAA of its own. Inside the domain's zone its own servers are asked (no
cache in the way); above it the resolver is, as Let's Encrypt's resolver would be (those names
exist, so nothing negative gets cached).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import dns.name

from okta_custom_domain.readiness.query import QueryResult

#: Asks for the CAA set at a name: name -> (result, who answered).
AskCaa = Callable[[str], Awaitable[tuple[QueryResult, str]]]
#: The zone that holds a name above the domain's zone (None when it cannot be found).
ZoneOf = Callable[[str], Awaitable[str | None]]


def _text(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower()


async def relevant_caa(
    domain: str, zone: str, in_zone: AskCaa, above: AskCaa | None, zone_of: ZoneOf
) -> dict[str, Any] | None:
    """``{"name", "zone", "server", "records"}`` of the closest CAA set, or None."""
    name, apex = dns.name.from_text(domain), dns.name.from_text(zone)
    while name != dns.name.root:
        inside = name.is_subdomain(apex)
        ask = in_zone if inside else above
        if ask is None:
            return None
        result, server = await ask(_text(name))
        if not inside and result.reply is None:
            return None  # the resolver cannot tell: stop rather than guess
        found = result.answer_texts("CAA")
        if found:
            owner_zone = zone if inside else await zone_of(_text(name))
            return {"name": _text(name), "zone": owner_zone, "server": server, "records": found}
        name = name.parent()
    return None


__all__ = ["AskCaa", "ZoneOf", "relevant_caa"]
