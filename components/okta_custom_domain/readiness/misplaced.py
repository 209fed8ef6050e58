"""Where a missing record went instead: the zone appended twice, address or MX records.

Asked only when a server answers without the record. A registrar form that wanted a label and
got a full name creates ``<fqdn>.<zone>``; a proxied or flattened CNAME answers A/AAAA. A
wildcard can fake either (it answers for the doubled name too), so the doubled name gets the
wildcard probe of its own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from okta_custom_domain.readiness.answers import record_values
from okta_custom_domain.readiness.records import ExpectedRecord
from okta_custom_domain.readiness.report import ServerAnswer
from okta_custom_domain.readiness.wildcards import Ask, wildcard_answer


async def _doubled(ask: Ask, record: ExpectedRecord, zone: str, server: str) -> dict[str, Any]:
    """The record at ``<fqdn>.<zone>``, unless only a wildcard answers there."""
    name = f"{record.fqdn}.{zone}"
    found = record_values(record.rtype, await ask(name, record.rtype))
    wildcard = await wildcard_answer(ask, name, record.rtype, found, zone)
    probe: dict[str, Any] = {"name": name, "server": server, "found": [] if wildcard else found}
    if wildcard:
        probe["wildcard"] = wildcard
    return probe


async def _addresses(ask: Ask, record: ExpectedRecord, server: str) -> dict[str, Any]:
    """A/AAAA where a CNAME is expected (a proxied or flattened record, a wildcard, or a
    host already at the name), and MX there (a mail name in use: a CNAME cannot join it)."""
    results = await asyncio.gather(
        ask(record.fqdn, "A"), ask(record.fqdn, "AAAA"), ask(record.fqdn, "MX")
    )
    found = [
        text
        for result, rdtype in zip(results[:2], ("A", "AAAA"), strict=True)
        for text in result.answer_texts(rdtype)
    ]
    return {"server": server, "found": found, "mx": results[2].answer_texts("MX")}


async def misplaced_probes(
    ask: Ask, record: ExpectedRecord, zone: str | None, answer: ServerAnswer, server: str
) -> dict[str, Any]:
    """``doubled_name`` and (for a CNAME) ``address_records``, when ``answer`` is empty."""
    if answer.answer:
        return {}
    probes: dict[str, Any] = {}
    if zone:
        probes["doubled_name"] = await _doubled(ask, record, zone, server)
    if record.rtype == "CNAME":
        probes["address_records"] = await _addresses(ask, record, server)
    return probes


__all__ = ["misplaced_probes"]
