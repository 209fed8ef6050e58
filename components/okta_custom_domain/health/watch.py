"""Gather and check every configured domain: one Okta client per tenant, one DNS check per
domain (its CNAME on every authoritative server, and the CAA set that applies, climbing past
the zone cut as Let's Encrypt does: the readiness checker, unchanged).

The domains come from the tenants list (a stack's ``okta-custom-domain:tenants`` or a fleet's
tenants file), read by the program's own parser; each tenant's credentials are resolved as
the component resolves them. A tenant whose org cannot be asked gets its domains marked, and
the others are still checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from okta_custom_domain.health.checks import (
    Check,
    Level,
    brand_check,
    caa_check,
    certificate_check,
    cname_check,
    not_checked,
    status_check,
)
from okta_custom_domain.okta import CredentialsError, OktaApiError, OktaTransportError
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.credentials import TENANTS_KEY, resolve_credentials
from okta_custom_domain.okta.models import OktaDomain
from okta_custom_domain.okta.verification import expected_records_of
from okta_custom_domain.readiness.blocking import run_sync
from okta_custom_domain.readiness.checker import ReadinessChecker
from okta_custom_domain.readiness.options import CheckOptions, make_options
from okta_custom_domain.readiness.records import RecordError, parse_records
from okta_custom_domain.tenants import DomainConfig, TenantConfig

RETRY_BUDGET = 20.0
"""Seconds an org's 429/5xx/unreachable answers are retried before its domains are marked:
a scheduled job reports a down org and tries again on its next run."""


@dataclass
class DomainHealth:
    """One configured domain and its checks; its level is the worst of them."""

    tenant: str
    domain: str
    org_url: str | None
    checks: list[Check] = field(default_factory=list)

    @property
    def level(self) -> Level:
        return max((c.level for c in self.checks), default=Level.OK)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "domain": self.domain,
            "org_url": self.org_url,
            "level": self.level.word,
            "exit_code": int(self.level),
            "checks": {c.name: c.to_dict() for c in self.checks},
        }


def dns_options(config: DomainConfig, override: Mapping[str, Any]) -> CheckOptions:
    """The domain's own readiness settings (where its servers are), flags given on the
    command line taking their place."""
    readiness = config.args.readiness
    options: dict[str, Any] = {
        "resolver": readiness.resolver,
        "dns_port": readiness.dns_port,
        "nameservers": readiness.nameservers,
        "validating_resolver": readiness.validating_resolver,
    }
    options.update({k: v for k, v in override.items() if v is not None})
    return make_options(**options)


def check_domain(
    okta: OktaDomain | None,
    config: DomainConfig,
    options: CheckOptions,
    *,
    now: datetime,
    warn_days: int,
) -> list[Check]:
    """Every check of one domain, from its Okta object (None: not at Okta)."""
    domain = config.args.domain
    status = status_check(domain, okta)
    if okta is None:
        why = "the domain is not at Okta"
        return [status, *(not_checked(n, why) for n in ("certificate", "caa", "cname", "brand"))]
    checks = [status, certificate_check(okta, now, warn_days)]
    try:
        cname = [r for r in parse_records(expected_records_of(okta)) if r.rtype == "CNAME"]
    except RecordError as exc:
        cname = []
        checks.append(not_checked("dns", f"Okta's dnsRecords cannot be checked: {exc}"))
    if cname:
        report = run_sync(ReadinessChecker(cname, options).check())
        checks += [caa_check(okta, report), cname_check(report)]
    else:
        checks += [not_checked("caa", "no CNAME at Okta"), not_checked("cname", "none at Okta")]
    brand = config.args.brand_id  # plain text when read from config
    checks.append(brand_check(okta, brand if isinstance(brand, str) else None))
    return checks


def check_tenant(
    tenant: TenantConfig,
    raw_tenants: Sequence[Any],
    env: Mapping[str, str],
    *,
    now: datetime,
    warn_days: int,
    dns_override: Mapping[str, Any],
    retry_budget: float = RETRY_BUDGET,
) -> list[DomainHealth]:
    """Every domain of ``tenant``; an org that cannot be asked marks all of them failing."""
    results = [DomainHealth(tenant.name, d.args.domain, None) for d in tenant.domains]

    def config_get(key: str) -> Any:
        return list(raw_tenants) if key == TENANTS_KEY else None

    try:
        credentials = resolve_credentials(config_get, env, tenant=tenant.name, org_url=None)
        client = OktaDomainsClient(
            credentials.org_url, credentials.auth, retry_budget=retry_budget
        )
        with client:
            for result, config in zip(results, tenant.domains, strict=True):
                result.org_url = credentials.org_url
                okta = client.find_domain(config.args.domain)
                options = dns_options(config, dns_override)
                result.checks = check_domain(okta, config, options, now=now, warn_days=warn_days)
    except (CredentialsError, OktaApiError, OktaTransportError) as exc:
        reason = f"Okta could not be asked ({type(exc).__name__}: {str(exc).splitlines()[0]})"
        failed = Check("okta_status", Level.FAILING, reason)
        return [replace(r, checks=r.checks or [failed]) for r in results]
    return results


__all__ = ["DomainHealth", "check_domain", "check_tenant", "dns_options"]
