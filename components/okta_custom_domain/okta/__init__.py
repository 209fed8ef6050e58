"""Okta custom-domain API access: client, credentials, verification (no Pulumi imports here).

The Pulumi dynamic resource lives in ``okta_custom_domain.okta.verification_provider``.
"""

from okta_custom_domain.okta.auth import ApiToken, OAuthServiceApp
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.credentials import (
    CredentialsError,
    OktaCredentials,
    resolve_credentials,
)
from okta_custom_domain.okta.errors import OktaApiError, OktaTransportError
from okta_custom_domain.okta.models import LogEvent, OktaDnsRecord, OktaDomain, PublicCertificate
from okta_custom_domain.okta.org_settings import (
    OKTA_SETTING_KEYS,
    OktaOrgSettings,
    read_org_settings,
    resolve_org_url,
)
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.okta.verification import (
    TxtValueRegenerated,
    VerificationError,
    VerificationProgress,
    VerificationTimeout,
    verify_and_wait,
)

__all__ = [
    "OKTA_SETTING_KEYS",
    "ApiToken",
    "CredentialsError",
    "LogEvent",
    "OAuthServiceApp",
    "OktaApiError",
    "OktaCredentials",
    "OktaDnsRecord",
    "OktaDomain",
    "OktaDomainsClient",
    "OktaOrgSettings",
    "OktaTransportError",
    "PublicCertificate",
    "TxtValueRegenerated",
    "VerificationError",
    "VerificationProgress",
    "VerificationTimeout",
    "org_url_from",
    "read_org_settings",
    "resolve_credentials",
    "resolve_org_url",
    "verify_and_wait",
]
