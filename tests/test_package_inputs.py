"""The component package's two halves that need no CLI: the schema views and the inputs.

The views are what Pulumi's component host analyzes (derived from the argument dataclasses);
``args_from_inputs`` turns the host's dicts back into those dataclasses, so every check of the
Python API applies to every language. The CLI-level tests are in tests/engine/.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import typing
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from okta_custom_domain.args import OktaCustomDomainArgs, ReadinessOptions
from okta_custom_domain.package.dns_choice import DnsTargetChoice
from okta_custom_domain.package.inputs import args_from_inputs
from okta_custom_domain.package.provider import hosted_component, secret_properties
from okta_custom_domain.package.views import NESTED, argument_views
from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets import ManualDns, Rfc2136Dns
from pulumi.runtime import rpc


@pytest.fixture(autouse=True)
def _event_loop() -> Iterator[None]:
    """Outputs need an event loop; earlier tests may have closed theirs."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    pending = asyncio.all_tasks(loop)  # an Output's own tasks, finished before the loop closes
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    asyncio.set_event_loop(None)
    loop.close()


SECRET = "c2VjcmV0LXRzaWcta2V5LWZvci10ZXN0cw=="
RFC2136 = {"server": "127.0.0.1", "zone": "example.com", "key_name": "k", "key_secret": SECRET}


def test_every_dataclass_field_is_in_its_view_and_defaults_are_not_required() -> None:
    views = argument_views()
    for cls in (*NESTED, OktaCustomDomainArgs):
        view = views[cls]
        assert (view.__name__, view.__module__, view.__qualname__) == (
            cls.__name__, cls.__module__, cls.__qualname__
        ), "the host reads descriptions from the source found by module and qualified name"
        fields = {f.name: f for f in dataclasses.fields(cls)}
        assert set(inspect.get_annotations(view)) == set(fields)
        required = {
            name for name, f in fields.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        assert set(typing.cast(Any, view).__required_keys__) <= required


def test_the_dns_union_is_offered_as_a_choice_without_custom_dns() -> None:
    views = argument_views()
    assert inspect.get_annotations(views[OktaCustomDomainArgs])["dns"] is views[DnsTargetChoice]
    assert [f.name for f in dataclasses.fields(DnsTargetChoice)] == ["cloudflare", "rfc2136", "manual"]


def test_secret_fields_come_from_the_dataclass_marks() -> None:
    marked = {name: props for name, props in secret_properties().items() if props}
    assert marked == {"Rfc2136Dns": {"keySecret"}, "ManualCertificate": {"privateKey"}}


def test_the_hosted_class_is_the_python_component_under_its_own_name() -> None:
    from okta_custom_domain.component import OktaCustomDomain

    hosted = hosted_component()
    assert issubclass(hosted, OktaCustomDomain)
    assert (hosted.__name__, hosted.__module__) == ("OktaCustomDomain", OktaCustomDomain.__module__)


def test_inputs_become_the_python_arguments_with_defaults_numbers_and_secrets() -> None:
    dns = {"rfc2136": {**RFC2136, "key_secret": rpc.wrap_rpc_secret(SECRET), "port": 5353.0}}
    args = args_from_inputs({"domain": "Login.Example.com", "dns": dns})
    assert type(args.dns) is Rfc2136Dns
    assert args.dns.port == 5353 and isinstance(args.dns.port, int)
    assert isinstance(args.dns.key_secret, pulumi.Output), "a wrapped secret stays a secret"
    assert args.domain == "login.example.com"
    assert args.readiness == ReadinessOptions()


def test_nested_options_are_built_and_checked() -> None:
    args = args_from_inputs({
        "domain": "login.example.com",
        "dns": {"manual": {"zone": "example.com", "style": "fqdn"}},
        "readiness": {"nameservers": ["127.0.0.1:5300"], "timeout": 60.0},
    })
    assert args.dns == ManualDns(zone="example.com", style="fqdn")
    assert args.readiness.timeout == 60.0
    with pytest.raises(InputError, match=r"ManualDns\.style"):
        args_from_inputs({"domain": "login.example.com", "dns": {"manual": {"zone": "example.com", "style": "x"}}})


@pytest.mark.parametrize(
    "dns",
    [{}, {"manual": {"zone": "example.com"}, "rfc2136": RFC2136}],
    ids=["none", "two"],
)
def test_exactly_one_dns_target(dns: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="dns: set exactly one of cloudflare, rfc2136 or manual"):
        args_from_inputs({"domain": "login.example.com", "dns": dns})


def test_an_object_that_is_an_output_is_refused_naming_the_field() -> None:
    with pytest.raises(InputError, match=r"^dns: must be an object known"):
        args_from_inputs({"domain": "login.example.com", "dns": pulumi.Output.from_input({})})
