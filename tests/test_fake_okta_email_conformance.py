"""FakeOkta's email-domain and brand endpoints held to Okta's published spec.

The schemas are the excerpt ``tests/spec/okta-email-domains-brands-2026.06.3.json`` (Okta
Management API 2026.06.3, Apache-2.0; the same excerpt as the shared reference). As for the
domains (``test_fake_okta_conformance``), every object is closed here (``allOf`` parts merged
first), so a field the fake invents fails. Deviations kept on purpose are listed with reasons.
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
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    ZoneRecord,
    loopback_zone_text,
)
from okta_custom_domain.testing.fake_okta import FakeOkta

SPEC = json.loads(
    (Path(__file__).parent / "spec" / "okta-email-domains-brands-2026.06.3.json").read_text()
)
ZONE = "mail-conform.test"
_serials = itertools.count(1)

DEVIATIONS: dict[str, str] = {
    # The spec documents no 401 (nor headers); an invalid token is 401 E0000011 live.
    "401": "every operation may answer 401 E0000011",
    "405": "an unsupported method answers 405 E0000022",
}
_ANY_OPERATION_EXTRA = {"401": "Error", "405": "Error"}


def _merged(schemas: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the properties of its ``allOf`` parts folded in, and closed."""
    out = copy.deepcopy(schema)
    props: dict[str, Any] = {}
    for part in out.pop("allOf", []):
        ref = part.get("$ref", "").rsplit("/", 1)[-1]
        base = _merged(schemas, schemas[ref]) if ref else part
        props.update(base.get("properties", {}))
        out.setdefault("required", [])
        out["required"] = sorted({*out["required"], *base.get("required", [])})
    props.update(out.get("properties", {}))
    if props:
        out["properties"] = props
        out["additionalProperties"] = False
    if not out.get("required"):
        out.pop("required", None)
    return out


_CLOSED = (
    "Brand",
    "BrandWithEmbedded",
    "BrandDomains",
    "EmailDomainResponse",
    "EmailDomainResponseWithEmbedded",
    "EmailDomainDNSRecord",
    "Error",
    "ErrorCause",
)


def _schemas() -> dict[str, Any]:
    """The excerpt's schemas with the answer objects closed."""
    raw = SPEC["components"]["schemas"]
    return {name: _merged(raw, s) if name in _CLOSED else s for name, s in raw.items()}


SCHEMAS = _schemas()


def _response_schema(answer: dict[str, Any]) -> Any:
    if "$ref" in answer:
        answer = SPEC["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    content = answer.get("content")
    return content["application/json"]["schema"] if content else None


def _operations() -> dict[str, dict[str, Any]]:
    ops = {}
    for path, methods in SPEC["paths"].items():
        for method, op in methods.items():
            if method != "parameters":
                ops[f"{method.upper()} {path}"] = op
    return ops


OPERATIONS = _operations()


def validate(schema: Any, instance: Any) -> None:
    root = {"components": {"schemas": SCHEMAS}, **schema}
    jsonschema.Draft4Validator(root).validate(instance)


def conform(response: requests.Response, operation: str) -> None:
    """The status is documented (or a listed deviation) and the body fits its schema."""
    documented = {s: _response_schema(a) for s, a in OPERATIONS[operation]["responses"].items()}
    for status, name in _ANY_OPERATION_EXTRA.items():
        documented.setdefault(status, {"$ref": f"#/components/schemas/{name}"})
    status = str(response.status_code)
    assert status in documented, f"{operation} answered {status}; spec: {sorted(documented)}"
    schema = documented[status]
    if schema is None:
        assert response.content == b"", f"{operation} {status} must have no body"
        return
    validate(schema, response.json())


class Session:
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
        server.add_zone(ZONE, loopback_zone_text(ZONE, serial=next(_serials), records=[]))
        yield server


def _serve(dns: AuthoritativeServer, body: dict[str, Any]) -> None:
    records = []
    for r in body["dnsValidationRecords"]:
        value = r["verificationValue"]
        rdata = f'"{value}"' if r["recordType"] == "TXT" else f"{value}."
        records.append(ZoneRecord(f"{r['fqdn']}.", r["recordType"], rdata))
    dns.set_zone(ZONE, loopback_zone_text(ZONE, serial=next(_serials), records=records))


BRANDS = "/api/v1/brands"
EMAILS = "/api/v1/email-domains"
LIST_BRANDS, CREATE_BRAND = f"GET {BRANDS}", f"POST {BRANDS}"
GET_BRAND, PUT_BRAND = f"GET {BRANDS}/{{brandId}}", f"PUT {BRANDS}/{{brandId}}"
DELETE_BRAND, BRAND_DOMAINS = f"DELETE {BRANDS}/{{brandId}}", f"GET {BRANDS}/{{brandId}}/domains"
LIST, CREATE = f"GET {EMAILS}", f"POST {EMAILS}"
GET, PUT = f"GET {EMAILS}/{{emailDomainId}}", f"PUT {EMAILS}/{{emailDomainId}}"
DELETE, VERIFY = f"DELETE {EMAILS}/{{emailDomainId}}", f"POST {EMAILS}/{{emailDomainId}}/verify"


def _email(brand_id: str, domain: str = ZONE) -> dict[str, str]:
    return {"domain": domain, "brandId": brand_id, "displayName": "Acme", "userName": "noreply"}


def test_every_answer_of_an_email_domain_lifecycle_conforms(dns: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns.address, dns.port)) as fake:
        s = Session(fake)
        brand = s.call("POST", BRANDS, CREATE_BRAND, json={"name": "Acme"}).json()
        assert s.call("POST", BRANDS, CREATE_BRAND, json={"name": "Acme"}).status_code == 409
        assert s.call("POST", EMAILS, CREATE, json=_email("bndMISSING")).status_code == 404
        body = s.call("POST", EMAILS, CREATE, json=_email(brand["id"])).json()
        assert [r["fqdn"] for r in body["dnsValidationRecords"]][:2] == [
            f"_oktaverification.{ZONE}",
            f"mail.{ZONE}",
        ]
        assert s.call("POST", EMAILS, CREATE, json=_email(brand["id"])).status_code == 409
        path = f"{EMAILS}/{body['id']}"
        assert (
            s.call("GET", f"{BRANDS}/{brand['id']}", GET_BRAND).json()["emailDomainId"]
            == (body["id"])
        )
        assert s.call("POST", f"{path}/verify", VERIFY).json()["validationStatus"] == "POLLING"
        _serve(dns, body)
        assert s.call("GET", path, GET).json()["validationStatus"] == "VERIFIED"
        assert s.call("POST", f"{path}/verify", VERIFY).status_code == 400
        renamed = {"displayName": "Acme IT", "userName": "it"}
        assert s.call("PUT", path, PUT, json=renamed).json()["userName"] == "it"
        assert s.call("PUT", path, PUT, json={"displayName": "x"}).status_code == 400
        listed = s.call("GET", EMAILS, LIST, params={"expand": "brands"}).json()
        assert listed[0]["_embedded"]["brands"][0]["id"] == brand["id"]
        assert s.call("DELETE", path, DELETE).status_code == 400  # the brand still uses it
        unlink = {"name": "Acme"}
        assert (
            "emailDomainId"
            not in s.call("PUT", f"{BRANDS}/{brand['id']}", PUT_BRAND, json=unlink).json()
        )
        assert s.call("DELETE", path, DELETE).status_code == 204
        assert s.call("GET", path, GET).status_code == 404
        assert s.call("DELETE", f"{BRANDS}/{brand['id']}", DELETE_BRAND).status_code == 204
    assert len(s.checked) == 17


