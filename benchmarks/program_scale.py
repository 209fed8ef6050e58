"""How long building the multi-tenant program takes under Pulumi mocks, for 1, 100, 1000 tenants.

Prints a table with the per-tenant cost, so growth can be read off (it should be linear).
Run: .venv/bin/python benchmarks/program_scale.py
"""

from __future__ import annotations

import sys
import time
from typing import Any

from okta_custom_domain.program import build_program
from okta_custom_domain.tenants import parse_tenants
from okta_custom_domain.testing.pulumi_mocks import run_program

SIZES = (1, 100, 1000)


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


def measure(count: int) -> tuple[float, float, int]:
    """Seconds to parse, seconds to build and resolve the whole program, resources registered."""
    config = tenants_config(count)
    start = time.perf_counter()
    tenants = parse_tenants(config)
    parsed = time.perf_counter()
    run = run_program(lambda: build_program(tenants))
    built = time.perf_counter()
    return parsed - start, built - parsed, len(run.registrations)


def main() -> int:
    print(f"{'tenants':>8} {'resources':>10} {'parse s':>9} {'build s':>9} {'ms/tenant':>10}")
    for count in SIZES:
        parse_s, build_s, resources = measure(count)
        per_tenant_ms = (parse_s + build_s) / count * 1000
        print(f"{count:>8} {resources:>10} {parse_s:>9.3f} {build_s:>9.3f} {per_tenant_ms:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
