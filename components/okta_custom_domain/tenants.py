"""Parse the multi-tenant stack config into validated component arguments.

All checks run before any resource is created, and every error names the tenant and the
field, e.g. ``tenants[1] (globex).domains[0].dns.zone: ...``. A domain's keys are its
``OktaCustomDomainArgs`` fields in camelCase (``config_reader``), so a field added to the
Python API is reachable here without an edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from okta_custom_domain import parsers
from okta_custom_domain.args import OktaCustomDomainArgs, OktaOrg, VerificationOptions
from okta_custom_domain.config_reader import (
    Location,
    TenantConfigError,
    build,
    camel,
    expect_object,
    key_paths,
    only_known,
    read_value,
    read_values,
    secret_keys,
)
from okta_custom_domain.okta.org_settings import (
    OKTA_SETTING_KEYS,
    SETTINGS,
    OktaOrgSettings,
    read_org_settings,
)
from okta_custom_domain.parsers import InputError

CONFIG_KEY = "tenants"
"""The project config key (``okta-custom-domain:tenants``) that holds the tenant list."""

TENANT_KEYS = ("name", "okta", "cloudflare", "domains")
CLOUDFLARE_KEYS = ("apiToken",)
"""A tenant's ``cloudflare`` object: its token, a secret, for the tenant's own provider."""
CLOUDFLARE_TOKEN = re.compile(r"[0-9A-Za-z\-_]{40,80}")
"""The shape pulumi-cloudflare 6.x accepts (its schema refuses anything else at preview)."""
WAIT_FOR_KEY = "waitFor"
"""A domain's shorthand for ``verification.waitFor`` (the key stacks have always used)."""
DOMAIN_OMITTED = frozenset({"okta_org"})
"""``OktaCustomDomainArgs`` fields a domain does not set: the tenant's ``okta`` gives them."""


@dataclass(frozen=True)
class DomainConfig:
    """One custom domain of a tenant, ready to become an ``OktaCustomDomain``."""

    resource_name: str
    args: OktaCustomDomainArgs


@dataclass(frozen=True)
class TenantConfig:
    """One tenant: its Okta org, optional Cloudflare token, and its domains."""

    name: str
    okta: OktaOrgSettings
    cloudflare_api_token: str | None = field(default=None, repr=False)
    domains: tuple[DomainConfig, ...] = ()


def _okta_org(raw: Any, at: Location) -> OktaOrgSettings:
    """The tenant's ``okta`` object, read by the one reader the verifier and the CLIs share."""
    if raw is None:
        raise at.error("required, but not set")
    try:
        return read_org_settings(expect_object(raw, at), where=at.where, path=at.path)
    except InputError as exc:
        raise TenantConfigError(exc.field, exc.reason) from None


def _certificate_source(values: Mapping[str, Any], at: Location) -> None:
    """certificateSourceType and the certificate object go together (said in config terms)."""
    source = values.get("certificateSourceType")
    has_certificate = values.get("certificate") is not None
    if source == "MANUAL" and not has_certificate:
        raise at.child("certificate").error(
            "certificateSourceType MANUAL needs a certificate object with certificate, "
            "certificateChain and privateKey (PEM; privateKey as a secret)"
        )
    if source in (None, "OKTA_MANAGED") and has_certificate:
        raise at.child("certificate").error(
            "Okta obtains the certificate for OKTA_MANAGED domains; remove certificate or set "
            "certificateSourceType to MANUAL"
        )


def _verification(
    raw: Mapping[str, Any], values: dict[str, Any], at: Location
) -> VerificationOptions:
    """``verification``, with the domain's ``waitFor`` shorthand folded in."""
    options: VerificationOptions = values.get("verification", VerificationOptions())
    wait_for = raw.get(WAIT_FOR_KEY)
    if wait_for is None:
        return options
    if raw.get("verification", {}).get(camel("wait_for")) is not None:
        raise at.child(WAIT_FOR_KEY).error(
            "verification.waitFor is set too; keep one of them (verification.waitFor)"
        )
    try:
        checked = parsers.wait_for(wait_for, WAIT_FOR_KEY)
    except InputError as exc:
        raise at.child(exc.field).error(exc.reason) from None
    return VerificationOptions(
        wait_for=checked, timeout=options.timeout, poll_interval=options.poll_interval
    )


