"""The fleet's shards as a CI workflow: one job per shard, each running ``fleet up --shard K``.

Generated from the same placement as the local run, so the CI jobs and ``fleet up`` agree on
which tenants each stack holds. Built as data and dumped with PyYAML, so the output is valid
YAML by construction; the tenants file (it holds secrets) comes from a CI secret, never from
the repository.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

import yaml

from okta_custom_domain.fleet.placement import Shard

FORMATS = ("github", "gitlab")
MAX_JOBS = {"github": 256, "gitlab": 200}
"""Each CI's limit of jobs in one matrix (GitHub: 256 per workflow run; GitLab: 200)."""
STATE_ENV = ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN")


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


def github(
    shards: Sequence[Shard], tenants_path: str, shard_count: int | None, parallel: int = 4
) -> dict[str, Any]:
    """A GitHub Actions workflow, ``parallel`` jobs at a time; the tenants file from the
    secret ``TENANTS_YAML``."""
    env = {name: f"${{{{ secrets.{name} }}}}" for name in STATE_ENV}
    steps: list[dict[str, Any]] = [
        {"uses": "actions/checkout@v4"},
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {"uses": "pulumi/actions@v6"},
        {"run": "pip install okta-custom-domain"},
        {
            "name": "tenants file from the TENANTS_YAML secret",
            "run": f"printf '%s' \"$TENANTS_YAML\" > {shlex.quote(tenants_path)}",
            "env": {"TENANTS_YAML": "${{ secrets.TENANTS_YAML }}"},
        },
        {"run": fleet_command(shlex.quote(tenants_path), shard_count, "${{ matrix.shard }}")},
    ]
    job = {
        "name": "${{ matrix.stack }}",
        "runs-on": "ubuntu-latest",
        "strategy": {
            "fail-fast": False,
            "max-parallel": parallel,
            "matrix": {"include": [{"shard": s.index, "stack": s.stack} for s in shards]},
        },
        "env": env,
        "steps": steps,
    }
    return {
        "name": "okta-custom-domain fleet",
        "on": {"workflow_dispatch": {}},
        "jobs": {"fleet": job},
    }


def gitlab(
    shards: Sequence[Shard], tenants_path: str, shard_count: int | None, parallel: int = 4
) -> dict[str, Any]:
    """A GitLab CI pipeline; the tenants file is the file-type CI variable ``TENANTS_FILE``.
    GitLab has no max-parallel for a matrix (its runners' capacity bounds how many run)."""
    script = fleet_command('"$TENANTS_FILE"', shard_count, '"$SHARD"')
    del tenants_path, parallel  # a file variable arrives at a path GitLab chooses
    return {
        "stages": ["fleet"],
        "fleet-up": {
            "stage": "fleet",
            "image": "python:3.12",
            "parallel": {"matrix": [{"SHARD": [str(s.index) for s in shards]}]},
            "before_script": [
                "curl -fsSL https://get.pulumi.com | sh",
                'export PATH="$HOME/.pulumi/bin:$PATH"',
                "pip install okta-custom-domain",
            ],
            "script": [script],
        },
    }


def render(
    fmt: str, shards: Sequence[Shard], tenants_path: str, shard_count: int | None, parallel: int = 4
) -> str:
    """The workflow as YAML text, one job per non-empty shard, ``parallel`` at a time."""
    if fmt not in FORMATS:
        raise MatrixError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    used = [s for s in shards if s.tenants]
    _check_size(fmt, len(used))
    build = github if fmt == "github" else gitlab
    return yaml.safe_dump(
        build(used, tenants_path, shard_count, parallel), sort_keys=False, width=200
    )
