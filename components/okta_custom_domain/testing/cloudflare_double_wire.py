"""Property values as the Pulumi engine sends them to a provider: Structs with secrets, unknowns.

The double keeps the engine's own encoding in its dicts: a secret stays wrapped
(``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": ...}``)
so echoing an input into the outputs keeps it secret, and an unknown stays the sentinel
string ``rpc.UNKNOWN`` (preview). ``plain`` gives the value to compute with; ``loggable`` gives
what may be written to the request log (never a secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import rpc

UNKNOWN = rpc.UNKNOWN
REDACTED = "[secret]"
UNKNOWN_IN_LOG = "<unknown>"


def from_struct(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """A Struct as a dict, secrets still wrapped, unknowns still the sentinel string."""
    if struct is None:
        return {}
    result = json_format.MessageToDict(struct)
    return result if isinstance(result, dict) else {}


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """A dict (secret wrappers and unknown sentinels included) as a Struct; None keys dropped."""
    struct = struct_pb2.Struct()
    struct.update({k: v for k, v in values.items() if v is not None})
    return struct


def is_secret(value: Any) -> bool:
    """Whether ``value`` is, or contains, a secret."""
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(is_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(is_secret(v) for v in value)
    return False


def plain(value: Any) -> Any:
    """``value`` with every secret wrapper removed (for computing, never for logging)."""
    if rpc.is_rpc_secret(value):
        return plain(value["value"])
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def is_unknown(value: Any) -> bool:
    """Whether ``value`` (or anything inside it) is not known yet (preview)."""
    value = plain(value)
    if value == UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


def loggable(value: Any) -> Any:
    """What the request log may hold: secrets redacted, unknowns marked, whole TTLs as ints."""
    if is_secret(value):
        return REDACTED
    if is_unknown(value):
        return UNKNOWN_IN_LOG
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
