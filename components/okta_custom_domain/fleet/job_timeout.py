"""How long a CI job running ``pulumi up`` of some tenants may take: their configured waits.

Each domain waits for DNS readiness (30 minutes by default, 4 hours for registrar rows a
person types) and then for Okta's certificate (30 minutes by default); the job must outlive
the longest of those or the runner kills ``pulumi up`` mid-wait and leaves the stack locked.
With ``PULUMI_PARALLEL`` slots the domains wait side by side; past that many they queue.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from okta_custom_domain.tenants import parse_tenants

PULUMI_PARALLEL = 64
"""The engine's parallel slots the jobs ask for (``PULUMI_PARALLEL``): each waiting domain
holds one, and the default (4 x CPUs) would queue a stack's waits on a 2-core runner."""
MARGIN_MINUTES = 15
"""Installing the component, starting the CLI and its plugins, reading and writing state."""


def domain_waits(tenants: Sequence[Mapping[str, Any]]) -> list[float]:
    """Each domain's longest wait in seconds: readiness timeout + verification timeout."""
    if not tenants:
        return []
    return [
        domain.args.readiness_timeout + domain.args.verification.timeout
        for tenant in parse_tenants(list(tenants))
        for domain in tenant.domains
    ]


def job_minutes(tenants: Sequence[Mapping[str, Any]], parallel: int = PULUMI_PARALLEL) -> int:
    """Whole minutes a job running ``pulumi up`` of ``tenants`` may take: the longest wait,
    once per round of ``parallel`` domains, plus ``MARGIN_MINUTES``."""
    waits = domain_waits(tenants)
    if not waits:
        return MARGIN_MINUTES
    rounds = math.ceil(len(waits) / parallel)
    return math.ceil(rounds * max(waits) / 60) + MARGIN_MINUTES


def gitlab_duration(minutes: int) -> str:
    """``4h 45m``: GitLab's ``timeout:`` wording."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours}h"] if hours else []
    if rest or not hours:
        parts.append(f"{rest}m")
    return " ".join(parts)
