"""How the Okta plugin double reaches Okta: provider config to org URL and credential, then HTTP.

It follows terraform-provider-okta (``okta/config/config.go``, ``okta/provider/provider.go``,
``okta/api/idaas.go``): config keys fall back to the same ``OKTA_*`` env vars; the org URL is
``https://<orgName>.<baseUrl>`` unless ``httpProxy`` is set, which then replaces it for every
call (an ``http://`` proxy turns the HTTPS check off, which is what lets it talk to FakeOkta);
credentials are tried as access token, then API token (``SSWS``), then private key (OAuth 2.0
client credentials with a ``private_key_jwt`` assertion, built by our own ``OAuthServiceApp``).
Unlike the real clients it never retries (the real default backs off 30 s and more on a 429).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests

from okta_custom_domain.okta.auth import OAuthServiceApp
from okta_custom_domain.testing.plugins.base import DoubleError, contains_unknown

CONFIG_ENV = {
    "orgName": "OKTA_ORG_NAME",
    "baseUrl": "OKTA_BASE_URL",
    "apiToken": "OKTA_API_TOKEN",
    "accessToken": "OKTA_ACCESS_TOKEN",
    "clientId": "OKTA_API_CLIENT_ID",
    "privateKey": "OKTA_API_PRIVATE_KEY",
    "privateKeyId": "OKTA_API_PRIVATE_KEY_ID",
    "httpProxy": "OKTA_HTTP_PROXY",
}
"""Provider config keys and the env var each falls back to (config.go ``NewConfig``)."""
CONFLICTS = {
    "accessToken": ("apiToken", "clientId", "scopes", "privateKey"),
    "apiToken": ("accessToken", "clientId", "scopes", "privateKey"),
    "clientId": ("accessToken", "apiToken"),
    "scopes": ("accessToken", "apiToken"),
    "privateKey": ("accessToken", "apiToken"),
    "privateKeyId": ("apiToken",),
}
"""``ConflictsWith`` of the provider schema (provider.go), in Pulumi names."""
CONFIG_KEYS = (
    "orgName", "baseUrl", "apiToken", "clientId", "privateKey", "privateKeyId", "scopes",
    "accessToken", "httpProxy", "backoff", "minWaitSeconds", "maxWaitSeconds", "maxRetries",
    "parallelism", "requestTimeout", "maxApiCapacity", "logLevel",
)  # fmt: skip
"""Every key of the provider schema (pulumi-okta 7.0.1), in Pulumi names."""
ENGINE_KEYS = ("version", "pluginDownloadURL")
"""Keys the engine adds to a provider's inputs; the bridge drops them before validating."""
NO_CREDENTIALS = (
    "[ERROR] no Okta credentials provided. Please set one of the following: "
    "'api_token' (or OKTA_API_TOKEN env var), "
    "'access_token' (or OKTA_ACCESS_TOKEN env var), or "
    "'private_key' + 'client_id' (or OKTA_API_PRIVATE_KEY + OKTA_API_CLIENT_ID env vars). "
    "See https://registry.terraform.io/providers/okta/okta/latest/docs for more information"
    " (Pulumi config: okta:apiToken, okta:accessToken, or okta:privateKey + okta:clientId"
    " + okta:scopes)"
)
"""The real provider's message, with the Pulumi config keys added."""
PRIVATE_KEY_INCOMPLETE = (
    "[ERROR] failed to load sdk clients: failed to initialize IDaaS API client: when using "
    "AuthorizationMode 'PrivateKey', you must supply 'ClientId', 'Scopes', and 'PrivateKey'"
)
"""The Okta SDK's config validation, as the real provider reports it."""


def config_value(config: Mapping[str, Any], key: str, environ: Mapping[str, str]) -> str:
    """A config value as text (the engine may send any scalar as a string); env var fallback."""
    value = config.get(key)
    if value is None or value == "":
        env = CONFIG_ENV.get(key)
        return environ.get(env, "") if env else ""
    return value if isinstance(value, str) else json.dumps(value)


