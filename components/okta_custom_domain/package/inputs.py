"""The component host's inputs (plain dicts, Python names) turned into the Python arguments.

The host hands the component a dict of dicts keyed by Python field names (it maps the
schema's camelCase names); this builds the same dataclasses a Python program builds, so every
check of the Python API (``InputError`` naming the field) applies to every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime import rpc

from okta_custom_domain.args import OktaCustomDomainArgs
from okta_custom_domain.package.dns_choice import DnsTargetChoice
from okta_custom_domain.package.views import NESTED, field_types, is_optional, without_none
from okta_custom_domain.parsers import InputError


def _value(hint: Any, raw: Any, path: str) -> Any:
    """One field's value: nested objects built, secrets kept secret, whole numbers as int."""
    if rpc.is_rpc_secret(raw):
        # a secret inside a plain object arrives wrapped; keep it a secret Output
        return pulumi.Output.secret(rpc.unwrap_rpc_secret(raw))
    inner = without_none(hint) if is_optional(hint) else hint
    if inner in NESTED:
        return build(inner, raw, path)
    if inner is int and isinstance(raw, float) and raw.is_integer():
        return int(raw)  # numbers cross the wire as floats, and the host does not convert
    return raw


def build(cls: type, raw: Any, path: str) -> Any:
    """Dataclass ``cls`` from the host's dict ``raw``; an absent field takes its default."""
    if isinstance(raw, pulumi.Output) or not isinstance(raw, Mapping):
        raise InputError(
            path, "must be an object known when the component is created, not an output"
        )
    hints = field_types(cls)
    values = {
        name: _value(hint, raw[name], f"{path}.{name}")
        for name, hint in hints.items()
        if raw.get(name) is not None
    }
    return cls(**values)


def args_from_inputs(inputs: Mapping[str, Any], cls: type = OktaCustomDomainArgs) -> Any:
    """A component's arguments (``OktaCustomDomainArgs`` by default) from the host's inputs."""
    values: dict[str, Any] = {}
    for name, hint in field_types(cls).items():
        if inputs.get(name) is None:
            continue
        value = _value(hint, inputs[name], name)
        values[name] = value.target if hint is DnsTargetChoice else value
    return cls(**values)


__all__ = ["args_from_inputs", "build"]
