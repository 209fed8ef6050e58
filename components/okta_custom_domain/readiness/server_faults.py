"""Name servers that do not serve the zone: timeouts, REFUSED, SERVFAIL, answers without AA.

One cause per server and kind (not per record), so a lame server is reported once with every
record it failed. ``FAULTS`` lists the kinds: how to recognise one and what to say about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.report import ReadinessReport, RecordReport, ServerAnswer

_EVERY = "every listed name server must answer"


@dataclass(frozen=True)
class Fault:
    """What went wrong on one server: its label, host, zone, answer and the records it failed."""

    label: str
    host: str
    zone: str
    answer: ServerAnswer
    names: str


@dataclass(frozen=True)
class FaultKind:
    """A kind of server fault: how to recognise it, its facts and its next step."""

    code: CauseCode
    matches: Callable[[ServerAnswer], bool]
    summary: Callable[[Fault], str]
    next_step: Callable[[Fault], str]


def _serve_it(fault: Fault) -> str:
    return f"make {fault.host} serve the zone (or remove it from the zone's NS set); {_EVERY}"


FAULTS: tuple[FaultKind, ...] = (
    FaultKind(
        CauseCode.CONNECTION_REFUSED,
        lambda a: a.error_kind == "refused",
        lambda f: (
            f"{f.label} refused the connection for {f.names} ({f.answer.error}): no DNS server "
            "runs at that address and port."
        ),
        lambda f: (
            f"start the DNS server on {f.answer.endpoint} (or fix the port or the address the "
            f"zone's NS set gives for {f.host}); {_EVERY}"
        ),
    ),
    FaultKind(
        CauseCode.TIMEOUT,
        lambda a: a.error is not None,
        lambda f: (
            f"{f.label} did not answer ({f.answer.error}) for {f.names}: the server is down, "
            "silent, or a firewall drops DNS."
        ),
        lambda f: f"make {f.host} answer (or remove it from the zone's NS set); {_EVERY}",
    ),
    FaultKind(
        CauseCode.REFUSED,
        lambda a: a.rcode == "REFUSED",
        lambda f: (
            f"{f.label} answers REFUSED for {f.names}: it does not serve {f.zone} "
            "(lame delegation)."
        ),
        _serve_it,
    ),
    FaultKind(
        CauseCode.SERVFAIL,
        lambda a: a.rcode == "SERVFAIL",
        lambda f: (
            f"{f.label} answers SERVFAIL for {f.names}: the server failed to load {f.zone} "
            "(zone file error or expired secondary)."
        ),
        lambda f: f"check the logs of {f.host}, then {_serve_it(f)}",
    ),
    FaultKind(
        CauseCode.NOT_AUTHORITATIVE,
        lambda a: a.rcode is not None and not a.authoritative,
        lambda f: (
            f"{f.label} answers {f.answer.rcode} for {f.names} without the AA flag: it is not "
            f"authoritative for {f.zone} (lame delegation)."
        ),
        _serve_it,
    ),
)


def _kind_of(answer: ServerAnswer) -> FaultKind | None:
    return next((kind for kind in FAULTS if kind.matches(answer)), None)


def _cause(kind: FaultKind, label: str, items: list[tuple[RecordReport, ServerAnswer]]) -> Cause:
    records = [record.record.label() for record, _ in items]
    answer = items[0][1]
    zone = items[0][0].zone or "the zone"
    fault = Fault(label, label.split(" ", 1)[0], zone, answer, ", ".join(records))
    return Cause(
        kind.code,
        kind.summary(fault),
        kind.next_step(fault),
        record=records[0],
        details={"server": label, "records": records, "rcode": answer.rcode, "error": answer.error},
    )


def server_faults(report: ReadinessReport) -> list[Cause]:
    """One cause per server and kind of fault, in the order the servers were met."""
    grouped: dict[tuple[FaultKind, str], list[tuple[RecordReport, ServerAnswer]]] = {}
    for record in (r for top in report.records for r in top.with_delegated()):
        looping = bool((record.probes.get("cname_chain") or {}).get("problem"))
        for answer in record.servers:
            if looping and answer.rcode == "SERVFAIL":
                continue  # the chain is the cause (BIND answers SERVFAIL at a CNAME loop)
            kind = _kind_of(answer)
            if kind is not None:
                grouped.setdefault((kind, answer.label()), []).append((record, answer))
    return [_cause(kind, label, items) for (kind, label), items in grouped.items()]


__all__ = ["FAULTS", "FaultKind", "server_faults"]
