"""The component package consumed by other languages' programs, through the real CLI.

``PackageConsumer`` is a project directory run with the ``OfflineEngine``'s environment (the
same Pulumi home, backend, plugin doubles and PATH): the CLI finds ``pulumi-language-yaml``
and the component package's executable plugin, which runs this virtualenv's Python.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from okta_custom_domain.testing.engine import OfflineEngine

REPOSITORY = Path(__file__).resolve().parents[3]
PACKAGE_NAME = "okta-custom-domain"
PACKAGE_PLUGIN = REPOSITORY / "plugin" / "pulumi-resource-okta-custom-domain"
"""The component package as an executable plugin (``plugin/`` in the repository)."""


def package_env() -> dict[str, str]:
    """What the component package's processes need: this Python for the plugin and for the
    dynamic-provider host it starts (there is no Python project to name a virtualenv)."""
    return {"OKTA_CUSTOM_DOMAIN_PYTHON": sys.executable, "PULUMI_RUNTIME_VIRTUALENV": sys.prefix}


@dataclass
class PackageConsumer:
    """A project in ``directory`` whose program uses the component package."""

    engine: OfflineEngine
    directory: Path

    def environment(self) -> dict[str, str]:
        return {**os.environ, **self.engine.environment(), **package_env()}

    def attempt(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """``pulumi ARGS`` in the project, whatever its exit status."""
        return subprocess.run(
            [str(self.engine.bin_dir / "pulumi"), *args],
            cwd=self.directory,
            env=self.environment(),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """``pulumi ARGS`` in the project; a failure raises with the CLI's own output."""
        done = self.attempt(*args, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"pulumi {' '.join(args)} failed (exit {done.returncode}):\n"
                f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
            )
        return done

    def outputs(self) -> dict[str, Any]:
        """The stack's outputs, secrets shown."""
        done = self.run("stack", "output", "--json", "--show-secrets")
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    def exported_state(self) -> str:
        """``pulumi stack export`` (secrets stay ciphertext)."""
        return self.run("stack", "export").stdout


def install_package_plugin(engine: OfflineEngine) -> None:
    """``pulumi plugin install resource okta-custom-domain VERSION --file <the executable>``.

    ``package add`` of an executable records the package by name and version (CLI 3.276,
    package_add.go), so ``pulumi up`` looks for that plugin in the plugin cache. (On PATH it
    would be found too, but pulumi-yaml then caches the schema next to the plugin's directory,
    in the repository.)
    """
    engine.install_plugin(PACKAGE_NAME, metadata.version(PACKAGE_NAME), PACKAGE_PLUGIN)


def package_schema(engine: OfflineEngine, directory: Path) -> dict[str, Any]:
    """``pulumi package get-schema`` of the component package, as the CLI reads it."""
    directory.mkdir(parents=True, exist_ok=True)
    done = PackageConsumer(engine, directory).run("package", "get-schema", str(PACKAGE_PLUGIN))
    schema: dict[str, Any] = json.loads(done.stdout)
    return schema
