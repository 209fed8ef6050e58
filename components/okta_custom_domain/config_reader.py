"""Stack config into the argument dataclasses, derived from their fields: one input schema.

Every field of the Python API is read under its camelCase key (``key_secret`` -> ``keySecret``),
typed by its annotation, required when it has no default; an unknown key is refused with "did
you mean". The dataclass then checks the values as it does for a Python program, and its
``InputError`` is said again at the config path, in config spelling, from the error's fields
(never from its message). ``dns`` is the one union: its ``type`` key picks a target from the
registry.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from okta_custom_domain import parsers
from okta_custom_domain.field_marks import is_secret
from okta_custom_domain.parsers import InputError, join_field
from okta_custom_domain.targets.base import DnsTarget
from okta_custom_domain.targets.registry import config_targets, is_target_type

TYPE_KEY = "type"
"""The key of a ``dns`` object that names its target (``cloudflare``, ``rfc2136``...)."""


class TenantConfigError(InputError):
    """A stack-config mistake; ``field`` is its config path (``tenants[0] (acme).okta``)."""


@dataclass(frozen=True)
class Location:
    """Where a value sits: ``where`` as a message shows it (with the tenant's name), ``path``
    as ``pulumi config set --path`` takes it."""

    where: str
    path: str

    def child(self, key: str) -> Location:
        return Location(join_field(self.where, key), join_field(self.path, key))

    def error(self, reason: str) -> TenantConfigError:
        return TenantConfigError(self.where, reason)


def camel(name: str) -> str:
    """A field in config spelling: ``key_secret`` -> ``keySecret`` (each dotted part)."""
    return ".".join(
        head + "".join(part.title() for part in rest)
        for head, *rest in (segment.split("_") for segment in name.split("."))
    )


def field_hints(cls: type) -> dict[str, Any]:
    """Each dataclass field's resolved annotation (``pulumi.Input`` resolved in pulumi's
    namespace)."""
    return dict(_resolved_hints(cls))


@functools.cache
def _resolved_hints(cls: type) -> dict[str, Any]:
    """Resolved once per class: ``get_type_hints`` compiles every string annotation on each
    call, half the time of reading a tenant (``benchmarks/program_scale.py``)."""
    hints = typing.get_type_hints(cls, localns={"Output": pulumi.Output, "T": pulumi.output.T})
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def config_fields(
    cls: type, omit: frozenset[str] = frozenset()
) -> dict[str, dataclasses.Field[Any]]:
    """camelCase key -> field, for every field of ``cls`` not in ``omit``."""
    return {camel(f.name): f for f in dataclasses.fields(cls) if f.name not in omit}


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def expect_object(raw: Any, at: Location) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise at.error(f"expected an object, got {type(raw).__name__}")
    return raw


def only_known(raw: Mapping[str, Any], known: Sequence[str], at: Location) -> None:
    """Refuse an unknown key (a typo would silently keep the default)."""
    try:
        parsers.known_keys(raw, known, at.where)
    except InputError as exc:
        raise TenantConfigError(exc.field, exc.reason) from None


def read_values(
    cls: type,
    raw: Any,
    at: Location,
    *,
    omit: frozenset[str] = frozenset(),
    extra: Sequence[str] = (),
) -> dict[str, Any]:
    """The keyword arguments of ``cls`` found in the config object ``raw``, each type-checked;
    ``extra`` keys are allowed and left to the caller."""
    mapping = expect_object(raw, at)
    keys = config_fields(cls, omit)
    only_known(mapping, [*keys, *extra], at)
    hints = field_hints(cls)
    values: dict[str, Any] = {}
    for key, f in keys.items():
        value = mapping.get(key)
        if value is None or value == "":
            if _required(f):
                raise at.child(key).error("required, but not set")
            continue
        values[f.name] = read_value(hints[f.name], value, at.child(key))
    return values


def build(cls: type, values: Mapping[str, Any], at: Location) -> Any:
    """``cls(**values)``; its ``InputError`` said again at ``at`` in config spelling."""
    try:
        return cls(**values)
    except TenantConfigError:
        raise
    except InputError as exc:
        raise relocated(exc, at) from None


def relocated(exc: InputError, at: Location) -> TenantConfigError:
    """``exc`` (a field of the object built at ``at``) at its config path and spelling."""
    return TenantConfigError(join_field(at.where, camel(exc.local_field)), exc.spelled(camel))


def read_object(cls: type, raw: Any, at: Location) -> Any:
    """A dataclass read from config and built."""
    return build(cls, read_values(cls, raw, at), at)


def read_target(raw: Any, at: Location) -> DnsTarget:
    """A DNS target: ``type`` picks its class from the registry, the rest are its fields."""
    mapping = expect_object(raw, at)
    targets = config_targets()
    kind = read_value(str, mapping.get(TYPE_KEY), at.child(TYPE_KEY))
    if kind not in targets:
        raise at.child(TYPE_KEY).error(
            f"{kind!r} is not a DNS target; use one of {', '.join(sorted(targets))}"
        )
    cls = targets[kind]
    values = read_values(cls, mapping, at, extra=(TYPE_KEY,))
    target: DnsTarget = build(cls, values, at)
    return target


def read_value(hint: Any, raw: Any, at: Location) -> Any:
    """One value of type ``hint``: text, a whole number, a number, a list of text, an object."""
    if raw is None or raw == "":
        raise at.error("required, but not set")
    inner = _without_none(hint)
    if is_target_type(inner):
        return read_target(raw, at)
    if dataclasses.is_dataclass(inner) and isinstance(inner, type):
        return read_object(inner, raw, at)
    return _scalar(_kind(inner), raw, at)


def _scalar(kind: str, raw: Any, at: Location) -> Any:
    if kind == "text" and not isinstance(raw, str):
        raise at.error(f"expected text, got {type(raw).__name__}")
    if kind == "whole number" and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise at.error(f"expected a whole number, got {raw!r}")
    if kind == "number" and (isinstance(raw, bool) or not isinstance(raw, int | float)):
        raise at.error(f"expected a number, got {raw!r}")
    if kind == "true or false" and not isinstance(raw, bool):
        raise at.error(f"expected true or false, got {raw!r}")
    if kind == "list of text" and (
        not isinstance(raw, list) or not all(isinstance(item, str) for item in raw)
    ):
        raise at.error(f"expected a list of text, got {raw!r}")
    return raw


def _without_none(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, _UNION) and type(None) in typing.get_args(hint):
        return args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
    return hint


_UNION = type(int | None)


def _kind(hint: Any) -> str:
    """What a config value of annotation ``hint`` must be (``pulumi.Input[str]`` is text)."""
    if hint is bool:
        return "true or false"
    if hint is int:
        return "whole number"
    if hint is float:
        return "number"
    if typing.get_origin(hint) in (Sequence, list, tuple, typing.get_origin(Sequence[str])):
        return "list of text"
    if hint is str or str in typing.get_args(hint):
        return "text"
    raise TypeError(f"no config rule for the annotation {hint!r}; add one here")


def secret_keys() -> frozenset[str]:
    """The config keys whose values are secrets, from the ``SECRET`` field marks."""
    from okta_custom_domain.args import OktaCustomDomainArgs

    found: set[str] = set()
    for cls in _dataclasses_under(OktaCustomDomainArgs):
        found.update(camel(f.name) for f in dataclasses.fields(cls) if is_secret(f))
    return frozenset(found)


def _dataclasses_under(root: type) -> list[type]:
    """``root`` and every dataclass reachable from its fields (targets from the registry)."""
    seen: list[type] = []
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for hint in field_hints(cls).values():
            inner = _without_none(hint)
            if is_target_type(inner):
                todo.extend(config_targets().values())
            elif isinstance(inner, type) and dataclasses.is_dataclass(inner):
                todo.append(inner)
    return seen


def key_paths(cls: type, omit: frozenset[str] = frozenset()) -> list[str]:
    """Every config key under ``cls``, as a dotted path; a ``dns`` object holds ``type`` and
    the keys of every target in the registry."""
    hints = field_hints(cls)
    paths: list[str] = []
    for key, f in config_fields(cls, omit).items():
        paths.append(key)
        inner = _without_none(hints[f.name])
        if is_target_type(inner):
            nested = [TYPE_KEY, *(k for t in config_targets().values() for k in key_paths(t))]
        elif isinstance(inner, type) and dataclasses.is_dataclass(inner):
            nested = key_paths(inner)
        else:
            continue
        paths += [f"{key}.{sub}" for sub in dict.fromkeys(nested)]
    return paths
