"""FakeOkta: each live behaviour of the Okta domains API it reproduces, shown with raw HTTP."""

from __future__ import annotations

import base64
import datetime
import itertools
import re
import time
import uuid
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from okta_custom_domain.testing.certs import GeneratedCertificate, make_certificate
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    ZoneRecord,
    loopback_zone_text,
)
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_fixtures import pem_pair  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest

ZONE = "example.test"
_serials = itertools.count(1)


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeOkta]:
    with FakeOkta() as server:
        yield server


@pytest.fixture(scope="module")
def dns_server() -> Iterator[AuthoritativeServer]:
    with AuthoritativeServer("127.0.0.1") as server:
        server.add_zone(ZONE, _zone([]))
        yield server


def _zone(records: list[ZoneRecord]) -> str:
    return loopback_zone_text(ZONE, serial=next(_serials), records=records)


def api(
    fake: FakeOkta, method: str, path: str, token: str | None = None, **kw: object
) -> requests.Response:
    headers = {"Authorization": f"SSWS {token if token is not None else fake.api_token}"}
    return requests.request(method, fake.url + path, headers=headers, timeout=10, **kw)  # type: ignore[arg-type]


def create(fake: FakeOkta, name: str, source: str = "OKTA_MANAGED") -> dict[str, object]:
    response = api(
        fake, "POST", "/api/v1/domains", json={"domain": name, "certificateSourceType": source}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def records_of(body: dict[str, object]) -> dict[str, dict[str, object]]:
    records = body["dnsRecords"]
    assert isinstance(records, list)
    return {r["recordType"]: r for r in records}


def serve_records(
    dns: AuthoritativeServer,
    body: dict[str, object],
    *,
    txt: str | None = None,
    cname: str | None = None,
) -> None:
    recs = records_of(body)
    txt_value = txt if txt is not None else recs["TXT"]["values"][0]  # type: ignore[index]
    cname_value = cname if cname is not None else recs["CNAME"]["values"][0]  # type: ignore[index]
    dns.set_zone(
        ZONE,
        _zone(
            [
                ZoneRecord(f"{recs['TXT']['fqdn']}.", "TXT", f'"{txt_value}"'),
                ZoneRecord(f"{recs['CNAME']['fqdn']}.", "CNAME", f"{cname_value}."),
            ]
        ),
    )


def test_create_answers_201_lower_cased_with_records(fake: FakeOkta) -> None:
    body = create(fake, "Login.Example.TEST")
    assert body["domain"] == "login.example.test"
    assert body["validationStatus"] == "NOT_STARTED"
    assert str(body["id"]).startswith("OcD") and str(body["brandId"]).startswith("bnd")
    recs = records_of(body)
    assert recs["CNAME"]["fqdn"] == "login.example.test"
    assert recs["CNAME"]["values"] == ["fake-org.customdomains.okta.com"]
    assert recs["TXT"]["fqdn"] == "_acme-challenge.login.example.test"
    token = recs["TXT"]["values"][0]  # type: ignore[index]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert recs["TXT"]["expiration"]


def test_manual_domain_gets_32_hex_oktaverification_txt(fake: FakeOkta) -> None:
    recs = records_of(create(fake, "id.example.test", "MANUAL"))
    assert recs["TXT"]["fqdn"] == "_oktaverification.id.example.test"
    assert re.fullmatch(r"[0-9a-f]{32}", recs["TXT"]["values"][0])  # type: ignore[index]


def test_cname_target_is_configurable() -> None:
    with FakeOkta(org_name="acme", cname_target="acme.customdomains.oktapreview.com") as fake:
        recs = records_of(create(fake, "login.example.test"))
    assert recs["CNAME"]["values"] == ["acme.customdomains.oktapreview.com"]


def test_list_omits_dns_records_and_includes_default(fake: FakeOkta) -> None:
    created = create(fake, "login.example.test")
    response = api(fake, "GET", "/api/v1/domains")
    assert response.status_code == 200
    domains = response.json()["domains"]
    assert [d["id"] for d in domains] == ["default", created["id"]]
    assert domains[0]["domain"] == "fake-org.okta.com"
    assert all("dnsRecords" not in d for d in domains)
    full = api(fake, "GET", f"/api/v1/domains/{created['id']}").json()
    assert "dnsRecords" in full


def test_domain_limit_and_duplicates(fake: FakeOkta) -> None:
    for index in range(3):
        create(fake, f"d{index}.example.test")
    over = api(
        fake,
        "POST",
        "/api/v1/domains",
        json={"domain": "d3.example.test", "certificateSourceType": "MANUAL"},
    )
    assert over.status_code == 400 and over.json()["errorCode"] == "E0000162"
    fake.domain_limit = 5
    dup = api(
        fake,
        "POST",
        "/api/v1/domains",
        json={"domain": "D0.example.test", "certificateSourceType": "MANUAL"},
    )
    assert dup.status_code == 400 and dup.json()["errorCode"] == "E0000161"
    assert dup.headers["X-Okta-Request-Id"]


def test_create_validates_body(fake: FakeOkta) -> None:
    bad = api(
        fake, "POST", "/api/v1/domains", json={"domain": "x y", "certificateSourceType": "SELF"}
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["errorCode"] == "E0000001"
    causes = " ".join(c["errorSummary"] for c in body["errorCauses"])
    assert "certificateSourceType" in causes and "domain" in causes


def test_the_reserved_drapp_domain_of_the_org_is_refused(fake: FakeOkta) -> None:
    """Okta's spec: "You can't use the reserved drapp.{yourOrgSubDomain}.okta.com domain"."""
    reserved = f"drapp.{fake.org_name}.okta.com"
    refused = api(
        fake, "POST", "/api/v1/domains",
        json={"domain": reserved.upper(), "certificateSourceType": "OKTA_MANAGED"},
    )  # fmt: skip
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["errorCode"] == "E0000001"
    assert reserved in " ".join(c["errorSummary"] for c in body["errorCauses"])
    listed = api(fake, "GET", "/api/v1/domains").json()["domains"]
    assert [d["id"] for d in listed] == ["default"]
    create(fake, f"drapp.other-{fake.org_name}.okta.com")  # another org's name is not reserved here


def test_unknown_domain_is_404_e0000007(fake: FakeOkta) -> None:
    response = api(fake, "GET", "/api/v1/domains/OcDnothere")
    assert response.status_code == 404 and response.json()["errorCode"] == "E0000007"


@pytest.mark.parametrize("token", ["", "wrong"])
def test_invalid_token_is_401_e0000011(fake: FakeOkta, token: str) -> None:
    response = api(fake, "GET", "/api/v1/domains", token=token)
    assert response.status_code == 401 and response.json()["errorCode"] == "E0000011"


def test_missing_authorization_is_401(fake: FakeOkta) -> None:
    response = requests.get(fake.url + "/api/v1/domains", timeout=10)
    assert response.status_code == 401


def test_users_me_answers_the_token_owner_and_401_for_a_bad_token(fake: FakeOkta) -> None:
    """terraform-provider-okta validates an API token with GET /api/v1/users/me at configure."""
    me = api(fake, "GET", "/api/v1/users/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["id"].startswith("00u") and body["status"] == "ACTIVE"
    assert body["profile"]["login"] == body["profile"]["email"]
    assert body["_links"]["self"]["href"] == f"{fake.url}/api/v1/users/{body['id']}"
    bad = api(fake, "GET", "/api/v1/users/me", token="wrong")
    assert bad.status_code == 401 and bad.json()["errorCode"] == "E0000011"
    assert "wrong" not in bad.text
    assert api(fake, "POST", "/api/v1/users/me", json={}).status_code == 405
    assert [(r.method, r.status) for r in fake.requests_to("GET", "/users/me")] == [
        ("GET", 200),
        ("GET", 401),
    ]


def test_verify_resolves_real_dns_then_completes_after_delay(
    dns_server: AuthoritativeServer,
) -> None:
    clock = ManualClock()
    with FakeOkta(
        dns_server=(dns_server.address, dns_server.port), completion_delay=600, clock=clock
    ) as fake:
        body = create(fake, "login.example.test")
        serve_records(dns_server, body)
        verified = api(fake, "POST", f"/api/v1/domains/{body['id']}/verify")
        assert verified.status_code == 200
        assert verified.json()["validationStatus"] == "VERIFIED"
        assert (
            api(fake, "GET", f"/api/v1/domains/{body['id']}").json()["validationStatus"]
            == "VERIFIED"
        )
        clock.now += 601
        done = api(fake, "GET", f"/api/v1/domains/{body['id']}").json()
        assert done["validationStatus"] == "COMPLETED"
        assert done["publicCertificate"]["expiration"]
        again = api(fake, "POST", f"/api/v1/domains/{body['id']}/verify")
        assert again.status_code == 400  # verify on a verified domain: GET first


def test_failed_verify_is_200_with_regenerated_txt(dns_server: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns_server.address, dns_server.port)) as fake:
        body = create(fake, "late.example.test")
        old_txt = records_of(body)["TXT"]["values"][0]  # type: ignore[index]
        dns_server.set_zone(ZONE, _zone([]))
        failed = api(fake, "POST", f"/api/v1/domains/{body['id']}/verify")
        assert failed.status_code == 200
        assert failed.json()["validationStatus"] == "FAILED_TO_VERIFY"
        new_txt = records_of(failed.json())["TXT"]["values"][0]  # type: ignore[index]
        assert new_txt != old_txt
        events = fake.events()
        assert events[-1]["eventType"] == "system.custom_url_domain.verify"
        assert events[-1]["outcome"]["result"] == "FAILURE"
        assert "DNS record not found" in events[-1]["outcome"]["reason"]


def test_wrong_cname_fails_but_keeps_txt(dns_server: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns_server.address, dns_server.port)) as fake:
        body = create(fake, "cname.example.test")
        serve_records(dns_server, body, cname="elsewhere.example.net")
        failed = api(fake, "POST", f"/api/v1/domains/{body['id']}/verify").json()
        assert failed["validationStatus"] == "FAILED_TO_VERIFY"
        assert records_of(failed)["TXT"]["values"] == records_of(body)["TXT"]["values"]
        assert "CNAME" in fake.events()[-1]["outcome"]["reason"]


def test_manual_completes_after_certificate_upload(dns_server: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns_server.address, dns_server.port)) as fake:
        body = create(fake, "manual.example.test", "MANUAL")
        serve_records(dns_server, body)
        assert (
            api(fake, "POST", f"/api/v1/domains/{body['id']}/verify").json()["validationStatus"]
            == "VERIFIED"
        )
        cert = make_certificate("manual.example.test")
        payload = {
            "type": "PEM",
            "certificate": cert.certificate_pem,
            "certificateChain": cert.chain_pem,
            "privateKey": cert.private_key_pem,
        }
        response = api(fake, "PUT", f"/api/v1/domains/{body['id']}/certificate", json=payload)
        assert response.status_code == 204
        done = api(fake, "GET", f"/api/v1/domains/{body['id']}").json()
        assert done["validationStatus"] == "COMPLETED"
        assert "manual.example.test" in done["publicCertificate"]["subject"]
        assert cert.private_key_pem not in repr(fake.events()) + repr(fake.requests)
        assert cert.private_key_pem not in repr(vars(fake))


