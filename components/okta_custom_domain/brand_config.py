"""A tenant's brand and email domains in the stack config, and the scopes they need.

``brand`` is ``{id: bnd...}`` (an existing brand) or ``{name: Acme}`` (created with
``okta.Brand``); the tenant's URL domains without a ``brandId`` and all its ``emailDomains``
belong to it. Everything is checked before anything exists, including that an OAuth service
app asks for the scopes the real okta provider and the verifier will need: moving a new domain
to a brand deletes the brand Okta made for it (``okta.brands.manage``, refused after the domain
already exists otherwise), and an email domain needs ``okta.emailDomains.manage``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from okta_custom_domain.args import OktaOrg
from okta_custom_domain.config_reader import (
    Location,
    build,
    expect_object,
    only_known,
    read_value,
    read_values,
)
from okta_custom_domain.email_args import OktaEmailDomainArgs
from okta_custom_domain.okta.auth import DEFAULT_SCOPES
from okta_custom_domain.okta.org_settings import OktaOrgSettings, parse_scopes
from okta_custom_domain.parsers import InputError

BRAND_KEY = "brand"
BRAND_KEYS = ("id", "name")
EMAIL_OMITTED = frozenset({"okta_org", "brand_id"})
"""``OktaEmailDomainArgs`` fields an email domain entry does not set: the tenant gives them."""
PENDING_BRAND = "brand-created-by-this-stack"
"""Stands for the id of the brand the program creates, until ``program`` puts its Output in."""
BRANDS_MANAGE = "okta.brands.manage"
EMAIL_DOMAINS_MANAGE = "okta.emailDomains.manage"


@dataclass(frozen=True)
class BrandConfig:
    """An existing brand (``brand_id``) or one the program creates (``name``)."""

    brand_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class EmailDomainConfig:
    """One custom email domain of a tenant, ready to become an ``OktaEmailDomain``."""

    resource_name: str
    args: OktaEmailDomainArgs


def read_brand(raw: Any, at: Location) -> BrandConfig | None:
    """The tenant's ``brand``: exactly one of ``id`` and ``name``."""
    if raw is None:
        return None
    mapping = expect_object(raw, at)
    only_known(mapping, BRAND_KEYS, at)
    given = {key: mapping.get(key) for key in BRAND_KEYS if mapping.get(key) not in (None, "")}
    if len(given) != 1:
        raise at.error(
            "give exactly one of id (an existing brand, bnd...) or name (a brand this stack "
            "creates)"
        )
    key, value = next(iter(given.items()))
    text = str(read_value(str, value, at.child(key))).strip()
    return BrandConfig(brand_id=text) if key == "id" else BrandConfig(name=text)


def read_email_domain(
    raw: Any,
    at: Location,
    tenant: str,
    org: OktaOrg,
    brand: BrandConfig | None,
    brand_at: Location,
) -> EmailDomainConfig:
    """One ``emailDomains[]`` entry: its fields, the tenant's org and brand."""
    if brand is None:
        raise brand_at.error(
            "required with emailDomains: an Okta email domain belongs to a brand; give "
            "brand.id (an existing brand) or brand.name (created by this stack)"
        )
    values = read_values(OktaEmailDomainArgs, raw, at, omit=EMAIL_OMITTED)
    values["okta_org"] = org
    values["brand_id"] = brand.brand_id or PENDING_BRAND
    args: OktaEmailDomainArgs = build(OktaEmailDomainArgs, values, at)
    label = args.domain.replace(".", "-")
    return EmailDomainConfig(resource_name=f"{tenant}-mail-{label}", args=args)


def missing_scopes(scopes: Sequence[str], *, branded: bool, emails: bool) -> str | None:
    """Why a service app asking for ``scopes`` (none: the default ``okta.domains.*``) cannot
    do what a brand or email domains need, naming the scopes; None when it can."""
    needed = []
    if branded or emails:
        needed.append(BRANDS_MANAGE)
    if emails:
        needed.append(EMAIL_DOMAINS_MANAGE)
    asked = set(scopes or DEFAULT_SCOPES)
    missing = [scope for scope in needed if scope not in asked]
    if not missing:
        return None
    why = (
        "a URL domain moved to a brand makes the okta provider delete the brand Okta created "
        "for it, and the email domain's brand link replaces the brand"
        if BRANDS_MANAGE in missing
        else "the email domain is created and verified through the email-domains API"
    )
    return (
        f"the service app must ask for {' and '.join(missing)}: {why}. Add "
        f"{', '.join(missing)} to the scopes (with the scopes already there) and grant "
        "them to the app in the Admin Console (Applications > the app > Okta API Scopes)"
    )


def required_scopes(
    org: OktaOrgSettings, okta_at: Location, *, branded: bool, emails: bool
) -> None:
    """Refuse a service app whose scopes lack what the brand or email domains need.

    An API token acts with its admin's roles, so only OAuth (``clientId``) is checked; its
    scopes default to ``okta.domains.*``. The check names the missing scope rather than
    asking for it silently: a scope the app was not granted fails at the token endpoint.
    """
    if org.client_id is None:
        return
    reason = missing_scopes(org.scopes, branded=branded, emails=emails)
    if reason is not None:
        raise okta_at.child("scopes").error(reason)


def provider_scopes(
    config_get: Callable[[str], Any], env: Mapping[str, str], *, emails: bool
) -> None:
    """``required_scopes`` for a program on the Okta provider's own config (``okta:*`` or
    ``OKTA_*``): ``InputError`` on ``okta:scopes`` naming what is missing."""
    if config_get("apiToken") or env.get("OKTA_API_TOKEN"):
        return
    if not (config_get("clientId") or env.get("OKTA_API_CLIENT_ID")):
        return
    scopes = parse_scopes(config_get("scopes") or env.get("OKTA_API_SCOPES"), "okta:scopes")
    reason = missing_scopes(scopes, branded=True, emails=emails)
    if reason is not None:
        raise InputError("okta:scopes", reason)
