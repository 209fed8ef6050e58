"""Where the Pulumi CLI version is pinned: the top of the shipped ``pulumi-toolchain`` script.

The engine tests build exactly that CLI, and the CI workflows ``fleet matrix`` prints install
exactly that version, so both read it from the script instead of writing it a second time.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TOOLCHAIN_SCRIPT = Path(__file__).resolve().parent / "scripts" / "pulumi-toolchain"
"""Shipped in the package (``scripts/pulumi-toolchain`` in the repository links to it)."""

_PIN = re.compile(r'^PINNED_([A-Z_]+)="([^"]*)"$', re.MULTILINE)


def pinned_versions(script: Path = TOOLCHAIN_SCRIPT) -> dict[str, str]:
    """The versions pinned at the top of ``pulumi-toolchain``, the one place they are written:
    ``{"PULUMI": "3.277.0", "PULUMI_YAML": "1.25.0"}`` (the CLI, the YAML language host)."""
    return dict(_PIN.findall(script.read_text()))


def pinned_cli_version(script: Path = TOOLCHAIN_SCRIPT) -> str:
    """What ``pulumi-toolchain --version`` prints: the CLI version the toolchain builds (the
    pin, or a ``PULUMI_TOOLCHAIN_VERSION`` override, which the script says on stderr)."""
    done = subprocess.run(
        ["bash", str(script), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()
