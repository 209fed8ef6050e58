"""verify_and_wait and the OktaDomainVerification provider against FakeOkta and a real knotd.

The provider's methods are called directly (dynamic providers never run under mocks), with a
ConfigureRequest built like the plugin's, so credentials come from the stack config only.
"""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.credentials import TENANTS_KEY
from okta_custom_domain.okta.errors import OktaApiError
from okta_custom_domain.okta.models import OktaDomain
from okta_custom_domain.okta.verification import (
    DomainTaken,
    TxtValueRegenerated,
    VerificationProgress,
    VerificationTimeout,
    verify_and_wait,
)
from okta_custom_domain.okta.verification_provider import OktaDomainVerificationProvider
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    ZoneRecord,
    loopback_zone_text,
)
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_fixtures import FakeTime, pem_pair  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

ZONE = "example.test"
PROJECT = "okta-custom-domain"
_serials = itertools.count(1)


@pytest.fixture(scope="module")
def dns_server() -> Iterator[AuthoritativeServer]:
    with AuthoritativeServer("127.0.0.1") as server:
        server.add_zone(ZONE, _zone([]))
        yield server


@pytest.fixture
def fake(dns_server: AuthoritativeServer) -> Iterator[FakeOkta]:
    with FakeOkta(dns_server=(dns_server.address, dns_server.port), completion_delay=0.2) as server:
        yield server


def _zone(records: list[ZoneRecord]) -> str:
    return loopback_zone_text(ZONE, serial=next(_serials), records=records)


def okta_records(fake: FakeOkta, domain_id: str) -> list[dict[str, str]]:
    """The records Okta asks for, as the component passes them to the resource."""
    return [
        {"type": r["recordType"], "fqdn": r["fqdn"], "value": r["values"][0]}
        for r in fake.domain(domain_id)["dnsRecords"]
    ]


def publish(dns: AuthoritativeServer, records: list[dict[str, str]]) -> None:
    dns.set_zone(
        ZONE,
        _zone(
            [
                ZoneRecord(
                    f"{r['fqdn']}.",
                    r["type"],
                    f'"{r["value"]}"' if r["type"] == "TXT" else f"{r['value']}.",
                )
                for r in records
            ]
        ),
    )


def configured(values: dict[str, Any]) -> OktaDomainVerificationProvider:
    provider = OktaDomainVerificationProvider()
    provider.configure(ConfigureRequest(Config(values, PROJECT)))
    return provider


def props_for(
    fake: FakeOkta, domain_id: str, records: list[dict[str, str]], **extra: Any
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "domain_id": domain_id,
        "domain": fake.domain(domain_id)["domain"],
        "org_url": fake.url,
        "credentials_tenant": None,
        "records": records,
        "wait_for": "COMPLETED",
        "timeout": 10,
        "poll_interval": 0.05,
    }
    props.update(extra)
    return props


def token_config(fake: FakeOkta) -> dict[str, Any]:
    return {"okta:apiToken": fake.api_token}


# -- provider lifecycle ------------------------------------------------------------------------


