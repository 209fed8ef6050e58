"""The component host's reading of our argument dataclasses: derived from them, not copied.

Pulumi's component host (``pulumi.provider.experimental``, read in pulumi 3.272) infers the
schema from type annotations, and it wants of an argument type:

- annotations it can evaluate at run time (it calls ``inspect.get_annotations`` without
  ``eval_str``, so a module with ``from __future__ import annotations`` gives it strings);
- optional properties spelled ``Optional[...]`` or TypedDict ``NotRequired[...]``: it does not
  see dataclass defaults, so a field with a default would be *required* in the schema;
- no union other than ``X | None`` and no callables (``DnsTarget``, ``CustomDns.write``);
- descriptions as attribute docstrings, read from the class's source found by
  ``__module__``/``__qualname__``.

``view_of`` turns a dataclass into a TypedDict carrying the same module, qualified name and
docstring (so the descriptions are read from the dataclass's own source), the same fields
with resolved annotations, defaults as ``NotRequired``, and nested dataclasses as their views.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict, Union

import pulumi

from okta_custom_domain.args import (
    ManualCertificate,
    OktaCustomDomainArgs,
    OktaOrg,
    ReadinessOptions,
    VerificationOptions,
)
from okta_custom_domain.email_args import EmailVerificationOptions, OktaEmailDomainArgs
from okta_custom_domain.package.dns_choice import DnsTargetChoice
from okta_custom_domain.targets.registry import config_targets

NESTED: tuple[type, ...] = (
    *config_targets().values(),
    DnsTargetChoice,
    ManualCertificate,
    ReadinessOptions,
    VerificationOptions,
    EmailVerificationOptions,
    OktaOrg,
)
"""Every dataclass reachable from the package's arguments, each before its users."""
COMPONENT_ARGS: tuple[type, ...] = (OktaCustomDomainArgs, OktaEmailDomainArgs)
"""The arguments of each component the package serves."""

OVERRIDES: Mapping[tuple[type, str], type] = {
    (args, "dns"): DnsTargetChoice for args in COMPONENT_ARGS
}
"""Fields whose Python type the schema cannot express, and the type it takes instead."""


def is_optional(hint: Any) -> bool:
    """``X | None`` or ``Optional[X]``."""
    origin = typing.get_origin(hint)
    return origin in (Union, types.UnionType) and type(None) in typing.get_args(hint)


def without_none(hint: Any) -> Any:
    """``X`` for ``X | None``; an ``Input[str] | None`` (one flat union) stays ``Input[str]``."""
    rest = tuple(a for a in typing.get_args(hint) if a is not type(None))
    return rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 (a runtime tuple)


def has_default(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def field_types(cls: type) -> dict[str, Any]:
    """Each field's type as the package sees it (resolved, overrides applied)."""
    # pulumi.Input[T] holds a forward reference to "Output[T]", resolved in pulumi's namespace
    hints = typing.get_type_hints(cls, localns={"Output": pulumi.Output, "T": pulumi.output.T})
    return {f.name: OVERRIDES.get((cls, f.name), hints[f.name]) for f in dataclasses.fields(cls)}


def view_of(cls: type, views: Mapping[type, type]) -> type:
    """The TypedDict the component host analyzes in place of dataclass ``cls``."""
    fields: dict[str, Any] = {}
    defaults = {f.name: has_default(f) for f in dataclasses.fields(cls)}
    for name, hint in field_types(cls).items():
        optional = defaults[name] or is_optional(hint)
        inner = without_none(hint) if is_optional(hint) else hint
        inner = views.get(inner, inner)
        fields[name] = NotRequired[inner] if optional else inner
    # built at run time, which mypy cannot follow
    view: type = TypedDict(cls.__name__, fields)  # type: ignore[misc]
    return borrow_source(view, cls)


def borrow_source(alias: type, cls: type) -> type:
    """Make ``inspect.getsource(alias)`` find ``cls``'s source: module and qualified name (up
    to Python 3.12), ``__firstlineno__`` (3.13+); and take its docstring."""
    alias.__module__ = cls.__module__
    alias.__qualname__ = cls.__qualname__
    alias.__doc__ = cls.__doc__
    if "__firstlineno__" in vars(cls):
        alias.__firstlineno__ = cls.__firstlineno__  # type: ignore[attr-defined]
    return alias


def argument_views() -> dict[type, type]:
    """The views of every argument dataclass, the components' arguments last."""
    views: dict[type, type] = {}
    for cls in (*NESTED, *COMPONENT_ARGS):
        views[cls] = view_of(cls, views)
    return views
