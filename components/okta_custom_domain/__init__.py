"""Okta custom domain, from nothing to verified with a certificate, in one ``pulumi up``.

Exports load lazily: the dynamic-provider host and the CLI import submodules of this package,
and should not pay for ``pulumi_okta``/``pulumi_cloudflare`` (seconds) unless they use them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okta_custom_domain.args import (
        ManualCertificate,
        OktaCustomDomainArgs,
        OktaOrg,
        ReadinessOptions,
        VerificationOptions,
    )
    from okta_custom_domain.component import OktaCustomDomain
    from okta_custom_domain.email_args import EmailVerificationOptions, OktaEmailDomainArgs
    from okta_custom_domain.email_component import OktaEmailDomain
    from okta_custom_domain.names import dns_record_name, normalize_fqdn
    from okta_custom_domain.targets import (
        CloudflareDns,
        CustomDns,
        DnsRecord,
        ManualDns,
        RecordWriter,
        Rfc2136Dns,
    )

_EXPORTS = {
    "CloudflareDns": "targets",
    "CustomDns": "targets",
    "DnsRecord": "targets",
    "EmailVerificationOptions": "email_args",
    "ManualCertificate": "args",
    "ManualDns": "targets",
    "OktaCustomDomain": "component",
    "OktaCustomDomainArgs": "args",
    "OktaEmailDomain": "email_component",
    "OktaEmailDomainArgs": "email_args",
    "OktaOrg": "args",
    "RecordWriter": "targets",
    "ReadinessOptions": "args",
    "Rfc2136Dns": "targets",
    "VerificationOptions": "args",
    "dns_record_name": "names",
    "normalize_fqdn": "names",
}
__all__ = [
    "CloudflareDns",
    "CustomDns",
    "DnsRecord",
    "EmailVerificationOptions",
    "ManualCertificate",
    "ManualDns",
    "OktaCustomDomain",
    "OktaCustomDomainArgs",
    "OktaEmailDomain",
    "OktaEmailDomainArgs",
    "OktaOrg",
    "ReadinessOptions",
    "RecordWriter",
    "Rfc2136Dns",
    "VerificationOptions",
    "dns_record_name",
    "normalize_fqdn",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'okta_custom_domain' has no attribute {name!r}")
    return getattr(importlib.import_module(f"okta_custom_domain.{module}"), name)
