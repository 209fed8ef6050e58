"""A stack's config from its tenants: plain values in one ``config set-all``, secrets one by
one through stdin.

The Automation API's ``set_config``/``set_all_config`` put every value, secrets included, on
the ``pulumi config`` command line, where any local user can read it in ``/proc/PID/cmdline``
(and CI logs of process listings). ``pulumi config set --secret --path KEY`` with no value
argument reads the value from stdin when stdin is not a terminal (``configSetCmd.Run`` in
``pkg/cmd/pulumi/config/config.go``, checked in Pulumi 3.276.0), so secrets travel through a
pipe and are encrypted by the CLI before they are written.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from okta_custom_domain.fleet.source import PROJECT_KEY
from okta_custom_domain.tenants import secret_config_keys


def flatten_config(prefix: str, value: Any) -> dict[str, auto.ConfigValue]:
    """``{"a": [{"b": 1}]}`` as ``--path`` keys (``prefix.a[0].b``), secrets marked secret."""
    out: dict[str, auto.ConfigValue] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            child = flatten_config(f"{prefix}.{key}", item)
            if key in secret_config_keys() and not isinstance(item, (Mapping, list)):
                child = {k: auto.ConfigValue(v.value, secret=True) for k, v in child.items()}
            out.update(child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.update(flatten_config(f"{prefix}[{index}]", item))
    elif isinstance(value, bool):
        out[prefix] = auto.ConfigValue("true" if value else "false")
    else:
        out[prefix] = auto.ConfigValue(str(value))
    return out


class ConfigWriteError(RuntimeError):
    """``pulumi config`` refused a key; the message names the key, never a value."""


def _cli(
    pulumi: str, args: Sequence[str], cwd: str, env: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pulumi, *args], cwd=cwd, env=dict(env), input=stdin if stdin is not None else "",
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def _check(done: subprocess.CompletedProcess[str], what: str) -> None:
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ConfigWriteError(f"{what}: {reason}")


def drop_old_list(stack_file: Path) -> None:
    """Remove ``okta-custom-domain:tenants`` from the stack's settings file, keeping the rest.

    What ``pulumi config rm`` would do, without a ``pulumi`` run: the fleet owns this file (it
    is in the fleet's work dir), Pulumi documents it as YAML a person may edit, and the key is
    written again at once by ``config set-all``. Everything else (the encryption salt, the
    secrets provider, other keys) is kept as it was.
    """
    if not stack_file.exists() or PROJECT_KEY not in stack_file.read_text():
        return
    settings = yaml.safe_load(stack_file.read_text()) or {}
    config = settings.get("config")
    if isinstance(config, dict) and config.pop(PROJECT_KEY, None) is not None:
        partial = stack_file.with_suffix(".tmp")
        partial.write_text(yaml.safe_dump(settings, sort_keys=False, width=2**16))
        os.replace(partial, stack_file)


def write_tenants(
    stack: str, tenants: Sequence[Mapping[str, Any]], pulumi: str, cwd: str, env: Mapping[str, str]
) -> None:
    """Replace the stack's ``okta-custom-domain:tenants`` with exactly ``tenants``.

    The old list is removed first, so a domain or key dropped from the list does not linger.
    """
    drop_old_list(Path(cwd) / f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml")
    values = flatten_config(PROJECT_KEY, list(tenants))
    plain = [f"{key}={v.value}" for key, v in values.items() if not v.secret]
    args = ["config", "set-all", "--path", "--stack", stack]
    for pair in plain:
        args += ["--plaintext", pair]
    _check(_cli(pulumi, args, cwd, env), f"pulumi config set-all for stack {stack}")
    for key, value in values.items():
        if value.secret:
            done = _cli(
                pulumi, ["config", "set", "--path", "--secret", "--raw", key, "--stack", stack],
                cwd, env, stdin=value.value,
            )  # fmt: skip
            _check(done, f"pulumi config set --secret {key} for stack {stack}")
