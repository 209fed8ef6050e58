"""The keys of the ``okta-custom-domain:tenants`` config shape, as tables.

Read by the stack-config reader (``tenants.py``) and by the CLI's credential lookup (which
reads the same list from ``OKTA_CUSTOM_DOMAIN_TENANTS`` and must not import Pulumi), so an
unknown key is refused, with a suggestion, wherever the list is read.
"""

from __future__ import annotations

TENANT_KEYS = ("name", "okta", "cloudflare", "domains")
OKTA_KEYS = (
    "orgName", "baseUrl", "orgUrl", "apiToken", "clientId", "privateKey", "privateKeyId",
    "scopes", "httpProxy",
)  # fmt: skip
CLOUDFLARE_KEYS = ("apiToken",)
DOMAIN_KEYS = (
    "domain", "dns", "certificateSourceType", "certificate", "brandId", "waitFor", "readiness",
)  # fmt: skip
DNS_KEYS: dict[str, tuple[str, ...]] = {
    "cloudflare": ("type", "zoneId", "zoneName", "ttl"),
    "manual": ("type", "zone", "style", "ttl"),
    "rfc2136": ("type", "server", "zone", "keyName", "keySecret", "keyAlgorithm", "port", "ttl"),
}
READINESS_KEYS = ("timeout", "interval", "resolver", "dnsPort", "nameservers", "validatingResolver")
CERTIFICATE_KEYS = ("certificate", "certificateChain", "privateKey")
SECRET_KEYS = frozenset({"apiToken", "privateKey", "keySecret"})
"""The keys whose values are secrets (set with ``pulumi config set --secret``)."""
