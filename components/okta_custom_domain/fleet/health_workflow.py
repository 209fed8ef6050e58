"""``fleet matrix --health``: a scheduled CI job that runs ``okta-custom-domain health``.

Okta renews certificates without anyone looking, so what blocks a renewal (a CAA record, a
moved CNAME) shows only when the certificate expires. A daily job over the same tenants file
the fleet uses fails (exit 1 warning, 2 failing) weeks before that. One job, not a matrix:
health only reads (Okta and DNS), a few seconds per domain. Built as data and dumped with
PyYAML like the fleet's matrix; the tenants file comes from the same CI secret.
"""

from __future__ import annotations

import shlex
from typing import Any

import yaml

from okta_custom_domain.fleet.matrix import FORMATS, MatrixError

DEFAULT_SCHEDULE = "17 6 * * *"
"""Daily at 06:17 UTC (off the hour, when schedulers are busiest)."""


def health_command(tenants_arg: str, warn_days: int) -> str:
    """The command the job runs; ``tenants_arg`` is a shell word already."""
    return f"okta-custom-domain health --tenants {tenants_arg} --warn-days {warn_days}"


def github(tenants_path: str, schedule: str, warn_days: int) -> dict[str, Any]:
    """A GitHub Actions workflow on ``schedule`` (cron, UTC), also runnable by hand."""
    steps: list[dict[str, Any]] = [
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {"run": "pip install okta-custom-domain"},
        {
            "name": "tenants file from the TENANTS_YAML secret",
            "run": f"printf '%s' \"$TENANTS_YAML\" > {shlex.quote(tenants_path)}",
            "env": {"TENANTS_YAML": "${{ secrets.TENANTS_YAML }}"},
        },
        {"run": health_command(shlex.quote(tenants_path), warn_days)},
    ]
    job = {"runs-on": "ubuntu-latest", "steps": steps}
    return {
        "name": "okta-custom-domain health",
        "on": {"schedule": [{"cron": schedule}], "workflow_dispatch": {}},
        "jobs": {"health": job},
    }


def gitlab(warn_days: int) -> dict[str, Any]:
    """A GitLab job that runs in scheduled pipelines (the schedule itself is set in GitLab:
    CI/CD > Schedules); the tenants file is the file-type CI variable ``TENANTS_FILE``."""
    return {
        "health": {
            "image": "python:3.12",
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}],
            "before_script": ["pip install okta-custom-domain"],
            "script": [health_command('"$TENANTS_FILE"', warn_days)],
        }
    }


def render_health(fmt: str, tenants_path: str, schedule: str, warn_days: int) -> str:
    """The workflow as YAML text."""
    if fmt not in FORMATS:
        raise MatrixError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    if len(schedule.split()) != 5:
        raise MatrixError(f"--schedule {schedule!r}: give a cron line of 5 fields, e.g. "
                          f"'{DEFAULT_SCHEDULE}'")  # fmt: skip
    built = github(tenants_path, schedule, warn_days) if fmt == "github" else gitlab(warn_days)
    return yaml.safe_dump(built, sort_keys=False, width=200)


__all__ = ["DEFAULT_SCHEDULE", "health_command", "render_health"]
