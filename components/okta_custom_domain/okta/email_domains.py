"""The email-domain and brand calls, on the same transport (retries, auth) as the domains client.

An email domain's four records are whatever ``dnsValidationRecords`` says (names and values):
nothing here builds one by hand. ``EMAIL_SCOPES`` are the OAuth scopes these calls need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from okta_custom_domain.okta.client import OktaDomainsClient, _segment
from okta_custom_domain.okta.errors import OktaApiError

EMAIL_SCOPES: tuple[str, ...] = (
    "okta.emailDomains.read",
    "okta.emailDomains.manage",
    "okta.brands.read",
    "okta.brands.manage",
)
"""What the email domain's verification and brand link ask for (when scopes are not set)."""
EMAIL_STATUSES = ("NOT_STARTED", "POLLING", "VERIFIED", "ERROR", "DELETED")


@dataclass(frozen=True)
class EmailRecord:
    """One record of ``dnsValidationRecords``: ``TXT`` or ``CNAME``, its name and value."""

    record_type: str
    fqdn: str
    value: str


@dataclass(frozen=True)
class OktaEmailDomain:
    """A custom email domain as Okta reports it."""

    id: str
    domain: str
    validation_status: str | None = None
    validation_subdomain: str | None = None
    display_name: str | None = None
    user_name: str | None = None
    records: list[EmailRecord] = field(default_factory=list)

    @classmethod
    def from_json(cls, body: Any) -> OktaEmailDomain:
        if not isinstance(body, Mapping):
            raise OktaApiError(f"Okta answered with an unexpected body ({type(body).__name__})")
        records = [
            EmailRecord(
                str(r.get("recordType") or "").upper(),
                str(r.get("fqdn") or "").rstrip(".").lower(),
                str(r.get("verificationValue") or ""),
            )
            for r in body.get("dnsValidationRecords") or []
            if isinstance(r, Mapping)
        ]
        return cls(
            id=str(body.get("id") or ""),
            domain=str(body.get("domain") or "").rstrip(".").lower(),
            validation_status=_text(body.get("validationStatus")),
            validation_subdomain=_text(body.get("validationSubdomain")),
            display_name=_text(body.get("displayName")),
            user_name=_text(body.get("userName")),
            records=records,
        )


class OktaEmailDomainsClient(OktaDomainsClient):
    """``/api/v1/email-domains`` and the ``/api/v1/brands`` calls the brand link needs."""

    def __enter__(self) -> OktaEmailDomainsClient:
        return self

    def list_email_domains(self) -> list[OktaEmailDomain]:
        """Every email domain of the org (with its records)."""
        body = self._json("GET", "/api/v1/email-domains")
        items = body if isinstance(body, list) else []
        return [OktaEmailDomain.from_json(item) for item in items if isinstance(item, Mapping)]

    def create_email_domain(
        self, domain: str, brand_id: str, display_name: str, user_name: str
    ) -> OktaEmailDomain:
        """``POST /api/v1/email-domains`` (Okta links the brand to it)."""
        body = {"domain": domain, "brandId": brand_id, "displayName": display_name,
                "userName": user_name}  # fmt: skip
        return OktaEmailDomain.from_json(self._json("POST", "/api/v1/email-domains", json=body))

    def get_email_domain(self, email_domain_id: str) -> OktaEmailDomain:
        path = f"/api/v1/email-domains/{_segment(email_domain_id)}"
        return OktaEmailDomain.from_json(self._json("GET", path))

    def verify_email_domain(self, email_domain_id: str) -> OktaEmailDomain:
        """Ask Okta to check the records; it answers VERIFIED or starts POLLING DNS."""
        path = f"/api/v1/email-domains/{_segment(email_domain_id)}/verify"
        return OktaEmailDomain.from_json(self._json("POST", path))

    def get_brand(self, brand_id: str) -> dict[str, Any]:
        body = self._json("GET", f"/api/v1/brands/{_segment(brand_id)}")
        if not isinstance(body, dict):
            raise OktaApiError(f"Okta answered with an unexpected body ({type(body).__name__})")
        return body

    def set_brand_email_domain(self, brand_id: str, email_domain_id: str | None) -> None:
        """Replace the brand with its own settings and ``email_domain_id`` (``None``: Okta's
        default sender). ``PUT`` is a replace, so every setting is sent back as read."""
        brand = self.get_brand(brand_id)
        body = {k: v for k, v in brand.items() if k in _BRAND_REQUEST_KEYS and v is not None}
        body.pop("emailDomainId", None)
        if email_domain_id is not None:
            body["emailDomainId"] = email_domain_id
        self._json("PUT", f"/api/v1/brands/{_segment(brand_id)}", json=body)


_BRAND_REQUEST_KEYS = (
    "name",
    "agreeToCustomPrivacyPolicy",
    "customPrivacyPolicyUrl",
    "defaultApp",
    "emailDomainId",
    "locale",
    "removePoweredByOkta",
)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
