"""``okta-custom-domain fleet``: the tenants list as many stacks, run here or as a CI matrix."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

OPERATIONS = ("preview", "up", "refresh", "destroy", "matrix")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: give 1 or more")
    return value


def _duration(text: str) -> float:
    from okta_custom_domain.parsers import InputError, duration

    try:
        return duration(text, "--stale-lock-after")
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tenants",
        type=Path,
        metavar="FILE",
        help="the tenants list (YAML or JSON), as in okta-custom-domain:tenants",
    )
    parser.add_argument(
        "--from-stack",
        metavar="STACK",
        help="read okta-custom-domain:tenants from this stack's config instead",
    )
    parser.add_argument(
        "--from-stack-dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the project directory of --from-stack (default: here)",
    )
    parser.add_argument(
        "--shards",
        type=_positive,
        metavar="N",
        help="N stacks, tenants placed by a stable hash of their name "
        "(default: one stack per tenant)",
    )
    parser.add_argument("--shard", type=int, metavar="K",
                        help="run only shard K (0-based; one CI matrix job)")  # fmt: skip


def _add_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--parallel",
        type=_positive,
        default=4,
        metavar="N",
        help="stacks at a time, each lane one worker process (default 4)",
    )
    parser.add_argument(
        "--only-failed",
        action="store_true",
        help="re-run only the stacks whose last run failed (WORK/results.json)",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="destroy and remove stacks whose tenants left the list "
        "(with up or destroy); without it they are only reported",
    )
    parser.add_argument(
        "--stale-lock-after",
        type=_duration,
        metavar="DURATION",
        help="clear a stack lock older than this (2h, 90m...) as left by a killed run; "
        "without it only locks of this host whose pulumi process is gone are cleared",
    )
    parser.add_argument(
        "--remove",
        action="store_true",
        help="with destroy: remove each stack and its config afterwards",
    )


def _add_where(parser: argparse.ArgumentParser) -> None:
    """Where the stacks' files, their state and their secrets live."""
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="stack project dirs, logs and results.json (default ./.okta-custom-domain-fleet)",
    )
    parser.add_argument(
        "--backend-url",
        metavar="URL",
        help="state backend (s3://, azblob://, gs://, file://, "
        "https://api.pulumi.com); default PULUMI_BACKEND_URL or your login",
    )
    parser.add_argument(
        "--secrets-provider",
        metavar="PROVIDER",
        help="for new stacks: passphrase, awskms://..., azurekeyvault://..., "
        "gcpkms://..., hashivault://... (default: the backend's)",
    )


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document (progress goes to stderr)"
    )
    parser.add_argument("--format", choices=("github", "gitlab"),
                        help="with matrix: the CI workflow to print")  # fmt: skip
    parser.add_argument("--health", action="store_true",
                        help="with matrix: print a scheduled `health` job instead")  # fmt: skip
    parser.add_argument("--schedule", metavar="CRON", default=None,
                        help="with matrix --health: cron, UTC (default daily 06:17)")  # fmt: skip
    parser.add_argument("--warn-days", type=_positive, default=None, metavar="N",
                        help="with matrix --health: passed on to health (default 21)")  # fmt: skip
    parser.add_argument(
        "--install",
        metavar="REQ",
        help="with matrix: what the jobs pip-install, e.g. 'okta-custom-domain @ "
        "git+https://github.com/ORG/okta-custom-domain@v0.1.0' or a wheel URL "
        "(default inside this project's checkout: the checkout itself)",
    )


def register(subparsers: Any) -> None:
    """Add the ``fleet`` sub-command."""
    parser = subparsers.add_parser(
        "fleet",
        help="run the tenants list as many stacks, in parallel here or as a CI matrix",
        description=(
            "Place the tenants of the list into stacks (one per tenant, or --shards N), write "
            "each stack's config (secrets as secrets) and run preview, up, refresh or destroy "
            "over them, --parallel at a time; or print the same shards as a CI matrix. "
            "Exit 0 when every stack succeeded, 1 when any failed, 2 on bad input."
        ),
    )
    parser.add_argument("operation", choices=OPERATIONS)
    _add_source(parser)
    _add_run(parser)
    _add_where(parser)
    _add_output(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 all stacks succeeded, 1 some failed, 2 bad input (nothing was changed)."""
    from okta_custom_domain.fleet import cli_errors  # Pulumi's Automation API: loaded late

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        if args.operation == "matrix":
            return _matrix(args)
        return _fleet(args, err)
    except cli_errors.INPUT_ERRORS as exc:
        err.print(f"okta-custom-domain fleet: error: {exc}", markup=False)
        return 2
    except KeyboardInterrupt:
        err.print("Interrupted: each stack's pulumi was asked to stop; see the logs.")
        return 130


def _fleet(args: argparse.Namespace, err: Console) -> int:
    from okta_custom_domain.fleet.command import FleetOptions, run_fleet
    from okta_custom_domain.fleet.project import DEFAULT_WORK_DIR, FleetProject

    project = FleetProject(
        work_dir=(args.work_dir or DEFAULT_WORK_DIR).resolve(),
        backend_url=args.backend_url,
        secrets_provider=args.secrets_provider,
    )
    options = FleetOptions(
        operation=args.operation, project=project, tenants_file=args.tenants,
        from_stack=args.from_stack, from_stack_dir=args.from_stack_dir, shards=args.shards,
        shard=args.shard, parallel=args.parallel, only_failed=args.only_failed,
        prune=args.prune, remove=args.remove, json=args.json,
        stale_lock_after=args.stale_lock_after,
    )  # fmt: skip
    out = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    return run_fleet(options, out, err)


def _health_workflow(args: argparse.Namespace) -> int:
    from okta_custom_domain.fleet import health_workflow, install_source, source
    from okta_custom_domain.health.checks import DEFAULT_WARN_DAYS

    source.from_file(args.tenants)  # the list is valid before a job is written for it
    schedule = args.schedule or health_workflow.DEFAULT_SCHEDULE
    warn_days = args.warn_days or DEFAULT_WARN_DAYS
    install = install_source.resolve(args.install, Path.cwd())
    sys.stdout.write(
        health_workflow.render_health(
            args.format, str(args.tenants), schedule, warn_days, install=install
        )
    )
    return 0


def _matrix(args: argparse.Namespace) -> int:
    from okta_custom_domain.fleet import install_source, matrix, placement, source

    if args.format is None:
        raise matrix.MatrixError("matrix: give --format github or --format gitlab")
    if args.tenants is None:
        raise matrix.MatrixError("matrix: give --tenants FILE (the path the CI jobs use too)")
    if args.health:
        return _health_workflow(args)
    shards = placement.place(source.from_file(args.tenants), args.shards)
    install = install_source.resolve(args.install, Path.cwd())
    text = matrix.render(
        args.format, shards, str(args.tenants), args.shards, args.parallel, install=install
    )
    sys.stdout.write(text)
    return 0
