"""One readiness check: ask every authoritative address for every expected record, concurrently.

Discovery (zone cut, NS set, addresses) is done once per checker and reused by every poll of a
wait; each poll then costs one SOA query per server and zone plus one query per record and
server. Follow-up queries (A/AAAA where a CNAME is missing, the zone-appended-twice name, CAA,
the validating resolver) feed the diagnosis; their results go into the report as ``probes``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ParamSpec, TypeVar

import dns.name
import dns.rcode
import dns.rdatatype

from okta_custom_domain.readiness.diagnosis import diagnose, discovery_failed
from okta_custom_domain.readiness.discovery import (
    DEFAULT_DNS_PORT,
    DiscoveryError,
    NameServer,
    ZoneServers,
    find_zone,
    fixed_nameservers,
    is_address,
    make_resolver,
    parse_host_port,
    zone_nameservers,
)
from okta_custom_domain.readiness.query import QueryResult, QueryStats, ask
from okta_custom_domain.readiness.records import ExpectedRecord, RecordError, parse_records
from okta_custom_domain.readiness.report import (
    ReadinessReport,
    RecordReport,
    ServerAnswer,
    ZoneReport,
)

T = TypeVar("T")
P = ParamSpec("P")

DEFAULT_QUERY_TIMEOUT = 2.0
DEFAULT_RETRIES = 2


@dataclass(frozen=True)
class CheckOptions:
    """Where and how to ask; validated on construction with errors that name the field."""

    resolver: str | None = None
    dns_port: int = DEFAULT_DNS_PORT
    nameservers: tuple[str, ...] | None = None
    validating_resolver: str | None = None
    query_timeout: float = DEFAULT_QUERY_TIMEOUT
    retries: int = DEFAULT_RETRIES

    def __post_init__(self) -> None:
        if isinstance(self.dns_port, bool) or not isinstance(self.dns_port, int):
            raise ValueError(f"dns_port: {self.dns_port!r} is not a port number; use 1-65535")
        if not 0 < self.dns_port < 65536:
            raise ValueError(f"dns_port: {self.dns_port} is out of range; use 1-65535")
        if not isinstance(self.query_timeout, (int, float)) or self.query_timeout <= 0:
            raise ValueError(f"query_timeout: {self.query_timeout!r} must be a positive number")
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise ValueError(f"retries: {self.retries!r} must be a whole number >= 0")
        for field, value in (
            ("resolver", self.resolver),
            ("validating_resolver", self.validating_resolver),
        ):
            if value is not None:
                host, _ = parse_host_port(value, 53, field=field)
                if not is_address(host):
                    raise ValueError(f"{field}: {value!r} must be an IP address, optional :port")
        if self.nameservers is not None:
            if isinstance(self.nameservers, str) or not self.nameservers:
                raise ValueError("nameservers: give a non-empty list of HOST[:PORT], or omit it")
            for index, spec in enumerate(self.nameservers):
                parse_host_port(spec, self.dns_port, field=f"nameservers[{index}]")


def make_options(
    *,
    resolver: str | None = None,
    dns_port: int = DEFAULT_DNS_PORT,
    nameservers: Iterable[str] | None = None,
    validating_resolver: str | None = None,
    query_timeout: float = DEFAULT_QUERY_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
) -> CheckOptions:
    fixed = None
    if nameservers is not None:
        if isinstance(nameservers, str):
            raise ValueError("nameservers: give a list of HOST[:PORT], not one string")
        fixed = tuple(nameservers)
    return CheckOptions(
        resolver=resolver,
        dns_port=dns_port,
        nameservers=fixed,
        validating_resolver=validating_resolver,
        query_timeout=query_timeout,
        retries=retries,
    )


def as_records(records: Iterable[Mapping[str, Any] | ExpectedRecord]) -> list[ExpectedRecord]:
    """Accept parsed records or ``{"type","fqdn","value"}`` mappings."""
    return parse_records(records)


def _txt_values(result: QueryResult) -> list[str]:
    if result.reply is None:
        return []
    qname = dns.name.from_text(result.qname)
    values = []
    for rrset in result.reply.answer:
        if rrset.rdtype == dns.rdatatype.TXT and rrset.name == qname:
            for rdata in rrset:
                joined = b"".join(rdata.strings)
                values.append(joined.decode("utf-8", errors="backslashreplace"))
    return values


def _cname_values(result: QueryResult) -> list[str]:
    return [
        dns.name.from_text(text).to_text(omit_final_dot=True).lower()
        for text in result.answer_texts("CNAME")
    ]


def _other_answers(result: QueryResult, rdtype: str) -> list[str]:
    if result.reply is None:
        return []
    wanted = dns.rdatatype.from_text(rdtype)
    return [
        f"{rrset.name.to_text(omit_final_dot=True)} {dns.rdatatype.to_text(rrset.rdtype)} "
        f"{rdata.to_text()}"
        for rrset in result.reply.answer
        if rrset.rdtype != wanted
        for rdata in rrset
    ]


def server_answer(
    record: ExpectedRecord, server: NameServer, result: QueryResult, serial: int | None
) -> ServerAnswer:
    """Turn one query result into the report's view, deciding whether it matches."""
    values = _cname_values(result) if record.rtype == "CNAME" else _txt_values(result)
    matches = (
        result.reply is not None
        and result.reply.rcode() == dns.rcode.NOERROR
        and result.authoritative
        and values == [record.value]
    )
    return ServerAnswer(
        nameserver=server.name,
        address=server.address,
        port=server.port,
        rcode=result.rcode,
        authoritative=result.authoritative,
        answer=values,
        other=_other_answers(result, record.rtype),
        soa_serial=serial,
        elapsed_ms=result.elapsed_ms,
        error=result.error,
        tcp=result.tcp,
        matches=matches,
    )


