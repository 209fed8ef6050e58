"""The CLI starts without Pulumi: importing it costs about half a second (issue "Fast CLI").

Each case runs in a fresh interpreter, since this test process has Pulumi loaded already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Prints the Pulumi modules loaded after the imports above it and, given argv, ``main(argv)``.
PROBE = """
import contextlib, io, json, sys
argv = json.loads(sys.argv[1])
out = io.StringIO()
code = None
if argv:
    from okta_custom_domain.cli import main
    with contextlib.redirect_stdout(out):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
loaded = sorted(
    name for name in sys.modules
    if name == "pulumi" or name.startswith(("pulumi.", "pulumi_"))
)
print(json.dumps({"pulumi": loaded, "code": code, "help": out.getvalue()}))
"""


def probe(argv: list[str], *modules: str) -> dict[str, object]:
    """Import ``modules``, then run ``PROBE`` in a fresh interpreter; its JSON answer."""
    code = "".join(f"import {module}\n" for module in modules) + PROBE
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(argv)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def test_importing_the_cli_loads_no_pulumi_module() -> None:
    assert probe([], "okta_custom_domain.cli")["pulumi"] == []


@pytest.mark.parametrize("command", ["check", "doctor", "demo", "fleet"])
def test_sub_command_help_loads_no_pulumi_module(command: str) -> None:
    answer = probe([command, "--help"])
    assert answer["code"] == 0
    assert f"usage: okta-custom-domain {command}" in str(answer["help"])
    assert answer["pulumi"] == []


@pytest.mark.parametrize(
    "module",
    [
        "okta_custom_domain.readiness",
        "okta_custom_domain.okta",
        "okta_custom_domain.doctor",
        "okta_custom_domain.rfc2136",
    ],
)
def test_libraries_shared_with_the_providers_load_no_pulumi_module(module: str) -> None:
    """The CLI uses these too; only the provider modules themselves may import Pulumi."""
    assert probe([], module)["pulumi"] == []


def test_the_full_parser_still_offers_every_command() -> None:
    """Top-level help loads every sub-command (``demo`` brings Pulumi; that is accepted)."""
    answer = probe(["--help"])
    assert answer["code"] == 0
    assert "{check,doctor,health,demo,fleet}" in str(answer["help"])
