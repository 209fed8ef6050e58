"""Find Okta credentials where the Okta provider looks for them, without ever storing them.

Order: explicit values; else the named tenant of the stack config entry
``okta-custom-domain:tenants`` (many orgs in one program); else the ``okta:*`` stack config;
else the ``OKTA_*`` environment variables. The org and the credential are resolved separately
(``okta:orgName`` in config with ``OKTA_API_TOKEN`` in CI's environment is common). Errors name
what is missing and where to set it, never a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from okta_custom_domain import parsers
from okta_custom_domain.config_keys import OKTA_KEYS
from okta_custom_domain.okta.auth import DEFAULT_SCOPES, ApiToken, OAuthServiceApp
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.parsers import InputError, pem_private_key

TENANTS_KEY = "okta-custom-domain:tenants"

#: okta:* config key -> environment variable, as pulumi-okta reads them.
CONFIG_TO_ENV: dict[str, str] = {
    "okta:orgName": "OKTA_ORG_NAME",
    "okta:baseUrl": "OKTA_BASE_URL",
    "okta:apiToken": "OKTA_API_TOKEN",
    "okta:clientId": "OKTA_API_CLIENT_ID",
    "okta:privateKey": "OKTA_API_PRIVATE_KEY",
    "okta:privateKeyId": "OKTA_API_PRIVATE_KEY_ID",
    "okta:scopes": "OKTA_API_SCOPES",
}

#: ``_Layer`` field -> okta:* config key it is read from.
_CONFIG_KEYS: dict[str, str] = {
    "org_url": "okta:httpProxy",
    "org_name": "okta:orgName",
    "base_url": "okta:baseUrl",
    "api_token": "okta:apiToken",
    "client_id": "okta:clientId",
    "private_key": "okta:privateKey",
    "private_key_id": "okta:privateKeyId",
    "scopes": "okta:scopes",
}
#: ``_Layer`` field -> environment variable, pulumi-okta's name for each config key.
_ENV_KEYS: dict[str, str] = {
    name: {**CONFIG_TO_ENV, "okta:httpProxy": "OKTA_HTTP_PROXY"}[key]
    for name, key in _CONFIG_KEYS.items()
}
#: ``_Layer`` field -> key of a tenant's ``okta`` object (``orgUrl`` also gives the org URL).
_TENANT_KEYS: dict[str, str] = {
    name: key.removeprefix("okta:") for name, key in _CONFIG_KEYS.items()
}
#: The settings an error message names, so it says what to set where.
_NAMED = ("api_token", "client_id", "private_key", "scopes")


class CredentialsError(ValueError):
    """Okta credentials are missing or inconsistent; the message says where to set them."""


@dataclass(frozen=True)
class OktaCredentials:
    """An org URL and how to authenticate to it; ``source`` says where they came from."""

    org_url: str
    auth: ApiToken | OAuthServiceApp = field(repr=False)
    source: str = ""

    def __repr__(self) -> str:
        return (
            f"OktaCredentials(org_url={self.org_url!r}, auth={self.auth!r}, source={self.source!r})"
        )

    __str__ = __repr__


@dataclass
class _Layer:
    """The settings found in one place (explicit, tenant, okta:* config, environment)."""

    where: str
    org_url: str | None = None
    org_name: str | None = None
    base_url: str | None = None
    api_token: str | None = None
    client_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    private_key_id: str | None = None
    scopes: Any = None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def has_org(self) -> bool:
        return bool(self.org_url or self.org_name)

    @property
    def has_auth(self) -> bool:
        return bool(self.api_token or self.client_id or self.private_key)

    def org(self) -> str:
        if self.org_url:
            return org_url_from(self.org_url)
        return org_url_from(str(self.org_name), self.base_url or "okta.com")

    def auth(self, extra_scopes: Sequence[str]) -> ApiToken | OAuthServiceApp:
        if self.api_token and (self.client_id or self.private_key):
            raise CredentialsError(
                f"{self.where}: both {self.names['api_token']} and {self.names['client_id']}/"
                f"{self.names['private_key']} are set; keep either the API token or the "
                "OAuth service app"
            )
        try:
            if self.api_token:
                return ApiToken(self.api_token)
            if not self.client_id:
                raise CredentialsError(
                    f"{self.where}: {self.names['private_key']} is set but "
                    f"{self.names['client_id']} is missing; set the service app's client id"
                )
            if not self.private_key:
                raise CredentialsError(
                    f"{self.where}: {self.names['client_id']} is set but "
                    f"{self.names['private_key']} is missing; set the service app's PEM private "
                    "key (as a secret)"
                )
            scopes = _scopes(self.scopes, self.where, self.names["scopes"])
            if not scopes:
                scopes = (*DEFAULT_SCOPES, *extra_scopes)
            return OAuthServiceApp(
                self.client_id, _pem(self.private_key, self.where), self.private_key_id, scopes
            )
        except CredentialsError:
            raise
        except ValueError as exc:
            raise CredentialsError(f"{self.where}: {exc}") from None


def resolve_credentials(
    config_get: Callable[[str], Any],
    env: Mapping[str, str],
    *,
    tenant: str | None,
    org_url: str | None,
    api_token: str | None = None,
    client_id: str | None = None,
    private_key: str | None = None,
    private_key_id: str | None = None,
    scopes: Sequence[str] | str | None = None,
    token_env: str | None = None,
    extra_scopes: Sequence[str] = (),
    tenants_source: str | None = None,
) -> OktaCredentials:
    """Resolve the org URL and credential (see the module docstring for the order).

    ``config_get`` reads stack config (``req.config.get`` in a dynamic provider; a function
    returning None in the CLI). ``token_env`` names an environment variable holding an API
    token (the CLI's way to take a token without putting it on the command line).
    ``extra_scopes`` are added to the default OAuth scopes (e.g. ``okta.logs.read``).
    ``tenants_source`` says where the tenants list came from when it is not stack config
    (the CLI's ``OKTA_CUSTOM_DOMAIN_TENANTS``), so an error points there.
    """
    layers: list[_Layer] = []
    explicit = _Layer(
        "explicit settings",
        org_url=org_url,
        api_token=api_token,
        client_id=client_id,
        private_key=private_key,
        private_key_id=private_key_id,
        scopes=scopes,
        names={name: name for name in _NAMED},
    )
    if token_env:
        value = env.get(token_env)
        if not value:
            shown = token_env if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", token_env) else None
            raise CredentialsError(
                f"--token-env: the environment variable {shown} is not set or empty; export it "
                "with the Okta API token"
                if shown
                else "--token-env: give the NAME of an environment variable holding the token "
                "(e.g. OKTA_API_TOKEN), not the token (the value is not shown)"
            )
        explicit.api_token = explicit.api_token or value
    layers.append(explicit)
    if tenant is not None:
        layers.append(_tenant_layer(config_get, tenant, tenants_source))
    else:
        layers.append(_read_layer("stack config okta:*", config_get, _CONFIG_KEYS))
        layers.append(_read_layer("environment", env.get, _ENV_KEYS))

    org_layer = next((layer for layer in layers if layer.has_org), None)
    auth_layer = next((layer for layer in layers if layer.has_auth), None)
    if org_layer is None:
        raise CredentialsError(_missing("the Okta org", tenant))
    if auth_layer is None:
        raise CredentialsError(_missing("an Okta API token or OAuth service app", tenant))
    try:
        resolved_org = org_layer.org()
    except ValueError as exc:
        raise CredentialsError(f"{org_layer.where}: {exc}") from None
    if auth_layer is not org_layer and auth_layer.has_org:
        # The credential belongs to the org configured next to it; refuse to send it elsewhere.
        try:
            credential_org = auth_layer.org()
        except ValueError as exc:
            raise CredentialsError(f"{auth_layer.where}: {exc}") from None
        if credential_org != resolved_org:
            raise CredentialsError(
                f"the org {resolved_org} (from {org_layer.where}) does not match the org "
                f"{credential_org} of the credential in {auth_layer.where}: use the credential "
                "of that org (for many orgs, a tenant entry per org)"
            )
    auth = auth_layer.auth(extra_scopes)
    source = (
        auth_layer.where
        if auth_layer is org_layer
        else (f"org from {org_layer.where}, credential from {auth_layer.where}")
    )
    return OktaCredentials(resolved_org, auth, source)


def tenant_names(config_get: Callable[[str], Any], source: str | None = None) -> list[str]:
    """The tenant names listed in ``okta-custom-domain:tenants`` (empty when unset)."""
    return [str(t.get("name")) for t in _tenants(config_get, source) if isinstance(t, Mapping)]


def _tenants_fix(source: str | None) -> str:
    """How to set the tenants list where it was read from."""
    if source is None:
        return "set it with `pulumi config set --path 'tenants[0].name' ...`"
    return "give a JSON list such as '[{\"name\": \"acme\", \"okta\": {...}}]'"


def _tenants(config_get: Callable[[str], Any], source: str | None = None) -> list[Any]:
    where = source or f"stack config {TENANTS_KEY}"
    raw = config_get(TENANTS_KEY)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise CredentialsError(
                f"{where} is not valid JSON; {_tenants_fix(source)}"
            ) from None
    if not isinstance(raw, list):
        raise CredentialsError(
            f"{where} must be a list of tenant objects; {_tenants_fix(source)}"
        )
    return raw


def _tenant_layer(
    config_get: Callable[[str], Any], tenant: str, source: str | None = None
) -> _Layer:
    where_list = source or f"stack config {TENANTS_KEY}"
    tenants = _tenants(config_get, source)
    for index, entry in enumerate(tenants):
        if isinstance(entry, Mapping) and entry.get("name") == tenant:
            okta = entry.get("okta")
            prefix = f"tenants[{index}].okta"
            if not isinstance(okta, Mapping):
                raise CredentialsError(
                    f"{where_list}: tenant {tenant!r} ({prefix[:-5]}) has no 'okta' object; "
                    f"set {prefix}.orgName and {prefix}.apiToken (or clientId + privateKey)"
                )
            where = f"{where_list} tenant {tenant!r}"
            try:
                parsers.known_keys(okta, OKTA_KEYS, prefix)
            except parsers.InputError as exc:
                raise CredentialsError(f"{where_list}: {exc}") from None
            layer = _read_layer(where, okta.get, _TENANT_KEYS, f"{prefix}.")
            layer.org_url = layer.org_url or _str(okta.get("orgUrl"))
            return layer
    known = ", ".join(repr(n) for n in tenant_names(config_get, source)) or "none"
    if source is not None:
        raise CredentialsError(
            f"--tenant {tenant!r} is not in {source} (tenants: {known}); add an entry with "
            f"\"name\": \"{tenant}\" and its okta settings"
        )
    raise CredentialsError(
        f"credentials_tenant {tenant!r} is not in stack config {TENANTS_KEY} (tenants: {known}); "
        f"add it with `pulumi config set --path 'tenants[N].name' {tenant}` and its okta settings"
    )


def _read_layer(
    where: str, get: Callable[[str], Any], keys: Mapping[str, str], prefix: str = ""
) -> _Layer:
    """The settings of one place, read through ``keys`` (``_Layer`` field -> key there);
    messages name a setting as ``prefix`` + its key."""
    values: dict[str, Any] = {n: _str(get(key)) for n, key in keys.items() if n != "scopes"}
    values["scopes"] = get(keys["scopes"])  # a list or a string: ``_scopes`` reads both
    names = {name: prefix + keys[name] for name in _NAMED}
    return _Layer(where, **values, names=names)


def _missing(what: str, tenant: str | None) -> str:
    if tenant is not None:
        return (
            f"no {what} for tenant {tenant!r} in stack config {TENANTS_KEY}: set "
            "`pulumi config set --path 'tenants[N].okta.orgName' <org>` and "
            "`pulumi config set --path --secret 'tenants[N].okta.apiToken' <token>` "
            "(or clientId + privateKey)"
        )
    return (
        f"no {what} found: set stack config okta:orgName (+ okta:baseUrl) and okta:apiToken "
        "(`pulumi config set --secret okta:apiToken ...`) or okta:clientId + okta:privateKey, "
        "or the environment variables OKTA_ORG_NAME, OKTA_BASE_URL and OKTA_API_TOKEN "
        "(or OKTA_API_CLIENT_ID + OKTA_API_PRIVATE_KEY)"
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _scopes(value: Any, where: str, name: str) -> tuple[str, ...]:
    """Scopes as a list, a JSON list string, or a space/comma separated string."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise CredentialsError(f"{where}: {name} is not a valid JSON list") from None
        else:
            return tuple(s for s in text.replace(",", " ").split() if s)
    if isinstance(value, (list, tuple)) and all(isinstance(s, str) for s in value):
        return tuple(s.strip() for s in value if s.strip())
    raise CredentialsError(f"{where}: {name} must be a list of scope names")


def _pem(value: str, where: str) -> str:
    """The PEM text itself, or the contents of the file it names (as pulumi-okta allows)."""
    try:
        pem_private_key(value, "privateKey")
    except InputError:
        raise CredentialsError(
            f"{where}: the private key is neither PEM private key text nor the path of a "
            "readable file (the value is not shown)"
        ) from None
    if "-----BEGIN" in value:
        return value.replace("\\n", "\n") if "\n" not in value else value
    with open(value, encoding="utf-8") as handle:
        return handle.read()
