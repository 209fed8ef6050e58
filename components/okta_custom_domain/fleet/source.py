"""The tenants list the fleet places into stacks: a file, or an existing stack's config.

The same list as the program's ``okta-custom-domain:tenants``, validated by the program's own
parser (``tenants.parse_tenants``) before any stack is touched, so a mistake is reported once,
with the tenant and key, instead of failing inside one stack per tenant.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from okta_custom_domain.parsers import pulumi_config_value
from okta_custom_domain.tenants import CONFIG_KEY, TenantConfigError, parse_tenants

PROJECT_KEY = f"okta-custom-domain:{CONFIG_KEY}"
"""The full config key, as in ``Pulumi.<stack>.yaml`` and ``pulumi config get``."""


class SourceError(ValueError):
    """The tenants list cannot be read or is invalid; the message names where and the fix."""


def _unwrap(document: Any, where: str) -> Any:
    """The list itself, or the list under ``tenants``/``okta-custom-domain:tenants``/``config``."""
    if isinstance(document, Mapping):
        document = document.get("config", document)
        for key in (PROJECT_KEY, CONFIG_KEY):
            if isinstance(document, Mapping) and key in document:
                return document[key]
        raise SourceError(
            f"{where}: expected a list of tenants, or a mapping with `{CONFIG_KEY}` or "
            f"`{PROJECT_KEY}` (found keys: {', '.join(map(str, document)) or 'none'})"
        )
    return document


def validated(raw: Any, where: str) -> list[dict[str, Any]]:
    """``raw`` checked by the program's parser; its errors are prefixed with ``where``."""
    try:
        parse_tenants(raw)
    except TenantConfigError as exc:
        raise SourceError(f"{where}: {exc}") from None
    return [dict(tenant) for tenant in raw]


def from_file(path: Path) -> list[dict[str, Any]]:
    """A YAML (or JSON, a subset) file holding the tenants list."""
    where = f"--tenants {path}"
    try:
        text = path.read_text()
    except OSError as exc:
        raise SourceError(f"{where}: cannot read it ({exc.strerror})") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not YAML or JSON"
        raise SourceError(f"{where}: does not parse{at}: {problem}; fix the file") from None
    return validated(_unwrap(document, where), where)


def from_stack(stack: str, pulumi: str, cwd: Path, env: Mapping[str, str]) -> list[dict[str, Any]]:
    """The list in an existing stack's config (``pulumi config get --json``: secrets come
    back decrypted through a pipe, never on a command line)."""
    where = f"--from-stack {stack}"
    done = subprocess.run(
        [pulumi, "config", "get", PROJECT_KEY, "--json", "--stack", stack],
        cwd=cwd, env=dict(env), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SourceError(
            f"{where}: cannot read {PROJECT_KEY} ({reason}); run from the project directory "
            "of that stack (--from-stack-dir) with its backend selected"
        )
    answer = pulumi_config_value(json.loads(done.stdout))
    return validated(_unwrap(answer, where), where)
