"""The real Pulumi engine, offline: a throwaway Pulumi home, file backend and project.

Tests, benchmarks and the demo run the project's own program through the Automation API
against a Pulumi CLI (built by ``scripts/pulumi-toolchain`` when none is installed). Nothing
here is a copy of the graph: the program is ``__main__.py``, run by the engine.

The Python language host (``pulumi-language-python``) is not served by the module proxy here,
so the program runs as an Automation API *inline* program: the CLI connects back to the SDK's
own language server in this process (``pulumi up --client``) instead of starting the host.
Everything else (engine, state, secrets, plugins, the dynamic-provider host) is the real thing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import os
import runpy
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pulumi import automation as auto

from okta_custom_domain.fleet.project import PROJECT_NAME, project_yaml
from okta_custom_domain.fleet.stack_config import flatten_config as flatten_config
from okta_custom_domain.toolchain import TOOLCHAIN_SCRIPT as TOOLCHAIN_SCRIPT
from okta_custom_domain.toolchain import pinned_versions as pinned_versions

PASSPHRASE = "offline-engine-passphrase"
OFFLINE_ENV = {
    "PULUMI_SKIP_UPDATE_CHECK": "true",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
    "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
    "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
    "NO_COLOR": "1",
}
"""Every switch that keeps the CLI off the network, plus passphrase secrets."""


class ToolchainError(RuntimeError):
    """No Pulumi CLI could be found or built; the message says which step failed."""


def cli_version(bin_dir: Path) -> str:
    """What ``pulumi version`` of the CLI in ``bin_dir`` says, without the ``v``."""
    done = subprocess.run(
        [str(bin_dir / "pulumi"), "version"], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip().removeprefix("v")


def built_toolchain() -> Path | None:
    """The bin dir ``pulumi-toolchain`` would give, when it is there already (never builds)."""
    done = subprocess.run(
        [str(TOOLCHAIN_SCRIPT), "--cached"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    found = done.stdout.strip()
    return Path(found) if done.returncode == 0 and found else None


def toolchain_report() -> str:
    """One line for a test session's header: the pinned CLI, and the CLI the tests would run."""
    pin = pinned_versions().get("PULUMI", "?")
    script = TOOLCHAIN_SCRIPT
    with contextlib.suppress(ValueError):
        script = script.relative_to(Path.cwd())
    sdk = importlib.metadata.version("pulumi")
    bin_dir = built_toolchain()
    if bin_dir is None:
        return f"pulumi CLI v{pin} (pinned in {script}; not built yet); pip pulumi SDK {sdk}"
    used = cli_version(bin_dir)
    if used == pin:
        return f"pulumi CLI v{used} (pinned in {script}) in {bin_dir}; pip pulumi SDK {sdk}"
    why = os.environ.get("PULUMI_TOOLCHAIN_VERSION")
    because = f": PULUMI_TOOLCHAIN_VERSION={why}" if why else ""
    return (
        f"pulumi CLI v{used} in {bin_dir}, NOT the v{pin} pinned in {script}{because}; "
        f"pip pulumi SDK {sdk}"
    )


def build_toolchain() -> Path:
    """Run ``pulumi-toolchain`` (a pulumi on PATH, else built once and cached); its bin dir."""
    script = TOOLCHAIN_SCRIPT
    done = subprocess.run(
        [str(script)],
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
        check=False,
        env={**os.environ, "PYTHON": sys.executable},
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise ToolchainError(f"{script} failed (exit {done.returncode}); see its stderr above")
    return Path(lines[-1])


@dataclass
class OutputLog:
    """What the CLI printed for one operation, line by line, as a user would see it."""

    lines: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class OfflineEngine:
    """A Pulumi home, a file backend and a project dir under ``root``, for one program."""

    root: Path
    bin_dir: Path
    program_path: Path
    virtualenv: Path
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for sub in ("home", "state", "project"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "project" / "Pulumi.yaml").write_text(project_yaml(self.virtualenv))

    @functools.cached_property
    def command(self) -> auto.PulumiCommand:
        """The CLI (constructing it runs ``pulumi version``: once per engine, not per stack)."""
        return auto.PulumiCommand(root=str(self.bin_dir.parent), skip_version_check=True)

    def environment(self) -> dict[str, str]:
        """The environment of every CLI run: offline, this home, this backend, our PATH."""
        return {
            **OFFLINE_ENV,
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_BACKEND_URL": f"file://{self.root / 'state'}",
            "PATH": os.pathsep.join([str(self.bin_dir), os.environ.get("PATH", "")]),
            "PULUMI_PYTHON_CMD": str(self.virtualenv / "bin" / "python"),
            **self.env,
        }

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the CLI directly (``plugin install``, ``stack export``...) in the project dir."""
        done = subprocess.run(
            [str(self.bin_dir / "pulumi"), *args],
            cwd=self.root / "project",
            env={**os.environ, **self.environment()},
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args[:3])} failed: {done.stderr.strip()}")
        return done

    def install_plugin(self, name: str, version: str, path: Path) -> None:
        """``pulumi plugin install resource NAME VERSION --file PATH`` into this home."""
        self.cli("plugin", "install", "resource", name, version, "--file", str(path))

    def _program(self) -> None:
        runpy.run_path(str(self.program_path), run_name="__main__")

    def stack(
        self,
        name: str,
        config: Mapping[str, auto.ConfigValue] | None = None,
        *,
        program: Callable[[], None] | None = None,
    ) -> auto.Stack:
        """Create or select stack ``name`` of the project's program (or of ``program``, a
        function run in its place, for a test's own tiny program); set ``config`` on it."""
        opts = auto.LocalWorkspaceOptions(
            work_dir=str(self.root / "project"),
            pulumi_home=str(self.root / "home"),
            env_vars=self.environment(),
            pulumi_command=self.command,
            secrets_provider="passphrase",
        )
        stack = auto.create_or_select_stack(
            stack_name=name,
            project_name=PROJECT_NAME,
            program=program or self._program,
            opts=opts,
        )
        if config:
            stack.set_all_config(dict(config), path=True)
        return stack


def processes() -> dict[int, tuple[str, int]]:
    """Every process now, as ``pid -> (name, parent pid)`` (read from /proc)."""
    found: dict[int, tuple[str, int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # ended while we looked
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        found[int(entry)] = (name, int(rest.split()[1]))
    return found


def pulumi_children(parent: int | None = None) -> list[int]:
    """Pids of the ``pulumi`` CLI processes ``parent`` (this process) started."""
    parent = os.getpid() if parent is None else parent
    return [pid for pid, (name, ppid) in processes().items() if name == "pulumi" and ppid == parent]
