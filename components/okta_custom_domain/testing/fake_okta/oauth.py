"""OAuth for the fake org: service apps, their signed client assertions, access tokens, scopes.

``POST /oauth2/v1/token`` checks a ``private_key_jwt`` assertion the way Okta does (issuer and
subject are the client id, audience the token endpoint, a ``jti`` used once) and grants only
scopes the app was given; ``authorize`` then admits an SSWS API token or one of those tokens.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from okta_custom_domain.testing.fake_okta.common import ApiError, Org, one

SCOPE_READ = "okta.domains.read"
SCOPE_MANAGE = "okta.domains.manage"
SCOPE_LOGS = "okta.logs.read"
SCOPE_USERS_SELF = "okta.users.read.self"
SCOPE_BRANDS_READ = "okta.brands.read"
SCOPE_BRANDS_MANAGE = "okta.brands.manage"
SCOPE_EMAIL_READ = "okta.emailDomains.read"
SCOPE_EMAIL_MANAGE = "okta.emailDomains.manage"
DEFAULT_SCOPES = (SCOPE_READ, SCOPE_MANAGE, SCOPE_LOGS)
_ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
_JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_TOKEN_LIFETIME = 3600


@dataclass
class ServiceApp:
    """An API service app: the public key its assertions are signed with, its granted scopes."""

    client_id: str
    public_key_pem: str = field(repr=False)
    key_id: str | None
    scopes: tuple[str, ...]


def _fail(error: str, description: str, status: int = 401) -> ApiError:
    """An OAuth error (``error``/``error_description`` in the body, not an Okta error code)."""
    return ApiError(status, error, description)


class OAuth:
    """The token endpoint and the check of every API request's ``Authorization`` header."""

    def __init__(self, org: Org, lock: threading.RLock) -> None:
        self._org = org
        self._lock = lock
        self.apps: dict[str, ServiceApp] = {}
        self.access_tokens: dict[str, tuple[str, float, tuple[str, ...]]] = {}
        self._used_jti: set[str] = set()

    def register(
        self, client_id: str, public_key_pem: str, key_id: str | None, scopes: tuple[str, ...]
    ) -> None:
        """Accept assertions of ``client_id`` signed by the key of ``public_key_pem``."""
        serialization.load_pem_public_key(public_key_pem.encode())
        with self._lock:
            self.apps[client_id] = ServiceApp(client_id, public_key_pem, key_id, tuple(scopes))

    def issue_token(self, form: dict[str, list[str]]) -> dict[str, Any]:
        """The token response for a client-credentials form; ``ApiError`` with the OAuth error."""
        if one(form, "grant_type") != "client_credentials":
            raise _fail("unsupported_grant_type", "grant_type must be client_credentials", 400)
        if one(form, "client_assertion_type") != _JWT_BEARER:
            raise _fail("invalid_client", "client_assertion_type must be jwt-bearer")
        app, claims = self._verified_assertion(one(form, "client_assertion") or "")
        self._use_jti(str(claims.get("jti", "")))
        scopes = tuple((one(form, "scope") or "").split())
        if not scopes or not set(scopes) <= set(app.scopes):
            raise _fail(
                "invalid_scope",
                "The following scopes are not granted: "
                + " ".join(sorted(set(scopes) - set(app.scopes)) or ["(none requested)"]),
                400,
            )
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.access_tokens[token] = (
                app.client_id,
                self._org.now() + _TOKEN_LIFETIME,
                scopes,
            )
        return {
            "token_type": "Bearer",
            "expires_in": _TOKEN_LIFETIME,
            "access_token": token,
            "scope": " ".join(scopes),
        }

    def _verified_assertion(self, assertion: str) -> tuple[ServiceApp, dict[str, Any]]:
        """The app that signed ``assertion`` and its verified claims."""
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise _fail("invalid_client", "The client_assertion is not a JWT.") from None
        client_id = str(claims.get("iss", ""))
        with self._lock:
            app = self.apps.get(client_id)
        if app is None:
            raise _fail("invalid_client", "The client_id is not registered.")
        if app.key_id and header.get("kid") != app.key_id:
            raise _fail("invalid_client", "The client_assertion kid does not match a key.")
        try:
            verified: dict[str, Any] = jwt.decode(
                assertion,
                app.public_key_pem,
                algorithms=_ASSERTION_ALGORITHMS,
                audience=f"{self._org.url}/oauth2/v1/token",
                options={"require": ["exp", "iat", "iss", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise _fail("invalid_client", "The client_assertion token is expired.") from None
        except jwt.InvalidAudienceError:
            audience = "The audience claim must be the token endpoint."
            raise _fail("invalid_client", audience) from None
        except jwt.PyJWTError as exc:
            raise _fail("invalid_client", f"The client_assertion is invalid: {exc}") from None
        if verified.get("sub") != client_id:
            raise _fail("invalid_client", "The sub claim must equal the client_id.")
        return app, verified

    def _use_jti(self, jti: str) -> None:
        """Spend ``jti``: Okta refuses an assertion it has seen before."""
        with self._lock:
            if not jti or jti in self._used_jti:
                raise _fail("invalid_client", "The client_assertion jti was already used.")
            self._used_jti.add(jti)

    def authorize(self, header: str | None, needed_scope: str) -> None:
        """Admit the SSWS API token, or a live access token with ``needed_scope`` (manage
        implies read, for every kind); 401 E0000011 or 403 E0000006 otherwise."""
        if (
            header
            and header.startswith("SSWS ")
            and secrets.compare_digest(header[5:].strip(), self._org.api_token)
        ):
            return
        if header and header.startswith("Bearer "):
            with self._lock:
                entry = self.access_tokens.get(header[7:].strip())
            if entry is not None and entry[1] > self._org.now():
                if needed_scope not in entry[2] and not (
                    needed_scope.endswith(".read")
                    and needed_scope.removesuffix(".read") + ".manage" in entry[2]
                ):
                    raise ApiError(
                        403,
                        "E0000006",
                        "You do not have permission to perform the requested action",
                    )
                return
        raise ApiError(401, "E0000011", "Invalid token provided")
