"""Answers synthesised from a wildcard (RFC 4592): named as such, never taken for the record.

A server answers for a name that does not exist from ``*.<closest encloser>`` with the name as
the owner, so the reply alone cannot tell a real record from a synthesised one. Asking a sibling
that surely does not exist can: if it gets the same answer, a wildcard is answering. The probe
runs only for records that are not ready, so a ready check costs no query more.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import dns.name

from okta_custom_domain.readiness.answers import record_values
from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.query import QueryResult
from okta_custom_domain.readiness.report import RecordReport, ServerAnswer
from okta_custom_domain.readiness.wording import record_row, show

#: Asks one server: (qname, rdtype) -> its result.
Ask = Callable[[str, str], Awaitable[QueryResult]]


def _values(rdtype: str, result: QueryResult) -> list[str]:
    if rdtype in ("CNAME", "TXT"):
        return sorted(record_values(rdtype, result))
    return sorted(result.answer_texts(rdtype))


def _sibling(name: dns.name.Name) -> str:
    """A name next to ``name`` that no one created (so only a wildcard can answer for it)."""
    label = f"_no-such-name-{secrets.token_hex(4)}"
    return dns.name.Name((label.encode(), *name.parent().labels)).to_text(omit_final_dot=True)


async def _owner(
    ask: Ask, name: dns.name.Name, zone: str | None, rdtype: str, found: list[str]
) -> str | None:
    """The wildcard answering for ``name``: the highest ``*.<ancestor>`` that gives ``found``.

    Top down, because a query for ``*.<ancestor>`` that does not exist is itself answered by a
    wildcard higher up; the highest one answering is the one that exists.
    """
    apex = dns.name.from_text(zone) if zone else name.parent()
    ancestors = []
    ancestor = name.parent()
    while ancestor.is_subdomain(apex):
        ancestors.append(ancestor)
        if ancestor == apex:
            break
        ancestor = ancestor.parent()
    for ancestor in reversed(ancestors):
        star = dns.name.Name((b"*", *ancestor.labels)).to_text(omit_final_dot=True)
        if _values(rdtype, await ask(star, rdtype)) == found:
            return star
    return None


async def wildcard_answer(
    ask: Ask, name: str, rdtype: str, found: list[str], zone: str | None
) -> dict[str, Any] | None:
    """``{"name", "rdtype", "owner", "found"}`` when ``found`` at ``name`` is synthesised."""
    found = sorted(found)
    if not found:
        return None
    parsed = dns.name.from_text(name)
    if _values(rdtype, await ask(_sibling(parsed), rdtype)) != found:
        return None
    owner = await _owner(ask, parsed, zone, rdtype, found)
    return {"name": name, "rdtype": rdtype, "owner": owner, "found": found}


def wildcard_in_place(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """The record is missing and a wildcard answers for its name instead."""
    probe = record.probes.get("wildcard")
    if not probe:
        return None
    owner = f"`{probe['owner']}`" if probe.get("owner") else "a wildcard"
    where = f" in zone {record.zone}" if record.zone else ""
    return Cause(
        CauseCode.WILDCARD_IN_PLACE,
        f"{record.record.label()} is missing: the wildcard {owner} answers in its place "
        f"({probe['rdtype']} {show(probe['found'])}), so the name looks present but does not "
        f"carry the record (RFC 4592).",
        f"create {record_row(record)}{where}; a record at the name takes precedence over "
        "the wildcard",
        record=record.record.label(),
        details={**probe, "zone": record.zone},
    )


__all__ = ["Ask", "wildcard_answer", "wildcard_in_place"]
