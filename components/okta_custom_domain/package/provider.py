"""The component provider every language talks to: ``OktaCustomDomain`` and ``OktaEmailDomain``
behind Pulumi's component host, with a schema inferred from the Python arguments.

Two things the host cannot express are added here, each from the one definition:
- the class it analyzes takes the arguments' views (``views``) and builds the real arguments
  from the host's dicts (``inputs``) before running the Python component unchanged;
- ``secret: true`` on properties whose dataclass field carries ``field_marks.SECRET`` (the host
  has no secret marker), and descriptions cleaned of docstring indentation.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case

from okta_custom_domain.args import OktaCustomDomainArgs
from okta_custom_domain.component import OktaCustomDomain
from okta_custom_domain.email_args import OktaEmailDomainArgs
from okta_custom_domain.email_component import OktaEmailDomain
from okta_custom_domain.field_marks import is_secret
from okta_custom_domain.package import dns_choice
from okta_custom_domain.package.dns_choice import DnsTargetChoice
from okta_custom_domain.package.inputs import args_from_inputs
from okta_custom_domain.package.views import NESTED, argument_views, borrow_source

PACKAGE_NAME = "okta-custom-domain"


def hosted_component(
    component: type[pulumi.ComponentResource] = OktaCustomDomain,
    args_cls: type = OktaCustomDomainArgs,
) -> type[pulumi.ComponentResource]:
    """``component`` as the host analyzes and constructs it.

    Same name, module and qualified name as the Python class, so the schema's resource is
    ``okta-custom-domain:index:<name>`` and the output descriptions are read from the
    component's module; its ``args`` annotation is the arguments' view.
    """
    args_view = argument_views()[args_cls]

    def __init__(  # becomes the hosted class's __init__
        self: pulumi.ComponentResource,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        component.__init__(self, name, args_from_inputs(args, args_cls), opts)  # type: ignore[arg-type]

    __init__.__annotations__ = {"args": args_view, "return": None}
    hosted = type(component.__name__, (component,), {"__init__": __init__})
    return borrow_source(hosted, component)


HOSTED: tuple[tuple[type[pulumi.ComponentResource], type], ...] = (
    (OktaCustomDomain, OktaCustomDomainArgs),
    (OktaEmailDomain, OktaEmailDomainArgs),
)
"""Each component the package serves, with its arguments."""


def secret_properties() -> dict[str, set[str]]:
    """Schema type name -> the camelCase properties marked ``SECRET`` in the dataclasses."""
    return {
        cls.__name__: {camel_case(f.name) for f in dataclasses.fields(cls) if is_secret(f)}
        for cls in NESTED
    }


def finish_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Mark secret properties secret; clean docstring indentation out of descriptions."""
    secrets = secret_properties()
    for token, spec in schema.get("types", {}).items():
        for name, prop in spec.get("properties", {}).items():
            if name in secrets.get(token.rsplit(":", 1)[-1], set()):
                prop["secret"] = True
    choice = schema.get("types", {}).get(f"{PACKAGE_NAME}:index:{DnsTargetChoice.__name__}", {})
    for name, description in dns_choice.descriptions().items():
        choice.get("properties", {}).get(name, {}).setdefault("description", description)
    _clean_descriptions(schema)
    return schema


def _clean_descriptions(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            node["description"] = inspect.cleandoc(node["description"])
        for value in node.values():
            _clean_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            _clean_descriptions(value)


def package_version() -> str:
    return metadata.version(PACKAGE_NAME)


class OktaCustomDomainProvider(ComponentProvider):
    """The host's ``ComponentProvider`` with the finished schema."""

    def __init__(self) -> None:
        hosted = [hosted_component(component, args) for component, args in HOSTED]
        super().__init__(hosted, PACKAGE_NAME, None, package_version())
        assert self.schema is not None
        self.schema = json.dumps(finish_schema(json.loads(self.schema)), indent=2)
