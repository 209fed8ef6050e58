"""The fleet's shards as a CI workflow: one job per shard, each running ``fleet up --shard K``.

Generated from the same placement as the local run, so the CI jobs and ``fleet up`` agree on
which tenants each stack holds. Built as data and dumped with PyYAML, so the output is valid
YAML by construction; the tenants file (it holds secrets) comes from a CI secret, never from
the repository. Every job installs what ``install_source`` decided (never the unpublished bare
name), pins the actions, Python and the Pulumi CLI (the toolchain's own pin), runs alone on its
stack (a concurrency group per stack) and may run as long as its tenants' waits.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

import yaml

from okta_custom_domain.fleet.install_source import InstallStep
from okta_custom_domain.fleet.job_timeout import PULUMI_PARALLEL, gitlab_duration, job_minutes
from okta_custom_domain.fleet.placement import Shard
from okta_custom_domain.toolchain import pinned_cli_version

FORMATS = ("github", "gitlab")
MAX_JOBS = {"github": 256, "gitlab": 200}
"""Each CI's limit of jobs in one matrix (GitHub: 256 per workflow run; GitLab: 200)."""
STATE_ENV = ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN")

CHECKOUT_ACTION = "actions/checkout@v4.2.2"
SETUP_PYTHON_ACTION = "actions/setup-python@v5.6.0"
PULUMI_ACTION = "pulumi/actions@v6.6.1"
"""Without ``command`` it only installs the CLI, at ``pulumi-version``."""
GITHUB_RUNNER = "ubuntu-24.04"
PYTHON_VERSION = "3.11"
"""The oldest Python the project supports (``requires-python``), the one its tests run."""
GITLAB_IMAGE = f"python:{PYTHON_VERSION}"
PULUMI_INSTALLER = "curl -fsSL https://get.pulumi.com | sh -s -- --version"
"""Pulumi's install script; on GitLab the job's first line, followed by the pinned version."""
CONCURRENCY_PREFIX = "okta-custom-domain-"
"""Concurrency groups (GitHub) and resource groups (GitLab) are this plus the stack name."""


class MatrixError(ValueError):
    """Too many shards for the CI's matrix; the message says which ``--shards`` fits."""


def fleet_command(tenants_arg: str, shards: int | None, shard: str) -> str:
    """The command every job runs; ``tenants_arg`` and ``shard`` (the CI's matrix variable)
    are shell words already."""
    words = ["okta-custom-domain fleet up --tenants", tenants_arg]
    if shards is not None:
        words.append(f"--shards {shards}")
    return " ".join([*words, "--shard", shard])


def _check_size(fmt: str, count: int) -> None:
    if count > MAX_JOBS[fmt]:
        raise MatrixError(
            f"--format {fmt}: {count} shards, but a {fmt} matrix takes at most {MAX_JOBS[fmt]} "
            f"jobs; pass --shards {MAX_JOBS[fmt]} (or fewer) to group tenants into stacks"
        )


def _github_steps(tenants_path: str, shard_count: int | None, install: InstallStep) -> list[Any]:
    return [
        {"uses": CHECKOUT_ACTION},
        {"uses": SETUP_PYTHON_ACTION, "with": {"python-version": PYTHON_VERSION}},
        {"uses": PULUMI_ACTION, "with": {"pulumi-version": pinned_cli_version()}},
        {"name": install.name, "run": install.command},
        {
            "name": "tenants file from the TENANTS_YAML secret",
            "run": f"printf '%s' \"$TENANTS_YAML\" > {shlex.quote(tenants_path)}",
            "env": {"TENANTS_YAML": "${{ secrets.TENANTS_YAML }}"},
        },
        {"run": fleet_command(shlex.quote(tenants_path), shard_count, "${{ matrix.shard }}")},
    ]


def github(
    shards: Sequence[Shard],
    tenants_path: str,
    shard_count: int | None,
    parallel: int = 4,
    *,
    install: InstallStep,
) -> dict[str, Any]:
    """A GitHub Actions workflow, ``parallel`` jobs at a time; the tenants file from the
    secret ``TENANTS_YAML``; each job alone on its stack, for as long as its waits."""
    env = {name: f"${{{{ secrets.{name} }}}}" for name in STATE_ENV}
    include = [
        {"shard": s.index, "stack": s.stack, "timeout": job_minutes(s.tenants)} for s in shards
    ]
    job = {
        "name": "${{ matrix.stack }}",
        "runs-on": GITHUB_RUNNER,
        "timeout-minutes": "${{ matrix.timeout }}",
        "concurrency": {
            "group": CONCURRENCY_PREFIX + "${{ matrix.stack }}",
            "cancel-in-progress": False,
        },
        "strategy": {"fail-fast": False, "max-parallel": parallel, "matrix": {"include": include}},
        "env": {**env, "PULUMI_PARALLEL": str(PULUMI_PARALLEL)},
        "steps": _github_steps(tenants_path, shard_count, install),
    }
    return {
        "name": "okta-custom-domain fleet",
        "on": {"workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        "jobs": {"fleet": job},
    }


def gitlab(
    shards: Sequence[Shard],
    tenants_path: str,
    shard_count: int | None,
    parallel: int = 4,
    *,
    install: InstallStep,
) -> dict[str, Any]:
    """A GitLab CI pipeline; the tenants file is the file-type CI variable ``TENANTS_FILE``.
    GitLab has no max-parallel for a matrix (its runners' capacity bounds how many run), and
    one ``timeout`` for all of a matrix's jobs: the longest shard's."""
    script = fleet_command('"$TENANTS_FILE"', shard_count, '"$SHARD"')
    del tenants_path, parallel  # a file variable arrives at a path GitLab chooses
    minutes = max((job_minutes(s.tenants) for s in shards), default=job_minutes(()))
    return {
        "stages": ["fleet"],
        "fleet-up": {
            "stage": "fleet",
            "image": GITLAB_IMAGE,
            "timeout": gitlab_duration(minutes),
            "resource_group": CONCURRENCY_PREFIX + "$STACK",
            "variables": {"PULUMI_PARALLEL": str(PULUMI_PARALLEL)},
            "parallel": {"matrix": [{"SHARD": str(s.index), "STACK": s.stack} for s in shards]},
            "before_script": [
                f"{PULUMI_INSTALLER} {pinned_cli_version()}",
                'export PATH="$HOME/.pulumi/bin:$PATH"',
                install.command,
            ],
            "script": [script],
        },
    }


def render(
    fmt: str,
    shards: Sequence[Shard],
    tenants_path: str,
    shard_count: int | None,
    parallel: int = 4,
    *,
    install: InstallStep,
) -> str:
    """The workflow as YAML text, one job per non-empty shard, ``parallel`` at a time."""
    if fmt not in FORMATS:
        raise MatrixError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    used = [s for s in shards if s.tenants]
    _check_size(fmt, len(used))
    build = github if fmt == "github" else gitlab
    workflow = build(used, tenants_path, shard_count, parallel, install=install)
    return yaml.safe_dump(workflow, sort_keys=False, width=200)
