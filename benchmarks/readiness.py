"""Benchmark (issue 4 item 7): how soon after the records are on every authoritative server does
each approach say "go", what one poll costs, and how 100 domains fare when checked at once.

Runs real knotd servers (127.0.0.2/.3) and unbound on loopback; about 70 s, most of it waiting
for the recursive resolver's negative cache to expire. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/readiness.py
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from dataclasses import dataclass

import dns.message
import dns.query
import dns.rcode
from okta_custom_domain import defaults
from okta_custom_domain.readiness import ReadinessChecker, wait_until_ready
from okta_custom_domain.readiness.options import make_options
from okta_custom_domain.readiness.records import make_record
from okta_custom_domain.readiness.wait import BACKOFF, next_interval
from okta_custom_domain.testing.dns_server import RecursiveResolver, TwoServerZone, ZoneRecord

ZONE = "example.test"
DOMAIN = f"login.{ZONE}"
TARGET = "acme.customdomains.okta.test"
TOKEN = "benchmark-token-value"
SOA_MINIMUM = 60
PUBLISH_AFTER = 3.0  # seconds after the pollers start, as if the DNS API call returned then
CERTBOT_SLEEP = 10.0  # certbot DNS plugins' default propagation_seconds
POLL_INTERVAL = 2.0
DOMAINS = 100


@dataclass
class Row:
    approach: str
    latency: str
    note: str


def expected() -> list[dict[str, str]]:
    return [
        {"type": "CNAME", "fqdn": DOMAIN, "value": TARGET},
        {"type": "TXT", "fqdn": f"_acme-challenge.{DOMAIN}", "value": TOKEN},
    ]


def zone_records() -> list[ZoneRecord]:
    return [
        ZoneRecord("login", "CNAME", f"{TARGET}."),
        ZoneRecord("_acme-challenge.login", "TXT", f'"{TOKEN}"'),
    ]


def poll_through_resolver(resolver: RecursiveResolver, stop: threading.Event) -> float | None:
    """A naive check: ask the recursive resolver every 2 s until the TXT record is there."""
    query = dns.message.make_query(f"_acme-challenge.{DOMAIN}", "TXT")
    while not stop.is_set():
        reply = dns.query.udp(query, resolver.address, port=resolver.port, timeout=3)
        if reply.rcode() == dns.rcode.NOERROR and reply.answer:
            return time.monotonic()
        stop.wait(POLL_INTERVAL)
    return None


def propagation_race(zone: TwoServerZone, resolver: RecursiveResolver) -> list[Row]:
    """Start every approach, publish the records after a few seconds, time each "go"."""
    results: dict[str, float | None] = {}
    stop = threading.Event()
    polls: list[str] = []

    def ours() -> None:
        wait_until_ready(
            expected(),
            timeout=300,
            interval=POLL_INTERVAL,
            progress=polls.append,
            resolver=f"127.0.0.2:{zone.port}",
            dns_port=zone.port,
        )
        results["ours"] = time.monotonic()

    def recursive() -> None:
        results["recursive"] = poll_through_resolver(resolver, stop)

    threads = [threading.Thread(target=ours), threading.Thread(target=recursive)]
    for thread in threads:
        thread.start()
    time.sleep(PUBLISH_AFTER)
    written = time.monotonic()  # the DNS API call that writes the records
    zone.set_records(zone_records())  # returns once both servers serve the new serial
    published = time.monotonic()
    certbot_go = written + CERTBOT_SLEEP
    time.sleep(max(0.0, certbot_go - time.monotonic()))  # the fixed sleep, for real
    results["certbot"] = time.monotonic()
    for thread in threads:
        thread.join(timeout=SOA_MINIMUM * 3)
    stop.set()

    def after(key: str) -> str:
        value = results.get(key)
        return "never" if value is None else f"{value - published:7.2f} s"

    return [
        Row(
            "our check (every authoritative server, RD=0)",
            after("ours"),
            f"interval {POLL_INTERVAL:g} s backing off x{BACKOFF:g}; {len(polls)} polls, the last "
            f"interval was {last_interval(len(polls)):g} s",
        ),
        Row(
            f"fixed sleep (certbot default {CERTBOT_SLEEP:g} s)",
            after("certbot"),
            "blind: too late here, too early when propagation is slow",
        ),
        Row(
            "polling a local unbound that cached the absence",
            after("recursive"),
            f"negative cache = min(SOA TTL, MINIMUM) = {SOA_MINIMUM} s",
        ),
    ]


def last_interval(polls: int) -> float:
    """The sleep before the last of ``polls`` polls."""
    interval = POLL_INTERVAL
    for _ in range(max(0, polls - 2)):
        interval = next_interval(interval, defaults.READINESS_MAX_INTERVAL)
    return interval


def queries_per_poll(zone: TwoServerZone) -> tuple[int, int, int, int]:
    options = make_options(resolver=f"127.0.0.2:{zone.port}", dns_port=zone.port)
    records = [make_record(r["type"], r["fqdn"], r["value"]) for r in expected()]
    checker = ReadinessChecker(records, options)

    async def run() -> tuple[int, int, int]:
        first = await checker.check()  # discovery, and CAA above the zone (once per wait)
        ready = await checker.check()
        zone.set_records([])
        missing = await checker.check()
        return first.queries_sent, ready.queries_sent, missing.queries_sent

    first, ready, missing = asyncio.run(run())
    zone.set_records(zone_records())
    return len(records), first, ready, missing


def dead_server_wait(zone: TwoServerZone, timeout: float = 5.0) -> float:
    """Wall time of a wait with --timeout 5 when one listed name server never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.4", 0))
        port = silent.getsockname()[1]
        started = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            wait_until_ready(
                expected(),
                nameservers=[*zone.nameserver_specs(), f"127.0.0.4:{port}"],
                timeout=timeout,
            )
        return time.perf_counter() - started


