"""``EmailDomain`` and ``Brand`` as pulumi-okta 7.0.1 serves them, for the okta plugin double.

Read from terraform-provider-okta (``resource_okta_email_domain.go``, an SDKv2 resource, and
``resource_okta_brand.go``, a plugin-framework one) as bridged by pulumi-okta:

- ``EmailDomain``: ``brandId``, ``domain``, ``displayName`` and ``userName`` are required and
  none forces replacement (pulumi-okta 7.0.1 has no ``validationSubdomain``). Create = POST,
  then GET. Read sets everything but ``brandId`` (Okta's answer has none); a 404 or the status
  ``DELETED`` means gone. Update PUTs only ``displayName`` and ``userName``: a changed ``domain``
  or ``brandId`` is an update that changes nothing at Okta (so the component asks the engine
  to replace on those). Delete = GET (gone: done), then DELETE.
- ``Brand``: ``name`` (auto-named when not given, like every named pulumi-okta resource) and
  the optional settings; nothing forces replacement. Create = POST ``{name}``, PUT the settings
  (``emailDomainId`` left out), GET. Update = GET, PUT keeping the ``emailDomainId`` Okta
  reports, GET. Read errors on a 404 (the framework resource never drops itself); Delete =
  DELETE.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from okta_custom_domain.testing.plugins.base import UNKNOWN
from okta_custom_domain.testing.plugins.okta.client import OktaApiError, OktaHttp, Trace, failing
from okta_custom_domain.testing.plugins.okta.resources import (
    DEFAULTS,
    Checked,
    CheckInput,
    DiffPlan,
    OktaResource,
    autoname,
    differs,
    without_defaults,
)

EMAIL_DOMAIN = "okta:index/emailDomain:EmailDomain"
BRAND = "okta:index/brand:Brand"
_BRAND_SETTINGS = (
    "locale",
    "agreeToCustomPrivacyPolicy",
    "customPrivacyPolicyUrl",
    "removePoweredByOkta",
)
_DEFAULT_APP = {
    "defaultAppAppInstanceId": "appInstanceId",
    "defaultAppAppLinkName": "appLinkName",
    "defaultAppClassicApplicationUri": "classicApplicationUri",
}


def _missing(required: tuple[str, ...], inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The bridge's failure for each required input not given."""
    return [
        (
            key,
            f'Missing required argument. The argument "{key}" is required, but no definition '
            "was found.",
        )
        for key in required
        if inputs.get(key) in (None, "")
    ]


def _changed(
    keys: tuple[str, ...], olds: dict[str, Any], news: dict[str, Any], ignore: set[str]
) -> list[str]:
    return [k for k in keys if k not in ignore and differs(olds.get(k), news.get(k))]


# -- okta:index/emailDomain:EmailDomain ------------------------------------------------------


def email_domain_outputs(body: Mapping[str, Any], brand_id: Any) -> dict[str, Any]:
    """The state the SDKv2 Read sets from ``GET /api/v1/email-domains/{id}``."""
    records = [
        {
            "expiration": "",
            "fqdn": str(r.get("fqdn") or ""),
            "recordType": str(r.get("recordType") or ""),
            "value": str(r.get("verificationValue") or ""),
        }
        for r in body.get("dnsValidationRecords") or []
        if isinstance(r, Mapping)
    ]
    outputs = {
        "id": str(body.get("id") or ""),
        "domain": str(body.get("domain") or ""),
        "displayName": str(body.get("displayName") or ""),
        "userName": str(body.get("userName") or ""),
        "validationStatus": str(body.get("validationStatus") or ""),
        "dnsValidationRecords": records,
    }
    if brand_id:
        outputs["brandId"] = brand_id
    return outputs


class EmailDomain(OktaResource):
    token = EMAIL_DOMAIN
    inputs = ("brandId", "displayName", "domain", "userName")

    def check(self, req: CheckInput) -> Checked:
        inputs = without_defaults(req.news)
        failures = _missing(self.inputs, inputs)
        inputs[DEFAULTS] = []
        return Checked(inputs, failures)

    def diff(self, olds: dict[str, Any], news: dict[str, Any], ignore: set[str]) -> DiffPlan:
        return DiffPlan(_changed(self.inputs, olds, news, ignore), [], [])

    def preview(self, news: dict[str, Any], olds: dict[str, Any] | None) -> dict[str, Any]:
        planned = without_defaults(news)
        if olds is None:
            unknown = dict.fromkeys(("id", "validationStatus", "dnsValidationRecords"), UNKNOWN)
            return {**planned, **unknown}
        return {**olds, **planned}

    def create(self, http: OktaHttp, news: dict[str, Any], trace: Trace) -> dict[str, Any]:
        body = {key: news.get(key) for key in ("brandId", "domain", "displayName", "userName")}
        with failing("failed to create email domain"):
            created = http.call("POST", "/api/v1/email-domains", trace, body)
        email_domain_id = str(created.get("id") or "") if isinstance(created, dict) else ""
        return self._read_back(http, email_domain_id, news.get("brandId"), trace)

    def read(
        self, http: OktaHttp, id_: str, state: dict[str, Any], trace: Trace
    ) -> dict[str, Any] | None:
        body = self._get(http, id_, trace)
        if body is None or body.get("validationStatus") == "DELETED":
            return None
        return email_domain_outputs(body, state.get("brandId"))

    def update(
        self, http: OktaHttp, id_: str, olds: dict[str, Any], news: dict[str, Any], trace: Trace
    ) -> dict[str, Any]:
        body = {"displayName": news.get("displayName"), "userName": news.get("userName")}
        with failing("failed to update email domain"):
            http.call("PUT", f"/api/v1/email-domains/{id_}", trace, body)
        return self._read_back(http, id_, news.get("brandId"), trace)

    def delete(self, http: OktaHttp, id_: str, trace: Trace) -> None:
        body = self._get(http, id_, trace)
        if body is None or body.get("validationStatus") == "DELETED":
            return
        with failing("failed to delete email domain"):
            http.call("DELETE", f"/api/v1/email-domains/{id_}", trace)

    @staticmethod
    def _get(http: OktaHttp, id_: str, trace: Trace) -> dict[str, Any] | None:
        try:
            body = http.call("GET", f"/api/v1/email-domains/{id_}", trace)
        except OktaApiError as exc:
            if exc.status == 404:
                return None
            raise exc.during("failed to get email domain") from None
        return body if isinstance(body, dict) else {}

    def _read_back(self, http: OktaHttp, id_: str, brand_id: Any, trace: Trace) -> dict[str, Any]:
        outputs = self.read(http, id_, {"brandId": brand_id}, trace)
        return outputs if outputs is not None else {"id": id_, "brandId": brand_id}


