"""Okta custom domain, from nothing to verified with a certificate, in one ``pulumi up``."""

from okta_custom_domain.names import dns_record_name, normalize_fqdn

__all__ = ["dns_record_name", "normalize_fqdn"]
