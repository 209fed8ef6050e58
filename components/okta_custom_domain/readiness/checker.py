"""The checker that queries servers: every expected record on every authoritative address.

Discovery (zone cut, NS set, addresses) is done once per checker and reused by every poll of a
wait; each poll then costs one SOA query per server and zone plus one query per record and
server. Follow-up queries (A/AAAA where a CNAME is missing, the zone-appended-twice name, CAA,
the validating resolver) feed the diagnosis; their results go into the report as ``probes``.

Here too the one-check entry points, ``check_records`` and ``check_records_async``: they never
wait (the polling ones are in ``wait``). The other pieces live in their own modules
(``options``: where and how to ask; ``answers``: reading replies; ``blocking``: the sync twins).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Unpack

import dns.name
import dns.rdatatype

from okta_custom_domain import defaults
from okta_custom_domain.readiness.answers import server_answer
from okta_custom_domain.readiness.blocking import blocking_form
from okta_custom_domain.readiness.caa import AskCaa, relevant_caa
from okta_custom_domain.readiness.delegation import (
    Delegation,
    delegation_of,
    servfail_chain,
    settle,
)
from okta_custom_domain.readiness.diagnosis import diagnose, discovery_failed
from okta_custom_domain.readiness.discovery import (
    DiscoveryError,
    NameServer,
    ZoneServers,
    parse_host_port,
)
from okta_custom_domain.readiness.misplaced import misplaced_probes
from okta_custom_domain.readiness.options import CheckOptions, DnsOptions, make_options
from okta_custom_domain.readiness.query import QueryResult, QueryStats, ask
from okta_custom_domain.readiness.records import ExpectedRecord, parse_records
from okta_custom_domain.readiness.report import ReadinessReport, RecordReport, ZoneReport
from okta_custom_domain.readiness.wildcards import wildcard_answer
from okta_custom_domain.readiness.zone_finder import ZoneFinder

ZoneKey = tuple[str | None, tuple[NameServer, ...]]


class ReadinessChecker:
    """Checks a fixed set of records; keeps discovery between polls, nothing else."""

    def __init__(self, records: Sequence[ExpectedRecord], options: CheckOptions) -> None:
        self.records = list(records)
        self.options = options
        self.zones = ZoneFinder(options)
        self._no_caa_above: set[str] = set()  # zones with no CAA anywhere above their apex

    async def _ask(
        self,
        qname: str,
        rdtype: str,
        server: NameServer,
        stats: QueryStats,
        *,
        recursion: bool = False,
    ) -> QueryResult:
        return await ask(
            qname,
            rdtype,
            server.address,
            server.port,
            timeout=self.options.query_timeout,
            retries=self.options.retries,
            recursion=recursion,
            stats=stats,
            deadline=self.zones.deadline,  # the poll's, set by check()
        )

    async def discover(self) -> dict[str, ZoneServers]:
        """Map each record's fqdn to the zone and the addresses to query (cached)."""
        return {record.fqdn: await self.zones.servers_for(record.fqdn) for record in self.records}

    async def check(self, deadline: float | None = None) -> ReadinessReport:
        """One poll: every record on every server, then the diagnosis.

        ``deadline`` (``time.monotonic()``) caps every query of the poll: a wait's timeout
        holds even when a server is silent.
        """
        self.zones.deadline = deadline
        started = time.perf_counter()
        checked_at = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            zones = await self.discover()
        except (DiscoveryError, ValueError) as exc:
            report = ReadinessReport(
                records=[RecordReport(record, None) for record in self.records],
                causes=[
                    discovery_failed(
                        str(exc), exc.next_step if isinstance(exc, DiscoveryError) else None
                    )
                ],
                checked_at=checked_at,
            )
        else:
            report = await self._poll(zones, checked_at)
        report.elapsed_ms = (time.perf_counter() - started) * 1000.0
        return report

    async def _poll(self, zones: dict[str, ZoneServers], checked_at: str) -> ReadinessReport:
        """The queries of one poll once discovery has succeeded, and their diagnosis."""
        stats = QueryStats()
        distinct: dict[ZoneKey, ZoneServers] = {}
        for zone_servers in zones.values():
            distinct[(zone_servers.zone, zone_servers.nameservers)] = zone_servers
        zone_reports = await asyncio.gather(
            *(self._zone_report(zs, stats) for zs in distinct.values())
        )
        serial_by_zone = {
            (zr.zone, zs.nameservers): zr
            for zr, zs in zip(zone_reports, distinct.values(), strict=True)
        }
        record_reports = list(
            await asyncio.gather(
                *(
                    self._record_report(
                        record, zs, serial_by_zone[(zs.zone, zs.nameservers)].serials, stats
                    )
                    for record in self.records
                    for zs in (zones[record.fqdn],)
                )
            )
        )
        await self._probe_caa(record_reports, zones, stats)
        if self.options.validating_resolver and all(r.ready for r in record_reports):
            await self._probe_validating(record_reports, stats)
        report = ReadinessReport(
            records=record_reports,
            zones=list(zone_reports),
            queries_sent=stats.sent,
            checked_at=checked_at,
        )
        report.causes = diagnose(report)
        return report

    async def _record_report(
        self,
        record: ExpectedRecord,
        zs: ZoneServers,
        serials: Mapping[str, int | None],
        stats: QueryStats,
        before: tuple[str, ...] = (),
    ) -> RecordReport:
        """One record on every server of its zone, probed further when it is not ready."""
        results = await asyncio.gather(
            *(self._ask(record.fqdn, record.rtype, server, stats) for server in zs.nameservers)
        )
        answers = [
            server_answer(record, server, result, serials.get(server.label()))
            for server, result in zip(zs.nameservers, results, strict=True)
        ]
        report = RecordReport(record, zs.zone, answers)
        delegation = delegation_of(report, before) or await self._servfail_chain(
            report, zs, stats, before
        )
        if delegation is not None:
            await self._follow(report, delegation, stats)
        elif not report.ready:
            report.probes.update(await self._probe_missing(report, zs, stats))
        return report

    async def _servfail_chain(
        self, report: RecordReport, zs: ZoneServers, stats: QueryStats, before: tuple[str, ...]
    ) -> Delegation | None:
        failing = [
            s for s, a in zip(zs.nameservers, report.servers, strict=True) if a.rcode == "SERVFAIL"
        ]
        if not failing:
            return None

        async def ask(qname: str, rdtype: str) -> QueryResult:
            return await self._ask(qname, rdtype, failing[0], stats)

        return await servfail_chain(report, ask, before)

    async def _follow(
        self, report: RecordReport, delegation: Delegation, stats: QueryStats
    ) -> None:
        """Check the TXT at the CNAME target on the target zone's own servers."""
        report.probes["cname_chain"] = delegation.probe()
        if delegation.problem:
            return
        try:
            zs = await self.zones.servers_for(delegation.target)
        except (DiscoveryError, ValueError) as exc:
            report.probes["cname_chain"]["error"] = str(exc)
            return
        target = ExpectedRecord("TXT", delegation.target, report.record.value)
        report.delegated = await self._record_report(target, zs, {}, stats, delegation.names[:-1])
        settle(report, delegation)

    async def _zone_report(self, zs: ZoneServers, stats: QueryStats) -> ZoneReport:
        report = ZoneReport(
            zs.zone, [server.label() for server in zs.nameservers], problems=list(zs.problems)
        )
        if zs.zone is None:
            return report
        zone = zs.zone
        results = await asyncio.gather(*(self._ask(zone, "SOA", s, stats) for s in zs.nameservers))
        for server, result in zip(zs.nameservers, results, strict=True):
            serial = None
            if result.reply is not None and result.authoritative:
                for rrset in result.reply.answer:
                    if rrset.rdtype == dns.rdatatype.SOA:
                        soa = rrset[0]
                        serial = int(soa.serial)
                        ttl, minimum = int(rrset.ttl), int(soa.minimum)
                        report.soa_ttl = ttl if report.soa_ttl is None else max(report.soa_ttl, ttl)
                        report.soa_minimum = (
                            minimum
                            if report.soa_minimum is None
                            else max(report.soa_minimum, minimum)
                        )
            report.serials[server.label()] = serial
        return report

    async def _probe_missing(
        self, report: RecordReport, zs: ZoneServers, stats: QueryStats
    ) -> dict[str, Any]:
        """Follow-up looks, on one server that answered without the record."""
        answering = [
            (server, answer)
            for server, answer in zip(zs.nameservers, report.servers, strict=True)
            if answer.authoritative and answer.rcode in ("NOERROR", "NXDOMAIN")
        ]
        if not answering:
            return {}
        server, answer = answering[0]

        async def ask(qname: str, rdtype: str) -> QueryResult:
            return await self._ask(qname, rdtype, server, stats)

        probes = await misplaced_probes(ask, report.record, zs.zone, answer, server.label())
        found, rdtype = answer.answer, report.record.rtype
        addresses = (probes.get("address_records") or {}).get("found") or []
        if not found and addresses:
            v4 = [address for address in addresses if ":" not in address]
            found, rdtype = (v4, "A") if v4 else (addresses, "AAAA")
        wildcard = await wildcard_answer(ask, report.record.fqdn, rdtype, found, zs.zone)
        if wildcard:
            probes["wildcard"] = wildcard
        return probes

    async def _probe_caa(
        self, reports: list[RecordReport], zones: Mapping[str, ZoneServers], stats: QueryStats
    ) -> None:
        """The CAA set that applies to each domain (closest name with CAA, within the zone)."""
        done: dict[str, dict[str, Any] | None] = {}
        for report in reports:
            domain = report.record.domain
            zs = zones[report.record.fqdn]
            if domain not in done:
                done[domain] = await self._caa_for(domain, zs, report, stats)
            if done[domain] is not None:
                report.probes["caa"] = done[domain]

    async def _caa_for(
        self, domain: str, zs: ZoneServers, report: RecordReport, stats: QueryStats
    ) -> dict[str, Any] | None:
        answering = [
            server
            for server, answer in zip(zs.nameservers, report.servers, strict=True)
            if answer.authoritative
        ]
        if zs.zone is None or not answering:
            return None
        server = answering[0]

        async def in_zone(name: str) -> tuple[QueryResult, str]:
            return await self._ask(name, "CAA", server, stats), server.label()

        climb = zs.zone not in self._no_caa_above
        above = self._caa_above(zs, stats) if climb else None
        found = await relevant_caa(domain, zs.zone, in_zone, above, self.zones.zone_of)
        if found is None and climb:
            self._no_caa_above.add(zs.zone)  # not what a wait waits for: asked once per wait
        return found

    def _caa_above(self, zs: ZoneServers, stats: QueryStats) -> AskCaa:
        """Who answers CAA above the zone: the resolver, recursively (as Let's Encrypt's
        would), else the first given name server, from its own data."""
        if self.options.resolver is None and self.options.nameservers is not None:
            resolver, recursion = zs.nameservers[0], False
        else:
            stub = self.zones.resolver(self.options.resolver)
            resolver, recursion = NameServer(None, str(stub.nameservers[0]), stub.port), True

        async def above(name: str) -> tuple[QueryResult, str]:
            result = await self._ask(name, "CAA", resolver, stats, recursion=recursion)
            return result, resolver.label()

        return above

    async def _probe_validating(self, reports: list[RecordReport], stats: QueryStats) -> None:
        assert self.options.validating_resolver is not None
        host, port = parse_host_port(
            self.options.validating_resolver, defaults.DNS_PORT, field="validating"
        )
        resolver = NameServer(None, host, port)
        results = await asyncio.gather(
            *(
                self._ask(r.record.fqdn, r.record.rtype, resolver, stats, recursion=True)
                for r in reports
            )
        )
        for report, result in zip(reports, results, strict=True):
            report.probes["validating_resolver"] = {
                "server": resolver.endpoint,
                "rcode": result.rcode,
                "error": result.error,
            }


def checker_for(
    records: Iterable[Mapping[str, Any] | ExpectedRecord], **options: Unpack[DnsOptions]
) -> ReadinessChecker:
    """The checker every keyword entry point builds; bad records are named before bad options."""
    return ReadinessChecker(parse_records(records), make_options(**options))


async def check_records_async(
    records: Iterable[Mapping[str, Any] | ExpectedRecord], **options: Unpack[DnsOptions]
) -> ReadinessReport:
    """Async form of :func:`check_records`; ``options`` are those of :class:`DnsOptions`."""
    return await checker_for(records, **options).check()


check_records = blocking_form(
    check_records_async,
    "check_records",
    """Check once whether every authoritative server serves ``records``; never waits.

    Options: ``resolver``, ``dns_port``, ``nameservers``, ``validating_resolver``,
    ``query_timeout``, ``retries`` (see ``DnsOptions``). Raises ``RecordError``/``ValueError``
    for bad input; DNS trouble is in the report.
    """,
)


__all__ = ["ReadinessChecker", "check_records", "check_records_async", "checker_for"]