def _domain(raw: Any, at: Location, tenant: str, org: OktaOrgSettings) -> DomainConfig:
    values = read_values(OktaCustomDomainArgs, raw, at, omit=DOMAIN_OMITTED, extra=[WAIT_FOR_KEY])
    mapping = expect_object(raw, at)
    _certificate_source(mapping, at)
    values["verification"] = _verification(mapping, values, at)
    values["okta_org"] = OktaOrg(org_url=org.api_url, credentials_tenant=tenant)
    args: OktaCustomDomainArgs = build(OktaCustomDomainArgs, values, at)
    label = args.domain.replace(".", "-")
    return DomainConfig(resource_name=f"{tenant}-{label}", args=args)


def _items(raw: Mapping[str, Any], key: str, at: Location) -> list[Any]:
    items = raw.get(key)
    if not isinstance(items, list) or not items:
        raise at.child(key).error("give a non-empty list")
    return items


def _cloudflare_token(raw: Any, at: Location) -> str | None:
    """The tenant's Cloudflare token, of the shape the provider takes (never shown back)."""
    if raw is None:
        return None
    cloudflare = expect_object(raw, at)
    only_known(cloudflare, CLOUDFLARE_KEYS, at)
    token: str = read_value(str, cloudflare.get("apiToken"), at.child("apiToken"))
    if not CLOUDFLARE_TOKEN.fullmatch(token):
        raise at.child("apiToken").error(
            f"is not a Cloudflare API token ({len(token)} characters; a token is 40 to 80 of "
            "A-Z, a-z, 0-9, '-' and '_'); copy the whole token from the Cloudflare dashboard "
            "(My Profile > API Tokens) and set it with `pulumi config set --secret --path`"
        )
    return token


def _tenant(item: Any, index: int, seen: set[str], seen_domains: dict[str, str]) -> TenantConfig:
    at = Location(f"{CONFIG_KEY}[{index}]", f"{CONFIG_KEY}[{index}]")
    raw = expect_object(item, at)
    only_known(raw, TENANT_KEYS, at)
    name = str(read_value(str, raw.get("name"), at.child("name")))
    if not name.replace("-", "").isalnum():
        raise at.child("name").error(f"{name!r} may hold only letters, digits and '-'")
    at = Location(f"{at.where} ({name})", at.path)
    if name in seen:
        raise at.child("name").error(f"tenant {name!r} appears twice")
    seen.add(name)
    org = _okta_org(raw.get("okta"), at.child("okta"))
    cloudflare_token = _cloudflare_token(raw.get("cloudflare"), at.child("cloudflare"))
    domains = []
    for d_index, d_item in enumerate(_items(raw, "domains", at)):
        d_at = at.child(f"domains[{d_index}]")
        domain = _domain(d_item, d_at, name, org)
        owner = seen_domains.get(domain.args.domain)
        if owner is not None:
            raise d_at.child("domain").error(
                f"{domain.args.domain!r} is already configured by {owner}; a domain can belong "
                "to one tenant only"
            )
        seen_domains[domain.args.domain] = f"tenant {name!r}"
        domains.append(domain)
    return TenantConfig(name, org, cloudflare_token, tuple(domains))


def parse_tenants(raw: Any) -> list[TenantConfig]:
    """Validate the whole tenant list; raise ``TenantConfigError`` at the first mistake."""
    if isinstance(raw, Mapping) or not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise TenantConfigError(
            CONFIG_KEY, "give a non-empty list of tenants (see Pulumi.example.yaml)"
        )
    seen: set[str] = set()
    seen_domains: dict[str, str] = {}
    return [_tenant(item, index, seen, seen_domains) for index, item in enumerate(raw)]


def secret_config_keys() -> frozenset[str]:
    """The keys whose values are secrets (set with ``pulumi config set --secret``): the
    ``SECRET`` fields of the arguments, the Okta credentials and the Cloudflare token."""
    okta = {setting.key for setting in SETTINGS if setting.secret}
    return secret_keys() | okta | set(CLOUDFLARE_KEYS)


def config_key_paths() -> frozenset[str]:
    """Every key a tenant entry may hold, as a path (``domains[].dns.zoneId``): what
    ``Pulumi.example.yaml`` and the README's config table must show."""
    paths = {*TENANT_KEYS}
    paths |= {f"okta.{key}" for key in OKTA_SETTING_KEYS}
    paths |= {f"cloudflare.{key}" for key in CLOUDFLARE_KEYS}
    domain = {WAIT_FOR_KEY, *key_paths(OktaCustomDomainArgs, omit=DOMAIN_OMITTED)}
    return frozenset(paths | {f"domains[].{key}" for key in domain})
