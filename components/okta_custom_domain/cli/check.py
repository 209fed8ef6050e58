"""``okta-custom-domain check``: are the records on every authoritative server, and if not, why.

Exit 0 ready, 1 not ready (diagnosis printed), 2 bad usage. Progress lines go to stderr so
``--json`` output on stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from okta_custom_domain import defaults
from okta_custom_domain.cli.dns_options import add_dns_options, check_options_from
from okta_custom_domain.readiness.blocking import run_sync
from okta_custom_domain.readiness.checker import ReadinessChecker
from okta_custom_domain.readiness.records import ExpectedRecord, check_consistency, parse_assignment
from okta_custom_domain.readiness.report import ReadinessReport, RecordReport
from okta_custom_domain.readiness.wait import (
    ReadinessTimeout,
    poll_until_ready,
    validate_timing,
)

EXIT_READY, EXIT_NOT_READY, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    """Add the ``check`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="check that every authoritative DNS server serves the records Okta asks for",
        description=(
            "Ask every authoritative server of the zone (RD cleared) for the CNAME and TXT "
            "records Okta shows for a custom domain, and name what is wrong when they are "
            "not served everywhere. Exit 0 ready, 1 not ready, 2 bad usage."
        ),
    )
    parser.add_argument(
        "--cname",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="expected CNAME, e.g. login.example.com=acme.customdomains.okta.com (repeatable)",
    )
    parser.add_argument(
        "--txt",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="expected TXT, e.g. _acme-challenge.login.example.com=VALUE (repeatable)",
    )
    add_dns_options(parser)
    parser.add_argument("--wait", action="store_true", help="poll until ready or --timeout")
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.READINESS_TIMEOUT,
        metavar="S",
        help=f"with --wait: give up after S seconds (default {defaults.READINESS_TIMEOUT:g})",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=defaults.READINESS_INTERVAL,
        metavar="S",
        help=f"with --wait: first poll interval, backing off to "
        f"{defaults.READINESS_MAX_INTERVAL:g} s (default {defaults.READINESS_INTERVAL:g})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def _records(args: argparse.Namespace) -> list[ExpectedRecord]:
    records = [parse_assignment("CNAME", text, field=f"--cname {text}") for text in args.cname] + [
        parse_assignment("TXT", text, field=f"--txt {text}") for text in args.txt
    ]
    if not records:
        raise ValueError("give at least one --cname NAME=VALUE or --txt NAME=VALUE")
    check_consistency(records)
    return records


def _print_record(record: RecordReport, depth: int) -> None:
    """One record and each server's answer; a CNAME target indented under its TXT name."""
    state = "ok " if record.ready else "-- "
    lead = "   " * depth + ("-> CNAME target " if depth else "")
    print(f"{state} {lead}{record.record.label()} = {record.record.value!r}")
    for server in record.servers:
        mark = "ok " if server.matches else "-- "
        via = f"CNAME {' -> '.join(server.cname_chain)}; " if server.cname_chain else ""
        found = server.error or (
            f"{server.rcode}{'' if server.authoritative else ' (no AA)'} "
            f"{via}{', '.join(server.answer) or '-'}"
        )
        print(f"      {'   ' * depth}{mark}{server.label_with_serial()}: {found}")


def _print_report(report: ReadinessReport, as_json: bool) -> None:
    if as_json:
        print(report.to_json())
        return
    print("READY" if report.ready else "NOT READY")
    for top in report.records:
        for depth, record in enumerate(top.with_delegated()):
            _print_record(record, depth)
    for note in report.notes:
        print(f"Note: {note}")
    if report.diagnosis:
        print("Diagnosis:")
        for line in report.diagnosis:
            print(f"  - {line}")


def run(args: argparse.Namespace) -> int:
    """Handler: validate (exit 2), check or wait, print, exit 0/1.

    --timeout and --interval are validated without --wait too: a bad value is a mistake
    even where it is not used.
    """
    max_interval = max(args.interval, defaults.READINESS_MAX_INTERVAL)
    try:
        records = _records(args)
        options = check_options_from(args)
        validate_timing(args.timeout, args.interval, max_interval)
    except ValueError as exc:
        print(f"okta-custom-domain check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    checker = ReadinessChecker(records, options)
    if not args.wait:
        report = run_sync(checker.check())
    else:
        try:
            report = run_sync(
                poll_until_ready(
                    checker,
                    timeout=args.timeout,
                    interval=args.interval,
                    max_interval=max_interval,
                    progress=lambda line: print(line, file=sys.stderr, flush=True),
                )
            )
        except ReadinessTimeout as exc:
            print(f"timed out after {args.timeout:g} s", file=sys.stderr)
            report = exc.report
    _print_report(report, args.json)
    return EXIT_READY if report.ready else EXIT_NOT_READY
