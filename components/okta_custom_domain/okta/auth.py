"""The two ways the Okta provider authenticates: an API token, or an OAuth 2.0 service app.

The credential objects build the ``Authorization`` header; they do no HTTP themselves (the
client posts the token request through its own retrying session) and never show a secret in
``repr``/``str``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from okta_custom_domain.parsers import InputError

DEFAULT_SCOPES: tuple[str, ...] = ("okta.domains.read", "okta.domains.manage")
LOGS_SCOPE = "okta.logs.read"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Refresh an access token this many seconds before Okta says it expires.
EXPIRY_MARGIN = 60.0
#: Lifetime of a client assertion (Okta accepts at most one hour).
ASSERTION_LIFETIME = 300


class OktaAuth(Protocol):
    """What the client needs from a credential."""

    kind: str

    def cached_header(self, now: float) -> str | None:
        """The ``Authorization`` value, or None when a token must be fetched first."""

    def invalidate(self) -> None:
        """Forget a cached access token (after Okta answered 401)."""


@dataclass
class ApiToken:
    """An Okta API token, sent as ``Authorization: SSWS <token>``."""

    token: str = field(repr=False)
    kind: str = field(default="api_token", init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.token, str) or not self.token.strip():
            raise InputError("apiToken", "an Okta API token is required (it is empty)")
        if any(ch.isspace() for ch in self.token.strip()):
            raise InputError("apiToken", "the Okta API token contains white space; paste it again")
        self.token = self.token.strip()

    def cached_header(self, now: float) -> str | None:
        return f"SSWS {self.token}"

    def invalidate(self) -> None:
        """An API token cannot be refreshed."""

    def __repr__(self) -> str:
        return "ApiToken(token=<redacted>)"

    __str__ = __repr__


@dataclass
class OAuthServiceApp:
    """An OAuth 2.0 service app using ``private_key_jwt`` and the client-credentials grant."""

    client_id: str
    private_key: str = field(repr=False)
    key_id: str | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    kind: str = field(default="oauth", init=False)
    algorithm: str = field(default="RS256", init=False, repr=False)
    _access_token: str | None = field(default=None, init=False, repr=False)
    _expires_at: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.client_id, str) or not self.client_id.strip():
            raise InputError("clientId", "the OAuth service app's client id is required")
        self.client_id = self.client_id.strip()
        self.scopes = tuple(self.scopes) or DEFAULT_SCOPES
        self.algorithm = signing_algorithm(self.private_key)

    def cached_header(self, now: float) -> str | None:
        if self._access_token and now < self._expires_at - EXPIRY_MARGIN:
            return f"Bearer {self._access_token}"
        return None

    def invalidate(self) -> None:
        self._access_token = None
        self._expires_at = 0.0

    def token_request_form(self, token_url: str, now: float) -> dict[str, str]:
        """The form body for ``POST /oauth2/v1/token`` with a fresh client assertion."""
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": token_url,
            "iat": int(now),
            "exp": int(now) + ASSERTION_LIFETIME,
            "jti": uuid.uuid4().hex,
        }
        headers = {"kid": self.key_id} if self.key_id else None
        assertion = jwt.encode(claims, self.private_key, algorithm=self.algorithm, headers=headers)
        return {
            "grant_type": "client_credentials",
            "scope": " ".join(self.scopes),
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": assertion,
        }

    def store_token(self, body: Any, now: float) -> str:
        """Keep the access token from the token endpoint's answer; return the header value."""
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ValueError("the Okta token endpoint answered without an access_token")
        token_type = str(body.get("token_type") or "Bearer")
        if token_type.lower() != "bearer":
            raise ValueError(
                f"the Okta token endpoint issued a {token_type!r} token; this client supports "
                "Bearer tokens only (turn off DPoP for the service app)"
            )
        try:
            expires_in = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            expires_in = 3600.0
        self._access_token = body["access_token"]
        self._expires_at = now + expires_in
        return f"Bearer {self._access_token}"

    def with_scopes(self, extra: Sequence[str]) -> OAuthServiceApp:
        """A copy that also asks for ``extra`` scopes (e.g. okta.logs.read)."""
        scopes = tuple(dict.fromkeys([*self.scopes, *extra]))
        return OAuthServiceApp(self.client_id, self.private_key, self.key_id, scopes)

    def __repr__(self) -> str:
        return (
            f"OAuthServiceApp(client_id={self.client_id!r}, private_key=<redacted>, "
            f"key_id={self.key_id!r}, scopes={' '.join(self.scopes)!r})"
        )

    __str__ = __repr__


def signing_algorithm(private_key_pem: str) -> str:
    """The JWS algorithm for a PEM private key: RS256 for RSA, ES256/384/512 for EC."""
    if not isinstance(private_key_pem, str) or "-----BEGIN" not in private_key_pem:
        raise InputError(
            "privateKey",
            "expected a PEM private key ('-----BEGIN PRIVATE KEY-----' ...); "
            "set the key's contents (or a path to the file) as a secret"
        )
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        # The exception text from cryptography never contains key material.
        raise InputError(
            "privateKey",
            f"the PEM private key cannot be read ({type(exc).__name__}); "
            "give an unencrypted PKCS#8 or PKCS#1 RSA or EC key"
        ) from None
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = key.curve.key_size
        return {256: "ES256", 384: "ES384", 521: "ES512"}.get(size, "ES256")
    raise InputError("privateKey", "Okta service apps accept RSA or EC keys only")
