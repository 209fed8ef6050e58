"""The engine's wire encoding of property values: Structs as plain dicts, unknowns, secrets, URNs.

The engine sends a value not known yet (preview) as the ``UNKNOWN`` sentinel and a secret in a
signature envelope; a double must read both and may have to send secrets back wrapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""What the engine sends for a value not known yet (preview)."""
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def struct_to_dict(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """A Struct as a dict; unknowns stay the ``UNKNOWN`` string, secrets stay wrapped."""
    if struct is None:
        return {}
    result = json_format.MessageToDict(struct)
    return result if isinstance(result, dict) else {}


def unwrap_secrets(value: Any) -> tuple[Any, bool]:
    """``value`` without secret wrappers at any depth, and whether it held one."""
    if isinstance(value, Mapping):
        if value.get(SIG_KEY) == SECRET_SIG:
            inner, _ = unwrap_secrets(value.get("value"))
            return inner, True
        pairs = {k: unwrap_secrets(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [unwrap_secrets(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def wrap_secret(value: Any) -> dict[str, Any]:
    """``value`` in the engine's secret envelope."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def contains_unknown(value: Any) -> bool:
    """Whether ``value`` is, or holds, an unknown (only during preview)."""
    if value == UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def strings_in(value: Any) -> list[str]:
    """Every string inside ``value`` (to scrub secret values from logs and messages)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


@dataclass(frozen=True)
class Props:
    """A property map as plain values, plus the top-level keys that arrived secret."""

    values: dict[str, Any]
    secret_keys: frozenset[str] = frozenset()

    @classmethod
    def from_struct(cls, struct: struct_pb2.Struct | None) -> Props:
        values: dict[str, Any] = {}
        secret: set[str] = set()
        for key, raw in struct_to_dict(struct).items():
            values[key], was_secret = unwrap_secrets(raw)
            if was_secret:
                secret.add(key)
        return cls(values, frozenset(secret))

    def secret_strings(self) -> list[str]:
        return [s for key in self.secret_keys for s in strings_in(self.values.get(key))]


def to_struct(
    values: Mapping[str, Any], secret_keys: Iterable[str] = (), *, wrap: bool = False
) -> struct_pb2.Struct:
    """``values`` as a Struct; with ``wrap``, the ``secret_keys`` go out secret again."""
    secret = set(secret_keys) if wrap else set()
    struct = struct_pb2.Struct()
    struct.update({k: wrap_secret(v) if k in secret else v for k, v in values.items()})
    return struct


def type_of_urn(urn: str) -> str:
    """The resource type token of a URN (``urn:pulumi:stack::project::parent$type::name``)."""
    parts = urn.split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else ""


def name_of_urn(urn: str) -> str:
    parts = urn.split("::")
    return parts[3] if len(parts) >= 4 else ""