def _upload_body(cert: GeneratedCertificate, key_pem: str | None = None) -> dict[str, str]:
    return {
        "type": "PEM",
        "certificate": cert.certificate_pem,
        "certificateChain": cert.chain_pem,
        "privateKey": cert.private_key_pem if key_pem is None else key_pem,
    }


def test_certificate_upload_validates_pem_and_source(fake: FakeOkta) -> None:
    manual = create(fake, "m.example.test", "MANUAL")
    fake.set_status(str(manual["id"]), "VERIFIED")
    cert = make_certificate("m.example.test")
    other = make_certificate("m.example.test")
    mismatched = _upload_body(cert, other.private_key_pem)
    response = api(fake, "PUT", f"/api/v1/domains/{manual['id']}/certificate", json=mismatched)
    assert response.status_code == 400
    assert "does not match" in response.text
    garbage = {"type": "PEM", "certificate": "nope", "certificateChain": "", "privateKey": "x"}
    response = api(fake, "PUT", f"/api/v1/domains/{manual['id']}/certificate", json=garbage)
    causes = [c["errorSummary"] for c in response.json()["errorCauses"]]
    assert len(causes) == 3


def test_upload_before_dns_verification_is_403_e0000165(fake: FakeOkta) -> None:
    manual = create(fake, "early.example.test", "MANUAL")
    cert = make_certificate("early.example.test")
    response = api(fake, "PUT", f"/api/v1/domains/{manual['id']}/certificate", json=_upload_body(cert))
    assert response.status_code == 403
    assert response.json()["errorCode"] == "E0000165"
    assert "verified" in response.json()["errorSummary"]
    assert fake.domain(str(manual["id"]))["validationStatus"] == "NOT_STARTED"


