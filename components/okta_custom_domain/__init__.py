"""Okta custom domain, from nothing to verified with a certificate, in one ``pulumi up``."""

from okta_custom_domain.args import (
    ManualCertificate,
    OktaCustomDomainArgs,
    OktaOrg,
    ReadinessOptions,
    VerificationOptions,
)
from okta_custom_domain.component import OktaCustomDomain
from okta_custom_domain.names import dns_record_name, normalize_fqdn
from okta_custom_domain.targets import CloudflareDns, ManualDns, Rfc2136Dns

__all__ = [
    "CloudflareDns",
    "ManualCertificate",
    "ManualDns",
    "OktaCustomDomain",
    "OktaCustomDomainArgs",
    "OktaOrg",
    "ReadinessOptions",
    "Rfc2136Dns",
    "VerificationOptions",
    "dns_record_name",
    "normalize_fqdn",
]
