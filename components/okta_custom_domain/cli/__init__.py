"""The ``okta-custom-domain`` command: one sub-command per module in this package.

Sub-command modules are imported only when needed: ``demo`` pulls in Pulumi (seconds) and
``doctor`` the HTTP/JWT stack, neither of which ``check`` should wait for.
``tests/test_cli_startup.py`` keeps Pulumi out of ``check`` and ``doctor``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

#: Sub-command names, each the module ``okta_custom_domain.cli.<name>`` with ``register``.
COMMANDS = ("check", "doctor", "health", "demo", "fleet")


_SECRET_WORDS = ("token", "key", "secret", "password")


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors never repeat a value the user typed.

    argparse's "unrecognized arguments: --api-token 00abc" would print a secret passed to a
    flag that does not exist; only the flag names are shown.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # `--token X` must not become --token-env X
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            message = _unrecognized(message.removeprefix(prefix).split(" "))
        super().error(message)


def _unrecognized(words: Sequence[str]) -> str:
    """The unknown flags by name only; values are dropped (they may be secrets)."""
    flags = [word.split("=", 1)[0] for word in words if word.startswith("-")]
    shown = " ".join(flags) if flags else "(a value)"
    message = f"unrecognized arguments: {shown} (values not shown)"
    if any(word in flag.lower() for flag in flags for word in _SECRET_WORDS):
        message += (
            "; credentials are never taken on the command line: export OKTA_API_TOKEN (or "
            "name another variable with --token-env VAR), or use --tenant NAME"
        )
    return message


def _register(name: str, subparsers: argparse._SubParsersAction[_Parser]) -> None:
    """Import one sub-command's module (only now, to keep startup fast) and add its parser."""
    importlib.import_module(f"okta_custom_domain.cli.{name}").register(subparsers)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser: every sub-command, or only ``command`` so the others stay unloaded."""
    parser = _Parser(
        prog="okta-custom-domain",
        description="Check, verify and troubleshoot Okta custom domains.",
    )
    # With one sub-command loaded, the usage line still names them all (as in errors).
    every = "{" + ",".join(COMMANDS) + "}"
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar=None if command is None else every
    )
    for name in COMMANDS if command is None else (command,):
        _register(name, subparsers)
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The sub-command argparse will pick (the first argument), None when not a known one."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: exit 0 ready/healthy, 1 action needed, 2 bad usage."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(chosen_command(arguments))
    args = parser.parse_args(arguments)
    handler = args.handler
    code: int = handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
