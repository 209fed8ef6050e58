"""Find Okta credentials where the Okta provider looks for them, without ever storing them.

Order: explicit values; else the named tenant of the stack config entry
``okta-custom-domain:tenants`` (many orgs in one program), read by
``org_settings.read_org_settings``, the program's own reader, so an entry is accepted or refused
here exactly as there; else the ``okta:*`` stack config and the ``OKTA_*`` environment
variables. Without explicit or tenant settings, the org is the one the Okta provider calls
(``org_settings.provider_org_url``: each ``okta:*`` key falls back to its variable on its own).
The credential is taken whole from one place (``okta:*`` config before the environment) and is
refused when that place names another org. Errors are ``CredentialsError``: the field names the
setting as the user wrote it, the reason what to set where; never a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from okta_custom_domain.okta.auth import DEFAULT_SCOPES, ApiToken, OAuthServiceApp
from okta_custom_domain.okta.org_settings import (
    CONFIG_KEYS,
    ENV_VARS,
    SETTINGS,
    OktaOrgSettings,
    parse_scopes,
    provider_org,
    provider_org_url,
    read_org_settings,
)
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.parsers import InputError, pem_private_key, pulumi_config_value

TENANTS_KEY = "okta-custom-domain:tenants"

#: okta:* config key -> environment variable, as pulumi-okta reads them.
CONFIG_TO_ENV: dict[str, str] = {s.config: s.env for s in SETTINGS if s.config and s.env}

#: The settings a credential is made of (``_Layer.values`` keys).
_AUTH = ("api_token", "client_id", "private_key", "private_key_id", "scopes")
#: A tenant key (``auth.py``'s error fields) -> the ``OktaOrgSettings`` field.
_ATTR_OF_KEY = {s.key: s.attr for s in SETTINGS}
#: ``OktaOrgSettings`` field -> key of a tenant's ``okta`` object, for the credential's settings.
_TENANT_KEYS = {s.attr: s.key for s in SETTINGS if s.attr in _AUTH}


class CredentialsError(InputError):
    """Okta credentials are missing or inconsistent.

    ``field`` names the setting as the user wrote it (``okta:apiToken``, ``OKTA_API_TOKEN``,
    ``tenants[0] (acme).okta.apiToken``, ``--token-env``); ``reason`` says the fix.
    """

    @classmethod
    def of(cls, exc: InputError) -> CredentialsError:
        """The same error (field and reason, as data) as a ``CredentialsError``."""
        return exc if isinstance(exc, CredentialsError) else cls(exc.field, exc.reason)


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
    """The credential settings found in one place (explicit, tenant, okta:* config, env)."""

    where: str
    values: dict[str, Any] = field(repr=False)
    """``OktaOrgSettings`` field -> value here (None when not set here)."""
    names: dict[str, str]
    """``OktaOrgSettings`` field -> the setting's name here: the field of its errors."""
    org: Callable[[], str | None] = lambda: None
    """The org this place names for its credential (None when it names none)."""

    @property
    def has_auth(self) -> bool:
        return any(self.values.get(name) for name in ("api_token", "client_id", "private_key"))

    def auth(self, extra_scopes: Sequence[str]) -> ApiToken | OAuthServiceApp:
        api_token, client_id, private_key = (
            self.values.get(name) for name in ("api_token", "client_id", "private_key")
        )
        names = self.names
        if api_token and (client_id or private_key):
            raise CredentialsError(
                names["api_token"],
                f"both {names['api_token']} and {names['client_id']}/{names['private_key']} "
                "are set; keep either the API token or the OAuth service app",
            )
        try:
            if api_token:
                return ApiToken(api_token)
            if not client_id:
                raise CredentialsError(
                    names["client_id"],
                    f"is missing while {names['private_key']} is set; set the service app's "
                    "client id",
                )
            if not private_key:
                raise CredentialsError(
                    names["private_key"],
                    f"is missing while {names['client_id']} is set; set the service app's PEM "
                    "private key (as a secret)",
                )
            scopes = parse_scopes(self.values.get("scopes"), names["scopes"])
            if not scopes:
                scopes = (*DEFAULT_SCOPES, *extra_scopes)
            return OAuthServiceApp(
                client_id,
                _pem(private_key, names["private_key"]),
                self.values.get("private_key_id"),
                scopes,
            )
        except CredentialsError:
            raise
        except InputError as exc:  # auth.py names its argument (apiToken): say it as written
            name = names.get(_ATTR_OF_KEY.get(exc.field, ""), exc.field)
            raise CredentialsError(name, exc.reason) from None


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
    tenants_env: str | None = None,
) -> OktaCredentials:
    """Resolve the org URL and credential (see the module docstring for the order).

    ``config_get`` reads stack config by full key (``req.config.get`` in a dynamic provider;
    ``org_settings.ConfigGet``). ``token_env`` names an environment variable holding an API
    token (the CLI's way to take a token without putting it on the command line).
    ``extra_scopes`` are added to the default OAuth scopes (e.g. ``okta.logs.read``).
    ``tenants_env`` is set by the CLI, which reads no stack config: the environment variable
    that holds the tenants list instead (``OKTA_CUSTOM_DOMAIN_TENANTS``); errors then name it
    and the CLI's flags rather than stack config.
    """
    cli = tenants_env is not None
    explicit = _explicit_layer(
        env,
        org_url=org_url,
        token_env=token_env,
        values={
            "api_token": api_token,
            "client_id": client_id,
            "private_key": private_key,
            "private_key_id": private_key_id,
            "scopes": scopes,
        },
        cli=cli,
    )
    resolved_org: str | None = explicit.org()
    org_from = explicit.where
    if tenant is not None:
        settings, where = _tenant_settings(config_get, tenant, tenants_env)
        layers = [explicit, _settings_layer(settings, where)]
        if resolved_org is None:
            resolved_org, org_from = settings.api_url, where
    else:
        layers = [explicit, *_provider_layers(config_get, env)]
        if resolved_org is None:
            try:
                found = provider_org(config_get, env)
            except InputError as exc:
                raise CredentialsError.of(exc) from None
            if found is not None:
                resolved_org, org_from = found
    if resolved_org is None:
        raise _missing_org(tenants_env)
    auth_layer = next((layer for layer in layers if layer.has_auth), None)
    if auth_layer is None:
        raise _missing_auth(tenants_env)
    # The credential belongs to the org configured next to it; refuse to send it elsewhere.
    try:
        credential_org = auth_layer.org()
    except InputError as exc:
        raise CredentialsError.of(exc) from None
    if credential_org is not None and credential_org != resolved_org:
        credential = "api_token" if auth_layer.values.get("api_token") else "client_id"
        raise CredentialsError(
            auth_layer.names[credential],
            f"the org {resolved_org} (from {org_from}) does not match the org "
            f"{credential_org} of the credential in {auth_layer.where}: use the credential "
            "of that org (for many orgs, a tenant entry per org)",
        )
    auth = auth_layer.auth(extra_scopes)
    source = (
        auth_layer.where
        if auth_layer.where == org_from
        else f"org from {org_from}, credential from {auth_layer.where}"
    )
    return OktaCredentials(resolved_org, auth, source)


