"""``okta-custom-domain demo``: the whole flow, offline, against a fake Okta and a local knotd."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console

from okta_custom_domain.demo import DEMO_ZONE, run_demo


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="run the whole flow offline (fake Okta + local knotd) and watch it work",
        description=(
            "Start a fake Okta org and a local Knot DNS server that accepts RFC 2136 updates, "
            "then run the real flow: create the domain, write the records, wait until the DNS "
            "serves them, verify, wait for the certificate; with one deliberate mistake that "
            "the readiness diagnosis names and a person then corrects. Everything started is "
            "stopped at the end. Needs knotd (`apt-get install knot`)."
        ),
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
        return run_demo(say, mistake=not args.no_mistake, zone=args.zone)
    except KeyboardInterrupt:
        console.print("[red]Interrupted; the local servers were stopped.[/]")
        return 130
    except Exception as exc:  # the demo's last word: say what failed, never a traceback
        console.print(f"[red]The demo failed: {type(exc).__name__}: {exc}[/]")
        return 1