def parse_scopes(config: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str, ...]:
    """``scopes``: a list, a JSON list in a string (stack config), or ``OKTA_API_SCOPES``."""
    value = config.get("scopes")
    if isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except ValueError:
            raise DoubleError(
                'scopes: expected a JSON list such as ["okta.domains.read", '
                '"okta.domains.manage"]; set okta:scopes with --path or as a YAML list'
            ) from None
    if isinstance(value, list):
        return tuple(str(s) for s in value if str(s).strip())
    if value not in (None, ""):
        raise DoubleError("scopes: expected a list of scope names")
    env = environ.get("OKTA_API_SCOPES", "")
    return tuple(s.strip() for s in env.split(",") if s.strip())


def config_conflicts(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, reason) for each pair of set keys the provider schema declares conflicting."""
    present = {k for k, v in config.items() if v not in (None, "", [])}
    return [
        (key, f'"{key}": conflicts with {other}')
        for key in sorted(present & CONFLICTS.keys())
        for other in CONFLICTS[key]
        if other in present
    ]


def unknown_keys(config: Mapping[str, Any], urn: str) -> list[tuple[str, str]]:
    """(key, reason) for each key outside the provider schema, worded as the bridge words it:
    for the default provider the ``okta:`` stack-config key, for an explicit one its inputs."""
    unknown = sorted(set(config) - set(CONFIG_KEYS) - set(ENGINE_KEYS))
    name = urn.rsplit("::", 1)[-1]
    if name.startswith("default"):
        return [
            (
                key,
                f"`okta:{key}` is not a valid configuration key for the okta provider. "
                "If the referenced key is not intended for the provider, please choose a "
                "different namespace from `okta:`.",
            )
            for key in unknown
        ]
    return [
        (
            key,
            "could not validate provider configuration: Invalid or unknown key. "
            f"Examine values at '{name}.{key}'.",
        )
        for key in unknown
    ]


@dataclass(frozen=True)
class OktaSettings:
    """Where and how the double calls Okta; the credential is never shown."""

    org_url: str
    auth_kind: str  # "access_token" | "api_token" | "oauth"
    credential: str = field(repr=False)
    client_id: str = ""
    private_key_id: str = ""
    scopes: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], environ: Mapping[str, str]) -> OktaSettings:
        if any(contains_unknown(v) for v in config.values()):
            raise DoubleError("the okta provider config is not known yet (preview)")
        get = {key: config_value(config, key, environ) for key in CONFIG_ENV}
        org_url = _org_url(get["orgName"], get["baseUrl"], get["httpProxy"])
        if get["accessToken"]:
            return cls(org_url, "access_token", get["accessToken"])
        if get["apiToken"]:
            return cls(org_url, "api_token", get["apiToken"])
        if not get["privateKey"]:
            raise DoubleError(NO_CREDENTIALS)
        scopes = parse_scopes(config, environ)
        if not get["clientId"] or not scopes:
            missing = [k for k, v in (("clientId", get["clientId"]), ("scopes", scopes)) if not v]
            raise DoubleError(f"{PRIVATE_KEY_INCOMPLETE} (missing: {', '.join(missing)})")
        return cls(
            org_url, "oauth", get["privateKey"], get["clientId"], get["privateKeyId"], scopes
        )


def _org_url(org_name: str, base_url: str, http_proxy: str) -> str:
    """``httpProxy`` when set (it replaces the org URL), else ``https://<orgName>.<baseUrl>``."""
    if http_proxy:
        url = http_proxy.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise DoubleError(
                f"httpProxy: expected scheme://hostname[:port], got {url!r} "
                "(for a local fake Okta use http://127.0.0.1:PORT)"
            )
        return url
    if not org_name or not base_url:
        given = (("orgName", org_name), ("baseUrl", base_url))
        missing = " and ".join(key for key, value in given if not value)
        raise DoubleError(
            f"{missing}: the Okta org URL is https://<orgName>.<baseUrl>; set okta:orgName and "
            "okta:baseUrl (e.g. okta.com), or okta:httpProxy to reach another URL"
        )
    return f"https://{org_name}.{base_url}"