def _explicit_layer(
    env: Mapping[str, str],
    *,
    org_url: str | None,
    token_env: str | None,
    values: dict[str, Any],
    cli: bool,
) -> _Layer:
    """The settings given as arguments (the CLI's ``--org-url`` and ``--token-env``)."""
    names = {name: name for name in _AUTH}
    org_field = "--org-url" if cli else "org_url"
    if token_env:
        value = env.get(token_env)
        if not value:
            shown = token_env if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", token_env) else None
            raise CredentialsError(
                "--token-env",
                f"the environment variable {shown} is not set or empty; export it with the Okta "
                "API token"
                if shown
                else "give the NAME of an environment variable holding the token (e.g. "
                "OKTA_API_TOKEN), not the token (the value is not shown)",
            )
        if not values["api_token"]:
            values["api_token"], names["api_token"] = value, token_env

    def org() -> str | None:
        if not org_url:
            return None
        try:
            return org_url_from(org_url, field=org_field, name_field=org_field)
        except InputError as exc:
            raise CredentialsError.of(exc) from None

    return _Layer("explicit settings", values, names, org)


def _settings_layer(settings: OktaOrgSettings, where: str) -> _Layer:
    """A tenant's checked settings; its credential belongs to the tenant's org."""
    values = {name: getattr(settings, name) for name in _AUTH}
    names = {name: f"{where}.{key}" for name, key in _TENANT_KEYS.items()}
    return _Layer(where, values, names, lambda: settings.api_url)


def _provider_layers(config_get: Callable[[str], Any], env: Mapping[str, str]) -> list[_Layer]:
    """The okta:* stack config, then the OKTA_* environment.

    Each place's org is the provider's org as that place would complete it: its own settings,
    the missing ones as the provider finds them. So a token next to ``OKTA_ORG_NAME=other``
    is not sent to ``okta:orgName``'s org, while ``okta:orgName`` with ``OKTA_BASE_URL`` and
    ``OKTA_API_TOKEN`` is one org, the provider's.
    """

    def config_unless_env(key: str) -> Any:  # the environment first, completed by config
        return None if (env.get(CONFIG_TO_ENV.get(key, "")) or "").strip() else config_get(key)

    config = _read_layer("okta:* stack config", config_get, CONFIG_KEYS)
    config.org = lambda: provider_org_url(config_get, env)
    environ = _read_layer("OKTA_* environment", env.get, ENV_VARS)
    environ.org = lambda: provider_org_url(config_unless_env, env)
    return [config, environ]


