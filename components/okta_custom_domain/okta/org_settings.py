"""Which Okta org, and which credentials: one reader for the program, the verifier and the CLIs.

Why this module exists: the answer used to be written three times, and the copies disagreed.
``tenants.py`` read a tenant's ``okta`` object for the program's ``okta.Provider``;
``okta/credentials.py`` read the same object again (and ``okta:*`` config and ``OKTA_*``
variables) for the verification provider and the ``doctor`` CLI; ``component.py`` read
``okta:*``/``OKTA_*`` once more for the verifier's org URL. ``scopes`` as a string was accepted
by one and refused by another, and ``okta:orgName`` with ``OKTA_BASE_URL`` named one org to the
Okta provider (each key falls back to its variable on its own) and another to the verifier.

Here, once:

- ``SETTINGS``: each setting's attribute, its key in a tenant's ``okta`` object, its ``okta:*``
  stack config key and the ``OKTA_*`` variable pulumi-okta falls back to; the other tables
  (``OKTA_SETTING_KEYS``, ...) are derived from it.
- ``read_org_settings``: a tenant's ``okta`` object, checked, into ``OktaOrgSettings``.
- ``parse_scopes``: the one rule for ``scopes``, wherever they are written.
- ``provider_org_url``/``resolve_org_url``: the org the Okta provider calls with ``okta:*``
  config and ``OKTA_*`` variables, which the verifier must call too.

Every error is ``parsers.InputError``: ``field`` names the setting as the user wrote it
(``tenants[0] (acme).okta.apiToken``, ``okta:baseUrl``, ``OKTA_ORG_NAME``), ``reason`` says the
fix; no secret value is ever part of either. No Pulumi import: the CLI and the dynamic
providers import this.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from okta_custom_domain import parsers
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.parsers import InputError

ConfigGet = Callable[[str], Any]
"""Reads one stack config value by its full key, e.g. ``"okta:orgName"``; None when unset.

The dynamic provider's ``req.config.get`` is one; in a Pulumi program pass
``lambda key: pulumi.Config("okta").get(key.removeprefix("okta:"))``; in the CLI, a function
that returns None (it reads no stack config)."""


@dataclass(frozen=True)
class OktaSetting:
    """One Okta setting and the name it has in each place it can be written."""

    attr: str
    """The ``OktaOrgSettings`` field (``org_name``)."""
    key: str
    """The key in a tenant's ``okta`` object (``orgName``)."""
    config: str | None
    """pulumi-okta's stack config key (``okta:orgName``); None when the provider has none."""
    env: str | None
    """The environment variable pulumi-okta falls back to (``OKTA_ORG_NAME``)."""
    secret: bool = False
    """Set it with ``pulumi config set --secret``; never shown."""


SETTINGS: tuple[OktaSetting, ...] = (
    OktaSetting("org_name", "orgName", "okta:orgName", "OKTA_ORG_NAME"),
    OktaSetting("base_url", "baseUrl", "okta:baseUrl", "OKTA_BASE_URL"),
    OktaSetting("org_url", "orgUrl", None, None),  # ours: orgName + baseUrl in one URL
    OktaSetting("api_token", "apiToken", "okta:apiToken", "OKTA_API_TOKEN", secret=True),
    OktaSetting("client_id", "clientId", "okta:clientId", "OKTA_API_CLIENT_ID"),
    OktaSetting(
        "private_key", "privateKey", "okta:privateKey", "OKTA_API_PRIVATE_KEY", secret=True
    ),
    OktaSetting("private_key_id", "privateKeyId", "okta:privateKeyId", "OKTA_API_PRIVATE_KEY_ID"),
    OktaSetting("scopes", "scopes", "okta:scopes", "OKTA_API_SCOPES"),
    OktaSetting("http_proxy", "httpProxy", "okta:httpProxy", "OKTA_HTTP_PROXY"),
)
"""The Okta settings this project reads (pulumi-okta's names: its provider config schema)."""

SETTING: dict[str, OktaSetting] = {setting.attr: setting for setting in SETTINGS}
"""Each setting by its ``OktaOrgSettings`` field name."""
OKTA_SETTING_KEYS: tuple[str, ...] = tuple(setting.key for setting in SETTINGS)
"""The keys of a tenant's ``okta`` object; any other key is refused."""
CONFIG_KEYS: dict[str, str] = {s.attr: s.config for s in SETTINGS if s.config}
"""Field -> ``okta:*`` stack config key."""
ENV_VARS: dict[str, str] = {s.attr: s.env for s in SETTINGS if s.env}
"""Field -> ``OKTA_*`` environment variable."""

_SCOPES_EXAMPLE = "okta.domains.read,okta.domains.manage"


@dataclass(frozen=True)
class OktaOrgSettings:
    """One Okta org: where it is and (secret) how to authenticate to it."""

    org_name: str | None
    base_url: str
    org_url: str
    api_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    private_key_id: str | None = None
    scopes: tuple[str, ...] = ()
    http_proxy: str | None = None
    """Where every Okta API call goes instead of the org URL (the Okta provider's httpProxy)."""

    @property
    def api_url(self) -> str:
        """The URL the Okta API is reached at: the proxy when set, else the org."""
        return self.http_proxy or self.org_url


