"""One input schema: stack config reaches every field of the Python API, and the example and
the README name exactly the keys the schema has.

The message tests here were written before the schema-derived reader and failed on the reader
it replaced (the path written twice, under a key the user never wrote).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from okta_custom_domain.config_reader import TenantConfigError
from okta_custom_domain.parsers import InputError
from okta_custom_domain.tenants import config_key_paths, parse_tenants

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "00SECRET-okta-token-value-0123456789abcdef"
ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353"


def tenants(**domain: Any) -> list[dict[str, Any]]:
    base = {"domain": "login.acme.com", "dns": {"type": "cloudflare", "zoneId": ZONE_ID}}
    return [
        {
            "name": "acme",
            "okta": {"orgName": "acme", "apiToken": TOKEN},
            "domains": [{**base, **domain}],
        }
    ]


def args_of(config: list[dict[str, Any]]) -> Any:
    return parse_tenants(config)[0].domains[0].args


# -- fields that stack config could not set before ------------------------------------------


def test_cloudflare_comment_is_reachable_from_stack_config() -> None:
    dns = {"type": "cloudflare", "zoneId": ZONE_ID, "comment": "owned by team identity"}
    assert args_of(tenants(dns=dns)).dns.comment == "owned by team identity"


def test_verification_timeout_is_reachable_from_stack_config() -> None:
    assert args_of(tenants(verification={"timeout": 600})).verification.timeout == 600.0


def test_verification_poll_interval_is_reachable_from_stack_config() -> None:
    args = args_of(tenants(verification={"pollInterval": 30}))
    assert args.verification.poll_interval == 30.0


def test_wait_for_short_form_and_the_verification_object_agree() -> None:
    short = args_of(tenants(waitFor="VERIFIED")).verification
    full = args_of(tenants(verification={"waitFor": "VERIFIED"})).verification
    assert short == full and short.wait_for == "VERIFIED"


def test_wait_for_given_twice_is_refused() -> None:
    config = tenants(waitFor="VERIFIED", verification={"waitFor": "COMPLETED"})
    with pytest.raises(TenantConfigError, match=r"domains\[0\]\.waitFor: verification\.waitFor is set too"):
        parse_tenants(config)


# -- messages that said the path twice, under a key the user never wrote ----------------------


@pytest.mark.parametrize(
    ("domain", "field", "reason"),
    [
        ({"domain": 123}, "tenants[0] (acme).domains[0].domain", "expected text, got int"),
        (
            {"readiness": {"timeout": "ten minutes"}},
            "tenants[0] (acme).domains[0].readiness.timeout",
            "expected a number, got 'ten minutes'",
        ),
        (
            {"readiness": {"timeOut": 600}},
            "tenants[0] (acme).domains[0].readiness.timeOut",
            "unknown key; did you mean `timeout`?",
        ),
        (
            {"verification": {"pollInterval": -1}},
            "tenants[0] (acme).domains[0].verification.pollInterval",
            "-1 must be a positive number of seconds",
        ),
        (
            {"dns": {"type": "cloudflare", "zoneId": ZONE_ID, "comment": 7}},
            "tenants[0] (acme).domains[0].dns.comment",
            "expected text, got int",
        ),
    ],
)
def test_a_config_error_names_its_path_once(domain: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_tenants(tenants(**domain))
    assert raised.value.field == field
    assert raised.value.reason.startswith(reason)
    assert str(raised.value).count("domains[0]") == 1


def test_a_certificate_error_is_located_under_certificate_in_config_spelling() -> None:
    config = tenants(
        certificateSourceType="MANUAL",
        certificate={"certificate": "x", "certificateChain": "  ", "privateKey": "k"},
    )
    with pytest.raises(InputError) as raised:
        parse_tenants(config)
    assert raised.value.field == "tenants[0] (acme).domains[0].certificate.certificateChain"
    assert "certificate_chain" not in str(raised.value)


# -- the example and the README name exactly the schema's keys --------------------------------


def leaves(paths: set[str] | frozenset[str]) -> set[str]:
    """The keys that hold values (``okta.apiToken``), not objects (``okta``)."""
    return {p for p in paths if not any(q.startswith((f"{p}.", f"{p}[]")) for q in paths)}


def yaml_paths(value: Any, prefix: str = "") -> set[str]:
    """The key paths in a YAML value, lists as ``[]``; ``{secure: ...}`` is a value."""
    found: set[str] = set()
    if isinstance(value, dict) and set(value) != {"secure"}:
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            found.add(path)
            found |= yaml_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                found |= yaml_paths(item, f"{prefix}[]")
    return found


def test_the_example_shows_exactly_the_schemas_keys() -> None:
    example = yaml.safe_load((ROOT / "Pulumi.example.yaml").read_text())
    shown = yaml_paths(example["config"]["okta-custom-domain:tenants"])
    shown = {p.removeprefix("[].") for p in shown}
    assert leaves(shown) == leaves(config_key_paths())


def readme_table_keys() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Stack config shape", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {key for row in rows for key in re.findall(r"`([^`]+)`", row.split(" | ")[0])}


def test_the_readme_table_names_exactly_the_schemas_keys() -> None:
    assert readme_table_keys() == leaves(config_key_paths())


def test_the_key_checks_can_fail() -> None:
    """A key the schema lacks, or one it has that a document omits, is a difference."""
    keys = leaves(config_key_paths())
    assert leaves({*keys, "domains[].dns.zoneid"}) != keys
    example = yaml.safe_load((ROOT / "Pulumi.example.yaml").read_text())
    trimmed = copy.deepcopy(example["config"]["okta-custom-domain:tenants"])
    del trimmed[1]["okta"]["scopes"]
    shown = {p.removeprefix("[].") for p in yaml_paths(trimmed)}
    assert "okta.scopes" in keys - leaves(shown)
