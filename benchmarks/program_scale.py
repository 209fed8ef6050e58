"""Building the multi-tenant program under Pulumi mocks, against the SDK's own floor.

For 1, 100 and 1000 tenants (each its own org with one Cloudflare-hosted domain), two programs
run under the same mocks (``testing.pulumi_mocks``), in the same process, alternately:

- **ours**: the config parsed and validated (``parse_tenants``), then ``build_program``;
- **floor**: the same resource classes registered in the same shape (per tenant an
  ``okta.Provider``, the component, the zone look-up, ``okta.Domain``, two
  ``cloudflare.DnsRecord``, the two dynamic resources with our providers, the same exports),
  with none of our logic: no parsing, no validation, constant inputs except the values only
  Okta knows (one ``apply`` per record value, as any program needs).

Each size is measured ``REPEATS`` times, floor and ours alternately; the fastest run of each
is kept (the machine is shared, so the minimum is the least disturbed). Times are the
process's CPU time. Printed: CPU ms per tenant of each and the ratio ours / floor. Nothing is
asserted.

    .venv/bin/python benchmarks/program_scale.py [TENANTS ...]     (default: 1 100 1000)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_okta as okta
from okta_custom_domain.component import TYPE_TOKEN
from okta_custom_domain.okta.verification_provider import OktaDomainVerificationProvider
from okta_custom_domain.program import build_program
from okta_custom_domain.pulumi_internals import unwrap_pickler
from okta_custom_domain.readiness.provider import DnsReadinessProvider
from okta_custom_domain.tenants import parse_tenants
from okta_custom_domain.testing.pulumi_mocks import run_program

SIZES = (1, 100, 1000)
REPEATS = 3


def tenants_config(count: int) -> list[dict[str, Any]]:
    """``count`` tenants, each its own org with one Cloudflare-hosted domain."""
    return [
        {
            "name": f"t{i}",
            "okta": {"orgName": f"org{i}", "apiToken": "benchmark-token"},
            "domains": [
                {
                    "domain": f"login.t{i}.example",
                    "dns": {"type": "cloudflare", "zoneName": f"t{i}.example"},
                }
            ],
        }
        for i in range(count)
    ]


class FloorReadiness(pulumi.dynamic.Resource, module="okta-custom-domain", name="DnsReadiness"):
    """``DnsReadiness``'s type and provider, none of its code."""

    records: pulumi.Output[list[dict[str, str]]]


class FloorVerification(
    pulumi.dynamic.Resource, module="okta-custom-domain", name="OktaDomainVerification"
):
    """``OktaDomainVerification``'s type and provider, none of its code."""

    validation_status: pulumi.Output[str]


def _record(records: list[Any], record_type: str) -> str:
    return str(next(r for r in records if r.record_type == record_type).values[0])


def floor_tenant(i: int) -> dict[str, Any]:
    """One tenant's resources, registered as the program registers them, with no logic."""
    domain_name = f"login.t{i}.example"
    provider = okta.Provider(
        f"okta-t{i}", org_name=f"org{i}", base_url="okta.com",
        api_token=pulumi.Output.secret("benchmark-token"),
    )  # fmt: skip
    name = f"t{i}-{domain_name}"
    component = pulumi.ComponentResource(
        TYPE_TOKEN, name, None, pulumi.ResourceOptions(providers=[provider])
    )
    child = pulumi.ResourceOptions(parent=component)
    unwrap_pickler()  # the SDK's own bug: without it pickling fails past ~500 dynamic resources
    zone = cloudflare.get_zone_output(
        filter=cloudflare.GetZoneFilterArgs(name=f"t{i}.example", match="all"),
        opts=pulumi.InvokeOutputOptions(parent=component),
    )
    domain = okta.Domain(
        f"{name}-domain", name=domain_name, certificate_source_type="OKTA_MANAGED", opts=child
    )
    values = {kind: domain.dns_records.apply(partial(_record, record_type=kind))
              for kind in ("CNAME", "TXT")}  # fmt: skip
    fqdns = {"CNAME": domain_name, "TXT": f"_acme-challenge.{domain_name}"}
    written = [
        cloudflare.DnsRecord(f"{name}-{kind.lower()}", zone_id=zone.zone_id, name=fqdns[kind],
                             type=kind, content=values[kind], ttl=300, proxied=False,
                             comment="benchmark", opts=child)
        for kind in ("CNAME", "TXT")
    ]  # fmt: skip
    records = [{"type": kind, "fqdn": fqdns[kind], "value": values[kind]} for kind in fqdns]
    readiness = FloorReadiness(
        DnsReadinessProvider(), f"{name}-dns-ready",
        {"records": records, "timeout": 1800, "interval": 5, "resolver": None, "dns_port": 53,
         "nameservers": None, "validating_resolver": None, "ready_at": None,
         "servers_checked": None, "elapsed_seconds": None},
        pulumi.ResourceOptions(parent=component, depends_on=[domain, *written]),
    )  # fmt: skip
    verification = FloorVerification(
        OktaDomainVerificationProvider(), f"{name}-verification",
        {"domain_id": domain.id, "domain": domain_name, "org_url": f"https://org{i}.okta.com",
         "records": readiness.records, "credentials_tenant": None, "wait_for": "COMPLETED",
         "timeout": 1800, "poll_interval": 10, "validation_status": None, "verified_at": None,
         "certificate_expiration": None, "elapsed_seconds": None},
        pulumi.ResourceOptions(parent=component, depends_on=[readiness]),
    )  # fmt: skip
    exported = {
        "domain_id": domain.id, "validation_status": verification.validation_status,
        "cname_target": values["CNAME"], "dns_records": records, "registrar_rows": [],
    }  # fmt: skip
    component.register_outputs(exported)
    return {domain_name: exported}


def floor_program(count: int) -> dict[str, Any]:
    return {f"t{i}": floor_tenant(i) for i in range(count)}


def ours(count: int) -> Callable[[], int]:
    config = tenants_config(count)

    def run() -> int:
        return len(run_program(lambda: build_program(parse_tenants(config))).registrations)

    return run


def floor(count: int) -> Callable[[], int]:
    def run() -> int:
        return len(run_program(lambda: floor_program(count)).registrations)

    return run


def timed(run: Callable[[], int]) -> tuple[float, int]:
    """CPU seconds of this process (the build is single-threaded Python; the machine's other
    work shows in wall time, much less in CPU time) and the resources registered."""
    start = time.process_time()
    resources = run()
    return time.process_time() - start, resources


def measure(count: int, repeats: int = REPEATS) -> tuple[float, float, int, int]:
    """Fastest seconds of ours and of the floor (alternating), and resources each registered."""
    best = {"ours": float("inf"), "floor": float("inf")}
    resources = {"ours": 0, "floor": 0}
    for _ in range(repeats):
        for label, make in (("floor", floor), ("ours", ours)):
            seconds, resources[label] = timed(make(count))
            best[label] = min(best[label], seconds)
    return best["ours"], best["floor"], resources["ours"], resources["floor"]


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'tenants':>8} {'resources':>10} {'floor ms/t':>11} {'ours ms/t':>10} {'ratio':>6}")
    for count in sizes:
        ours_s, floor_s, ours_n, floor_n = measure(count)
        print(f"{count:>8} {f'{ours_n}/{floor_n}':>10} {floor_s / count * 1000:>11.2f} "
              f"{ours_s / count * 1000:>10.2f} {ours_s / floor_s:>6.2f}")  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
