"""Where the fleet's stacks live on this machine, and how the Pulumi CLI is reached.

Each stack gets its own project directory (``WORK/stacks/STACK``: ``Pulumi.yaml`` and the
stack's ``Pulumi.STACK.yaml``). The CLI records the selected stack per project directory in
``PULUMI_HOME/workspaces``; stacks running in parallel from one directory would all rewrite
that one file. The project name stays ``okta-custom-domain``: it is the config namespace the
program and its dynamic providers read (``okta-custom-domain:tenants``).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_NAME = "okta-custom-domain"
DEFAULT_WORK_DIR = Path(".okta-custom-domain-fleet")
RESULTS_FILE = "results.json"
LOGS_DIR = "logs"


class ProjectError(RuntimeError):
    """No Pulumi CLI to run; the message says how to get one."""


@dataclass(frozen=True)
class FleetProject:
    """The work dir, the backend, the secrets provider and the CLI for every stack."""

    work_dir: Path
    backend_url: str | None = None
    secrets_provider: str | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)

    def stack_dir(self, stack: str) -> Path:
        """``WORK/stacks/STACK`` with its ``Pulumi.yaml`` (created when missing)."""
        path = self.work_dir / "stacks" / stack.replace("/", "_")
        path.mkdir(parents=True, exist_ok=True)
        (path / "Pulumi.yaml").write_text(project_yaml())
        return path

    @property
    def results_path(self) -> Path:
        return self.work_dir / RESULTS_FILE

    def log_path(self, stack: str) -> Path:
        path = self.work_dir / LOGS_DIR / f"{stack.replace('/', '_')}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def environment(self) -> dict[str, str]:
        """The CLI's environment: ours, with ``--backend-url`` as ``PULUMI_BACKEND_URL``."""
        env = {**os.environ, **self.extra_env}
        if self.backend_url:
            env["PULUMI_BACKEND_URL"] = self.backend_url
        return env


def project_yaml(virtualenv: Path | None = None) -> str:
    """A Python project whose virtualenv is ``virtualenv`` (default: this one, where the
    package is installed; the dynamic-provider host imports our providers from it)."""
    if virtualenv is None and sys.prefix != sys.base_prefix:
        virtualenv = Path(sys.prefix)
    text = f"name: {PROJECT_NAME}\nruntime:\n  name: python\n"
    if virtualenv is not None:
        text += f"  options:\n    virtualenv: {virtualenv}\n"
    return text


def pulumi_path(env: Mapping[str, str]) -> str:
    """The ``pulumi`` on the PATH of ``env`` (as the Automation API would run it)."""
    found = shutil.which("pulumi", path=env.get("PATH"))
    if found is None:
        raise ProjectError(
            "no `pulumi` on PATH: install the Pulumi CLI (https://www.pulumi.com/docs/install/)"
        )
    return found
