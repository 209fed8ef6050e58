"""The result of one readiness check: per record, per authoritative server, plus the causes.

Kept rich and JSON-able because the same report feeds the CLI's ``--json``, the provider's error
message and the doctor command: what each server said (rcode, AA, answer, SOA serial, time).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from okta_custom_domain.readiness.cause import Cause
from okta_custom_domain.readiness.records import ExpectedRecord


@dataclass
class ServerAnswer:
    """What one authoritative address answered for one expected record."""

    nameserver: str | None
    address: str
    port: int
    rcode: str | None = None
    authoritative: bool = False
    answer: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    soa_serial: int | None = None
    elapsed_ms: float = 0.0
    error: str | None = None
    error_kind: str | None = None
    cname_chain: list[str] = field(default_factory=list)  # the targets a TXT name's CNAME led to
    tcp: bool = False
    matches: bool = False

    @property
    def endpoint(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    def label(self) -> str:
        """``ns1.example.com 192.0.2.1:53``."""
        return f"{self.nameserver} {self.endpoint}" if self.nameserver else self.endpoint

    def label_with_serial(self) -> str:
        serial = "no SOA" if self.soa_serial is None else f"serial {self.soa_serial}"
        return f"{self.label()} ({serial})"


@dataclass
class RecordReport:
    """One expected record and every server's answer for it; ``probes`` hold follow-up looks."""

    record: ExpectedRecord
    zone: str | None
    servers: list[ServerAnswer] = field(default_factory=list)
    probes: dict[str, Any] = field(default_factory=dict)
    delegated: RecordReport | None = None  # the TXT at the CNAME target, on its own zone

    def with_delegated(self) -> list[RecordReport]:
        """This record and, down the CNAME chain, the records it is delegated to."""
        return [self, *(self.delegated.with_delegated() if self.delegated else [])]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "zone": self.zone,
            "ready": self.ready,
            "servers": [
                {**asdict(server), "elapsed_ms": round(server.elapsed_ms, 1)}
                for server in self.servers
            ],
            "probes": self.probes,
            "delegated": self.delegated.to_dict() if self.delegated else None,
        }

    @property
    def ready(self) -> bool:
        return bool(self.servers) and all(server.matches for server in self.servers)

    def missing_on(self) -> list[ServerAnswer]:
        return [server for server in self.servers if not server.matches]


@dataclass
class ZoneReport:
    """A zone involved in the check: its servers, their serials and its negative-caching time."""

    zone: str | None
    servers: list[str]
    serials: dict[str, int | None] = field(default_factory=dict)
    soa_ttl: int | None = None
    soa_minimum: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def negative_cache_seconds(self) -> int | None:
        """RFC 2308: a resolver caches a negative answer for min(SOA TTL, SOA MINIMUM)."""
        if self.soa_ttl is None or self.soa_minimum is None:
            return None
        return min(self.soa_ttl, self.soa_minimum)


@dataclass
class ReadinessReport:
    """Everything one check learned; ``ready`` only when every record matches everywhere."""

    records: list[RecordReport]
    zones: list[ZoneReport] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    queries_sent: int = 0
    elapsed_ms: float = 0.0
    checked_at: str = ""

    @property
    def ready(self) -> bool:
        return bool(self.records) and all(r.ready for r in self.records) and not self.causes

    @property
    def negative_cache_seconds(self) -> int | None:
        values = [z.negative_cache_seconds for z in self.zones if z.negative_cache_seconds]
        return max(values) if values else None

    @property
    def diagnosis(self) -> list[str]:
        """The causes in words, then what a premature recursive lookup would cost."""
        lines = [cause.message for cause in self.causes]
        missing = any(not record.ready for record in self.records)
        if missing and self.negative_cache_seconds is not None:
            lines.append(
                "Do not trigger verification (or look the names up through a recursive "
                "resolver) before every authoritative server answers: a resolver that sees "
                f"the name missing caches that for {self.negative_cache_seconds} s "
                "(negative caching: min of the zone's SOA TTL and SOA MINIMUM)."
            )
        return lines

    @property
    def notes(self) -> list[str]:
        """Facts worth saying even when ready: records found at the end of a CNAME chain."""
        return [
            f"{record.record.label()}: TXT found at the CNAME target {end.record.fqdn} on "
            f"every server of zone {end.zone}"
            for record in self.records
            if record.delegated is not None and record.ready
            for end in record.with_delegated()[-1:]
        ]

    def servers_checked(self) -> list[str]:
        """Every authoritative server asked (CNAME targets' too), as ``ns-name address:port``."""
        seen: dict[str, None] = {}
        for record in (r for top in self.records for r in top.with_delegated()):
            for server in record.servers:
                seen.setdefault(server.label(), None)
        return list(seen)

    def progress_line(self) -> str:
        """One line: how many records are ready and, for the others, where they are missing."""
        total = len(self.records)
        done = sum(1 for r in self.records if r.ready)
        if self.ready:
            notes = "".join(f"; {note}" for note in self.notes)
            return f"ready: {total}/{total} records on every authoritative server{notes}"
        parts = []
        for record in self.records:
            if record.ready:
                continue
            where = ", ".join(s.label() for s in record.missing_on()) or "no server answered"
            parts.append(f"{record.record.label()} not yet on {where}")
        codes = sorted({cause.code for cause in self.causes})
        text = f"{done}/{total} records ready; " + "; ".join(parts) if parts else f"{done}/{total}"
        if codes:
            text += f" [{', '.join(codes)}]"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "checked_at": self.checked_at,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "queries_sent": self.queries_sent,
            "negative_cache_seconds": self.negative_cache_seconds,
            "servers_checked": self.servers_checked(),
            "diagnosis": self.diagnosis,
            "notes": self.notes,
            "causes": [cause.to_dict() for cause in self.causes],
            "zones": [
                {**asdict(zone), "negative_cache_seconds": zone.negative_cache_seconds}
                for zone in self.zones
            ],
            "records": [record.to_dict() for record in self.records],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False, default=str)
