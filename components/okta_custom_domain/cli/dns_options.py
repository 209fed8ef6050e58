"""The DNS options shared by ``check`` and ``doctor``: where to look the records up.

One definition, so both commands accept the same flags with the same meaning and the same
validation errors (``CheckOptions`` names the field and the fix).
"""

from __future__ import annotations

import argparse

from okta_custom_domain import defaults
from okta_custom_domain.parsers import InputError
from okta_custom_domain.readiness.options import CheckOptions, make_options

FLAG_FIELDS = ("resolver", "dns_port", "nameservers", "validating_resolver", "query_timeout")
"""The ``make_options`` keywords these flags set, each the flag's ``dest``; ``retries`` has none."""


def add_dns_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--resolver``, ``--dns-port``, ``--nameserver``, ``--validating-resolver``."""
    group = parser.add_argument_group("DNS")
    group.add_argument(
        "--resolver",
        metavar="HOST[:PORT]",
        help="recursive resolver used to find the zone and its name servers (default: system)",
    )
    group.add_argument(
        "--dns-port",
        type=int,
        default=defaults.DNS_PORT,
        metavar="N",
        help=f"port of the authoritative servers (default {defaults.DNS_PORT})",
    )
    group.add_argument(
        "--nameserver",
        action="append",
        dest="nameservers",
        metavar="HOST[:PORT]",
        help="ask these authoritative servers instead of discovering the NS set (repeatable)",
    )
    group.add_argument(
        "--validating-resolver",
        metavar="HOST[:PORT]",
        help="also ask this DNSSEC-validating resolver once the records look right",
    )
    group.add_argument(
        "--query-timeout",
        type=float,
        default=defaults.DNS_QUERY_TIMEOUT,
        metavar="S",
        help=f"seconds to wait for one DNS answer (default {defaults.DNS_QUERY_TIMEOUT:g})",
    )


FLAGS = {
    "resolver": "--resolver",
    "dns_port": "--dns-port",
    "nameservers": "--nameserver",
    "validating_resolver": "--validating-resolver",
    "query_timeout": "--query-timeout",
}
"""Each ``make_options`` keyword -> the flag a user typed, for error messages."""


def check_options_from(args: argparse.Namespace) -> CheckOptions:
    """The readiness ``CheckOptions`` of parsed arguments; ``ValueError`` names a bad flag."""
    try:
        return make_options(**{field: getattr(args, field) for field in FLAG_FIELDS})
    except InputError as exc:
        flag = FLAGS.get(exc.key, exc.key)
        raise InputError(flag, exc.reason) from None