def test_happy_path_to_completed(fake: FakeOkta, dns_server: AuthoritativeServer) -> None:
    domain_id = fake.add_domain("login.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    provider = configured(token_config(fake))
    props = props_for(fake, domain_id, records)
    check = provider.check({}, props)
    assert check.failures == []
    result = provider.create(check.inputs)
    assert result.id == domain_id
    outs = result.outs or {}
    assert outs["validation_status"] == "COMPLETED"
    assert outs["certificate_expiration"] and outs["verified_at"]
    assert outs["elapsed_seconds"] >= 0
    print(f"verified and certificate issued in {outs['elapsed_seconds']} s")
    assert len(fake.requests_to("POST", "/verify")) == 1
    event = fake.events()[-1]
    assert event["eventType"].endswith(".verify") and event["outcome"]["result"] == "SUCCESS"


def test_wait_for_verified_stops_before_certificate(
    fake: FakeOkta, dns_server: AuthoritativeServer
) -> None:
    fake.set_completion_delay(3600)
    domain_id = fake.add_domain("v.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    outs = (
        configured(token_config(fake))
        .create(props_for(fake, domain_id, records, wait_for="VERIFIED"))
        .outs
    )
    assert outs is not None and outs["validation_status"] == "VERIFIED"
    assert outs["certificate_expiration"] is None


def test_already_verified_domain_gets_no_post(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("done.example.test")
    fake.set_status(domain_id, "COMPLETED")
    records = okta_records(fake, domain_id)
    outs = configured(token_config(fake)).create(props_for(fake, domain_id, records)).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"
    assert fake.requests_to("POST", "/verify") == []
    assert [r.method for r in fake.requests] == ["GET"]


def test_premature_verify_reports_regenerated_txt_then_converges(
    fake: FakeOkta, dns_server: AuthoritativeServer
) -> None:
    domain_id = fake.add_domain("early.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, [r for r in records if r["type"] == "CNAME"])  # TXT not live yet
    provider = configured(token_config(fake))
    with pytest.raises(TxtValueRegenerated) as info:
        provider.create(props_for(fake, domain_id, records))
    new_records = okta_records(fake, domain_id)
    new_txt = next(r["value"] for r in new_records if r["type"] == "TXT")
    old_txt = next(r["value"] for r in records if r["type"] == "TXT")
    assert new_txt != old_txt
    message = str(info.value)
    assert new_txt in message and "pulumi up --refresh" in message
    assert len(fake.requests_to("POST", "/verify")) == 1  # failed at once, no retry loop
    # A second run with the stale records must not burn another verification attempt.
    with pytest.raises(TxtValueRegenerated):
        provider.create(props_for(fake, domain_id, records))
    assert len(fake.requests_to("POST", "/verify")) == 1
    # What `pulumi up --refresh` does: new records in, written to DNS, diff says verify again.
    publish(dns_server, new_records)
    olds = props_for(fake, domain_id, records)
    news = props_for(fake, domain_id, new_records)
    diff = provider.diff(domain_id, olds, news)
    assert diff.changes and diff.replaces == []
    outs = provider.update(domain_id, olds, news).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"


def test_failed_cname_is_retried_within_timeout(
    fake: FakeOkta, dns_server: AuthoritativeServer
) -> None:
    domain_id = fake.add_domain("cname.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, [r for r in records if r["type"] == "TXT"])  # the CNAME is missing
    client = OktaDomainsClient(fake.url, ApiToken(fake.api_token))
    seen: list[VerificationProgress] = []
    t = FakeTime()

    def progress(update: VerificationProgress) -> None:
        seen.append(update)
        if len(seen) == 2:
            publish(dns_server, records)  # the CNAME goes live between two attempts

    done = verify_and_wait(
        client,
        domain_id,
        expected_records=records,
        wait_for="VERIFIED",
        timeout=60,
        poll_interval=5,
        progress=progress,
        sleep=t.sleep,
        clock=t.clock,
    )
    assert done.validation_status == "VERIFIED"
    assert len(fake.requests_to("POST", "/verify")) >= 2
    assert "unchanged, retrying" in seen[0].message
    assert all(s == 5 for s in t.sleeps)


def test_timeout_names_last_status(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("slow.example.test")
    fake.set_completion_delay(3600)
    fake.set_status(domain_id, "VERIFIED")
    provider = configured(token_config(fake))
    props = props_for(
        fake, domain_id, okta_records(fake, domain_id), timeout=0.3, poll_interval=0.1
    )
    with pytest.raises(VerificationTimeout) as info:
        provider.create(props)
    assert "last status VERIFIED" in str(info.value) and "0.3 s" in str(info.value)
    assert info.value.last_status == "VERIFIED"
    assert fake.requests_to("POST", "/verify") == []


def test_manual_domain_timeout_says_upload_a_certificate(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("m.example.test", "MANUAL")
    fake.set_status(domain_id, "VERIFIED")
    client = OktaDomainsClient(fake.url, ApiToken(fake.api_token))
    t = FakeTime()
    with pytest.raises(VerificationTimeout, match="uploaded"):
        verify_and_wait(
            client, domain_id, timeout=30, poll_interval=10, sleep=t.sleep, clock=t.clock
        )
    assert t.sleeps == [10, 10, 10]


@pytest.mark.parametrize("when", ["before-verify", "answered-by-verify"])
def test_domain_taken_by_another_org_fails_at_once(fake: FakeOkta, when: str) -> None:
    """DOMAIN_TAKEN is neither pending nor done: one clear error, no polling until the timeout."""
    domain_id = fake.add_domain("taken.example.test")
    records = okta_records(fake, domain_id)
    client = OktaDomainsClient(fake.url, ApiToken(fake.api_token))
    t = FakeTime()
    if when == "before-verify":
        fake.claim_by_other_org(domain_id)
        get_domain = client.get_domain
    else:
        # The name is claimed between our read and Okta's check: verify answers DOMAIN_TAKEN.
        def get_domain(domain_id: str) -> OktaDomain:
            domain = OktaDomainsClient.get_domain(client, domain_id)
            fake.claim_by_other_org(domain_id)
            return domain

    client.get_domain = get_domain  # type: ignore[method-assign]
    with pytest.raises(DomainTaken) as info:
        verify_and_wait(
            client, domain_id, expected_records=records, timeout=600, poll_interval=10,
            sleep=t.sleep, clock=t.clock,
        )
    message = str(info.value)
    assert message.startswith("taken.example.test (Okta domain ")
    assert "claimed by another Okta org (validation status DOMAIN_TAKEN)" in message
    assert "choose another domain name" in message
    assert info.value.last_status == "DOMAIN_TAKEN"
    assert t.sleeps == []
    assert len(fake.requests_to("POST", "/verify")) == (0 if when == "before-verify" else 1)


def test_rate_limit_then_success(fake: FakeOkta, dns_server: AuthoritativeServer) -> None:
    domain_id = fake.add_domain("rl.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    fake.inject_rate_limit(2, reset_after=0)
    outs = configured(token_config(fake)).create(props_for(fake, domain_id, records)).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"
    assert [r.status for r in fake.requests[:3]] == [429, 429, 200]


def test_rate_limit_wait_honours_reset_from_date(
    fake: FakeOkta, dns_server: AuthoritativeServer
) -> None:
    okta_time = FakeTime()
    fake.set_clock(okta_time.clock)
    fake.set_completion_delay(0)
    domain_id = fake.add_domain("rl2.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    fake.inject_rate_limit(1, reset_after=30, path_prefix=f"/api/v1/domains/{domain_id}/verify")
    local = FakeTime(okta_time.now - 500)  # a local clock far behind Okta's
    client = OktaDomainsClient(
        fake.url, ApiToken(fake.api_token), sleep=local.sleep, clock=local.clock
    )
    done = verify_and_wait(
        client,
        domain_id,
        expected_records=records,
        poll_interval=1,
        sleep=local.sleep,
        clock=local.clock,
    )
    assert done.validation_status == "COMPLETED"
    assert local.sleeps[0] == 31.0  # Reset - Date + 1 s margin, not Reset - local clock
    assert len(fake.requests_to("POST", "/verify")) == 2


def test_server_error_burst_then_success(fake: FakeOkta, dns_server: AuthoritativeServer) -> None:
    domain_id = fake.add_domain("burst.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    fake.inject_server_errors(2, status=503)
    outs = configured(token_config(fake)).create(props_for(fake, domain_id, records)).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"
    assert [r.status for r in fake.requests[:3]] == [503, 503, 200]


def test_persistent_server_errors_end_with_clear_error(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("down.example.test")
    fake.inject_server_errors(10_000)
    t = FakeTime()
    client = OktaDomainsClient(
        fake.url, ApiToken(fake.api_token), sleep=t.sleep, clock=t.clock, retry_budget=30
    )
    with pytest.raises(OktaApiError) as info:
        verify_and_wait(client, domain_id, sleep=t.sleep, clock=t.clock)
    assert info.value.status == 500
    assert "within the 30 s retry budget" in str(info.value)
    assert sum(t.sleeps) <= 30


def test_bad_token_fails_without_showing_it(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("tok.example.test")
    secret = "00" + "S3cretTokenValue" * 2
    provider = configured({"okta:apiToken": secret})
    with pytest.raises(OktaApiError) as info:
        provider.create(props_for(fake, domain_id, okta_records(fake, domain_id)))
    assert info.value.error_code == "E0000011"
    assert secret not in str(info.value) and secret not in repr(info.value)


def test_domain_deleted_out_of_band(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("gone.example.test")
    props = props_for(fake, domain_id, okta_records(fake, domain_id))
    provider = configured(token_config(fake))
    fake.delete_out_of_band(domain_id)
    with pytest.raises(OktaApiError, match="no longer exists") as info:
        provider.create(props)
    assert "pulumi up --refresh" in str(info.value)
    read = provider.read(domain_id, props)
    assert read.id == ""


def test_read_refreshes_status_and_delete_leaves_okta_alone(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("read.example.test")
    props = props_for(fake, domain_id, okta_records(fake, domain_id), validation_status="VERIFIED")
    fake.set_status(domain_id, "COMPLETED")
    provider = configured(token_config(fake))
    read = provider.read(domain_id, props)
    assert read.id == domain_id and read.outs is not None
    assert read.outs["validation_status"] == "COMPLETED" and read.outs["certificate_expiration"]
    provider.delete(domain_id, props)
    assert [r.method for r in fake.requests] == ["GET"]
    assert fake.domain(domain_id)["validationStatus"] == "COMPLETED"


def test_oauth_service_app_from_stack_config(
    fake: FakeOkta, dns_server: AuthoritativeServer
) -> None:
    private, public = pem_pair()
    fake.register_service_app("0oasvc", public, key_id="k1")
    domain_id = fake.add_domain("svc.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    provider = configured(
        {"okta:clientId": "0oasvc", "okta:privateKey": private, "okta:privateKeyId": "k1"}
    )
    outs = provider.create(props_for(fake, domain_id, records)).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"
    assert len(fake.requests_to("POST", "/oauth2/v1/token")) == 1


def test_tenant_credentials_from_stack_config(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("tenant.example.test")
    fake.set_status(domain_id, "COMPLETED")
    tenants = json.dumps(
        [{"name": "prod", "okta": {"orgUrl": fake.url, "apiToken": fake.api_token}}]
    )
    provider = configured({TENANTS_KEY: tenants, "okta:apiToken": "not-this-one"})
    props = props_for(fake, domain_id, okta_records(fake, domain_id), credentials_tenant="prod")
    outs = provider.create(props).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"


# -- check and diff ----------------------------------------------------------------------------


def test_check_reports_each_bad_input() -> None:
    provider = OktaDomainVerificationProvider()
    result = provider.check(
        {},
        {
            "domain_id": "",
            "domain": "x.example.test",
            "org_url": "http://acme.okta.com",
            "records": [{"type": "A", "fqdn": "x.example.test", "value": ""}],
            "wait_for": "ISSUED",
            "timeout": -1,
            "poll_interval": "fast",
            "credentials_tenant": " ",
        },
    )
    reasons: dict[str, str] = {}
    for failure in result.failures:
        reasons[failure.property] = reasons.get(failure.property, "") + failure.reason + " | "
    assert set(reasons) == {
        "domain_id",
        "org_url",
        "records",
        "wait_for",
        "timeout",
        "poll_interval",
        "credentials_tenant",
    }
    assert (
        reasons["org_url"].startswith("org_url: ")
        and "plain http" in reasons["org_url"]
        and "TXT or CNAME" in reasons["records"]
    )
    good = provider.check(
        {},
        {
            "domain_id": "OcD1",
            "domain": "x.example.test",
            "org_url": "https://Acme.okta.com/",
            "records": [],
        },
    )
    assert good.failures == []
    assert good.inputs["org_url"] == "https://acme.okta.com"
    assert (good.inputs["wait_for"], good.inputs["timeout"], good.inputs["poll_interval"]) == (
        "COMPLETED",
        1800.0,
        10.0,
    )


def test_diff_reverifies_on_record_value_and_replaces_on_new_domain_id() -> None:
    provider = OktaDomainVerificationProvider()
    base = {
        "domain_id": "OcD1",
        "org_url": "https://a.okta.com",
        "wait_for": "COMPLETED",
        "records": [
            {"type": "TXT", "fqdn": "_acme-challenge.x.example.test", "value": "v1"},
            {"type": "CNAME", "fqdn": "x.example.test", "value": "a.customdomains.okta.com"},
        ],
        "timeout": 1800,
    }
    same = json.loads(json.dumps(base))
    same["records"].reverse()
    same["records"][0]["fqdn"] = "X.example.test."
    same["timeout"] = 60  # waiting longer next time is not a reason to verify again
    assert not provider.diff("OcD1", base, same).changes
    changed = json.loads(json.dumps(base))
    changed["records"][0]["value"] = "v2"
    diff = provider.diff("OcD1", base, changed)
    assert diff.changes and diff.replaces == []
    moved = dict(base, domain_id="OcD2")
    assert provider.diff("OcD1", base, moved).replaces == ["domain_id"]
    assert provider.diff("OcD1", base, dict(base, wait_for="VERIFIED")).changes


# -- secrets -----------------------------------------------------------------------------------


def test_serialized_provider_inputs_outputs_and_errors_hold_no_secret(
    fake: FakeOkta, dns_server: AuthoritativeServer
) -> None:
    private, _ = pem_pair()
    key_body = private.splitlines()[1]
    config = {
        "okta:apiToken": fake.api_token,
        "okta:privateKey": private,
        TENANTS_KEY: json.dumps([{"name": "t", "okta": {"apiToken": fake.api_token}}]),
    }
    provider = configured(config)
    domain_id = fake.add_domain("secret.example.test")
    records = okta_records(fake, domain_id)
    publish(dns_server, records)
    # Drop the privateKey from the config used for the call (token + key together conflict).
    provider_for_call = configured({"okta:apiToken": fake.api_token})
    inputs = provider_for_call.check({}, props_for(fake, domain_id, records)).inputs
    outs = provider_for_call.create(inputs).outs
    assert outs is not None and outs["validation_status"] == "COMPLETED"

    serialized = serialize_provider(provider)  # what Pulumi stores as __provider
    raw = base64.b64decode(serialized)
    texts = [serialized, raw.decode("latin-1"), json.dumps(inputs), json.dumps(outs)]
    for text in texts:
        assert fake.api_token not in text
        assert key_body not in text and "PRIVATE KEY" not in text
    assert len(serialized) < 300, "the provider class must be pickled by reference"

    errors: list[str] = []
    for bad in (
        {"okta:apiToken": fake.api_token + "x"},
        {"okta:apiToken": fake.api_token, "okta:clientId": "0oa", "okta:privateKey": private},
    ):
        try:
            configured(bad).create(props_for(fake, domain_id, records))
        except Exception as exc:
            errors.append(f"{exc!s} {exc!r}")
    assert len(errors) == 2
    for text in errors:
        assert fake.api_token not in text and key_body not in text

    # The plugin process loads the provider with only the installed package importable.
    code = (
        "import base64, sys, dill\n"
        "p = dill.loads(base64.b64decode(sys.stdin.read()))\n"
        "assert type(p).__module__ == 'okta_custom_domain.okta.verification_provider'\n"
        "assert p._config_get is None\n"
        "print('ok')\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        input=serialized,
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "ok"


def test_check_lets_preview_unknowns_through_and_checks_them_once_known() -> None:
    """Found with the real engine: preview hands ``check`` unknown domain_id and records."""
    from pulumi.runtime import rpc

    provider = OktaDomainVerificationProvider()
    news = {
        "domain_id": rpc.UNKNOWN,
        "domain": "login.example.com",
        "org_url": "https://acme.okta.com",
        "records": [{"type": "TXT", "fqdn": "_acme-challenge.login.example.com", "value": rpc.UNKNOWN}],
    }
    assert provider.check({}, news).failures == []
    known = {**news, "domain_id": "", "records": "not a list"}
    fields = {failure.property for failure in provider.check({}, known).failures}
    assert {"domain_id", "records"} <= fields
