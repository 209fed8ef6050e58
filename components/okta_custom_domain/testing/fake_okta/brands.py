"""The brands of the fake org: ``/api/v1/brands`` as Okta's spec describes it.

Every org has a default brand (``isDefault``; it cannot be deleted, 409 E0000200). Okta creates
a brand for each new custom URL domain (the real okta provider deletes that one after moving the
domain to the brand it was given); a brand a custom domain still uses cannot be deleted (409
E0000201). ``emailDomainId`` links a brand to its custom email domain.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from okta_custom_domain.testing.fake_okta.common import ApiError, Org
from okta_custom_domain.testing.fake_okta.domain import default_brand_id

RESERVED_NAME = "DRAPP_DOMAIN_BRAND"
_BOOLEANS = ("agreeToCustomPrivacyPolicy", "removePoweredByOkta")


@dataclass
class Brand:
    """One brand: its name, locale and the email domain it sends from (``None``: Okta's)."""

    id: str
    name: str
    is_default: bool = False
    email_domain_id: str | None = None
    locale: str = "en"
    remove_powered_by_okta: bool = False
    custom_privacy_policy_url: str | None = None


def _invalid(*causes: str) -> ApiError:
    return ApiError(400, "E0000001", "Api validation failed: brand", causes)


class Brands:
    """Every brand by id; ``domains_of`` answers which custom URL domains use a brand."""

    def __init__(
        self,
        org: Org,
        lock: threading.RLock,
        domains_of: Callable[[str], list[dict[str, Any]]],
        email_domain_exists: Callable[[str], bool],
    ) -> None:
        self._org = org
        self._lock = lock
        self._domains_of = domains_of
        self._email_domain_exists = email_domain_exists
        self.by_id: dict[str, Brand] = {}
        default = Brand(default_brand_id(org), f"{org.org_name} default", is_default=True)
        self.by_id[default.id] = default

    def get(self, brand_id: str) -> Brand:
        brand = self.by_id.get(brand_id)
        if brand is None:
            raise ApiError(404, "E0000007", f"Not found: Resource not found: {brand_id} (Brand)")
        return brand

    def exists(self, brand_id: str) -> bool:
        return brand_id in self.by_id

    def show(self, brand: Brand) -> dict[str, Any]:
        """``brand`` as the API shows it (``Brand``; the list and GET add nothing else here)."""
        body: dict[str, Any] = {
            "id": brand.id,
            "name": brand.name,
            "isDefault": brand.is_default,
            "locale": brand.locale,
            "removePoweredByOkta": brand.remove_powered_by_okta,
            "agreeToCustomPrivacyPolicy": brand.custom_privacy_policy_url is not None,
            "defaultApp": {},
        }
        if brand.custom_privacy_policy_url is not None:
            body["customPrivacyPolicyUrl"] = brand.custom_privacy_policy_url
        if brand.email_domain_id is not None:
            body["emailDomainId"] = brand.email_domain_id
        return body

    def with_links(self, brand: Brand) -> dict[str, Any]:
        """``BrandWithEmbedded``: the brand and its ``_links``."""
        href = f"{self._org.url}/api/v1/brands/{brand.id}"
        links: dict[str, Any] = {
            "self": {"href": href, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            "themes": {"href": f"{href}/themes", "hints": {"allow": ["GET"]}},
        }
        return {**self.show(brand), "_links": links}

    # -- requests --------------------------------------------------------------------------

    def list_all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self.with_links(b) for b in self.by_id.values()]

    def create_from_request(self, body: Any) -> dict[str, Any]:
        """``POST /api/v1/brands`` ``{name}``: 201; 409 E0000202 when the name is taken."""
        name = _name(body)
        with self._lock:
            if any(b.name == name for b in self.by_id.values()):
                raise ApiError(409, "E0000202", "Brand name already exists.")
            return self.show(self.create(name))

    def create(self, name: str) -> Brand:
        """A brand with no request (Okta's own, made for a new custom URL domain)."""
        with self._lock:
            brand = Brand("bnd" + secrets.token_hex(9), name)
            self.by_id[brand.id] = brand
            return brand

    def show_id(self, brand_id: str) -> dict[str, Any]:
        with self._lock:
            return self.with_links(self.get(brand_id))

    def replace(self, brand_id: str, body: Any) -> dict[str, Any]:
        """``PUT /api/v1/brands/{id}``: a replace, so an ``emailDomainId`` left out unlinks."""
        name = _name(body)
        assert isinstance(body, dict)
        email_domain_id = body.get("emailDomainId") or None
        url = body.get("customPrivacyPolicyUrl") or None
        if url is not None and body.get("agreeToCustomPrivacyPolicy") is not True:
            raise _invalid("agreeToCustomPrivacyPolicy: required with customPrivacyPolicyUrl")
        for key in _BOOLEANS:
            if key in body and body[key] is not None and not isinstance(body[key], bool):
                raise _invalid(f"{key}: must be true or false")
        with self._lock:
            brand = self.get(brand_id)
            if email_domain_id is not None and not self._email_domain_exists(email_domain_id):
                raise _invalid(f"emailDomainId: {email_domain_id} is not an email domain")
            if any(b.name == name and b.id != brand_id for b in self.by_id.values()):
                raise ApiError(409, "E0000202", "Brand name already exists.")
            brand.name = name
            brand.email_domain_id = email_domain_id
            brand.locale = str(body.get("locale") or brand.locale)
            brand.remove_powered_by_okta = bool(body.get("removePoweredByOkta"))
            brand.custom_privacy_policy_url = url
            return self.show(brand)

    def delete(self, brand_id: str) -> None:
        """``DELETE /api/v1/brands/{id}``: 409 for the default brand or one a domain uses."""
        with self._lock:
            brand = self.get(brand_id)
            if brand.is_default:
                raise ApiError(409, "E0000200", "A default brand cannot be deleted")
            if self._domains_of(brand_id):
                raise ApiError(
                    409, "E0000201", "A brand associated with a domain cannot be deleted"
                )
            del self.by_id[brand_id]

    def domains(self, brand_id: str) -> dict[str, Any]:
        """``GET /api/v1/brands/{id}/domains``: the custom URL domains using the brand."""
        with self._lock:
            self.get(brand_id)
            return {"domains": self._domains_of(brand_id)}

    def using_email_domain(self, email_domain_id: str) -> list[Brand]:
        with self._lock:
            return [b for b in self.by_id.values() if b.email_domain_id == email_domain_id]


def _name(body: Any) -> str:
    """A brand's ``name`` from a request body: required, not the reserved one."""
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object.")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _invalid("name: The field cannot be left blank.")
    if name == RESERVED_NAME:
        raise _invalid(f"name: {RESERVED_NAME} is reserved.")
    return name
