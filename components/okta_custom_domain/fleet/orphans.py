"""Stacks the fleet created whose tenants are no longer in the list.

They are reported on every run and destroyed only with ``--prune``: a tenant that vanished
from the list because of an editing mistake must not take its customer's custom domain with
it. Only stacks named like the fleet's (``tenant-*``, ``shard-*``) are considered; any other
stack of the project (a hand-made ``dev``) is not the fleet's business.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Collection, Mapping

from okta_custom_domain.fleet.placement import owned
from okta_custom_domain.fleet.project import FleetProject, project_yaml


class ListError(RuntimeError):
    """``pulumi stack ls`` failed (no backend selected, no passphrase...); its last line."""


def existing_stacks(project: FleetProject, pulumi: str, env: Mapping[str, str]) -> list[str]:
    """The project's stacks on the backend (``pulumi stack ls --json`` in a project dir)."""
    where = project.work_dir / "project"
    where.mkdir(parents=True, exist_ok=True)
    (where / "Pulumi.yaml").write_text(project_yaml())
    done = subprocess.run(
        [pulumi, "stack", "ls", "--json", "--non-interactive"],
        cwd=where, env=dict(env), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ListError(f"pulumi stack ls: {reason}")
    return [str(entry["name"]) for entry in json.loads(done.stdout or "[]")]


def orphaned(existing: Collection[str], placed: Collection[str]) -> list[str]:
    """Fleet-named stacks that exist but hold none of the listed tenants."""
    wanted = {name.rsplit("/", 1)[-1] for name in placed}
    return sorted(s for s in existing if owned(s) and s.rsplit("/", 1)[-1] not in wanted)
