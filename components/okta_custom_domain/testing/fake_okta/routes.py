"""Which part answers which API path: users/me, the System Log, domains, brands, email domains.

Every path is authorized first (SSWS token or an access token with the path's scope), as Okta
does, so a test of scopes sees a 403 before any validation error.
"""

from __future__ import annotations

from typing import Any

from okta_custom_domain.testing.fake_okta.brands import Brands
from okta_custom_domain.testing.fake_okta.common import ApiError, Org, one
from okta_custom_domain.testing.fake_okta.domains import Domains
from okta_custom_domain.testing.fake_okta.email_domains import EmailDomains
from okta_custom_domain.testing.fake_okta.oauth import (
    SCOPE_BRANDS_MANAGE,
    SCOPE_BRANDS_READ,
    SCOPE_EMAIL_MANAGE,
    SCOPE_EMAIL_READ,
    SCOPE_LOGS,
    SCOPE_MANAGE,
    SCOPE_READ,
    SCOPE_USERS_SELF,
    OAuth,
)
from okta_custom_domain.testing.fake_okta.system_log import SystemLog
from okta_custom_domain.testing.fake_okta.users import current_user

Answer = tuple[int, Any, dict[str, str]]
"""(status, JSON body or None, extra headers)."""


_NO_METHOD = "The endpoint does not support the method"
_NO_HTTP_METHOD = "The endpoint does not support the provided HTTP method"


class Api:
    """The ``/api/v1`` endpoints of the fake org."""

    def __init__(
        self,
        org: Org,
        oauth: OAuth,
        domains: Domains,
        log: SystemLog,
        brands: Brands,
        email_domains: EmailDomains,
    ) -> None:
        self._org = org
        self._oauth = oauth
        self._domains = domains
        self._log = log
        self._brands = brands
        self._email_domains = email_domains

    def route(
        self, method: str, path: str, query: dict[str, list[str]], auth: str | None, body: Any
    ) -> Answer:
        """The answer to an API request; ``ApiError`` for every failure."""
        parts = [p for p in path.split("/") if p]
        if parts == ["api", "v1", "users", "me"]:
            if method != "GET":
                raise ApiError(405, "E0000022", _NO_METHOD)
            self._oauth.authorize(auth, SCOPE_USERS_SELF)
            return 200, current_user(self._org), {}
        if parts[:3] == ["api", "v1", "brands"]:
            self._oauth.authorize(
                auth, SCOPE_BRANDS_READ if method == "GET" else SCOPE_BRANDS_MANAGE
            )
            return self._brand_call(method, parts[3:], body)
        if parts[:3] == ["api", "v1", "email-domains"]:
            self._oauth.authorize(auth, SCOPE_EMAIL_READ if method == "GET" else SCOPE_EMAIL_MANAGE)
            return self._email_domain_call(method, parts[3:], one(query, "expand"), body)
        if parts[:3] != ["api", "v1", "domains"] and parts[:3] != ["api", "v1", "logs"]:
            raise ApiError(404, "E0000022", f"The endpoint does not support the method: {path}")
        if parts[2] == "logs":
            return self._logs(method, parts, query, auth)
        self._oauth.authorize(auth, SCOPE_READ if method == "GET" else SCOPE_MANAGE)
        return self._domain_call(method, parts[3:], body)

    def _logs(
        self, method: str, parts: list[str], query: dict[str, list[str]], auth: str | None
    ) -> Answer:
        """``GET /api/v1/logs``, with a ``Link: rel="next"`` header as Okta sends it."""
        if method != "GET" or len(parts) != 3:
            raise ApiError(405, "E0000022", _NO_METHOD)
        self._oauth.authorize(auth, SCOPE_LOGS)
        events, next_query = self._log.page(query)
        headers = {}
        if next_query is not None:
            headers["Link"] = f'<{self._org.url}/api/v1/logs?{next_query}>; rel="next"'
        return 200, events, headers

    def _domain_call(self, method: str, rest: list[str], body: Any) -> Answer:
        """``/api/v1/domains`` and below; ``rest`` is the path after ``domains``."""
        domains = self._domains
        match method, rest:
            case "GET", []:
                return 200, domains.show_all(), {}
            case "POST", []:
                return 201, domains.create_from_request(body), {}
            case "GET", [domain_id]:
                return 200, domains.show_id(domain_id), {}
            case "DELETE", [domain_id]:
                domains.delete(domain_id)
                return 204, None, {}
            case "PUT", [domain_id]:
                return 200, domains.set_brand(domain_id, body), {}
            case "POST", [domain_id, "verify"]:
                return 200, domains.verify(domain_id), {}
            case "PUT", [domain_id, "certificate"]:
                domains.upload_certificate(domain_id, body)
                return 204, None, {}
        raise ApiError(405, "E0000022", _NO_HTTP_METHOD)

    def _brand_call(self, method: str, rest: list[str], body: Any) -> Answer:
        """``/api/v1/brands`` and below."""
        brands = self._brands
        match method, rest:
            case "GET", []:
                return 200, brands.list_all(), {}
            case "POST", []:
                return 201, brands.create_from_request(body), {}
            case "GET", [brand_id]:
                return 200, brands.show_id(brand_id), {}
            case "PUT", [brand_id]:
                return 200, brands.replace(brand_id, body), {}
            case "DELETE", [brand_id]:
                brands.delete(brand_id)
                return 204, None, {}
            case "GET", [brand_id, "domains"]:
                return 200, brands.domains(brand_id), {}
        raise ApiError(405, "E0000022", _NO_HTTP_METHOD)

    def _email_domain_call(
        self, method: str, rest: list[str], expand: str | None, body: Any
    ) -> Answer:
        """``/api/v1/email-domains`` and below."""
        emails = self._email_domains
        match method, rest:
            case "GET", []:
                return 200, emails.list_all(expand), {}
            case "POST", []:
                return 200, emails.create_from_request(body), {}
            case "GET", [email_domain_id]:
                return 200, emails.show_id(email_domain_id, expand), {}
            case "PUT", [email_domain_id]:
                return 200, emails.replace(email_domain_id, body), {}
            case "DELETE", [email_domain_id]:
                emails.delete(email_domain_id)
                return 204, None, {}
            case "POST", [email_domain_id, "verify"]:
                return 200, emails.verify(email_domain_id), {}
        raise ApiError(405, "E0000022", _NO_HTTP_METHOD)