class OktaApiError(DoubleError):
    """An Okta error answer, worded like the Okta SDK (``the API returned an error: ...``)."""

    def __init__(
        self, status: int, code: str, summary: str, causes: tuple[str, ...] = (), action: str = ""
    ) -> None:
        text = f"the API returned an error: {summary}"
        if causes:
            text += ", Causes: " + "; ".join(causes)
        text += f" (errorCode {code or 'none'}, HTTP {status})"
        super().__init__(f"{action}: {text}" if action else text)
        self.status = status
        self.error_code = code
        self.summary = summary
        self.causes = causes

    def during(self, action: str) -> OktaApiError:
        """The same error, said as the real resource says it (``failed to create domain: ...``)."""
        return OktaApiError(self.status, self.error_code, self.summary, self.causes, action)

    @classmethod
    def from_response(cls, response: requests.Response) -> OktaApiError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if "error" in body and "errorCode" not in body:  # the OAuth token endpoint
            return cls(response.status_code, str(body["error"]), str(body.get("error_description")))
        causes = tuple(
            str(c.get("errorSummary")) for c in body.get("errorCauses") or [] if isinstance(c, dict)
        )
        summary = str(body.get("errorSummary") or response.reason or "no error body")
        return cls(response.status_code, str(body.get("errorCode") or ""), summary, causes)


Trace = list[dict[str, Any]]


class OktaHttp:
    """One provider instance's client: the Authorization header, Okta errors, a request trace."""

    def __init__(
        self, settings: OktaSettings, timeout: float = 30.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._oauth: OAuthServiceApp | None = None
        if settings.auth_kind == "oauth":
            try:
                self._oauth = OAuthServiceApp(
                    settings.client_id,
                    settings.credential,
                    settings.private_key_id or None,
                    settings.scopes,
                )
            except ValueError as exc:  # names the field; never holds key material
                raise DoubleError(str(exc)) from None

    def secrets(self) -> list[str]:
        """The credential and any access token issued for it (to keep them out of logs)."""
        issued = self._oauth.cached_header(self._clock()) if self._oauth else None
        return [self.settings.credential] + ([issued.split(" ", 1)[1]] if issued else [])

    def call(self, method: str, path: str, trace: Trace, body: Any = None) -> Any:
        """The JSON answer of ``method path``; raises ``OktaApiError`` for an error status."""
        headers = {"Accept": "application/json", "Authorization": self._authorization(trace)}
        response = self._send(method, path, trace, json=body, headers=headers)
        if response.status_code >= 400:
            raise OktaApiError.from_response(response)
        return response.json() if response.content else None

    def _authorization(self, trace: Trace) -> str:
        kind, credential = self.settings.auth_kind, self.settings.credential
        if kind == "api_token":
            return f"SSWS {credential}"
        if kind == "access_token" or self._oauth is None:
            return f"Bearer {credential}"
        with self._lock:
            cached = self._oauth.cached_header(self._clock())
            if cached is not None:
                return cached
            token_url = f"{self.settings.org_url}/oauth2/v1/token"
            form = self._oauth.token_request_form(token_url, self._clock())
            response = self._send("POST", "/oauth2/v1/token", trace, data=form)
            if response.status_code >= 400:
                raise OktaApiError.from_response(response)
            try:
                return self._oauth.store_token(response.json(), self._clock())
            except ValueError as exc:
                raise DoubleError(f"/oauth2/v1/token: {exc}") from None

    def _send(self, method: str, path: str, trace: Trace, **kwargs: Any) -> requests.Response:
        url = self.settings.org_url + path
        try:
            response = requests.request(method, url, timeout=self._timeout, **kwargs)
        except requests.RequestException as exc:
            trace.append({"method": method, "path": path, "status": 0})
            reason = type(exc).__name__
            raise DoubleError(f"{method} {url}: {reason} (is Okta reachable?)") from None
        trace.append({"method": method, "path": path, "status": response.status_code})
        return response


@contextmanager
def failing(action: str) -> Iterator[None]:
    """Say which step failed, as the real resource does (``failed to create domain: ...``)."""
    try:
        yield
    except OktaApiError as exc:
        raise exc.during(action) from None