def parse_scopes(value: Any, field: str) -> tuple[str, ...]:
    """OAuth scopes, one rule wherever they are written: a list of scope names; a JSON list in
    a string (how stack config holds a list); or names in a string separated by commas or
    spaces (pulumi-okta reads ``OKTA_API_SCOPES`` comma-separated). Unset or empty: ``()``,
    which means the default scopes. Each name must be one word: no blank entries."""
    if value is None:
        return ()
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):
            return tuple(text.replace(",", " ").split())
        try:
            value = json.loads(text)
        except ValueError:
            raise InputError(
                field,
                f'is not a valid JSON list; write ["okta.domains.read", "okta.domains.manage"] '
                f"or {_SCOPES_EXAMPLE}",
            ) from None
    if not isinstance(value, list | tuple):
        raise InputError(
            field, f"expected a list of scope names, got {type(value).__name__}; e.g. "
            f"{_SCOPES_EXAMPLE}",
        )  # fmt: skip
    names: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InputError(
                f"{field}[{index}]", f"expected a scope name, got {type(item).__name__}"
            )
        name = item.strip()
        if not name or any(ch.isspace() or ch == "," for ch in name):
            raise InputError(
                f"{field}[{index}]",
                f"{item!r} is not one scope name; give each scope as its own entry",
            )
        names.append(name)
    return tuple(names)


def proxy_url_from(value: str, field: str) -> str:
    """``httpProxy``: a ``scheme://host[:port]`` URL, checked like an org URL."""
    if "://" not in value:
        raise InputError(
            field, f"{value!r} is not a URL; give scheme://host[:port], e.g. http://127.0.0.1:8081"
        )
    return org_url_from(value, field=field)


class _Object:
    """Typed access to a tenant's ``okta`` object; every error names ``where.key``."""

    def __init__(self, values: Mapping[str, Any], where: str) -> None:
        self.values = values
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def text(self, key: str) -> str | None:
        raw = self.values.get(key)
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str):
            raise InputError(self.at(key), f"expected text, got {type(raw).__name__}")
        return raw


def read_org_settings(
    values: Mapping[str, Any] | None, *, where: str, path: str | None = None
) -> OktaOrgSettings:
    """A tenant's ``okta`` object, checked, as ``OktaOrgSettings``.

    ``where`` locates the object in messages and is the prefix of every error's ``field``
    (``tenants[0] (acme).okta``: a key's error is ``tenants[0] (acme).okta.apiToken``, an error
    of the whole object is ``where`` itself). ``path`` is the object's ``pulumi config set
    --path`` location (``tenants[0].okta``: no tenant name), quoted in the fixes; None when the
    object did not come from stack config (the CLI's ``OKTA_CUSTOM_DOMAIN_TENANTS``).

    The rules: only the keys of ``OKTA_SETTING_KEYS`` (a typo gets a did-you-mean); orgName or
    orgUrl (both only when they name the same org; orgName and baseUrl are taken from orgUrl
    when orgName is absent, as the Okta provider wants them); apiToken, or clientId and
    privateKey, not both; privateKey shaped as a PEM private key (or a file's path), never
    echoed; httpProxy a URL; scopes as ``parse_scopes`` reads them.
    """
    if values is None:
        raise InputError(
            where,
            "required, but not set; set orgName (or orgUrl) and apiToken (or clientId and "
            "privateKey)",
        )
    if not isinstance(values, Mapping):
        raise InputError(where, f"expected an object, got {type(values).__name__}")
    parsers.known_keys(values, OKTA_SETTING_KEYS, where)
    okta = _Object(values, where)
    org_name, base_url, org_url = _org(okta)
    api_token, client_id, private_key = _auth(okta, path)
    http_proxy = okta.text("httpProxy")
    return OktaOrgSettings(
        org_name=org_name,
        base_url=base_url,
        org_url=org_url,
        api_token=api_token,
        client_id=client_id,
        private_key=private_key,
        private_key_id=okta.text("privateKeyId"),
        scopes=parse_scopes(values.get("scopes"), okta.at("scopes")),
        http_proxy=proxy_url_from(http_proxy, okta.at("httpProxy")) if http_proxy else None,
    )


def _org(okta: _Object) -> tuple[str, str, str]:
    """(orgName, baseUrl, org URL): from orgName + baseUrl, or from orgUrl, or both if equal."""
    org_name = okta.text("orgName")
    base_url = okta.text("baseUrl") or "okta.com"
    explicit_url = okta.text("orgUrl")
    if org_name is None and explicit_url is None:
        raise InputError(
            okta.at("orgName"), "required (e.g. acme for acme.okta.com), or set orgUrl"
        )
    fields = {"name_field": okta.at("orgName"), "base_field": okta.at("baseUrl")}
    if explicit_url is not None:
        org_url = org_url_from(
            explicit_url, base_url, field=okta.at("orgUrl"), name_field=okta.at("orgUrl"),
            base_field=okta.at("baseUrl"),
        )  # fmt: skip
    else:
        org_url = org_url_from(org_name or "", base_url, **fields)
    if org_name is not None and explicit_url is not None:
        named_url = org_url_from(org_name, base_url, **fields)
        if named_url != org_url:
            raise InputError(
                okta.where,
                f"orgName/baseUrl name {named_url} but orgUrl names {org_url}; they must be "
                "the same org: keep only one of them",
            )
    if org_name is None:  # the Okta provider wants orgName + baseUrl: take them from orgUrl
        org_name, _, base_url = (urlsplit(org_url).hostname or "").partition(".")
    return org_name, base_url, org_url