def test_brand_answers_conform_and_a_brand_in_use_stays(dns: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns.address, dns.port)) as fake:
        s = Session(fake)
        headers = {"Authorization": f"SSWS {fake.api_token}"}
        created = requests.post(
            fake.url + "/api/v1/domains",
            headers=headers,
            timeout=10,
            json={"domain": f"login.{ZONE}", "certificateSourceType": "OKTA_MANAGED"},
        ).json()
        brands = s.call("GET", BRANDS, LIST_BRANDS).json()
        default = next(b for b in brands if b["isDefault"])
        own = created["brandId"]  # Okta makes a brand for each new custom domain
        assert own in {b["id"] for b in brands} and own != default["id"]
        domains = s.call("GET", f"{BRANDS}/{own}/domains", BRAND_DOMAINS).json()["domains"]
        assert [d["domain"] for d in domains] == [f"login.{ZONE}"]
        assert s.call("DELETE", f"{BRANDS}/{own}", DELETE_BRAND).status_code == 409
        assert s.call("DELETE", f"{BRANDS}/{default['id']}", DELETE_BRAND).status_code == 409
        assert s.call("PUT", f"{BRANDS}/{own}", PUT_BRAND, json={}).status_code == 400
        assert s.call("GET", f"{BRANDS}/bndNOPE", GET_BRAND).status_code == 404
        assert s.call("GET", BRANDS, LIST_BRANDS, token="wrong").status_code == 401
        assert s.call("PATCH", BRANDS, LIST_BRANDS).status_code == 405


def test_okta_gives_up_polling_and_says_why(dns: AuthoritativeServer) -> None:
    with FakeOkta(dns_server=(dns.address, dns.port), email_polling_window=0) as fake:
        s = Session(fake)
        brand = s.call("POST", BRANDS, CREATE_BRAND, json={"name": "Polling"}).json()
        body = s.call("POST", EMAILS, CREATE, json=_email(brand["id"], f"n.{ZONE}")).json()
        path = f"{EMAILS}/{body['id']}"
        assert s.call("POST", f"{path}/verify", VERIFY).json()["validationStatus"] == "POLLING"
        assert s.call("GET", path, GET).json()["validationStatus"] == "ERROR"
        failed = s.call("POST", f"{path}/verify", VERIFY)
        assert failed.status_code == 400 and failed.json()["errorCode"] == "E0000218"
        assert "DNS record not found" in failed.json()["errorCauses"][0]["errorSummary"]


def test_a_field_the_spec_does_not_define_fails_the_check() -> None:
    ref = {"$ref": "#/components/schemas/EmailDomainResponse"}
    with pytest.raises(jsonschema.ValidationError):
        validate(ref, {"id": "OeD1", "displayName": "a", "userName": "b", "brandId": "bnd1"})
    with pytest.raises(jsonschema.ValidationError):
        validate(
            ref, {"id": "OeD1", "displayName": "a", "userName": "b", "validationStatus": "DONE"}
        )


def test_our_request_bodies_conform() -> None:
    """What the component and the double send fits the spec's request schemas."""
    validate({"$ref": "#/components/schemas/EmailDomain"}, _email("bnd1"))
    validate(
        {"$ref": "#/components/schemas/UpdateEmailDomain"}, {"displayName": "a", "userName": "b"}
    )
    validate({"$ref": "#/components/schemas/CreateBrandRequest"}, {"name": "Acme"})
    validate(
        {"$ref": "#/components/schemas/BrandRequest"}, {"name": "Acme", "emailDomainId": "OeD1"}
    )
    with pytest.raises(jsonschema.ValidationError):  # EmailDomain requires brandId
        validate(
            {"$ref": "#/components/schemas/EmailDomain"},
            {"domain": "a", "displayName": "a", "userName": "b"},
        )