def test_upload_to_okta_managed_turns_it_manual_as_okta_does(fake: FakeOkta) -> None:
    managed = create(fake, "o.example.test")
    fake.set_status(str(managed["id"]), "COMPLETED")
    cert = make_certificate("o.example.test")
    response = api(fake, "PUT", f"/api/v1/domains/{managed['id']}/certificate", json=_upload_body(cert))
    assert response.status_code == 204
    after = fake.domain(str(managed["id"]))
    assert after["certificateSourceType"] == "MANUAL"
    assert fake.uploads_to_okta_managed == [managed["id"]]


@pytest.mark.parametrize(
    ("key_type", "bits"), [("ec", None), ("rsa", 1024)], ids=["ec-p256", "rsa-1024"]
)
def test_upload_accepts_only_rsa_2048_3072_4096(fake: FakeOkta, key_type: str, bits: int | None) -> None:
    manual = create(fake, "k.example.test", "MANUAL")
    fake.set_status(str(manual["id"]), "VERIFIED")
    body = self_signed_upload("k.example.test", key_type, bits)
    response = api(fake, "PUT", f"/api/v1/domains/{manual['id']}/certificate", json=body)
    assert response.status_code == 400
    causes = [c["errorSummary"] for c in response.json()["errorCauses"]]
    assert causes == ["privateKey: must be an RSA key of 2048, 3072 or 4096 bits"]
    ok = api(fake, "PUT", f"/api/v1/domains/{manual['id']}/certificate", json=self_signed_upload("k.example.test", "rsa", 3072))
    assert ok.status_code == 204


