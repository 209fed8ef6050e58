"""``okta-custom-domain demo``: the whole flow, offline, against a fake Okta and a local knotd."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console

from okta_custom_domain.demo import DEMO_ZONE


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="run a real `pulumi up` offline (fake Okta + local knotd) and watch it work",
        description=(
            "Start a fake Okta org and a local Knot DNS server that accepts RFC 2136 updates, "
            "then run `pulumi up` of the component (a temporary project, a local file "
            "backend): the domains created, the records written, the DNS wait, verification, "
            "the certificates; with one deliberate registrar mistake that the readiness "
            "diagnosis names and a person then corrects. A second `up` changes nothing; "
            "`destroy` removes everything. Needs knotd (`apt-get install knot`) and a Pulumi "
            "CLI (or --build-pulumi)."
        ),
    )
    parser.add_argument(
        "--build-pulumi",
        action="store_true",
        help="without a pulumi on PATH, build one from Go modules (Go 1.26+; ~5 min, cached)",
    )
    parser.add_argument(
        "--no-mistake",
        action="store_true",
        help="skip the deliberate registrar-form mistake",
    )
    parser.add_argument(
        "--zone",
        default=DEMO_ZONE,
        help=f"the zone the local DNS server serves (default {DEMO_ZONE})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when the demo reached COMPLETED, 1 when it failed or a server could not start."""
    console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())  # logs: one line each
    say = console.print
    try:
        from okta_custom_domain.demo.runner import run_demo  # Pulumi's Automation API: late

        return run_demo(
            say, mistake=not args.no_mistake, zone=args.zone, build_pulumi=args.build_pulumi
        )
    except KeyboardInterrupt:
        console.print("[red]Interrupted; the local servers were stopped.[/]")
        return 130
    except Exception as exc:  # the demo's last word: say what failed, never a traceback
        console.print(f"[red]The demo failed: {type(exc).__name__}: {exc}[/]")
        return 1
