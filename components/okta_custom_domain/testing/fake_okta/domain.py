"""One custom domain as the fake keeps it, and as Okta's API shows it.

The list shows a domain without ``dnsRecords`` (the live service does, unlike its spec); only
an OKTA_MANAGED domain's TXT record has an ``expiration``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from okta_custom_domain.testing.fake_okta.common import Org


@dataclass
class Domain:
    """A custom domain: its status, the TXT value it waits for, its brand and certificate."""

    id: str
    domain: str
    certificate_source_type: str
    brand_id: str
    validation_status: str = "NOT_STARTED"
    txt_value: str = ""
    txt_expiration: str = ""
    verified_at: float | None = None
    certificate: dict[str, str] | None = None
    certificate_uploaded: bool = False

    @property
    def txt_fqdn(self) -> str:
        managed = self.certificate_source_type == "OKTA_MANAGED"
        prefix = "_acme-challenge" if managed else "_oktaverification"
        return f"{prefix}.{self.domain}"


def new_txt_value(source: str) -> str:
    """A fresh TXT value: 32 hex for MANUAL, an ACME-style token for OKTA_MANAGED."""
    if source == "MANUAL":
        return secrets.token_hex(16)
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def domain_json(d: Domain, org: Org, *, full: bool) -> dict[str, Any]:
    """``d`` as Okta's API shows it; ``full`` (GET, create, verify) adds the DNS records."""
    body: dict[str, Any] = {
        "id": d.id,
        "domain": d.domain,
        "certificateSourceType": d.certificate_source_type,
        "validationStatus": d.validation_status,
        "brandId": d.brand_id,
        "_links": {
            "self": {"href": f"{org.url}/api/v1/domains/{d.id}"},
            "verify": {"href": f"{org.url}/api/v1/domains/{d.id}/verify"},
            "brand": {"href": f"{org.url}/api/v1/brands/{d.brand_id}"},
        },
    }
    if full:
        txt: dict[str, Any] = {"recordType": "TXT", "fqdn": d.txt_fqdn, "values": [d.txt_value]}
        if d.certificate_source_type == "OKTA_MANAGED":
            txt["expiration"] = d.txt_expiration
        body["dnsRecords"] = [
            txt,
            {"recordType": "CNAME", "fqdn": d.domain, "values": [org.cname_target]},
        ]
    if d.certificate:
        body["publicCertificate"] = dict(d.certificate)
    return body


def default_domain_json(org: Org) -> dict[str, Any]:
    """The org's own ``<org>.okta.com`` domain, listed first as ``default``."""
    return {
        "id": "default",
        "domain": org.org_host,
        "certificateSourceType": "OKTA_MANAGED",
        "validationStatus": "COMPLETED",
        "brandId": default_brand_id(org),
    }


def default_brand_id(org: Org) -> str:
    """The org's default brand: a string like every ``brandId`` (never null, as in the spec)."""
    return "bnd" + hashlib.sha256(org.org_name.encode()).hexdigest()[:17]