def _read_layer(where: str, get: Callable[[str], Any], keys: Mapping[str, str]) -> _Layer:
    """The credential settings of one place, read through ``keys`` (field -> key there)."""
    values = {name: get(keys[name]) for name in _AUTH}
    for name in _AUTH:
        if name != "scopes":  # a list or a string: ``parse_scopes`` reads both
            values[name] = _str(values[name])
    return _Layer(where, values, {name: keys[name] for name in _AUTH})


def tenant_names(config_get: Callable[[str], Any], tenants_env: str | None = None) -> list[str]:
    """The tenant names listed in ``okta-custom-domain:tenants`` (empty when unset)."""
    tenants = _tenants(config_get, tenants_env)
    return [str(t.get("name")) for t in tenants if isinstance(t, Mapping)]


def _tenants(config_get: Callable[[str], Any], tenants_env: str | None = None) -> list[Any]:
    name = tenants_env or TENANTS_KEY
    if tenants_env is None:
        kind = "stack config value"
        fix = "set it with `pulumi config set --path 'tenants[0].name' ...`"
    else:
        kind = "environment variable"
        fix = 'give a JSON list such as \'[{"name": "acme", "okta": {...}}]\''
    raw = config_get(TENANTS_KEY)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise CredentialsError(name, f"the {kind} is not valid JSON; {fix}") from None
    if tenants_env is not None:  # the CLI's variable, filled from `pulumi config get --json`
        try:
            raw = pulumi_config_value(raw)
        except ValueError:
            raise CredentialsError(
                name, f'the "value" in the {kind} is not valid JSON; {fix}'
            ) from None
    if not isinstance(raw, list):
        raise CredentialsError(name, f"the {kind} must be a list of tenant objects; {fix}")
    return raw


def _tenant_settings(
    config_get: Callable[[str], Any], tenant: str, tenants_env: str | None
) -> tuple[OktaOrgSettings, str]:
    """The named tenant's ``okta`` object, read as the program reads it; and its location."""
    for index, entry in enumerate(_tenants(config_get, tenants_env)):
        if isinstance(entry, Mapping) and entry.get("name") == tenant:
            # Located as the program locates it; in the CLI's variable, by the variable's name.
            where = f"{tenants_env or 'tenants'}[{index}] ({tenant}).okta"
            path = f"tenants[{index}].okta" if tenants_env is None else None
            try:
                return read_org_settings(entry.get("okta"), where=where, path=path), where
            except InputError as exc:
                raise CredentialsError.of(exc) from None
    known = ", ".join(repr(n) for n in tenant_names(config_get, tenants_env)) or "none"
    if tenants_env is not None:
        raise CredentialsError(
            "--tenant",
            f"{tenant!r} is not in environment variable {tenants_env} (tenants: {known}); add an "
            f'entry with "name": "{tenant}" and its okta settings',
        )
    raise CredentialsError(
        "okta_org.credentials_tenant",
        f"{tenant!r} is not in stack config {TENANTS_KEY} (tenants: {known}); add it with "
        f"`pulumi config set --path 'tenants[N].name' {tenant}` and its okta settings",
    )


def _missing_org(tenants_env: str | None) -> CredentialsError:
    if tenants_env is not None:
        return CredentialsError(
            "--org-url",
            "no Okta org found: give --org-url, or set the environment variable OKTA_ORG_NAME "
            f"(+ OKTA_BASE_URL), or use --tenant NAME with {tenants_env} holding the tenants "
            "list as JSON",
        )
    return CredentialsError(
        "okta:orgName",
        "no Okta org found: set stack config okta:orgName (+ okta:baseUrl) "
        "(`pulumi config set okta:orgName ...`) or the environment variables OKTA_ORG_NAME and "
        "OKTA_BASE_URL",
    )


def _missing_auth(tenants_env: str | None) -> CredentialsError:
    if tenants_env is not None:
        return CredentialsError(
            "OKTA_API_TOKEN",
            "no Okta API token or OAuth service app found: export OKTA_API_TOKEN (or name "
            "another variable with --token-env VAR), or OKTA_API_CLIENT_ID + "
            f"OKTA_API_PRIVATE_KEY, or use --tenant NAME with {tenants_env} holding the tenants "
            "list as JSON",
        )
    return CredentialsError(
        "okta:apiToken",
        "no Okta API token or OAuth service app found: set stack config okta:apiToken "
        "(`pulumi config set --secret okta:apiToken ...`) or okta:clientId + okta:privateKey, "
        "or the environment variable OKTA_API_TOKEN (or OKTA_API_CLIENT_ID + "
        "OKTA_API_PRIVATE_KEY)",
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _pem(value: str, field: str) -> str:
    """The PEM text itself, or the contents of the file it names (as pulumi-okta allows)."""
    try:
        pem_private_key(value, field)
    except InputError:
        raise CredentialsError(
            field,
            "is neither PEM private key text nor the path of a readable file (the value is not "
            "shown)",
        ) from None
    if "-----BEGIN" in value:
        return value.replace("\\n", "\n") if "\n" not in value else value
    with open(value, encoding="utf-8") as handle:
        return handle.read()