# -- okta:index/brand:Brand ------------------------------------------------------------------


def brand_outputs(body: Mapping[str, Any]) -> dict[str, Any]:
    """The state ``mapBrandToState`` sets from a brand."""
    app = body.get("defaultApp") if isinstance(body.get("defaultApp"), Mapping) else {}
    assert isinstance(app, Mapping)
    outputs = {
        "id": body.get("id"),
        "brandId": body.get("id"),
        "name": body.get("name"),
        "isDefault": body.get("isDefault"),
        "emailDomainId": body.get("emailDomainId"),
        "links": json.dumps(body.get("_links") or {}),
        **{key: body.get(key) for key in _BRAND_SETTINGS},
    }
    outputs.update({key: app.get(field) for key, field in _DEFAULT_APP.items()})
    return outputs


class Brand(OktaResource):
    token = BRAND
    inputs = ("name", *_BRAND_SETTINGS, *_DEFAULT_APP, "brandId")

    def check(self, req: CheckInput) -> Checked:
        inputs = without_defaults(req.news)
        defaults: list[str] = []
        failures: list[tuple[str, str]] = []
        if "name" not in inputs:
            name, failure = autoname(req)
            if failure is not None:
                failures.append(("name", failure))
            else:
                inputs["name"] = name
                defaults.append("name")
        inputs[DEFAULTS] = defaults
        return Checked(inputs, failures)

    def diff(self, olds: dict[str, Any], news: dict[str, Any], ignore: set[str]) -> DiffPlan:
        given = [k for k in self.inputs if k != "brandId" and news.get(k) is not None]
        return DiffPlan(_changed(tuple(given), olds, news, ignore), [], [])

    def preview(self, news: dict[str, Any], olds: dict[str, Any] | None) -> dict[str, Any]:
        planned = without_defaults(news)
        if olds is None:
            computed = ("id", "brandId", "isDefault", "emailDomainId", "links")
            return {**planned, **dict.fromkeys(computed, UNKNOWN)}
        return {**olds, **planned}

    def create(self, http: OktaHttp, news: dict[str, Any], trace: Trace) -> dict[str, Any]:
        with failing("failed to create brand"):
            created = http.call("POST", "/api/v1/brands", trace, {"name": news.get("name")})
        brand_id = str(created.get("id") or "") if isinstance(created, dict) else ""
        with failing("failed to update brand"):
            http.call("PUT", f"/api/v1/brands/{brand_id}", trace, _brand_request(news, None))
        return self._read(http, brand_id, trace)

    def read(
        self, http: OktaHttp, id_: str, state: dict[str, Any], trace: Trace
    ) -> dict[str, Any] | None:
        return self._read(http, id_, trace)

    def update(
        self, http: OktaHttp, id_: str, olds: dict[str, Any], news: dict[str, Any], trace: Trace
    ) -> dict[str, Any]:
        current = self._read(http, id_, trace)
        body = _brand_request(news, current.get("emailDomainId"))
        with failing("failed to update brand"):
            http.call("PUT", f"/api/v1/brands/{id_}", trace, body)
        return self._read(http, id_, trace)

    def delete(self, http: OktaHttp, id_: str, trace: Trace) -> None:
        with failing("failed to delete brand"):
            http.call("DELETE", f"/api/v1/brands/{id_}", trace)

    @staticmethod
    def _read(http: OktaHttp, id_: str, trace: Trace) -> dict[str, Any]:
        with failing("failed to read brand"):
            body = http.call("GET", f"/api/v1/brands/{id_}", trace)
        return brand_outputs(body if isinstance(body, dict) else {})


def _brand_request(news: Mapping[str, Any], email_domain_id: Any) -> dict[str, Any]:
    """``BrandRequest`` as the Go SDK sends it: unset pointers left out, ``defaultApp`` always."""
    body: dict[str, Any] = {"name": news.get("name")}
    body.update({k: news[k] for k in _BRAND_SETTINGS if news.get(k) is not None})
    body["defaultApp"] = {f: news[k] for k, f in _DEFAULT_APP.items() if news.get(k)}
    if email_domain_id:
        body["emailDomainId"] = email_domain_id
    return body


BRANDING_RESOURCES: dict[str, OktaResource] = {r.token: r for r in (EmailDomain(), Brand())}
