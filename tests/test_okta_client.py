"""OktaDomainsClient against FakeOkta: parsing, retries (429 from Date/Reset, 5xx, connection
errors) within the budget, errors with hints, OAuth service app, and credential resolution."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from okta_custom_domain.okta.auth import ApiToken, OAuthServiceApp
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.credentials import (
    TENANTS_KEY,
    CredentialsError,
    resolve_credentials,
)
from okta_custom_domain.okta.errors import OktaApiError, OktaTransportError
from okta_custom_domain.okta.models import OktaDomain
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.okta.rate_limit import RATE_LIMIT_MARGIN, rate_limit_wait
from okta_custom_domain.parsers import InputError
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_fixtures import FakeTime, pem_pair  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest


@pytest.fixture
def fake() -> Iterator[FakeOkta]:
    with FakeOkta() as server:
        yield server


def client_for(fake: FakeOkta, time_: FakeTime | None = None, **kw: object) -> OktaDomainsClient:
    t = time_ or FakeTime()
    return OktaDomainsClient(fake.url, ApiToken(fake.api_token), sleep=t.sleep, clock=t.clock, **kw)  # type: ignore[arg-type]


# -- calls and parsing -------------------------------------------------------------------------


def test_domain_calls_round_trip(fake: FakeOkta) -> None:
    with client_for(fake) as client:
        created = client.create_domain("Login.Example.test", "OKTA_MANAGED")
        assert created.domain == "login.example.test"
        assert created.validation_status == "NOT_STARTED"
        txt, cname = created.record("TXT"), created.record("cname")
        assert txt is not None and txt.fqdn == "_acme-challenge.login.example.test"
        assert cname is not None and cname.value == "fake-org.customdomains.okta.com"
        listed = client.list_domains()
        assert [d.id for d in listed] == ["default", created.id]
        assert listed[0].is_default and listed[1].dns_records == []
        found = client.find_domain("LOGIN.example.test.")
        assert found is not None and found.dns_records == created.dns_records
        assert client.find_domain("nope.example.test") is None
        failed = client.verify_domain(created.id)  # no DNS server: a 200 FAILED_TO_VERIFY
        assert failed.validation_status == "FAILED_TO_VERIFY"
        client.delete_domain(created.id)
        with pytest.raises(OktaApiError) as info:
            client.get_domain(created.id)
    assert info.value.is_not_found and info.value.error_code == "E0000007"
    assert "pulumi up --refresh" in str(info.value)


def test_parse_is_defensive() -> None:
    domain = OktaDomain.from_json(
        {
            "id": "OcD1",
            "domain": "X.Example.TEST.",
            "dnsRecords": [
                {"recordType": "txt", "fqdn": "_acme-challenge.x.example.test.", "values": "v1"},
                "junk",
                {"recordType": "CNAME"},
            ],
            "publicCertificate": {},
            "unexpected": {"nested": True},
        }
    )
    assert domain.domain == "x.example.test"
    assert domain.validation_status is None and domain.public_certificate is None
    assert domain.record("TXT") is not None and domain.record("TXT").values == ["v1"]  # type: ignore[union-attr]
    assert domain.record("CNAME") is not None and domain.record("CNAME").values == []  # type: ignore[union-attr]
    with pytest.raises(OktaApiError):
        OktaDomain.from_json(["not", "an", "object"])


def test_certificate_upload_for_manual(fake: FakeOkta) -> None:
    from okta_custom_domain.testing.certs import make_certificate

    cert = make_certificate("m.example.test")
    with client_for(fake) as client:
        domain = client.create_domain("m.example.test", "MANUAL")
        fake.set_status(domain.id, "VERIFIED")
        client.upload_certificate(
            domain.id, cert.certificate_pem, cert.chain_pem, cert.private_key_pem
        )
        assert client.get_domain(domain.id).public_certificate is not None
        other = make_certificate("m.example.test")
        with pytest.raises(OktaApiError) as info:
            client.upload_certificate(
                domain.id, cert.certificate_pem, cert.chain_pem, other.private_key_pem
            )
    assert info.value.error_code == "E0000001"
    assert other.private_key_pem not in str(info.value)
    assert "does not match" in str(info.value)


def test_upload_before_verification_names_e0000165_and_the_next_step(fake: FakeOkta) -> None:
    from okta_custom_domain.testing.certs import make_certificate

    cert = make_certificate("early.example.test")
    with client_for(fake) as client:
        domain = client.create_domain("early.example.test", "MANUAL")
        with pytest.raises(OktaApiError) as info:
            client.upload_certificate(
                domain.id, cert.certificate_pem, cert.chain_pem, cert.private_key_pem
            )
    assert info.value.status == 403 and info.value.error_code == "E0000165"
    assert "verify" in str(info.value)
    assert cert.private_key_pem not in str(info.value)


def test_client_never_uploads_to_an_okta_managed_domain(fake: FakeOkta) -> None:
    """Okta would accept it and make the domain MANUAL (renewal stops): refused before the PUT."""
    from okta_custom_domain.testing.certs import make_certificate

    cert = make_certificate("o.example.test")
    with client_for(fake) as client:
        domain = client.create_domain("o.example.test", "OKTA_MANAGED")
        fake.set_status(domain.id, "COMPLETED")
        with pytest.raises(ValueError) as info:
            client.upload_certificate(
                domain.id, cert.certificate_pem, cert.chain_pem, cert.private_key_pem
            )
    assert str(info.value).startswith("certificate_source_type: o.example.test is OKTA_MANAGED;")
    assert "MANUAL" in str(info.value)
    assert fake.requests_to("PUT", "/certificate") == []
    assert fake.uploads_to_okta_managed == []
    assert fake.domain(domain.id)["certificateSourceType"] == "OKTA_MANAGED"


def test_brand_is_set_with_put_after_create_not_in_the_create_body(fake: FakeOkta) -> None:
    with client_for(fake) as client:
        domain = client.create_domain("brand.example.test", "OKTA_MANAGED", brand_id="bndCHOSEN")
        plain = client.create_domain("plain.example.test", "OKTA_MANAGED")
    assert domain.brand_id == "bndCHOSEN"
    assert fake.domain(domain.id)["brandId"] == "bndCHOSEN"
    creates = fake.requests_to("POST", "/api/v1/domains")
    assert [r.body_keys for r in creates] == [("domain", "certificateSourceType")] * 2
    puts = fake.requests_to("PUT", f"/api/v1/domains/{domain.id}")
    assert [(r.status, r.body_keys) for r in puts] == [(200, ("brandId",))]
    assert fake.requests_to("PUT", f"/api/v1/domains/{plain.id}") == []
    assert plain.brand_id and plain.brand_id != "bndCHOSEN"

def test_errors_carry_code_causes_request_id_and_hint(fake: FakeOkta) -> None:
    with client_for(fake) as client:
        for index in range(3):
            client.create_domain(f"d{index}.example.test", "MANUAL")
        with pytest.raises(OktaApiError) as limit:
            client.create_domain("d3.example.test", "MANUAL")
        fake.domain_limit = 10
        with pytest.raises(OktaApiError) as duplicate:
            client.create_domain("d0.example.test", "MANUAL")
    error = limit.value
    assert (error.status, error.error_code) == (400, "E0000162")
    assert error.error_causes and error.request_id
    assert error.request_id in str(error) and "support" in str(error)
    assert duplicate.value.error_code == "E0000161" and "import it" in str(duplicate.value)
    assert "\n" not in str(error)


def test_bad_token_is_e0000011_without_the_token(fake: FakeOkta) -> None:
    secret = "00BadTokenValue0123456789abcdef"
    client = OktaDomainsClient(fake.url, ApiToken(secret))
    with pytest.raises(OktaApiError) as info:
        client.list_domains()
    assert info.value.status == 401 and info.value.error_code == "E0000011"
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert secret not in repr(client) and secret not in repr(client.auth)
    assert len(fake.requests) == 1  # a bad token is not retried


def test_system_log_follows_next_links(fake: FakeOkta) -> None:
    fake.domain_limit = 5
    with client_for(fake) as client:
        for index in range(5):
            client.create_domain(f"l{index}.example.test", "MANUAL")
        since = datetime.now(UTC) - timedelta(hours=1)
        events = client.list_logs(since, filter='eventType sw "system.custom_url_domain"', limit=2)
    assert [e.event_type for e in events] == ["system.custom_url_domain.initiate"] * 5
    assert [e.targets[0] for e in events] == [f"l{i}.example.test" for i in range(5)]
    assert events[0].outcome == "SUCCESS"
    log_requests = [r for r in fake.requests if r.path == "/api/v1/logs"]
    assert len(log_requests) == 4  # 2 + 2 + 1, then an empty page ends the polling request


# -- retries -----------------------------------------------------------------------------------


def test_rate_limit_waits_until_reset_measured_from_date_header() -> None:
    okta_time = FakeTime()
    with FakeOkta(clock=okta_time.clock) as fake:
        fake.inject_rate_limit(3, reset_after=7)
        local = FakeTime(okta_time.now + 1000)  # the local clock is 1000 s off
        with client_for(fake, local) as client:
            assert [d.id for d in client.list_domains()] == ["default"]
    assert local.sleeps == [7 + RATE_LIMIT_MARGIN] * 3  # did not give up on the first 429
    assert [r.status for r in fake.requests] == [429, 429, 429, 200]


def test_rate_limit_wait_formula() -> None:
    date = formatdate(1_800_000_000, usegmt=True)
    headers = {"Date": date, "X-Rate-Limit-Reset": "1800000042"}
    assert rate_limit_wait(headers, fallback_now=0.0) == 42 + RATE_LIMIT_MARGIN
    assert (
        rate_limit_wait({"X-Rate-Limit-Reset": "100"}, fallback_now=90.0) == 10 + RATE_LIMIT_MARGIN
    )
    assert (
        rate_limit_wait({"Date": date, "X-Rate-Limit-Reset": "5"}, fallback_now=0)
        == RATE_LIMIT_MARGIN
    )


def test_rate_limit_beyond_budget_raises_e0000047() -> None:
    okta_time = FakeTime()
    with FakeOkta(clock=okta_time.clock) as fake:
        fake.inject_rate_limit(1, reset_after=600)
        client = client_for(fake, FakeTime(okta_time.now), retry_budget=60)
        with pytest.raises(OktaApiError) as info:
            client.list_domains()
    assert info.value.status == 429 and info.value.error_code == "E0000047"
    assert "retry budget" in str(info.value)


def test_server_error_burst_then_success_with_jittered_backoff(fake: FakeOkta) -> None:
    fake.inject_server_errors(3, status=502)
    t = FakeTime()
    with client_for(fake, t) as client:
        assert len(client.list_domains()) == 1
    assert len(t.sleeps) == 3
    for attempt, delay in enumerate(t.sleeps, start=1):
        ceiling = 0.5 * 2 ** (attempt - 1)
        assert ceiling / 2 <= delay <= ceiling


def test_persistent_server_errors_end_within_budget(fake: FakeOkta) -> None:
    fake.inject_server_errors(10_000, status=500)
    t = FakeTime()
    start = t.now
    client = client_for(fake, t, retry_budget=45)
    with pytest.raises(OktaApiError) as info:
        client.get_domain("OcDx")
    assert info.value.status == 500
    assert "retry budget" in str(info.value) and "attempt" in str(info.value)
    assert t.now - start <= 45
    assert len(t.sleeps) >= 4


def test_connection_refused_retries_then_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    t = FakeTime()
    client = OktaDomainsClient(
        f"http://127.0.0.1:{port}", ApiToken("tok"), sleep=t.sleep, clock=t.clock, retry_budget=10
    )
    with pytest.raises(OktaTransportError) as info:
        client.list_domains()
    assert "ConnectionError" in str(info.value) and info.value.status is None
    assert sum(t.sleeps) <= 10 and len(t.sleeps) >= 2


def test_slow_answer_times_out_and_is_retried(fake: FakeOkta) -> None:
    fake.inject_delay(1.0)
    t = FakeTime()
    with client_for(fake, t, timeout=0.3) as client:
        assert len(client.list_domains()) == 1
    assert len(t.sleeps) == 1


# -- OAuth service app -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_oauth_service_app_gets_and_caches_a_token(fake: FakeOkta, kind: str) -> None:
    private, public = pem_pair(kind, ec.SECP384R1())
    fake.register_service_app("0oa1", public, key_id="kid-1")
    app = OAuthServiceApp("0oa1", private, key_id="kid-1")
    assert app.algorithm == ("RS256" if kind == "rsa" else "ES384")
    with OktaDomainsClient(fake.url, app) as client:
        created = client.create_domain("oauth.example.test", "MANUAL")
        assert client.get_domain(created.id).domain == "oauth.example.test"
        fake._access_tokens.clear()  # Okta revoked the token: one 401, then a new token
        assert client.get_domain(created.id).id == created.id
    assert len(fake.requests_to("POST", "/oauth2/v1/token")) == 2
    assert private not in repr(app) and "redacted" in repr(app)


def test_oauth_errors_name_the_app_not_the_key(fake: FakeOkta) -> None:
    private, _ = pem_pair()
    _, other_public = pem_pair()
    fake.register_service_app("0oa1", other_public)
    client = OktaDomainsClient(fake.url, OAuthServiceApp("0oa1", private))
    with pytest.raises(OktaApiError) as info:
        client.list_domains()
    assert "0oa1" in str(info.value) and "invalid_client" in str(info.value)
    assert "PRIVATE KEY" not in str(info.value)


def test_oauth_rejects_unreadable_key() -> None:
    with pytest.raises(ValueError, match="privateKey"):
        OAuthServiceApp("0oa1", "not a key")
    with pytest.raises(ValueError, match="cannot be read"):
        OAuthServiceApp("0oa1", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


# -- org URLs ----------------------------------------------------------------------------------


def test_org_url_from() -> None:
    assert org_url_from("dev-123") == "https://dev-123.okta.com"
    assert org_url_from("acme", "oktapreview.com") == "https://acme.oktapreview.com"
    assert org_url_from("https://Acme.okta.com/") == "https://acme.okta.com"
    assert org_url_from("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    for bad, field in (
        ("http://acme.okta.com", "orgUrl"),
        ("acme.okta.com", "orgName"),
        ("https://acme.okta.com/admin", "orgUrl"),
        ("", "orgName"),
    ):
        with pytest.raises(InputError) as raised:
            org_url_from(bad)
        assert raised.value.field == field  # the field is data: no caller reads the message
    with pytest.raises(InputError) as raised:
        org_url_from("acme", "https://okta.com", base_field="okta:baseUrl")
    assert (raised.value.field, raised.value.reason) == (
        "okta:baseUrl",
        "'https://okta.com' must be a domain such as okta.com or oktapreview.com",
    )
    with pytest.raises(InputError) as raised:
        org_url_from("acme.com", name_field="tenants[0] (acme).okta.orgName")
    assert raised.value.field == "tenants[0] (acme).okta.orgName"
    assert str(raised.value).startswith("tenants[0] (acme).okta.orgName: 'acme.com' must be")


# -- credentials -------------------------------------------------------------------------------


def config(values: dict[str, object]) -> object:
    return values.get


def test_credentials_from_okta_config_and_env_per_part() -> None:
    creds = resolve_credentials(
        config({"okta:orgName": "acme", "okta:baseUrl": "oktapreview.com"}),  # type: ignore[arg-type]
        {"OKTA_API_TOKEN": "envtoken"},
        tenant=None,
        org_url=None,
    )
    assert creds.org_url == "https://acme.oktapreview.com"
    assert isinstance(creds.auth, ApiToken) and creds.auth.token == "envtoken"
    assert "envtoken" not in repr(creds) and "envtoken" not in str(creds)
    # A token configured next to another org is never sent to this one.
    with pytest.raises(CredentialsError, match=r"does not match the org https://other\.okta\.com"):
        resolve_credentials(
            config({"okta:orgName": "acme"}),  # type: ignore[arg-type]
            {"OKTA_API_TOKEN": "envtoken", "OKTA_ORG_NAME": "other"},
            tenant=None,
            org_url=None,
        )


def test_credentials_config_wins_over_env() -> None:
    creds = resolve_credentials(
        config({"okta:orgName": "acme", "okta:apiToken": "cfg"}),  # type: ignore[arg-type]
        {"OKTA_ORG_NAME": "acme", "OKTA_API_TOKEN": "env"},
        tenant=None,
        org_url=None,
    )
    assert isinstance(creds.auth, ApiToken) and creds.auth.token == "cfg"


def test_credentials_from_tenant_entry_as_json_string() -> None:
    private, _ = pem_pair("ec", ec.SECP384R1())
    tenants = [
        {"name": "prod", "okta": {"orgName": "acme", "apiToken": "prodtoken"}},
        {
            "name": "eu",
            "okta": {
                "orgUrl": "https://acme-eu.okta-emea.com",
                "clientId": "0oa9",
                "privateKey": private,
                "scopes": ["okta.domains.read"],
            },
        },
    ]
    get = config({TENANTS_KEY: json.dumps(tenants), "okta:apiToken": "ignored"})
    prod = resolve_credentials(get, {}, tenant="prod", org_url="https://acme.okta.com")  # type: ignore[arg-type]
    assert prod.org_url == "https://acme.okta.com" and prod.auth.token == "prodtoken"  # type: ignore[union-attr]
    eu = resolve_credentials(get, {}, tenant="eu", org_url=None)  # type: ignore[arg-type]
    assert isinstance(eu.auth, OAuthServiceApp) and eu.auth.scopes == ("okta.domains.read",)
    assert eu.org_url == "https://acme-eu.okta-emea.com"
    with pytest.raises(CredentialsError, match="'nope' is not in") as missing:
        resolve_credentials(get, {}, tenant="nope", org_url=None)  # type: ignore[arg-type]
    assert "'prod', 'eu'" in str(missing.value)
    with pytest.raises(CredentialsError, match="does not match"):
        resolve_credentials(get, {}, tenant="prod", org_url="https://other.okta.com")  # type: ignore[arg-type]


def test_credentials_oauth_from_env_with_default_and_extra_scopes(tmp_path: Path) -> None:
    private, _ = pem_pair()
    key_file = tmp_path / "key.pem"
    key_file.write_text(private)
    env = {
        "OKTA_ORG_NAME": "acme",
        "OKTA_API_CLIENT_ID": "0oa1",
        "OKTA_API_PRIVATE_KEY": str(key_file),
        "OKTA_API_PRIVATE_KEY_ID": "k1",
    }
    creds = resolve_credentials(
        lambda _k: None, env, tenant=None, org_url=None, extra_scopes=["okta.logs.read"]
    )
    assert isinstance(creds.auth, OAuthServiceApp)
    assert creds.auth.scopes == ("okta.domains.read", "okta.domains.manage", "okta.logs.read")
    assert creds.auth.key_id == "k1"
    env["OKTA_API_SCOPES"] = "okta.domains.read,okta.domains.manage"
    scoped = resolve_credentials(lambda _k: None, env, tenant=None, org_url=None)
    assert scoped.auth.scopes == ("okta.domains.read", "okta.domains.manage")  # type: ignore[union-attr]


def test_credentials_errors_name_the_missing_setting_never_the_value() -> None:
    with pytest.raises(CredentialsError, match="okta:orgName") as no_org:
        resolve_credentials(
            lambda _k: None, {"OKTA_API_TOKEN": "sekrit"}, tenant=None, org_url=None
        )
    assert "sekrit" not in str(no_org.value)
    with pytest.raises(CredentialsError, match="OKTA_API_TOKEN"):
        resolve_credentials(lambda _k: None, {}, tenant=None, org_url="https://acme.okta.com")
    with pytest.raises(CredentialsError, match="keep either") as both:
        resolve_credentials(
            config({"okta:orgName": "a", "okta:apiToken": "sekrit", "okta:clientId": "0oa"}),  # type: ignore[arg-type]
            {},
            tenant=None,
            org_url=None,
        )
    assert "sekrit" not in str(both.value)
    with pytest.raises(CredentialsError, match=r"^OKTA_API_PRIVATE_KEY: is missing while OKTA_API_CLIENT_ID is set"):
        resolve_credentials(
            lambda _k: None,
            {"OKTA_API_CLIENT_ID": "0oa"},
            tenant=None,
            org_url="https://a.okta.com",
        )


def test_credentials_token_from_named_env_variable_for_the_cli() -> None:
    creds = resolve_credentials(
        lambda _k: None,
        {"MY_OKTA_TOKEN": "clitoken"},
        tenant=None,
        org_url="https://acme.okta.com",
        token_env="MY_OKTA_TOKEN",
    )
    assert creds.auth.token == "clitoken"  # type: ignore[union-attr]
    with pytest.raises(CredentialsError, match="MY_OKTA_TOKEN"):
        resolve_credentials(
            lambda _k: None,
            {},
            tenant=None,
            org_url="https://acme.okta.com",
            token_env="MY_OKTA_TOKEN",
        )


def test_requests_session_is_reused(fake: FakeOkta) -> None:
    session = requests.Session()
    adapter_calls: list[str] = []
    original = session.request

    def counting(method: str, url: str, **kw: object) -> requests.Response:
        adapter_calls.append(method)
        return original(method, url, **kw)  # type: ignore[arg-type]

    session.request = counting  # type: ignore[method-assign,assignment]
    client = OktaDomainsClient(fake.url, ApiToken(fake.api_token), session=session)
    client.list_domains()
    client.list_domains()
    client.close()  # a caller's session is not closed by the client
    assert adapter_calls == ["GET", "GET"]
    assert session.get(fake.url + "/api/v1/domains", timeout=5).status_code == 401