def _auth(okta: _Object, path: str | None) -> tuple[str | None, str | None, str | None]:
    """apiToken, or clientId + privateKey (PEM shape checked, never echoed); not both."""
    api_token = okta.text("apiToken")
    client_id = okta.text("clientId")
    private_key = okta.text("privateKey")
    if api_token is not None and (client_id is not None or private_key is not None):
        fix = f" (pulumi config rm --path '{path}.apiToken' or '{path}.privateKey')" if path else ""
        raise InputError(
            okta.where,
            "apiToken and clientId/privateKey are both set; keep either the API token or the "
            f"OAuth service app{fix}",
        )
    if api_token is None and (client_id is None or private_key is None):
        how = f" (pulumi config set --path --secret '{path}.apiToken' ...)" if path else ""
        raise InputError(
            okta.where, f"set apiToken{how} or clientId and privateKey for a service app"
        )
    if private_key is not None:
        parsers.pem_private_key(private_key, okta.at("privateKey"))
    return api_token, client_id, private_key


def provider_value(attr: str, config_get: ConfigGet, env: Mapping[str, str]) -> tuple[Any, str]:
    """A setting as the Okta provider reads it: its ``okta:*`` config value, else its
    ``OKTA_*`` variable; with the name it was read from (the config key when neither is set).

    Blank counts as unset. Text is stripped; a list (``okta:scopes``) comes back as given.
    """
    setting = SETTING[attr]
    if setting.config is not None:
        value = config_get(setting.config)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            return value, setting.config
    if setting.env is not None:
        text = (env.get(setting.env) or "").strip()
        if text:
            return text, setting.env
    return None, setting.config or setting.key


def provider_org(config_get: ConfigGet, env: Mapping[str, str]) -> tuple[str, str] | None:
    """The URL the Okta provider sends its calls to, and the name of the setting that gave it.

    Read from ``okta:*`` stack config with each key falling back to its ``OKTA_*`` variable on
    its own, as pulumi-okta does: ``httpProxy`` when set, else ``orgName`` + ``baseUrl``.
    None when neither names an org. ``config_get`` takes the full key (``"okta:orgName"``,
    see ``ConfigGet``). An error's field is the setting's name where it was read
    (``okta:baseUrl`` or ``OKTA_BASE_URL``).
    """
    proxy, proxy_name = provider_value("http_proxy", config_get, env)
    if proxy:
        return proxy_url_from(str(proxy), proxy_name), proxy_name
    org_name, name_field = provider_value("org_name", config_get, env)
    if not org_name:
        return None
    base_url, base_field = provider_value("base_url", config_get, env)
    url = org_url_from(
        str(org_name), str(base_url or "okta.com"), field=name_field, name_field=name_field,
        base_field=base_field,
    )  # fmt: skip
    return url, name_field


def provider_org_url(config_get: ConfigGet, env: Mapping[str, str]) -> str | None:
    """``provider_org``'s URL alone: the org the Okta provider calls, or None."""
    found = provider_org(config_get, env)
    return found[0] if found else None


def resolve_org_url(
    org_url: str | None,
    config_get: ConfigGet,
    env: Mapping[str, str],
    *,
    field: str = "okta_org.org_url",
) -> str:
    """The Okta API URL the verifier calls: ``org_url`` when given, else the org the Okta
    provider calls (``provider_org_url``: ``okta:httpProxy`` first, as the provider sends every
    call there, then ``okta:orgName``/``okta:baseUrl``, each falling back to its ``OKTA_*``
    variable). ``config_get`` takes the full key, ``"okta:orgName"``. ``field`` names
    ``org_url`` in errors, and is the field of the error when no org is set anywhere."""
    if org_url:
        return org_url_from(org_url, field=field, name_field=field, base_field=field)
    resolved = provider_org_url(config_get, env)
    if resolved is None:
        raise InputError(
            field,
            "the verification step needs the Okta org; set "
            "OktaOrg(org_url='https://acme.okta.com'), or okta:orgName config, or OKTA_ORG_NAME",
        )
    return resolved


__all__ = [
    "CONFIG_KEYS",
    "ENV_VARS",
    "OKTA_SETTING_KEYS",
    "SETTING",
    "SETTINGS",
    "ConfigGet",
    "OktaOrgSettings",
    "OktaSetting",
    "parse_scopes",
    "provider_org",
    "provider_org_url",
    "provider_value",
    "proxy_url_from",
    "read_org_settings",
    "resolve_org_url",
]