def many_domains(zone: TwoServerZone) -> tuple[float, float, int, bool]:
    """100 domains (CNAME + TXT each), each with its own checker, all at once."""
    records: list[ZoneRecord] = []
    for index in range(DOMAINS):
        records.append(ZoneRecord(f"d{index}", "CNAME", f"{TARGET}."))
        records.append(ZoneRecord(f"_acme-challenge.d{index}", "TXT", f'"{TOKEN}-{index}"'))
    zone.set_records(records)
    options = make_options(resolver=f"127.0.0.2:{zone.port}", dns_port=zone.port)
    checkers = [
        ReadinessChecker(
            [
                make_record("CNAME", f"d{index}.{ZONE}", TARGET),
                make_record("TXT", f"_acme-challenge.d{index}.{ZONE}", f"{TOKEN}-{index}"),
            ],
            options,
        )
        for index in range(DOMAINS)
    ]

    async def run() -> list[tuple[bool, int]]:
        reports = await asyncio.gather(*(checker.check() for checker in checkers))
        return [(report.ready, report.queries_sent) for report in reports]

    wall, cpu = time.perf_counter(), time.process_time()
    results = asyncio.run(run())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, sum(q for _, q in results), all(ok for ok, _ in results)


def main() -> None:
    started = time.monotonic()
    with TwoServerZone(ZONE, soa_minimum=SOA_MINIMUM, ttl=300) as zone:
        stubs = {ZONE: [f"{address}@{zone.port}" for address in zone.addresses]}
        with RecursiveResolver(stubs) as resolver:
            rows = propagation_race(zone, resolver)
        count, first_cost, ready_cost, missing_cost = queries_per_poll(zone)
        dead_wait = dead_server_wait(zone)
        wall, cpu, queries, all_ready = many_domains(zone)

    print(
        f"\nDNS readiness benchmark: 2 authoritative servers (knotd), SOA MINIMUM {SOA_MINIMUM} s"
    )
    print("Time from 'records on every authoritative server' to 'go':")
    width = max(len(row.approach) for row in rows)
    print(f"  {'approach':<{width}}  {'after':>9}  note")
    for row in rows:
        print(f"  {row.approach:<{width}}  {row.latency:>9}  {row.note}")
    print(
        f"Queries per poll ({count} records x 2 servers): {ready_cost} when ready, "
        f"{missing_cost} when missing (incl. diagnosis follow-ups); first poll {first_cost}; "
        "discovery once per wait"
    )
    print(f"Wait with timeout 5 s and one silent name server (defaults 2 s x 3): {dead_wait:.1f} s")
    print(
        f"{DOMAINS} domains (CNAME + TXT each, separate discovery) checked concurrently: "
        f"wall {wall:.2f} s, CPU {cpu:.2f} s, {queries} authoritative queries "
        f"(+ discovery), all ready: {all_ready}"
    )
    print(f"(benchmark ran {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
