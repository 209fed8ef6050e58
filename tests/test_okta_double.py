"""The okta plugin double, spoken to over gRPC as the engine does, against a real FakeOkta.

One double process (started through its launcher script, as the engine starts it) serves
the module; each test configures it for its own FakeOkta.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_custom_domain.testing.local_process import end_process
from okta_custom_domain.testing.plugins import okta as okta_double
from okta_custom_domain.testing.plugins.base import (
    UNKNOWN,
    Props,
    read_request_log,
    to_struct,
    wrap_secret,
)
from okta_custom_domain.testing.plugins.okta.client import CONFIG_KEYS
from okta_fixtures import pem_pair  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

DOMAIN = "okta:index/domain:Domain"
CERT = "okta:index/domainCertificate:DomainCertificate"
PROVIDER_URN = "urn:pulumi:dev::proj::pulumi:providers:okta::default_7_0_1"
DIFF = provider_pb2.DiffResponse
KIND = provider_pb2.PropertyDiff


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::proj::{type_}::{name}"


class Double:
    """A running double: its gRPC stub and its request log."""

    def __init__(self, stub: provider_pb2_grpc.ResourceProviderStub, log: Path) -> None:
        self.stub = stub
        self.log = log
        self.mark = 0

    def entries(self) -> list[dict[str, Any]]:
        """Log entries written since the last ``configure``."""
        return read_request_log(self.log)[self.mark :]

    def configure(self, **config: Any) -> provider_pb2.ConfigureResponse:
        self.mark = len(read_request_log(self.log))
        args = {
            k: wrap_secret(v) if k in ("apiToken", "privateKey") else v for k, v in config.items()
        }
        request = provider_pb2.ConfigureRequest(
            args=to_struct({**args, "version": "7.0.1"}),
            acceptSecrets=True,
            acceptResources=True,
            urn=PROVIDER_URN,
        )
        return self.stub.Configure(request)

    def check(
        self, type_: str, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> provider_pb2.CheckResponse:
        return self.stub.Check(
            provider_pb2.CheckRequest(
                urn=urn(type_, name),
                type=type_,
                name=name,
                olds=to_struct(olds or {}),
                news=to_struct(news),
                randomSeed=b"seed-" + name.encode(),
            )
        )

    def checked(
        self, type_: str, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        response = self.check(type_, name, news, olds)
        assert not response.failures, response.failures
        return Props.from_struct(response.inputs).values

    def diff(
        self, type_: str, olds: dict[str, Any], news: dict[str, Any], id_: str = "x"
    ) -> provider_pb2.DiffResponse:
        return self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_, urn=urn(type_, "r"), type=type_, olds=to_struct(olds), news=to_struct(news)
            )
        )

    def create(
        self, type_: str, news: dict[str, Any], preview: bool = False
    ) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(
            provider_pb2.CreateRequest(
                urn=urn(type_, "r"), type=type_, properties=to_struct(news), preview=preview
            )
        )
        return response.id, Props.from_struct(response.properties).values

    def read(
        self, type_: str, id_: str, state: dict[str, Any], inputs: dict[str, Any]
    ) -> provider_pb2.ReadResponse:
        return self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_,
                urn=urn(type_, "r"),
                type=type_,
                properties=to_struct(state),
                inputs=to_struct(inputs),
            )
        )

    def update(
        self, type_: str, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_, urn=urn(type_, "r"), type=type_, olds=to_struct(olds), news=to_struct(news)
            )
        )
        return Props.from_struct(response.properties).values

    def delete(self, type_: str, id_: str, state: dict[str, Any]) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                id=id_, urn=urn(type_, "r"), type=type_, properties=to_struct(state)
            )
        )


@pytest.fixture(scope="module")
def double(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Double]:
    root = tmp_path_factory.mktemp("okta-double")
    plugin_dir = okta_double.install_plugin_dir(root / "plugin")
    log = root / "requests.jsonl"
    env = {**os.environ, okta_double.REQUESTS_ENV: str(log)}
    for key in [k for k in env if k.startswith("OKTA_")]:
        if key != okta_double.REQUESTS_ENV:
            del env[key]
    process = subprocess.Popen(
        [str(plugin_dir / "pulumi-resource-okta"), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield Double(provider_pb2_grpc.ResourceProviderStub(channel), log)
    finally:
        end_process(process)


@pytest.fixture
def fake() -> Iterator[FakeOkta]:
    with FakeOkta(org_name="double-org") as server:
        yield server


@pytest.fixture
def configured(double: Double, fake: FakeOkta) -> Double:
    double.configure(orgName="double-org", apiToken=fake.api_token, httpProxy=fake.url)
    return double


def http_of(entries: list[dict[str, Any]], method: str) -> list[tuple[str, str, int]]:
    return [
        (h["method"], h["path"], h["status"])
        for e in entries
        if e["method"] == method
        for h in e["http"]
    ]


def rpc_error(call: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


# -- plugin and provider configuration ------------------------------------------------------


def test_launcher_runs_the_module_and_reports_the_real_version(
    double: Double, tmp_path: Path
) -> None:
    script = okta_double.install_plugin_dir(tmp_path) / "pulumi-resource-okta"
    assert os.access(script, os.X_OK)
    assert script.read_text().startswith("#!/bin/sh\nexec ")
    assert '-u -m okta_custom_domain.testing.plugins.okta "$@"' in script.read_text()
    assert double.stub.GetPluginInfo(empty_pb2.Empty()).version == "7.0.1"


def test_configure_with_api_token_validates_it_with_users_me(
    double: Double, fake: FakeOkta
) -> None:
    response = double.configure(
        orgName="double-org", apiToken=fake.api_token, httpProxy=fake.url + "/"
    )
    assert (response.acceptSecrets, response.supportsPreview) == (False, True)  # like the bridge
    assert [(r.path, r.status) for r in fake.requests] == [("/api/v1/users/me", 200)] * 2
    [entry] = double.entries()
    assert entry["method"] == "Configure" and entry["auth"] == "api_token"
    assert entry["orgUrl"] == fake.url
    assert fake.api_token not in double.log.read_text()


def test_configure_with_a_bad_token_fails_naming_the_okta_error_not_the_token(
    double: Double, fake: FakeOkta
) -> None:
    token = "00bad-token-" + "x" * 20
    error = rpc_error(
        lambda: double.configure(orgName="double-org", apiToken=token, httpProxy=fake.url)
    )
    assert "failed validate configuration" in error.details()
    assert "E0000011" in error.details() and "Invalid token provided" in error.details()
    assert token not in error.details() and token not in double.log.read_text()
    assert double.entries()[-1]["http"] == [
        {"method": "GET", "path": "/api/v1/users/me", "status": 401}
    ]
    # the failed Configure leaves the provider unusable
    error = rpc_error(
        lambda: double.create(DOMAIN, {"name": "a.example.test", "certificateSourceType": "MANUAL"})
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_configure_without_a_credential_names_the_keys(double: Double, fake: FakeOkta) -> None:
    error = rpc_error(lambda: double.configure(orgName="double-org", httpProxy=fake.url))
    assert "no Okta credentials provided" in error.details()
    assert "okta:apiToken" in error.details() and "'api_token'" in error.details()
    assert fake.requests == []


def test_private_key_without_scopes_fails_like_the_okta_sdk(double: Double, fake: FakeOkta) -> None:
    private, _ = pem_pair("rsa")
    error = rpc_error(
        lambda: double.configure(clientId="0oaapp", privateKey=private, httpProxy=fake.url)
    )
    assert "you must supply 'ClientId', 'Scopes', and 'PrivateKey'" in error.details()
    assert "missing: scopes" in error.details()
    assert "PRIVATE KEY" not in error.details() and "PRIVATE KEY" not in double.log.read_text()


def test_check_config_reports_conflicting_credentials(double: Double) -> None:
    news = {"apiToken": wrap_secret("00tok"), "clientId": "0oaapp", "orgName": "o"}
    response = double.stub.CheckConfig(
        provider_pb2.CheckRequest(urn=PROVIDER_URN, news=to_struct(news))
    )
    assert [(f.property, f.reason) for f in response.failures] == [
        ("apiToken", '"apiToken": conflicts with clientId'),
        ("clientId", '"clientId": conflicts with apiToken'),
    ]
    assert "00tok" not in double.log.read_text()
    olds = {"orgName": "o", "apiToken": "00tok", "version": "7.0.1"}
    same = double.stub.DiffConfig(
        provider_pb2.DiffRequest(urn=PROVIDER_URN, olds=to_struct(olds), news=to_struct(olds))
    )
    assert same.changes == DIFF.DIFF_NONE
    moved = double.stub.DiffConfig(
        provider_pb2.DiffRequest(
            urn=PROVIDER_URN, olds=to_struct(olds), news=to_struct({**olds, "orgName": "p"})
        )
    )
    assert (moved.changes, list(moved.diffs), list(moved.replaces)) == (
        DIFF.DIFF_SOME,
        ["orgName"],
        [],
    )


def test_check_config_refuses_an_unknown_key_as_the_bridge_does(double: Double) -> None:
    """A typo (``okta:orgname``) stops preview with the real provider; the engine's own
    ``version`` is not a provider key and passes."""
    news = {"orgname": "acme", "apiToken": wrap_secret("00" + "a" * 40), "version": "7.0.1"}
    default = double.stub.CheckConfig(
        provider_pb2.CheckRequest(urn=PROVIDER_URN, news=to_struct(news))
    )
    assert [(f.property, f.reason) for f in default.failures] == [
        (
            "orgname",
            "`okta:orgname` is not a valid configuration key for the okta provider. If the "
            "referenced key is not intended for the provider, please choose a different "
            "namespace from `okta:`.",
        )
    ]
    explicit_urn = "urn:pulumi:dev::proj::pulumi:providers:okta::okta-acme"
    explicit = double.stub.CheckConfig(
        provider_pb2.CheckRequest(urn=explicit_urn, news=to_struct(news))
    )
    assert [(f.property, f.reason) for f in explicit.failures] == [
        (
            "orgname",
            "could not validate provider configuration: Invalid or unknown key. Examine "
            "values at 'okta-acme.orgname'.",
        )
    ]
    every_key = dict.fromkeys(CONFIG_KEYS, "x")
    conflicting = ("accessToken", "apiToken", "privateKeyId")
    known = {k: v for k, v in every_key.items() if k not in conflicting}
    checked = double.stub.CheckConfig(
        provider_pb2.CheckRequest(urn=PROVIDER_URN, news=to_struct({**known, "version": "7.0.1"}))
    )
    assert list(checked.failures) == []


def test_service_app_gets_a_bearer_token_with_a_client_assertion(
    double: Double, fake: FakeOkta
) -> None:
    private, public = pem_pair("rsa")
    fake.register_service_app("0oaapp", public, key_id="kid-1")
    scopes = json.dumps(["okta.domains.read", "okta.domains.manage"])  # stack config: JSON text
    response = double.configure(
        clientId="0oaapp",
        privateKey=private,
        privateKeyId="kid-1",
        scopes=scopes,
        httpProxy=fake.url,
    )
    assert response.supportsPreview
    assert fake.requests == []  # only an API token is validated at configure
    domain_id, _ = double.create(DOMAIN, double.checked(DOMAIN, "d", {"name": "sso.example.test"}))
    double.create(DOMAIN, double.checked(DOMAIN, "e", {"name": "sso2.example.test"}))
    assert [(r.method, r.path, r.status) for r in fake.requests][:3] == [
        ("POST", "/oauth2/v1/token", 200),
        ("POST", "/api/v1/domains", 201),
        ("GET", f"/api/v1/domains/{domain_id}", 200),
    ]
    assert len(fake.requests_to("POST", "/oauth2/v1/token")) == 1  # the token is reused
    text = double.log.read_text()
    assert "BEGIN PRIVATE KEY" not in text and "client_assertion" not in text
    assert double.entries()[0]["auth"] == "oauth"


# -- okta:index/domain:Domain ----------------------------------------------------------------


def test_check_applies_the_bridge_defaults_and_autonames(configured: Double) -> None:
    inputs = configured.checked(DOMAIN, "login", {"name": "Login.Example.test"})
    assert inputs == {
        "name": "Login.Example.test",
        "certificateSourceType": "MANUAL",
        "__defaults": ["certificateSourceType"],
    }
    named = configured.checked(DOMAIN, "login", {})
    assert named["name"].startswith("login-") and len(named["name"]) == len("login-") + 7
    assert named["__defaults"] == ["certificateSourceType", "name"]
    again = configured.checked(DOMAIN, "login", {}, olds=named)
    assert again["name"] == named["name"]  # an auto-name is kept, not recomputed


def test_domain_create_read_update_brand_delete(configured: Double, fake: FakeOkta) -> None:
    inputs = configured.checked(
        DOMAIN, "d", {"name": "Id.Example.test", "certificateSourceType": "OKTA_MANAGED"}
    )
    domain_id, outputs = configured.create(DOMAIN, inputs)
    assert domain_id == fake.domain_id_of("id.example.test") and outputs["id"] == domain_id
    assert outputs["name"] == "id.example.test" and outputs["validationStatus"] == "NOT_STARTED"
    assert [r["recordType"] for r in outputs["dnsRecords"]] == ["TXT", "CNAME"]
    assert set(outputs["dnsRecords"][0]) == {"expiration", "fqdn", "recordType", "values"}
    assert configured.diff(DOMAIN, outputs, inputs).changes == DIFF.DIFF_NONE  # case differs only

    read = configured.read(DOMAIN, domain_id, outputs, inputs)
    assert read.id == domain_id
    assert Props.from_struct(read.inputs).values == {
        "name": "id.example.test",
        "certificateSourceType": "OKTA_MANAGED",
    }

    news = {**inputs, "brandId": "bndchosen"}
    diff = configured.diff(DOMAIN, outputs, news)
    assert (diff.changes, list(diff.diffs), list(diff.replaces)) == (
        DIFF.DIFF_SOME,
        ["brandId"],
        [],
    )
    assert diff.detailedDiff["brandId"].kind == KIND.UPDATE
    updated = configured.update(DOMAIN, domain_id, outputs, news)
    assert updated["brandId"] == "bndchosen" == fake.domain(domain_id)["brandId"]
    assert http_of(configured.entries(), "Update") == [
        (
            "POST",
            f"/api/v1/domains/{domain_id}/verify",
            200,
        ),  # not verified yet: the real one verifies first
        ("PUT", f"/api/v1/domains/{domain_id}", 200),
        ("GET", f"/api/v1/domains/{domain_id}", 200),
    ]
    configured.delete(DOMAIN, domain_id, updated)
    assert fake.requests_to("DELETE")[-1].status == 204
    with pytest.raises(KeyError):
        fake.domain_id_of("id.example.test")


def test_create_with_a_brand_puts_it_after_the_post(configured: Double, fake: FakeOkta) -> None:
    inputs = configured.checked(DOMAIN, "b", {"name": "brand.example.test", "brandId": "bndmine"})
    domain_id, outputs = configured.create(DOMAIN, inputs)
    assert outputs["brandId"] == "bndmine"
    assert http_of(configured.entries(), "Create") == [
        ("POST", "/api/v1/domains", 201),
        ("PUT", f"/api/v1/domains/{domain_id}", 200),
        ("GET", f"/api/v1/domains/{domain_id}", 200),
    ]
    # As terraform-provider-okta: the create body has no brandId (Okta's DomainRequest has
    # none); the brand is set by the PUT that follows.
    assert [r.body_keys for r in fake.requests_to("POST", "/api/v1/domains")] == [
        ("domain", "certificateSourceType")
    ]
    assert [r.body_keys for r in fake.requests_to("PUT", domain_id)] == [("brandId",)]


def test_diff_replaces_on_a_name_change_and_deletes_first_only_for_a_given_name(
    configured: Double,
) -> None:
    olds = {
        "id": "OcD1",
        "name": "a.example.test",
        "certificateSourceType": "MANUAL",
        "brandId": "bnd1",
        "validationStatus": "NOT_STARTED",
        "dnsRecords": [],
    }
    given = configured.checked(DOMAIN, "d", {"name": "b.example.test"})
    diff = configured.diff(DOMAIN, olds, given)
    assert list(diff.replaces) == ["name"] and diff.deleteBeforeReplace
    assert diff.detailedDiff["name"].kind == KIND.UPDATE_REPLACE
    auto = {**given, "name": "d-1234567", "__defaults": ["certificateSourceType", "name"]}
    assert not configured.diff(DOMAIN, olds, auto).deleteBeforeReplace
    source = configured.diff(
        DOMAIN, olds, {**given, "name": "a.example.test", "certificateSourceType": "OKTA_MANAGED"}
    )
    assert (list(source.diffs), list(source.replaces), list(source.stables)) == (
        ["certificateSourceType"],
        [],
        ["name"],
    )
    assert (
        configured.diff(DOMAIN, olds, {**given, "name": "A.EXAMPLE.TEST"}).changes == DIFF.DIFF_NONE
    )


def test_preview_with_unknown_inputs_calls_nothing(configured: Double, fake: FakeOkta) -> None:
    before = len(fake.requests)
    inputs = configured.checked(DOMAIN, "p", {"name": UNKNOWN, "brandId": UNKNOWN})
    assert inputs["name"] == UNKNOWN
    olds = {
        "id": "OcD1",
        "name": "a.example.test",
        "certificateSourceType": "MANUAL",
        "brandId": "bnd1",
    }
    diff = configured.diff(DOMAIN, olds, inputs)
    assert list(diff.replaces) == ["name"] and "brandId" in diff.diffs
    id_, planned = configured.create(DOMAIN, inputs, preview=True)
    assert id_ == "" and planned["validationStatus"] == UNKNOWN and planned["dnsRecords"] == UNKNOWN
    cert = configured.checked(
        CERT,
        "c",
        {"domainId": UNKNOWN, "certificate": UNKNOWN, "certificateChain": "c", "privateKey": "k"},
    )
    _, planned_cert = configured.create(CERT, cert, preview=True)
    assert planned_cert["domainId"] == UNKNOWN and planned_cert["type"] == "PEM"
    assert len(fake.requests) == before


def test_read_of_a_domain_deleted_at_okta_drops_it(configured: Double, fake: FakeOkta) -> None:
    inputs = configured.checked(DOMAIN, "g", {"name": "gone.example.test"})
    domain_id, outputs = configured.create(DOMAIN, inputs)
    fake.delete_out_of_band(domain_id)
    read = configured.read(DOMAIN, domain_id, outputs, inputs)
    assert read.id == "" and not read.properties.fields
    assert configured.entries()[-1]["found"] is False


def test_okta_error_is_a_grpc_error_with_its_code_and_summary(
    configured: Double, fake: FakeOkta
) -> None:
    fake.add_domain("taken.example.test")
    inputs = configured.checked(DOMAIN, "t", {"name": "taken.example.test"})
    error = rpc_error(lambda: configured.create(DOMAIN, inputs))
    assert error.details().startswith(
        "failed to create domain: the API returned an error: Unique domain required."
    )
    assert "E0000161" in error.details() and "HTTP 400" in error.details()
    assert configured.entries()[-1]["error"] == error.details()


# -- okta:index/domainCertificate:DomainCertificate --------------------------------------------


def test_certificate_upload_after_verification(configured: Double, fake: FakeOkta) -> None:
    domain_id, _ = configured.create(
        DOMAIN, configured.checked(DOMAIN, "m", {"name": "manual.example.test"})
    )
    fake.set_status(domain_id, "VERIFIED")
    pem = make_certificate("manual.example.test")
    response = configured.check(CERT, "cert", {"domainId": domain_id})
    assert {f.property for f in response.failures} == {
        "certificate",
        "certificateChain",
        "privateKey",
    }
    news = configured.checked(
        CERT,
        "cert",
        {
            "domainId": domain_id,
            "certificate": pem.certificate_pem,
            "certificateChain": pem.chain_pem,
            "privateKey": pem.private_key_pem,
        },
    )
    assert news["type"] == "PEM" and news["__defaults"] == ["type"]
    cert_id, outputs = configured.create(CERT, news)
    assert cert_id == domain_id == outputs["id"] and "__defaults" not in outputs
    assert fake.domain(domain_id)["validationStatus"] == "COMPLETED"
    assert http_of(configured.entries(), "Create")[-1] == (
        "PUT",
        f"/api/v1/domains/{domain_id}/certificate",
        204,
    )

    renewed = make_certificate("manual.example.test")
    change = {**news, "certificate": renewed.certificate_pem}
    assert (
        list(configured.diff(CERT, outputs, change).replaces) == []
    )  # certificate: update in place
    moved = configured.diff(CERT, outputs, {**news, "domainId": "OcDother"})
    assert list(moved.replaces) == ["domainId"] and not moved.deleteBeforeReplace
    before = len(fake.requests)
    assert (
        Props.from_struct(configured.read(CERT, cert_id, outputs, news).properties).values
        == outputs
    )
    configured.delete(CERT, cert_id, outputs)
    assert len(fake.requests) == before  # the real Read and Delete call nothing
    assert pem.private_key_pem.splitlines()[1] not in configured.log.read_text()


def test_upload_before_verification_is_okta_s_error(configured: Double, fake: FakeOkta) -> None:
    domain_id, _ = configured.create(
        DOMAIN,
        configured.checked(
            DOMAIN, "o", {"name": "okta.example.test", "certificateSourceType": "OKTA_MANAGED"}
        ),
    )
    pem = make_certificate("okta.example.test")
    news = configured.checked(
        CERT,
        "c",
        {
            "domainId": domain_id,
            "certificate": pem.certificate_pem,
            "certificateChain": pem.chain_pem,
            "privateKey": pem.private_key_pem,
        },
    )
    error = rpc_error(lambda: configured.create(CERT, news))
    assert error.details().startswith(
        "failed to create domain's certificate: the API returned an error:"
    )
    # Okta's older Domains reference: an upload before DNS verification is 403 E0000165.
    assert "(errorCode E0000165, HTTP 403)" in error.details()
    assert fake.uploads_to_okta_managed == []


def test_unknown_type_is_unimplemented(configured: Double) -> None:
    error = rpc_error(lambda: configured.check("okta:index/user:User", "u", {}))
    assert (
        error.code() == grpc.StatusCode.UNIMPLEMENTED and "okta:index/user:User" in error.details()
    )