class ReadinessChecker:
    """Checks a fixed set of records; keeps discovery between polls, nothing else."""

    def __init__(self, records: Sequence[ExpectedRecord], options: CheckOptions) -> None:
        self.records = list(records)
        self.options = options
        self._zones: dict[str, ZoneServers] | None = None
        self.discovery_queries = 0

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
        )

    async def discover(self) -> dict[str, ZoneServers]:
        """Map each record's fqdn to the zone and the addresses to query (cached)."""
        if self._zones is not None:
            return self._zones
        options = self.options
        stub = None
        if options.resolver is not None or options.nameservers is None:
            stub = make_resolver(
                options.resolver, timeout=options.query_timeout, retries=options.retries
            )
        by_name: dict[str, ZoneServers] = {}
        if options.nameservers is not None:
            servers = await fixed_nameservers(options.nameservers, stub, options.dns_port)
            zone_stub = stub
            if zone_stub is None:
                first = servers[0]
                zone_stub = make_resolver(
                    first.endpoint, timeout=options.query_timeout, retries=options.retries
                )
            for record in self.records:
                try:
                    zone: str | None = await find_zone(record.fqdn, zone_stub)
                except DiscoveryError:
                    zone = None
                by_name[record.fqdn] = ZoneServers(zone, servers)
        else:
            assert stub is not None
            cache: dict[str, ZoneServers] = {}
            for record in self.records:
                zone_name = await find_zone(record.fqdn, stub)
                if zone_name not in cache:
                    cache[zone_name] = await zone_nameservers(zone_name, stub, options.dns_port)
                by_name[record.fqdn] = cache[zone_name]
        self._zones = by_name
        return by_name

    async def check(self) -> ReadinessReport:
        """One poll: every record on every server, then the diagnosis."""
        started = time.perf_counter()
        checked_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        stats = QueryStats()
        try:
            zones = await self.discover()
        except (DiscoveryError, ValueError) as exc:
            report = ReadinessReport(
                records=[RecordReport(record, None) for record in self.records],
                causes=[discovery_failed(str(exc))],
                checked_at=checked_at,
            )
            report.elapsed_ms = (time.perf_counter() - started) * 1000.0
            return report

        distinct: dict[tuple[str | None, tuple[NameServer, ...]], ZoneServers] = {}
        for zone_servers in zones.values():
            distinct[(zone_servers.zone, zone_servers.nameservers)] = zone_servers
        zone_reports = await asyncio.gather(
            *(self._zone_report(zs, stats) for zs in distinct.values())
        )
        serial_by_zone = {
            (zr.zone, zs.nameservers): zr
            for zr, zs in zip(zone_reports, distinct.values(), strict=True)
        }

        async def one_record(record: ExpectedRecord) -> RecordReport:
            zs = zones[record.fqdn]
            zone_report = serial_by_zone[(zs.zone, zs.nameservers)]
            results = await asyncio.gather(
                *(self._ask(record.fqdn, record.rtype, server, stats) for server in zs.nameservers)
            )
            answers = [
                server_answer(record, server, result, zone_report.serials.get(server.label()))
                for server, result in zip(zs.nameservers, results, strict=True)
            ]
            report = RecordReport(record, zs.zone, answers)
            if not report.ready:
                report.probes.update(await self._probe_missing(report, zs, stats))
            return report

        record_reports = list(await asyncio.gather(*(one_record(r) for r in self.records)))
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
        report.elapsed_ms = (time.perf_counter() - started) * 1000.0
        return report

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
        """Follow-up looks on one server that answered without the record."""
        probes: dict[str, Any] = {}
        silent = [
            (server, answer)
            for server, answer in zip(zs.nameservers, report.servers, strict=True)
            if answer.authoritative
            and not answer.answer
            and answer.rcode in ("NOERROR", "NXDOMAIN")
        ]
        if not silent:
            return probes
        server, _ = silent[0]
        record = report.record
        lookups: list[Coroutine[Any, Any, QueryResult]] = []
        doubled = f"{record.fqdn}.{zs.zone}" if zs.zone else None
        if doubled:
            lookups.append(self._ask(doubled, record.rtype, server, stats))
        if record.rtype == "CNAME":
            lookups.append(self._ask(record.fqdn, "A", server, stats))
            lookups.append(self._ask(record.fqdn, "AAAA", server, stats))
        results = list(await asyncio.gather(*lookups))
        if doubled:
            found = results.pop(0)
            values = _cname_values(found) if record.rtype == "CNAME" else _txt_values(found)
            probes["doubled_name"] = {
                "name": doubled,
                "server": server.label(),
                "found": values,
            }
        if record.rtype == "CNAME":
            addresses = [text for result in results for text in result.answer_texts("A")]
            addresses += [text for result in results for text in result.answer_texts("AAAA")]
            probes["address_records"] = {"server": server.label(), "found": addresses}
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
        if zs.zone is None:
            return None
        answering = [
            server
            for server, answer in zip(zs.nameservers, report.servers, strict=True)
            if answer.authoritative
        ]
        if not answering:
            return None
        server = answering[0]
        name = dns.name.from_text(domain)
        apex = dns.name.from_text(zs.zone)
        while name.is_subdomain(apex):
            text = name.to_text(omit_final_dot=True)
            result = await self._ask(text, "CAA", server, stats)
            found = result.answer_texts("CAA")
            if found:
                return {"name": text, "server": server.label(), "records": found}
            if name == apex:
                break
            name = name.parent()
        return None

    async def _probe_validating(self, reports: list[RecordReport], stats: QueryStats) -> None:
        assert self.options.validating_resolver is not None
        host, port = parse_host_port(self.options.validating_resolver, 53, field="validating")
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


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_a_loop = False  # run below, outside the except: its errors are not "during" this one
    else:
        in_a_loop = True
    if not in_a_loop:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def blocking_form(
    async_form: Callable[P, Coroutine[Any, Any, T]], name: str, doc: str
) -> Callable[P, T]:
    """The blocking twin of ``async_form``, run through :func:`run_sync`.

    It takes exactly the parameters of ``async_form`` (one signature for both entry points, so
    the two cannot drift apart); ``name`` and ``doc`` are what ``help()`` shows for it.
    """

    @functools.wraps(async_form)
    def blocking(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(async_form(*args, **kwargs))

    blocking.__name__ = blocking.__qualname__ = name
    blocking.__doc__ = doc
    return blocking


async def check_records_async(
    records: Iterable[Mapping[str, Any] | ExpectedRecord],
    *,
    resolver: str | None = None,
    dns_port: int = DEFAULT_DNS_PORT,
    nameservers: Iterable[str] | None = None,
    validating_resolver: str | None = None,
    query_timeout: float = DEFAULT_QUERY_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
) -> ReadinessReport:
    """Async form of :func:`check_records`."""
    parsed = as_records(records)
    options = make_options(
        resolver=resolver,
        dns_port=dns_port,
        nameservers=nameservers,
        validating_resolver=validating_resolver,
        query_timeout=query_timeout,
        retries=retries,
    )
    return await ReadinessChecker(parsed, options).check()


check_records = blocking_form(
    check_records_async,
    "check_records",
    """Check once whether every authoritative server serves ``records``; never waits.

    Raises ``RecordError``/``ValueError`` for bad input; DNS trouble is in the report.
    """,
)


__all__ = [
    "CheckOptions",
    "ReadinessChecker",
    "RecordError",
    "blocking_form",
    "check_records",
    "check_records_async",
    "make_options",
    "run_sync",
]
