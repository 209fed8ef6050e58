"""Small valid tenants lists for the fleet's unit tests (no Pulumi engine involved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TOKEN_PREFIX = "00fleet-unit-token-"


def tenant(name: str) -> dict[str, Any]:
    """A tenant with its own org, an API token and one registrar-form domain."""
    return {
        "name": name,
        "okta": {"orgName": name, "apiToken": f"{TOKEN_PREFIX}{name}"},
        "domains": [{"domain": f"login.{name}.test", "dns": {"type": "manual", "zone": f"{name}.test"}}],
    }


def tenants(count: int) -> list[dict[str, Any]]:
    return [tenant(f"t{i:02d}") for i in range(count)]


def write(path: Path, value: Any) -> Path:
    path.write_text(yaml.safe_dump(value, sort_keys=False))
    return path
