"""The one reader of "which Okta org, which credentials" (okta/org_settings.py): a tenant's
``okta`` object, the settings table, the scopes rule and the verifier's org URL; errors carry
the field as data and never a secret."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from okta_custom_domain.okta.auth import DEFAULT_SCOPES, OAuthServiceApp
from okta_custom_domain.okta.credentials import TENANTS_KEY, CredentialsError, resolve_credentials
from okta_custom_domain.okta.org_settings import (
    CONFIG_KEYS,
    ENV_VARS,
    OKTA_SETTING_KEYS,
    SETTINGS,
    OktaOrgSettings,
    parse_scopes,
    provider_org_url,
    read_org_settings,
    resolve_org_url,
)
from okta_custom_domain.parsers import InputError
from okta_custom_domain.tenants import TenantConfigError, parse_tenants
from okta_fixtures import pem_pair  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest

TOKEN = "00SECRET-okta-token-value"
PEM_KEY = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
)
WHERE = "tenants[0] (acme).okta"
PATH = "tenants[0].okta"


def read(path: str | None = PATH, **values: Any) -> OktaOrgSettings:
    return read_org_settings(values, where=WHERE, path=path)


def refused(path: str | None = PATH, **values: Any) -> InputError:
    with pytest.raises(InputError) as raised:
        read(path, **values)
    return raised.value


def no_config(_key: str) -> Any:
    return None


# -- the table ---------------------------------------------------------------------------------


def test_one_table_gives_the_tenant_keys_the_okta_config_keys_and_the_env_vars() -> None:
    assert OKTA_SETTING_KEYS == (
        "orgName", "baseUrl", "orgUrl", "apiToken", "clientId", "privateKey", "privateKeyId",
        "scopes", "httpProxy",
    )  # fmt: skip
    assert [s.attr for s in SETTINGS] == [f.name for f in dataclasses.fields(OktaOrgSettings)]
    assert CONFIG_KEYS["org_name"] == "okta:orgName" and "org_url" not in CONFIG_KEYS
    assert ENV_VARS == {  # pulumi-okta's names (config.go NewConfig)
        "org_name": "OKTA_ORG_NAME",
        "base_url": "OKTA_BASE_URL",
        "api_token": "OKTA_API_TOKEN",
        "client_id": "OKTA_API_CLIENT_ID",
        "private_key": "OKTA_API_PRIVATE_KEY",
        "private_key_id": "OKTA_API_PRIVATE_KEY_ID",
        "scopes": "OKTA_API_SCOPES",
        "http_proxy": "OKTA_HTTP_PROXY",
    }
    assert {s.key for s in SETTINGS if s.secret} == {"apiToken", "privateKey"}


def test_the_module_imports_no_pulumi() -> None:
    code = (
        "import sys, okta_custom_domain.okta.org_settings; "
        "print(sorted(m for m in sys.modules if m == 'pulumi' or m.startswith('pulumi')))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert out.strip() == "[]"


# -- reading a tenant's okta object ------------------------------------------------------------


def test_org_name_and_token() -> None:
    org = read(orgName="acme", apiToken=TOKEN)
    assert (org.org_name, org.base_url, org.org_url) == (
        "acme",
        "okta.com",
        "https://acme.okta.com",
    )
    assert org.api_token == TOKEN and org.api_url == org.org_url and org.scopes == ()


def test_org_url_alone_gives_org_name_and_base_url() -> None:
    org = read(orgUrl="https://Globex.okta-emea.com/", apiToken=TOKEN)
    assert (org.org_name, org.base_url) == ("globex", "okta-emea.com")
    assert org.org_url == "https://globex.okta-emea.com"
    assert read(orgName="ACME", orgUrl="https://acme.okta.com", apiToken=TOKEN).org_name == "ACME"


def test_http_proxy_is_the_api_url() -> None:
    org = read(orgName="acme", apiToken=TOKEN, httpProxy="http://127.0.0.1:8081/")
    assert org.org_url == "https://acme.okta.com"
    assert org.http_proxy == org.api_url == "http://127.0.0.1:8081"


def test_service_app() -> None:
    org = read(orgName="acme", clientId="0oa1", privateKey=PEM_KEY, privateKeyId="k1",
               scopes=["okta.domains.read"])  # fmt: skip
    assert (org.client_id, org.private_key, org.private_key_id) == ("0oa1", PEM_KEY, "k1")
    assert org.scopes == ("okta.domains.read",) and org.api_token is None


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"apiToken": TOKEN}, f"{WHERE}.orgName",
         "required (e.g. acme for acme.okta.com), or set orgUrl"),
        ({"orgName": "acme"}, WHERE,
         "set apiToken (pulumi config set --path --secret 'tenants[0].okta.apiToken' ...) or "
         "clientId and privateKey for a service app"),
        ({"orgName": "acme", "clientId": "0oa1"}, WHERE,
         "set apiToken (pulumi config set --path --secret 'tenants[0].okta.apiToken' ...) or "
         "clientId and privateKey for a service app"),
        ({"orgName": "acme", "apiToken": TOKEN, "clientId": "0oa1"}, WHERE,
         "apiToken and clientId/privateKey are both set; keep either the API token or the OAuth "
         "service app (pulumi config rm --path 'tenants[0].okta.apiToken' or "
         "'tenants[0].okta.privateKey')"),
        ({"orgName": "acme", "orgUrl": "https://globex.okta.com", "apiToken": TOKEN}, WHERE,
         "orgName/baseUrl name https://acme.okta.com but orgUrl names https://globex.okta.com; "
         "they must be the same org: keep only one of them"),
        ({"orgName": "acme.com", "apiToken": TOKEN}, f"{WHERE}.orgName",
         "'acme.com' must be the org's name only (e.g. dev-123456 for dev-123456.okta.com); put "
         "the domain in baseUrl or give a full orgUrl"),
        ({"orgName": "acme", "baseUrl": "https://okta.com", "apiToken": TOKEN},
         f"{WHERE}.baseUrl", "'https://okta.com' must be a domain such as okta.com or "
         "oktapreview.com"),
        ({"orgUrl": "http://acme.okta.com", "apiToken": TOKEN}, f"{WHERE}.orgUrl",
         "'http://acme.okta.com' uses plain http; Okta orgs need https (http is accepted only "
         "for a local fake on 127.0.0.1)"),
        ({"orgUrl": "acme.okta.com", "apiToken": TOKEN}, f"{WHERE}.orgUrl",
         "'acme.okta.com' must be the org's name only (e.g. dev-123456 for dev-123456.okta.com); "
         "put the domain in baseUrl or give a full orgUrl"),
        ({"orgName": "acme", "apiToken": TOKEN, "httpProxy": "http://10.1.2.3:3128"},
         f"{WHERE}.httpProxy", "'http://10.1.2.3:3128' uses plain http; Okta orgs need https "
         "(http is accepted only for a local fake on 127.0.0.1)"),
        ({"orgName": "acme", "apiToken": TOKEN, "httpProxy": "proxy.internal"},
         f"{WHERE}.httpProxy",
         "'proxy.internal' is not a URL; give scheme://host[:port], e.g. http://127.0.0.1:8081"),
        ({"orgName": 7, "apiToken": TOKEN}, f"{WHERE}.orgName", "expected text, got int"),
        ({"orgName": "acme", "apiToken": TOKEN, "scopes": 5}, f"{WHERE}.scopes",
         "expected a list of scope names, got int; e.g. okta.domains.read,okta.domains.manage"),
    ],
)  # fmt: skip
def test_errors_carry_the_field_as_data(values: dict[str, Any], field: str, reason: str) -> None:
    error = refused(**values)
    assert (error.field, error.reason) == (field, reason)
    assert str(error) == f"{field}: {reason}"


def test_an_unknown_key_is_refused_with_a_suggestion() -> None:
    error = refused(orgName="acme", apiTokn=TOKEN)
    assert error.field == f"{WHERE}.apiTokn"
    assert error.reason.startswith("unknown key; did you mean `apiToken`? (known keys: orgName,")
    assert TOKEN not in str(error)


def test_the_object_itself_missing_or_not_an_object() -> None:
    with pytest.raises(InputError) as missing:
        read_org_settings(None, where=WHERE, path=PATH)
    assert missing.value.field == WHERE and missing.value.reason.startswith("required, but not set")
    with pytest.raises(InputError) as listed:
        read_org_settings(["acme"], where=WHERE, path=PATH)  # type: ignore[arg-type]
    assert (listed.value.field, listed.value.reason) == (WHERE, "expected an object, got list")


def test_without_a_config_path_no_pulumi_command_is_suggested() -> None:
    """The CLI reads the list from an environment variable: `pulumi config` is not the fix."""
    for values in ({"orgName": "acme"}, {"orgName": "acme", "apiToken": TOKEN, "clientId": "x"}):
        error = refused(None, **values)
        assert error.field == WHERE and "pulumi config" not in error.reason


# -- secrets -----------------------------------------------------------------------------------


def test_no_secret_in_a_message_or_repr() -> None:
    key_material = "MIIEvQIBADANBgkqhkiG9w0-secret-key-material"
    errors = [
        refused(orgName="acme", clientId="0oa1", privateKey=key_material),
        refused(orgName="acme", apiToken=TOKEN, clientId="0oa1", privateKey=key_material),
        refused(orgName="acme", apiToken=TOKEN, privateKey=PEM_KEY),
        refused(orgName="acme", apiToken=[TOKEN]),
        refused(orgName="acme", apitoken=TOKEN),
    ]
    assert errors[0].field == f"{WHERE}.privateKey"
    assert errors[0].reason.startswith("is not a PEM private key (the value is not shown)")
    for error in errors:
        for text in (str(error), repr(error), error.field, error.reason):
            assert TOKEN not in text and key_material not in text and "MIIEvQ" not in text
    org = read(orgName="acme", clientId="0oa1", privateKey=PEM_KEY, scopes="okta.domains.read")
    token_org = read(orgName="acme", apiToken=TOKEN)
    for shown in (repr(org), str(org), repr(token_org), str(token_org)):
        assert TOKEN not in shown and "PRIVATE KEY" not in shown and "MIIEvQ" not in shown


# -- drop-in for tenants.py's reader -----------------------------------------------------------


def tenants_with(okta: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": "acme",
            "okta": okta,
            "domains": [
                {"domain": "login.acme.com", "dns": {"type": "manual", "zone": "acme.com"}}
            ],
        }
    ]


@pytest.mark.parametrize(
    "okta",
    [
        {"orgName": "acme", "apiToken": TOKEN},
        {"orgName": "acme", "baseUrl": "oktapreview.com", "apiToken": TOKEN},
        {"orgUrl": "https://acme.okta-emea.com", "apiToken": TOKEN},
        {"orgName": "acme", "orgUrl": "https://ACME.okta.com/", "apiToken": TOKEN},
        {"orgName": "acme", "apiToken": TOKEN, "httpProxy": "http://127.0.0.1:8081"},
        {"orgName": "acme", "clientId": "0oa1", "privateKey": PEM_KEY, "privateKeyId": "k",
         "scopes": ["okta.domains.read", "okta.domains.manage"]},
        {"apiToken": TOKEN},
        {"orgName": "acme"},
        {"orgName": "acme", "apiToken": TOKEN, "privateKey": PEM_KEY},
        {"orgName": "acme", "orgUrl": "https://globex.okta.com", "apiToken": TOKEN},
        {"orgName": "acme.com", "apiToken": TOKEN},
        {"orgName": "acme", "baseUrl": "https://okta.com", "apiToken": TOKEN},
        {"orgUrl": "http://acme.okta.com", "apiToken": TOKEN},
        {"orgName": "acme", "apiToken": TOKEN, "httpProxy": "http://10.1.2.3:3128"},
        {"orgName": "acme", "clientId": "0oa1", "privateKey": "not a key"},
        {"orgName": "acme", "apiToken": 12},
        {"orgName": "acme", "apiToken": TOKEN, "scopes": [1]},
    ],
)  # fmt: skip
def test_the_reader_agrees_with_the_stack_config_parser(okta: dict[str, Any]) -> None:
    """The stack config's tenants and this reader give the same values or the same message
    (tenants.py reads a tenant's ``okta`` through it: written before the switch, it showed the
    switch changed nothing but the located ``scopes[0]`` entry)."""
    try:
        expected: Any = dataclasses.asdict(parse_tenants(tenants_with(okta))[0].okta)
    except TenantConfigError as exc:
        expected = str(exc)
    try:
        got: Any = dataclasses.asdict(read_org_settings(okta, where=WHERE, path=PATH))
    except InputError as exc:
        got = str(exc)
    assert got == expected


# -- scopes: one rule --------------------------------------------------------------------------


ACCEPTED_SCOPES: list[tuple[Any, tuple[str, ...]]] = [
    (["okta.domains.read", "okta.domains.manage"], ("okta.domains.read", "okta.domains.manage")),
    (" okta.domains.read , okta.domains.manage ", ("okta.domains.read", "okta.domains.manage")),
    ("okta.domains.read okta.domains.manage", ("okta.domains.read", "okta.domains.manage")),
    ("okta.domains.read,okta.logs.read", ("okta.domains.read", "okta.logs.read")),
    ('["okta.domains.read", "okta.logs.read"]', ("okta.domains.read", "okta.logs.read")),
    ("okta.domains.read", ("okta.domains.read",)),
    ("", ()),
    ([], ()),
    ("[]", ()),
    (None, ()),
]
REFUSED_SCOPES: list[tuple[Any, str]] = [
    ('["okta.domains.read",', "scopes"),
    ("[1]", "scopes[0]"),
    (["okta.domains.read", 1], "scopes[1]"),
    (["okta.domains.read okta.domains.manage"], "scopes[0]"),
    (["okta.domains.read", " "], "scopes[1]"),
    (5, "scopes"),
    ({"okta.domains.read": True}, "scopes"),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED_SCOPES)
def test_scopes_accepted(value: Any, expected: tuple[str, ...]) -> None:
    assert parse_scopes(value, "scopes") == expected


@pytest.mark.parametrize(("value", "field"), REFUSED_SCOPES)
def test_scopes_refused_naming_the_entry(value: Any, field: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_scopes(value, "scopes")
    assert raised.value.field == field


# -- the verifier's org URL --------------------------------------------------------------------


def getter(values: dict[str, Any], asked: list[str] | None = None) -> Any:
    def get(key: str) -> Any:
        if asked is not None:
            asked.append(key)
        return values.get(key)

    return get


def test_resolve_org_url_given_then_proxy_then_org_name() -> None:
    asked: list[str] = []
    config = getter({"okta:orgName": "acme", "okta:httpProxy": "http://127.0.0.1:8081"}, asked)
    assert resolve_org_url("https://Acme.okta.com/", config, {}) == "https://acme.okta.com"
    assert resolve_org_url(None, config, {}) == "http://127.0.0.1:8081"
    assert set(asked) <= {f"okta:{key}" for key in ("httpProxy", "orgName", "baseUrl")}
    assert resolve_org_url(None, getter({"okta:orgName": "acme"}), {}) == "https://acme.okta.com"
    env = {"OKTA_ORG_NAME": "globex", "OKTA_BASE_URL": "oktapreview.com"}
    assert resolve_org_url(None, no_config, env) == "https://globex.oktapreview.com"
    assert (
        resolve_org_url(None, no_config, {"OKTA_HTTP_PROXY": "http://[::1]:9"}) == "http://[::1]:9"
    )


def test_each_okta_key_falls_back_to_its_variable_on_its_own_as_the_provider_does() -> None:
    """okta:orgName in config and OKTA_BASE_URL in the environment: the provider calls
    acme.oktapreview.com, so the verifier must too."""
    config = getter({"okta:orgName": "acme"})
    env = {"OKTA_ORG_NAME": "other", "OKTA_BASE_URL": "oktapreview.com"}
    assert resolve_org_url(None, config, env) == "https://acme.oktapreview.com"
    assert provider_org_url(config, env) == "https://acme.oktapreview.com"
    assert provider_org_url(no_config, {}) is None


@pytest.mark.parametrize(
    ("org_url", "config", "env", "field", "reason_start"),
    [
        (None, {}, {}, "okta_org.org_url", "the verification step needs the Okta org; set "
         "OktaOrg(org_url='https://acme.okta.com'), or okta:orgName config, or OKTA_ORG_NAME"),
        ("http://acme.okta.com", {}, {}, "okta_org.org_url", "'http://acme.okta.com' uses plain http"),
        ("acme.com", {}, {}, "okta_org.org_url", "'acme.com' must be the org's name only"),
        (None, {"okta:httpProxy": "http://10.0.0.1:3128"}, {}, "okta:httpProxy",
         "'http://10.0.0.1:3128' uses plain http"),
        (None, {}, {"OKTA_HTTP_PROXY": "proxy:3128"}, "OKTA_HTTP_PROXY", "'proxy:3128' is not a URL"),
        (None, {"okta:orgName": "acme"}, {"OKTA_BASE_URL": "https://okta.com"}, "OKTA_BASE_URL",
         "'https://okta.com' must be a domain"),
        (None, {"okta:orgName": "acme.okta.com"}, {}, "okta:orgName", "'acme.okta.com' must be"),
        (None, {}, {"OKTA_ORG_NAME": "acme.okta.com"}, "OKTA_ORG_NAME", "'acme.okta.com' must be"),
    ],
)  # fmt: skip
def test_resolve_org_url_errors_name_the_setting_where_it_was_read(
    org_url: str | None, config: dict[str, Any], env: dict[str, str], field: str,
    reason_start: str,
) -> None:  # fmt: skip
    with pytest.raises(InputError) as raised:
        resolve_org_url(org_url, getter(config), env)
    assert raised.value.field == field
    assert raised.value.reason.startswith(reason_start)


def test_a_json_scopes_list_in_stack_config_is_read_like_a_list() -> None:
    assert parse_scopes(json.dumps(["a.b", "c.d"]), "okta:scopes") == ("a.b", "c.d")


# -- the credentials resolver reads through the same rules -------------------------------------


@pytest.fixture(scope="module")
def private_pem() -> str:
    return pem_pair()[0]


def service_app(private_pem: str, scopes: Any) -> dict[str, Any]:
    return {"orgName": "acme", "clientId": "0oa1", "privateKey": private_pem, "scopes": scopes}


def scopes_by_place(private_pem: str, value: Any) -> dict[str, tuple[str, ...] | str]:
    """The scopes each place makes of ``value``, or the field of its refusal."""
    okta = service_app(private_pem, value)
    tenants = json.dumps([{"name": "acme", "okta": okta}])
    ways = {
        "tenant object": lambda: read_org_settings(okta, where=WHERE, path=PATH).scopes,
        "tenant entry": lambda: (
            resolve_credentials(
                getter({TENANTS_KEY: tenants}), {}, tenant="acme", org_url=None
            ).auth
        ),
        "okta:* config": lambda: (
            resolve_credentials(
                getter({f"okta:{key}": v for key, v in okta.items()}), {}, tenant=None, org_url=None
            ).auth
        ),
    }
    if isinstance(value, str):  # an environment variable holds text only
        env = {"OKTA_ORG_NAME": "acme", "OKTA_API_CLIENT_ID": "0oa1"}
        env |= {"OKTA_API_PRIVATE_KEY": private_pem, "OKTA_API_SCOPES": value}
        ways["OKTA_* environment"] = lambda: (
            resolve_credentials(no_config, env, tenant=None, org_url=None).auth
        )
    seen: dict[str, tuple[str, ...] | str] = {}
    for place, way in ways.items():
        try:
            got = way()
        except InputError as exc:
            seen[place] = "refused: " + exc.field.lower().split("scopes", 1)[-1]
            continue
        if isinstance(got, tuple):  # the object's own scopes: () means the default ones
            seen[place] = got or DEFAULT_SCOPES
        else:
            assert isinstance(got, OAuthServiceApp)
            seen[place] = got.scopes
    return seen


@pytest.mark.parametrize(("value", "expected"), ACCEPTED_SCOPES)
def test_every_place_accepts_the_same_scope_shapes(
    private_pem: str, value: Any, expected: tuple[str, ...]
) -> None:
    seen = scopes_by_place(private_pem, value)
    assert set(seen.values()) == {expected or DEFAULT_SCOPES}, seen


@pytest.mark.parametrize(("value", "field"), REFUSED_SCOPES)
def test_every_place_refuses_the_same_scope_shapes(
    private_pem: str, value: Any, field: str
) -> None:
    seen = scopes_by_place(private_pem, value)
    assert set(seen.values()) == {"refused: " + field.removeprefix("scopes")}, seen


def test_a_tenant_entry_is_refused_by_the_resolver_exactly_as_by_the_reader() -> None:
    for okta in (
        {"orgName": "acme", "apiTokn": TOKEN},
        {"orgName": "acme"},
        {"orgName": "acme", "apiToken": TOKEN, "httpProxy": "proxy.internal"},
        {"orgName": "acme", "clientId": "0oa1", "privateKey": "secret-not-a-key"},
    ):
        with pytest.raises(InputError) as by_reader:
            read_org_settings(okta, where=WHERE, path=PATH)
        get = getter({TENANTS_KEY: json.dumps([{"name": "acme", "okta": okta}])})
        with pytest.raises(CredentialsError) as by_resolver:
            resolve_credentials(get, {}, tenant="acme", org_url=None)
        assert (by_resolver.value.field, by_resolver.value.reason) == (
            by_reader.value.field,
            by_reader.value.reason,
        )
        assert TOKEN not in str(by_resolver.value) and "secret-not-a-key" not in str(
            by_resolver.value
        )


def test_the_resolver_calls_the_org_the_okta_provider_calls() -> None:
    config = getter({"okta:orgName": "acme"})
    env = {"OKTA_BASE_URL": "oktapreview.com", "OKTA_API_TOKEN": TOKEN}
    creds = resolve_credentials(config, env, tenant=None, org_url=None)
    assert creds.org_url == resolve_org_url(None, config, env) == "https://acme.oktapreview.com"
    assert creds.source == "org from okta:orgName, credential from OKTA_* environment"
    # The component passes that URL to the verifier: the same credential is accepted there.
    again = resolve_credentials(config, env, tenant=None, org_url=creds.org_url)
    assert again.org_url == creds.org_url


@pytest.mark.parametrize(
    ("config", "env", "kwargs", "field", "reason_start"),
    [
        ({}, {"OKTA_API_TOKEN": TOKEN}, {}, "okta:orgName",
         "no Okta org found: set stack config okta:orgName"),
        ({}, {}, {"org_url": "https://acme.okta.com"}, "okta:apiToken",
         "no Okta API token or OAuth service app found: set stack config okta:apiToken"),
        ({}, {"OKTA_API_TOKEN": TOKEN}, {"tenants_env": "TENANTS"}, "--org-url",
         "no Okta org found: give --org-url"),
        ({}, {}, {"org_url": "https://a.okta.com", "tenants_env": "TENANTS"}, "OKTA_API_TOKEN",
         "no Okta API token or OAuth service app found: export OKTA_API_TOKEN"),
        ({"okta:orgName": "acme", "okta:apiToken": TOKEN, "okta:clientId": "0oa1"}, {}, {},
         "okta:apiToken", "both okta:apiToken and okta:clientId/okta:privateKey are set"),
        ({}, {"OKTA_ORG_NAME": "acme", "OKTA_API_PRIVATE_KEY": PEM_KEY}, {},
         "OKTA_API_CLIENT_ID", "is missing while OKTA_API_PRIVATE_KEY is set"),
        ({"okta:orgName": "acme"}, {"OKTA_ORG_NAME": "other", "OKTA_API_TOKEN": TOKEN}, {},
         "OKTA_API_TOKEN", "the org https://acme.okta.com (from okta:orgName) does not match the "
         "org https://other.okta.com of the credential in OKTA_* environment"),
        ({"okta:orgName": "acme", "okta:apiToken": "two words"}, {}, {}, "okta:apiToken",
         "the Okta API token contains white space"),
        ({}, {"OKTA_ORG_NAME": "acme", "OKTA_API_CLIENT_ID": "0oa1",
              "OKTA_API_PRIVATE_KEY": "secret-not-a-key"}, {}, "OKTA_API_PRIVATE_KEY",
         "is neither PEM private key text nor the path of a readable file"),
        ({}, {}, {"org_url": "http://acme.okta.com", "api_token": TOKEN}, "org_url",
         "'http://acme.okta.com' uses plain http"),
        ({}, {}, {"org_url": "https://a.okta.com", "token_env": "MY_TOKEN"}, "--token-env",
         "the environment variable MY_TOKEN is not set or empty"),
        ({}, {}, {"org_url": "https://a.okta.com", "token_env": TOKEN}, "--token-env",
         "give the NAME of an environment variable"),
        ({TENANTS_KEY: "[{"}, {}, {"tenant": "acme"}, TENANTS_KEY,
         "the stack config value is not valid JSON"),
        ({TENANTS_KEY: "{}"}, {}, {"tenant": "acme", "tenants_env": "TENANTS"}, "TENANTS",
         "the environment variable must be a list of tenant objects"),
        ({TENANTS_KEY: "[]"}, {}, {"tenant": "acme"}, "okta_org.credentials_tenant",
         "'acme' is not in stack config okta-custom-domain:tenants (tenants: none)"),
        ({TENANTS_KEY: "[]"}, {}, {"tenant": "acme", "tenants_env": "TENANTS"}, "--tenant",
         "'acme' is not in environment variable TENANTS"),
        ({TENANTS_KEY: json.dumps([{"name": "acme"}])}, {}, {"tenant": "acme"},
         "tenants[0] (acme).okta", "required, but not set"),
        ({TENANTS_KEY: json.dumps([{"name": "acme", "okta": {"orgName": "acme"}}])}, {},
         {"tenant": "acme", "tenants_env": "TENANTS"}, "TENANTS[0] (acme).okta",
         "set apiToken or clientId and privateKey for a service app"),
        ({TENANTS_KEY: json.dumps([{"name": "acme", "okta": {"orgName": "a", "apiToken": TOKEN}}])},
         {}, {"tenant": "acme", "org_url": "https://b.okta.com"}, "tenants[0] (acme).okta.apiToken",
         "the org https://b.okta.com (from explicit settings) does not match the org "
         "https://a.okta.com of the credential in tenants[0] (acme).okta"),
    ],
)  # fmt: skip
def test_credentials_errors_name_the_setting_as_written_and_never_a_secret(
    config: dict[str, Any], env: dict[str, str], kwargs: dict[str, Any], field: str,
    reason_start: str,
) -> None:  # fmt: skip
    arguments: dict[str, Any] = {"tenant": None, "org_url": None, **kwargs}
    with pytest.raises(CredentialsError) as raised:
        resolve_credentials(getter(config), env, **arguments)
    error = raised.value
    assert isinstance(error, InputError)
    assert error.field == field
    assert error.reason.startswith(reason_start), error.reason
    assert str(error) == f"{field}: {error.reason}"
    for text in (str(error), repr(error)):
        assert TOKEN not in text and "secret-not-a-key" not in text and "MIIEvQ" not in text
    assert "no the" not in str(error)