def self_signed_upload(name: str, key_type: str, bits: int | None) -> dict[str, str]:
    """An upload body with a self-signed certificate for ``name`` on the key asked for."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        ec.generate_private_key(ec.SECP256R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=bits or 2048)
    )
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {"type": "PEM", "certificate": pem, "certificateChain": pem, "privateKey": key_pem}


def test_fingerprints_are_colon_separated_hex_pairs(fake: FakeOkta) -> None:
    body = create(fake, "fp.example.test")
    fake.set_status(str(body["id"]), "COMPLETED")
    fingerprint = fake.domain(str(body["id"]))["publicCertificate"]["fingerprint"]
    assert re.fullmatch(r"[0-9A-F]{2}(:[0-9A-F]{2}){31}", fingerprint), fingerprint


def test_default_entry_has_a_string_brand_id(fake: FakeOkta) -> None:
    listed = api(fake, "GET", "/api/v1/domains").json()["domains"]
    default = api(fake, "GET", "/api/v1/domains/default").json()
    assert listed[0]["id"] == "default"
    assert isinstance(listed[0]["brandId"], str) and listed[0]["brandId"].startswith("bnd")
    assert default["brandId"] == listed[0]["brandId"]


def test_put_sets_the_brand_and_create_ignores_none(fake: FakeOkta) -> None:
    body = create(fake, "brand.example.test")
    response = api(fake, "PUT", f"/api/v1/domains/{body['id']}", json={"brandId": "bndCHOSEN"})
    assert response.status_code == 200 and response.json()["brandId"] == "bndCHOSEN"
    assert fake.domain(str(body["id"]))["brandId"] == "bndCHOSEN"
    create_request = fake.requests_to("POST", "/api/v1/domains")[0]
    assert create_request.body_keys == ("domain", "certificateSourceType")


def test_verify_of_a_domain_taken_by_another_org_keeps_domain_taken(fake: FakeOkta) -> None:
    body = create(fake, "taken.example.test")
    fake.claim_by_other_org(str(body["id"]))
    response = api(fake, "POST", f"/api/v1/domains/{body['id']}/verify")
    assert response.status_code == 200
    assert response.json()["validationStatus"] == "DOMAIN_TAKEN"
    assert "another org" in fake.events()[-1]["outcome"]["reason"]


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS"])
def test_unsupported_method_is_json_e0000022_with_rate_headers(fake: FakeOkta, method: str) -> None:
    response = api(fake, method, "/api/v1/domains")
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["errorCode"] == "E0000022"
    assert "X-Rate-Limit-Remaining" in response.headers


def test_error_answers_carry_rate_limit_headers(fake: FakeOkta) -> None:
    response = api(fake, "GET", "/api/v1/domains/OcDmissing")
    assert response.status_code == 404
    for header in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-Okta-Request-Id"):
        assert header in response.headers


def test_delete_and_out_of_band_changes(fake: FakeOkta) -> None:
    first = create(fake, "a.example.test")
    second = create(fake, "b.example.test")
    assert api(fake, "DELETE", f"/api/v1/domains/{first['id']}").status_code == 204
    assert api(fake, "GET", f"/api/v1/domains/{first['id']}").status_code == 404
    fake.set_status(str(second["id"]), "COMPLETED")
    assert (
        api(fake, "GET", f"/api/v1/domains/{second['id']}").json()["validationStatus"]
        == "COMPLETED"
    )
    new_value = fake.regenerate_txt(str(second["id"]))
    assert records_of(fake.domain(str(second["id"])))["TXT"]["values"] == [new_value]
    fake.delete_out_of_band(str(second["id"]))
    assert api(fake, "GET", f"/api/v1/domains/{second['id']}").status_code == 404
    assert [e["eventType"].rsplit(".", 1)[1] for e in fake.events()] == [
        "initiate",
        "initiate",
        "delete",
    ]


def test_rate_limit_injection_sends_okta_headers_and_date() -> None:
    clock = ManualClock()
    with FakeOkta(clock=clock) as fake:
        fake.inject_rate_limit(2, reset_after=7, limit=100)
        for _ in range(2):
            response = api(fake, "GET", "/api/v1/domains")
            assert response.status_code == 429
            assert response.json()["errorCode"] == "E0000047"
            assert response.headers["X-Rate-Limit-Limit"] == "100"
            assert response.headers["X-Rate-Limit-Remaining"] == "0"
            assert int(response.headers["X-Rate-Limit-Reset"]) == int(clock.now) + 7
            assert parsedate_to_datetime(response.headers["Date"]).timestamp() == int(clock.now)
        assert api(fake, "GET", "/api/v1/domains").status_code == 200
        assert [r.status for r in fake.requests] == [429, 429, 200]


def test_server_error_and_delay_injection(fake: FakeOkta) -> None:
    fake.inject_server_errors(2, status=503)
    assert [api(fake, "GET", "/api/v1/domains").status_code for _ in range(3)] == [503, 503, 200]
    fake.inject_delay(0.3)
    started = time.monotonic()
    assert api(fake, "GET", "/api/v1/domains").status_code == 200
    print(f"delayed answer took {time.monotonic() - started:.2f} s")
    with pytest.raises(requests.Timeout):
        fake.inject_delay(1.0)
        requests.get(
            fake.url + "/api/v1/domains",
            timeout=0.2,
            headers={"Authorization": f"SSWS {fake.api_token}"},
        )


def test_request_log_records_method_path_status(fake: FakeOkta) -> None:
    body = create(fake, "log.example.test")
    api(fake, "POST", f"/api/v1/domains/{body['id']}/verify")
    assert [(r.method, r.path, r.status) for r in fake.requests] == [
        ("POST", "/api/v1/domains", 201),
        ("POST", f"/api/v1/domains/{body['id']}/verify", 200),
    ]
    assert len(fake.requests_to("POST", "/verify")) == 1
    assert fake.api_token not in repr(fake.requests) and fake.api_token not in repr(fake)


def test_system_log_filters_windows_and_pages() -> None:
    clock = ManualClock()
    with FakeOkta(clock=clock) as fake:
        for index in range(3):
            create(fake, f"s{index}.example.test")
            clock.now += 60
        first_id = fake.domain_id_of("s0.example.test")
        api(fake, "DELETE", f"/api/v1/domains/{first_id}")
        since = "2027-01-15T08:00:00.000Z"  # before the fake clock's start
        response = api(
            fake,
            "GET",
            "/api/v1/logs",
            params={
                "since": since,
                "filter": 'eventType eq "system.custom_url_domain.initiate"',
                "limit": "2",
                "until": "2030-01-01T00:00:00Z",
            },
        )
        assert response.status_code == 200
        page = response.json()
        assert [e["target"][0]["alternateId"] for e in page] == [
            "s0.example.test",
            "s1.example.test",
        ]
        next_url = response.links["next"]["url"]
        rest = requests.get(
            next_url, headers={"Authorization": f"SSWS {fake.api_token}"}, timeout=10
        )
        assert [e["target"][0]["alternateId"] for e in rest.json()] == ["s2.example.test"]
        assert "next" not in rest.links  # bounded request: no more pages
        everything = api(
            fake,
            "GET",
            "/api/v1/logs",
            params={"since": since, "filter": 'eventType sw "system.custom_url_domain"'},
        ).json()
        assert [e["eventType"].rsplit(".", 1)[1] for e in everything] == ["initiate"] * 3 + [
            "delete"
        ]
        late = api(
            fake,
            "GET",
            "/api/v1/logs",
            params={"since": "2027-01-15T08:01:30Z", "until": "2027-01-15T08:02:30Z"},
        ).json()
        assert [e["target"][0]["alternateId"] for e in late] == ["s2.example.test"]
        bad = api(fake, "GET", "/api/v1/logs", params={"filter": "eventType gt 3"})
        assert bad.status_code == 400


def _assertion(
    fake: FakeOkta,
    private: str,
    alg: str,
    *,
    aud: str | None = None,
    exp_delta: int = 300,
    client_id: str = "0oaapp",
) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud or f"{fake.url}/oauth2/v1/token",
        "iat": now,
        "exp": now + exp_delta,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private, algorithm=alg)


def _token(fake: FakeOkta, assertion: str, scope: str = "okta.domains.read") -> requests.Response:
    return requests.post(
        fake.url + "/oauth2/v1/token",
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "scope": scope,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )


@pytest.mark.parametrize(("kind", "alg"), [("rsa", "RS256"), ("ec", "ES256")])
def test_oauth_token_endpoint_issues_bearer_for_valid_assertion(
    fake: FakeOkta, kind: str, alg: str
) -> None:
    private, public = pem_pair(kind, ec.SECP256R1())
    fake.register_service_app("0oaapp", public)
    response = _token(fake, _assertion(fake, private, alg))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    listed = requests.get(
        fake.url + "/api/v1/domains",
        timeout=10,
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert listed.status_code == 200
    create_attempt = requests.post(
        fake.url + "/api/v1/domains",
        timeout=10,
        json={"domain": "x.example.test", "certificateSourceType": "MANUAL"},
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert create_attempt.status_code == 403  # only okta.domains.read was granted to this token


def test_oauth_token_endpoint_rejects_bad_assertions(fake: FakeOkta) -> None:
    private, public = pem_pair("rsa")
    other_private, _ = pem_pair("rsa")
    fake.register_service_app("0oaapp", public)
    cases = {
        "wrong key": _assertion(fake, other_private, "RS256"),
        "wrong audience": _assertion(fake, private, "RS256", aud="https://elsewhere.test/token"),
        "expired": _assertion(fake, private, "RS256", exp_delta=-60),
        "unknown client": _assertion(fake, private, "RS256", client_id="0oaother"),
    }
    for name, assertion in cases.items():
        response = _token(fake, assertion)
        assert response.status_code == 401, name
        assert response.json()["error"] == "invalid_client", name
    good = _assertion(fake, private, "RS256")
    assert _token(fake, good).status_code == 200
    assert _token(fake, good).status_code == 401  # a jti is accepted once
    scope = _token(fake, _assertion(fake, private, "RS256"), scope="okta.users.manage")
    assert scope.status_code == 400 and scope.json()["error"] == "invalid_scope"
    assert base64.b64encode(private.encode()).decode()[:40] not in repr(vars(fake))


def test_system_log_honours_q_keywords_and_limit_zero() -> None:
    clock = ManualClock()
    with FakeOkta(clock=clock) as fake:
        create(fake, "alpha.example.test")
        create(fake, "beta.example.test")
        window = {"since": "2027-01-15T08:00:00.000Z", "until": "2030-01-01T00:00:00Z"}
        found = api(fake, "GET", "/api/v1/logs", params={**window, "q": "BETA initiate"}).json()
        assert [e["target"][0]["alternateId"] for e in found] == ["beta.example.test"]
        assert api(fake, "GET", "/api/v1/logs", params={**window, "q": "gamma"}).json() == []
        # The spec: limit is "an integer between 0 and 1000"; 0 is an empty page, not one event.
        empty = api(fake, "GET", "/api/v1/logs", params={**window, "limit": "0"})
        assert empty.status_code == 200 and empty.json() == []
        bad = api(fake, "GET", "/api/v1/logs", params={**window, "limit": "-1"})
        assert bad.status_code == 400 and bad.json()["errorCode"] == "E0000001"


def test_failed_events_always_carry_a_reason_string(fake: FakeOkta) -> None:
    manual = create(fake, "r.example.test", "MANUAL")
    fake.set_status(str(manual["id"]), "VERIFIED")
    bad = {"type": "PEM", "certificate": "x", "certificateChain": "x", "privateKey": "x"}
    api(fake, "PUT", f"/api/v1/domains/{manual['id']}/certificate", json=bad)
    taken = create(fake, "t.example.test")
    fake.claim_by_other_org(str(taken["id"]))
    api(fake, "POST", f"/api/v1/domains/{taken['id']}/verify")
    failures = [e for e in fake.events() if e["outcome"]["result"] == "FAILURE"]
    assert len(failures) == 2
    assert all(isinstance(e["outcome"]["reason"], str) and e["outcome"]["reason"] for e in failures)
