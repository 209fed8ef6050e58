"""``okta-custom-domain health``: is every configured domain still renewing? (day two)

A command of its own rather than more ``doctor``: the doctor takes one org's domains (one
credential) and explains why ONE domain is stuck, with a single verdict and next step; health
walks the configured domains of every tenant (each with its own org and credential), runs
every check on each, and grades them for a scheduled job: exit 0 healthy, 1 warning (e.g. the
certificate has fewer than ``--warn-days`` left), 2 failing (the CNAME moved, a CAA record
blocks Let's Encrypt, the domain is gone) or the input is unusable. It reuses the doctor's
credential resolution and the readiness checker; where health finds a problem, the doctor
tells how to fix it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from okta_custom_domain import defaults
from okta_custom_domain.cli.dns_options import add_dns_options, check_options_from
from okta_custom_domain.health.checks import DEFAULT_WARN_DAYS, Level
from okta_custom_domain.health.watch import RETRY_BUDGET

EXIT_USAGE = 2


def _days(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: give 1 or more days")
    return value


def _seconds(text: str) -> float:
    from okta_custom_domain.parsers import InputError, duration

    try:
        return duration(text, "--retry-budget")
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def register(subparsers: Any) -> None:
    """Add the ``health`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "health",
        help="check every configured domain: status, certificate expiry, CAA, CNAME, brand",
        description=(
            "For every domain of the tenants list (a fleet's tenants file or a stack's config): "
            "its status at Okta, the days its certificate has left, the CAA records at and "
            "above it (they must allow letsencrypt.org for Okta to renew), its CNAME on every "
            "authoritative server, its brand. Exit 0 healthy, 1 warning, 2 failing (or "
            "unusable input)."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--tenants", type=Path, metavar="FILE",
                        help="the tenants list (YAML or JSON), as for fleet")  # fmt: skip
    source.add_argument("--from-stack", metavar="STACK",
                        help="read okta-custom-domain:tenants from a stack's config")  # fmt: skip
    parser.add_argument("--from-stack-dir", type=Path, default=Path("."), metavar="DIR",
                        help="the project directory of --from-stack (default: here)")  # fmt: skip
    parser.add_argument(
        "--warn-days", type=_days, default=DEFAULT_WARN_DAYS, metavar="N",
        help=f"warn when a certificate has fewer than N days left (default {DEFAULT_WARN_DAYS})",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print a JSON report (schema_version)")
    parser.add_argument(
        "--retry-budget", type=_seconds, default=RETRY_BUDGET, metavar="S",
        help=f"seconds to retry an org that answers 429/5xx or not at all (default "
        f"{RETRY_BUDGET:g})",
    )  # fmt: skip
    add_dns_options(parser)
    parser.set_defaults(handler=run, dns_port=None)  # None: each domain's own dnsPort


def run(args: argparse.Namespace) -> int:
    """Handler: the real environment and standard streams."""
    return run_health(args, env=os.environ, out=sys.stdout, err=sys.stderr)


def _tenants(args: argparse.Namespace, env: Mapping[str, str]) -> list[dict[str, Any]]:
    from okta_custom_domain.fleet import source
    from okta_custom_domain.fleet.project import pulumi_path

    if args.tenants is not None:
        return source.from_file(args.tenants)
    return source.from_stack(args.from_stack, pulumi_path(env), args.from_stack_dir, env)


def _override(args: argparse.Namespace) -> dict[str, Any]:
    """The DNS flags the user gave, which take the place of each domain's own settings."""
    given_port = args.dns_port is not None
    flags = argparse.Namespace(**{**vars(args), "dns_port": args.dns_port or defaults.DNS_PORT})
    options = check_options_from(flags)  # validates every flag, naming it
    return {
        "resolver": options.resolver,
        "nameservers": options.nameservers,
        "validating_resolver": options.validating_resolver,
        "query_timeout": options.query_timeout,
        "dns_port": options.dns_port if given_port else None,
    }


def run_health(
    args: argparse.Namespace, *, env: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    """Read and validate the list (exit 2), check every domain, print; exit 0/1/2."""
    from okta_custom_domain.fleet.cli_errors import INPUT_ERRORS
    from okta_custom_domain.health.render import overall, render_text, report_dict
    from okta_custom_domain.health.watch import check_tenant
    from okta_custom_domain.tenants import parse_tenants

    try:
        raw = _tenants(args, env)
        override = _override(args)
    except (*INPUT_ERRORS, ValueError) as exc:
        print(f"okta-custom-domain health: error: {exc}", file=err)
        return EXIT_USAGE
    now = datetime.now(UTC)
    results = []
    for tenant in parse_tenants(raw):
        print(f"checking {tenant.name} ({len(tenant.domains)} domains)", file=err, flush=True)
        results += check_tenant(
            tenant, raw, env, now=now, warn_days=args.warn_days, dns_override=override,
            retry_budget=args.retry_budget,
        )  # fmt: skip
    if args.json:
        report = report_dict(results, checked_at=now, warn_days=args.warn_days)
        print(json.dumps(report, indent=2), file=out)
    else:
        width = shutil.get_terminal_size((140, 24)).columns
        print(render_text(results, width=width), file=out)
    return int(overall(results)) if results else int(Level.OK)
