"""The program behind ``__main__.py``: one Okta provider per org, one component per domain
(URL or email), and the tenant's brand when the stack creates it.

Secrets from config (API tokens, private keys) are wrapped in ``Output.secret`` before they
reach any resource, so they stay encrypted in state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_okta as okta

from okta_custom_domain.component import OktaCustomDomain, adoption_of
from okta_custom_domain.email_component import OktaEmailDomain
from okta_custom_domain.okta.org_settings import OktaOrgSettings
from okta_custom_domain.tenants import CONFIG_KEY, TenantConfig, parse_tenants


def _secret(value: str | None) -> pulumi.Output[str] | None:
    return None if value is None else pulumi.Output.secret(value)


def okta_provider(name: str, org: OktaOrgSettings) -> okta.Provider:
    """An explicit provider per org, so one program can serve many Okta orgs."""
    return okta.Provider(
        name,
        org_name=org.org_name,
        base_url=org.base_url if org.org_name else None,
        api_token=_secret(org.api_token),
        client_id=org.client_id,
        private_key=_secret(org.private_key),
        private_key_id=org.private_key_id,
        scopes=list(org.scopes) or None,
        http_proxy=org.http_proxy,
    )


def cloudflare_provider(tenant_name: str, api_token: str) -> pulumi.ProviderResource:
    """The tenant's own Cloudflare provider. ``pulumi_cloudflare`` is imported here, not with
    this module: importing it takes about a second (every resource module of the SDK), which
    a program without Cloudflare (and each fleet worker) would pay for nothing."""
    import pulumi_cloudflare as cloudflare

    return cloudflare.Provider(
        f"cloudflare-{tenant_name}", api_token=pulumi.Output.secret(api_token)
    )


def build_program(tenants: Sequence[TenantConfig]) -> dict[str, Any]:
    """Create every tenant's resources; return what the stack exports, keyed by tenant.

    Every adopted domain is looked up first: one that does not exist stops the program before
    any resource is declared."""
    for tenant in tenants:
        for domain in tenant.domains:
            if domain.args.okta_org.org_url is not None:
                adoption_of(domain.args, domain.args.okta_org.org_url)
    exports: dict[str, Any] = {}
    org_providers: dict[str, okta.Provider] = {}
    for tenant in tenants:
        provider = org_providers.get(tenant.okta.org_url)
        if provider is None:
            provider = okta_provider(f"okta-{tenant.name}", tenant.okta)
            org_providers[tenant.okta.org_url] = provider
        providers: list[pulumi.ProviderResource] = [provider]
        if tenant.cloudflare_api_token is not None:
            providers.append(cloudflare_provider(tenant.name, tenant.cloudflare_api_token))
        tenant_exports: dict[str, Any] = {}
        brand_id = tenant_brand(tenant, provider)
        for domain in tenant.domains:
            args = domain.args
            if args.brand_id is None and brand_id is not None:
                args = dataclasses.replace(args, brand_id=brand_id)
            component = OktaCustomDomain(
                domain.resource_name,
                args,
                opts=pulumi.ResourceOptions(providers=providers),
            )
            tenant_exports[domain.args.domain] = {
                "domain_id": component.domain_id,
                "validation_status": component.validation_status,
                "certificate_expiration": component.certificate_expiration,
                "cname_target": component.cname_target,
                "dns_records": component.dns_records,
                "registrar_rows": component.registrar_rows,
            }
        for email in tenant.email_domains:
            assert brand_id is not None  # the config check requires a brand
            mail = OktaEmailDomain(
                email.resource_name,
                dataclasses.replace(email.args, brand_id=brand_id),
                opts=pulumi.ResourceOptions(providers=providers),
            )
            tenant_exports[f"email:{email.args.domain}"] = {
                "email_domain_id": mail.email_domain_id,
                "validation_status": mail.validation_status,
                "dns_records": mail.dns_records,
                "registrar_rows": mail.registrar_rows,
            }
        exports[tenant.name] = tenant_exports
    return exports


def tenant_brand(tenant: TenantConfig, provider: okta.Provider) -> pulumi.Input[str] | None:
    """The tenant's brand id: the one configured, or the brand this stack creates."""
    if tenant.brand is None:
        return None
    if tenant.brand.brand_id is not None:
        return tenant.brand.brand_id
    brand = okta.Brand(
        f"{tenant.name}-brand",
        name=tenant.brand.name,
        opts=pulumi.ResourceOptions(provider=provider),
    )
    return brand.id


def main() -> None:
    """Read and validate the config (before anything is created), build, export."""
    raw = pulumi.Config().get_object(CONFIG_KEY)
    tenants = parse_tenants(raw)
    for tenant_name, value in build_program(tenants).items():
        pulumi.export(tenant_name, value)
