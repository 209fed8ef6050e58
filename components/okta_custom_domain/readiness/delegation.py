"""A TXT name delegated by CNAME to another zone: where the chain leads, and what breaks it.

Let's Encrypt follows a CNAME at the challenge name to its target, in whatever zone that is
(acme-dns, Cloudflare's DCV delegation, a "challenges" zone), so the checker asks the target's
own zone for the TXT (``RecordReport.delegated``). This module reads the chain the servers
answered and names the ways it can fail before any TXT is reached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.cname_chain import MAX_HOPS, chain_by_queries
from okta_custom_domain.readiness.query import QueryResult
from okta_custom_domain.readiness.report import RecordReport, ServerAnswer
from okta_custom_domain.readiness.wording import relative_or_fqdn


@dataclass(frozen=True)
class Delegation:
    """The chain from the first TXT name asked to ``target``; ``problem`` when it breaks."""

    names: tuple[str, ...]
    problem: str | None = None  # "loop" or "too_long"

    @property
    def target(self) -> str:
        return self.names[-1]

    def probe(self) -> dict[str, Any]:
        return {"names": list(self.names), "target": self.target, "problem": self.problem}


def delegation_of(report: RecordReport, before: tuple[str, ...] = ()) -> Delegation | None:
    """The CNAME chain the servers answered for a TXT name (None when there is none).

    The target is then checked on its own zone's servers, even when a server already put the
    target's TXT in its answer: one rule for every chain, and advice that names the target.
    ``before`` holds the names already followed to reach this record (for loops across zones).
    """
    chains = sorted(
        {
            tuple(answer.cname_chain)
            for answer in report.servers
            if answer.authoritative and answer.cname_chain
        }
    )
    if report.record.rtype != "TXT" or not chains:
        return None
    names = (*before, report.record.fqdn, *chains[0])
    if len(set(names)) < len(names):
        return Delegation(names, "loop")
    if len(names) - 1 > MAX_HOPS:
        return Delegation(names, "too_long")
    return Delegation(names)


async def servfail_chain(
    report: RecordReport, ask: Callable[[str, str], Awaitable[QueryResult]], before: tuple[str, ...]
) -> Delegation | None:
    """A chain that loops or is too long, behind a SERVFAIL for a TXT name (BIND's answer)."""
    if report.record.rtype != "TXT" or not any(a.rcode == "SERVFAIL" for a in report.servers):
        return None
    chain = await chain_by_queries(ask, report.record.fqdn, len(before))
    if not (chain.loop or chain.too_long):
        return None
    return Delegation((*before, *chain.names), "loop" if chain.loop else "too_long")


def settle(report: RecordReport, delegation: Delegation) -> None:
    """Servers that answered the chain to the target match when the target is ready."""
    assert report.delegated is not None
    for answer in report.servers:
        if answer.cname_chain and answer.cname_chain[-1] == delegation.target:
            answer.matches = report.delegated.ready


def chain_cause(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """A chain that loops, is too long, or leads to a name whose zone cannot be found."""
    probe = record.probes.get("cname_chain")
    if not probe or not (probe.get("problem") or probe.get("error")):
        return None
    chain = " -> ".join(probe["names"])
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    details = {**probe, "zone": record.zone}
    label = record.record.label()
    if probe.get("problem") == "loop":
        return Cause(
            CauseCode.CNAME_LOOP,
            f"{label} is a CNAME chain that loops ({chain}): Let's Encrypt can never reach a TXT.",
            f"point the last CNAME of the chain at a name that holds the TXT, or replace the "
            f"CNAME at `{relative}` with TXT `{relative}` = `{record.record.value}`",
            record=label,
            details=details,
        )
    if probe.get("problem") == "too_long":
        return Cause(
            CauseCode.CNAME_CHAIN_TOO_LONG,
            f"{label} leads through more than {MAX_HOPS} CNAMEs ({chain}); resolvers give up.",
            f"point the CNAME at `{relative}` directly at the name that holds the TXT",
            record=label,
            details=details,
        )
    return Cause(
        CauseCode.CNAME_TARGET_NOT_READY,
        f"{label} is a CNAME to {probe['target']}, whose zone could not be found: "
        f"{probe['error']}.",
        f"make {probe['target']} resolvable (its zone delegated) and put the TXT there",
        record=label,
        details=details,
    )


__all__ = ["Delegation", "chain_cause", "delegation_of", "servfail_chain", "settle"]
