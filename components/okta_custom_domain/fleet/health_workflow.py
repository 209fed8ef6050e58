"""``fleet matrix --health``: a scheduled CI job that runs ``okta-custom-domain health``.

Okta renews certificates without anyone looking, so what blocks a renewal (a CAA record, a
moved CNAME) shows only when the certificate expires. A daily job over the same tenants file
the fleet uses fails (exit 1 warning, 2 failing) weeks before that. One job, not a matrix:
health only reads (Okta and DNS), a few seconds per domain. Built as data and dumped with
PyYAML like the fleet's matrix, with its pinned actions, Python and install source (never the
unpublished bare name); the tenants file comes from the same CI secret. No Pulumi CLI: health
reads the tenants file, Okta and DNS.
"""

from __future__ import annotations

import shlex
from typing import Any

import yaml

from okta_custom_domain.fleet.install_source import InstallStep
from okta_custom_domain.fleet.matrix import (
    CHECKOUT_ACTION,
    FORMATS,
    GITHUB_RUNNER,
    GITLAB_IMAGE,
    PYTHON_VERSION,
    SETUP_PYTHON_ACTION,
    MatrixError,
)

DEFAULT_SCHEDULE = "17 6 * * *"
"""Daily at 06:17 UTC (off the hour, when schedulers are busiest)."""
JOB_MINUTES = 30
"""health only reads; a job still hanging after this long is broken, not slow."""


def health_command(tenants_arg: str, warn_days: int) -> str:
    """The command the job runs; ``tenants_arg`` is a shell word already."""
    return f"okta-custom-domain health --tenants {tenants_arg} --warn-days {warn_days}"


def github(
    tenants_path: str, schedule: str, warn_days: int, install: InstallStep
) -> dict[str, Any]:
    """A GitHub Actions workflow on ``schedule`` (cron, UTC), also runnable by hand."""
    steps: list[dict[str, Any]] = [
        {"uses": CHECKOUT_ACTION},
        {"uses": SETUP_PYTHON_ACTION, "with": {"python-version": PYTHON_VERSION}},
        {"name": install.name, "run": install.command},
        {
            "name": "tenants file from the TENANTS_YAML secret",
            "run": f"printf '%s' \"$TENANTS_YAML\" > {shlex.quote(tenants_path)}",
            "env": {"TENANTS_YAML": "${{ secrets.TENANTS_YAML }}"},
        },
        {"run": health_command(shlex.quote(tenants_path), warn_days)},
    ]
    job = {"runs-on": GITHUB_RUNNER, "timeout-minutes": JOB_MINUTES, "steps": steps}
    return {
        "name": "okta-custom-domain health",
        "on": {"schedule": [{"cron": schedule}], "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        "jobs": {"health": job},
    }


def gitlab(warn_days: int, install: InstallStep) -> dict[str, Any]:
    """A GitLab job that runs in scheduled pipelines (the schedule itself is set in GitLab:
    CI/CD > Schedules); the tenants file is the file-type CI variable ``TENANTS_FILE``."""
    return {
        "health": {
            "image": GITLAB_IMAGE,
            "timeout": f"{JOB_MINUTES}m",
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}],
            "before_script": [install.command],
            "script": [health_command('"$TENANTS_FILE"', warn_days)],
        }
    }


def render_health(
    fmt: str, tenants_path: str, schedule: str, warn_days: int, *, install: InstallStep
) -> str:
    """The workflow as YAML text."""
    if fmt not in FORMATS:
        raise MatrixError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    if len(schedule.split()) != 5:
        raise MatrixError(f"--schedule {schedule!r}: give a cron line of 5 fields, e.g. "
                          f"'{DEFAULT_SCHEDULE}'")  # fmt: skip
    if fmt == "github":
        built = github(tenants_path, schedule, warn_days, install)
    else:
        built = gitlab(warn_days, install)
    return yaml.safe_dump(built, sort_keys=False, width=200)


__all__ = ["DEFAULT_SCHEDULE", "health_command", "render_health"]
