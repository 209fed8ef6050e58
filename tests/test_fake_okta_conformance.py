"""FakeOkta held to Okta's published spec: every domains answer validates against its schemas.

The schemas are an excerpt of okta/okta-management-openapi-spec 2026.06.3 (Apache-2.0), vendored
in ``tests/spec/`` (see its README). The spec's objects allow extra properties; here they are
closed, so a field the fake invents (or misspells) fails too. What the fake does differently on
purpose, because live Okta does, is listed in ``DEVIATIONS`` with the reason.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    ZoneRecord,
    loopback_zone_text,
)
from okta_custom_domain.testing.fake_okta import FakeOkta

SPEC = json.loads((Path(__file__).parent / "spec" / "okta-domains-2026.06.3.json").read_text())
ZONE = "conform.test"
_serials = itertools.count(1)

# Deviations from the published spec kept on purpose: live Okta answers so (see
# ../shared/reference/okta-domains-api.md). Each is applied to the schema or the status table below.
DEVIATIONS: dict[str, str] = {
    # The spec documents 200 for createCustomDomain; the live service answers 201 Created (and
    # okta-sdk-python's create_custom_domain returns no data because of it).
    "create-201": "POST /api/v1/domains answers 201, not 200",
    # A failed DNS check is HTTP 200 with this status, missing from the spec's enum.
    "failed-to-verify": "validationStatus FAILED_TO_VERIFY is returned",
    # Okta's older Domains reference: another org claims the name. Settable in the fake
    # (claim_by_other_org) so the verifier's fail-fast path is tested.
    "domain-taken": "validationStatus DOMAIN_TAKEN (older status) is returned",
    # The spec calls the list "all verified custom domains"; the live list also holds the org's
    # own domain as the entry with id `default` (it validates as a DomainResponse).
    "default-entry": "GET /api/v1/domains includes the `default` entry",
    # The spec documents no 400 for verify; live Okta may answer 400 on an already verified
    # domain (why the verifier reads the domain first).
    "verify-400": "POST .../verify on a verified domain answers 400 E0000001",
    # The spec documents no 401s (nor headers); an invalid token is 401 E0000011 live.
    "401": "every operation may answer 401 E0000011",
    # Unsupported methods: Okta answers 405 with its JSON error E0000022, not an HTML page.
    "405": "an unsupported method answers 405 E0000022",
}

_EXTRA_STATUSES: dict[str, dict[str, str | None]] = {
    "POST /api/v1/domains": {"201": "DomainResponse"},
    "POST /api/v1/domains/{domainId}/verify": {"400": "Error"},
}
_ANY_OPERATION_EXTRA = {"401": "Error", "405": "Error"}
_CLOSED = (
    "DomainListResponse",
    "DomainResponse",
    "DNSRecordDomains",
    "DomainCertificateMetadata",
    "Error",
    "ErrorCause",
)


def _schemas() -> dict[str, Any]:
    """The vendored schemas with the deviations applied and the domain objects closed."""
    schemas = copy.deepcopy(SPEC["components"]["schemas"])
    schemas["DomainValidationStatus"]["enum"] += ["FAILED_TO_VERIFY", "DOMAIN_TAKEN"]
    for name in _CLOSED:
        schemas[name]["additionalProperties"] = False
    return schemas


SCHEMAS = _schemas()


def validate(name: str, instance: Any) -> None:
    """Validate ``instance`` against schema ``name`` of the vendored spec."""
    root = {"components": {"schemas": SCHEMAS}, "$ref": f"#/components/schemas/{name}"}
    jsonschema.Draft4Validator(root).validate(instance)


def conform(response: requests.Response, operation: str) -> None:
    """The status is documented (or a listed deviation) and the body fits its schema."""
    documented = dict(SPEC["operations"][operation]["responses"])
    documented.update(_EXTRA_STATUSES.get(operation, {}))
    documented.update(_ANY_OPERATION_EXTRA)
    status = str(response.status_code)
    assert status in documented, f"{operation} answered {status}; spec: {sorted(documented)}"
    schema = documented[status]
    if schema is None:
        assert response.content == b"", f"{operation} {status} must have no body"
        return
    validate(schema, response.json())
    if response.status_code >= 400:
        # From Okta's rate-limit guide and live answers (the spec documents no headers).
        for header in ("X-Okta-Request-Id", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining"):
            assert header in response.headers, f"{operation} {status} lacks {header}"


class Session:
    """Raw HTTP to the fake; every answer is checked against the spec before it is returned."""

    def __init__(self, fake: FakeOkta) -> None:
        self.fake = fake
        self.checked: list[tuple[str, int]] = []

    def call(self, method: str, path: str, operation: str, **kw: Any) -> requests.Response:
        headers = {"Authorization": f"SSWS {kw.pop('token', self.fake.api_token)}"}
        response = requests.request(method, self.fake.url + path, headers=headers, timeout=10, **kw)
        conform(response, operation)
        self.checked.append((operation, response.status_code))
        return response


@pytest.fixture(scope="module")
def dns() -> Iterator[AuthoritativeServer]:
    with AuthoritativeServer("127.0.0.1") as server:
        server.add_zone(ZONE, _zone([]))
        yield server


def _zone(records: list[ZoneRecord]) -> str:
    return loopback_zone_text(ZONE, serial=next(_serials), records=records)


def _serve(dns: AuthoritativeServer, body: dict[str, Any]) -> None:
    recs = {r["recordType"]: r for r in body["dnsRecords"]}
    dns.set_zone(
        ZONE,
        _zone(
            [
                ZoneRecord(f"{recs['TXT']['fqdn']}.", "TXT", f'"{recs["TXT"]["values"][0]}"'),
                ZoneRecord(f"{recs['CNAME']['fqdn']}.", "CNAME", f"{recs['CNAME']['values'][0]}."),
            ]
        ),
    )


LIST = "GET /api/v1/domains"
CREATE = "POST /api/v1/domains"
GET = "GET /api/v1/domains/{domainId}"
BRAND = "PUT /api/v1/domains/{domainId}"
DELETE = "DELETE /api/v1/domains/{domainId}"
UPLOAD = "PUT /api/v1/domains/{domainId}/certificate"
VERIFY = "POST /api/v1/domains/{domainId}/verify"


def test_every_answer_of_a_manual_lifecycle_conforms(dns: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns.address, dns.port)) as fake:
        s = Session(fake)
        name = f"login.{ZONE}"
        body = s.call("POST", "/api/v1/domains", CREATE, json=_create(name, "MANUAL")).json()
        path = f"/api/v1/domains/{body['id']}"
        cert = make_certificate(name)
        upload = _upload(cert.certificate_pem, cert.chain_pem, cert.private_key_pem)
        assert s.call("PUT", f"{path}/certificate", UPLOAD, json=upload).status_code == 403
        assert s.call("POST", f"{path}/verify", VERIFY).json()["validationStatus"] == (
            "FAILED_TO_VERIFY"
        )
        _serve(dns, s.call("GET", path, GET).json())
        assert s.call("POST", f"{path}/verify", VERIFY).json()["validationStatus"] == "VERIFIED"
        assert s.call("POST", f"{path}/verify", VERIFY).status_code == 400
        bad = _upload(cert.certificate_pem, cert.chain_pem, "not a key")
        assert s.call("PUT", f"{path}/certificate", UPLOAD, json=bad).status_code == 400
        assert s.call("PUT", f"{path}/certificate", UPLOAD, json=upload).status_code == 204
        done = s.call("GET", path, GET).json()
        assert done["validationStatus"] == "COMPLETED" and "publicCertificate" in done
        assert s.call("PUT", path, BRAND, json={"brandId": "bndOTHER"}).status_code == 200
        assert s.call("PUT", path, BRAND, json={}).status_code == 400
        listed = s.call("GET", "/api/v1/domains", LIST).json()["domains"]
        assert listed[0]["id"] == "default"
        assert s.call("DELETE", path, DELETE).status_code == 204
        assert s.call("GET", path, GET).status_code == 404
        assert s.call("DELETE", path, DELETE).status_code == 404
    assert len(s.checked) == 15


def test_every_answer_of_managed_domains_and_errors_conforms() -> None:
    with FakeOkta(domain_limit=2) as fake:
        s = Session(fake)
        managed = s.call("POST", "/api/v1/domains", CREATE, json=_create("a.conform.test")).json()
        fake.set_status(managed["id"], "COMPLETED")
        s.call("GET", f"/api/v1/domains/{managed['id']}", GET)
        s.call("GET", "/api/v1/domains/default", GET)
        taken = s.call("POST", "/api/v1/domains", CREATE, json=_create("b.conform.test")).json()
        fake.claim_by_other_org(taken["id"])
        s.call("POST", f"/api/v1/domains/{taken['id']}/verify", VERIFY)
        assert s.call("POST", "/api/v1/domains", CREATE, json=_create("a.conform.test")).status_code == 400
        assert s.call("POST", "/api/v1/domains", CREATE, json=_create("c.conform.test")).status_code == 400
        assert s.call("POST", "/api/v1/domains", CREATE, json={"domain": ""}).status_code == 400
        assert s.call("GET", "/api/v1/domains", LIST, token="wrong").status_code == 401
        assert s.call("PATCH", "/api/v1/domains", LIST).status_code == 405
        fake.inject_rate_limit(1)
        assert s.call("GET", "/api/v1/domains", LIST).status_code == 429
        s.call("GET", "/api/v1/domains", LIST)


def test_a_field_the_spec_does_not_define_fails_the_check() -> None:
    """The closed schemas catch drift: the check itself is not vacuous."""
    with pytest.raises(jsonschema.ValidationError):
        validate("DomainResponse", {"id": "OcD1", "domain": "x.test", "brandId": None})
    with pytest.raises(jsonschema.ValidationError):
        validate("DomainResponse", {"id": "OcD1", "validationStatus": "PENDING"})
    with pytest.raises(jsonschema.ValidationError):
        validate("DomainResponse", {"id": "OcD1", "made_up": 1})


def test_our_request_bodies_conform() -> None:
    """What the client sends on create, brand and upload fits the spec's request schemas."""
    for schema, body in (
        ("DomainRequest", _create("a.conform.test", "MANUAL")),
        ("UpdateDomain", {"brandId": "bnd1"}),
        ("DomainCertificate", _upload("c", "ch", "k")),
    ):
        validate_closed(schema, body)
    with pytest.raises(jsonschema.ValidationError):  # DomainRequest has no brandId
        validate_closed("DomainRequest", {**_create("a.conform.test"), "brandId": "bnd1"})


def validate_closed(name: str, instance: Any) -> None:
    """Validate against schema ``name`` allowing no property it does not define."""
    names: dict[str, Any] = {key: {} for key in SCHEMAS[name]["properties"]}
    root = {
        "components": {"schemas": SCHEMAS},
        "allOf": [{"$ref": f"#/components/schemas/{name}"}],
        "properties": names,
        "additionalProperties": False,
    }
    jsonschema.Draft4Validator(root).validate(instance)


def _create(name: str, source: str = "OKTA_MANAGED") -> dict[str, str]:
    return {"domain": name, "certificateSourceType": source}


def _upload(certificate: str, chain: str, key: str) -> dict[str, str]:
    return {"type": "PEM", "certificate": certificate, "certificateChain": chain, "privateKey": key}
