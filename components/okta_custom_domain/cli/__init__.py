"""The ``okta-custom-domain`` command: one sub-command per module in this package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from okta_custom_domain.cli import check, demo, doctor


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; each sub-command module adds itself with ``register``."""
    parser = argparse.ArgumentParser(
        prog="okta-custom-domain",
        description="Check, verify and troubleshoot Okta custom domains.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    check.register(subparsers)
    doctor.register(subparsers)
    demo.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: exit 0 ready/healthy, 1 action needed, 2 bad usage."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    code: int = handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
