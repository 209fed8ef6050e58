"""The Okta resources the plugin double serves, with the real provider's schema rules and calls.

Read from terraform-provider-okta v6.12.0 (``okta/services/idaas/resource_okta_domain.go`` and
``resource_okta_domain_certificate.go``) as bridged by pulumi-okta (``SetAutonaming(255, "-")``,
schema ``willReplaceOnChanges``) and pulumi-terraform-bridge (``pkg/tfbridge``):

- ``Domain``: ``name`` forces replacement, compared case-insensitively (Okta lower-cases it);
  it is auto-named ``<resource name>-<7 hex>`` when not given, and a replacement deletes first
  only when the name was given (``nameRequiresDeleteBeforeReplace``). ``certificateSourceType``
  defaults to ``MANUAL`` and does *not* force replacement (an update that changes nothing at
  Okta). ``brandId`` is optional and computed. Create = POST, then, when a brand is given, PUT
  ``{brandId}`` and DELETE the brand Okta made for the new domain (``okta.brands.manage``; a
  failure there keeps the domain in state, failed to initialize), then GET. Update = verify
  first unless the stored status is IN_PROGRESS, VERIFIED or COMPLETED, then PUT ``{brandId}``,
  then GET. A 404 on GET means gone.
- ``DomainCertificate``: only ``domainId`` forces replacement; ``type`` defaults to ``PEM``.
  Create and Update PUT the certificate; the id is the domain id; Read and Delete call nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from okta_custom_domain.testing.plugins.base import UNKNOWN, DoubleError
from okta_custom_domain.testing.plugins.okta.client import OktaApiError, OktaHttp, Trace, failing

DOMAIN = "okta:index/domain:Domain"
DOMAIN_CERTIFICATE = "okta:index/domainCertificate:DomainCertificate"
DEFAULTS = "__defaults"
"""The bridge's list of inputs it filled in itself (defaults and auto-names)."""
VERIFIED_STATES = ("IN_PROGRESS", "VERIFIED", "COMPLETED")
AUTONAME_MAXLEN = 255
_PROPOSE, _ENFORCE, _DISABLE = 0, 1, 2  # CheckRequest.AutonamingOptions.Mode


class CreatedWithError(DoubleError):
    """Create failed after Okta made the resource: the engine must keep it (id and state)."""

    def __init__(self, message: str, resource_id: str, outputs: dict[str, Any]) -> None:
        super().__init__(message)
        self.resource_id = resource_id
        self.outputs = outputs


@dataclass(frozen=True)
class CheckInput:
    """What Check needs from the request (plain values)."""

    news: dict[str, Any]
    olds: dict[str, Any]
    resource_name: str
    seed: bytes = b""
    autonaming: tuple[str, int] | None = None  # (proposed name, mode) when the engine sent one


@dataclass(frozen=True)
class Checked:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffPlan:
    changed: list[str]
    replaces: list[str]
    stables: list[str]
    delete_before_replace: bool = False


def differs(old: Any, new: Any) -> bool:
    return new == UNKNOWN or old != new


def without_defaults(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != DEFAULTS and v is not None}


class OktaResource:
    """One resource type: the hooks the servicer calls, and the bridge's Read-inputs rule."""

    token: str = ""
    inputs: tuple[str, ...] = ()

    def check(self, req: CheckInput) -> Checked:
        raise NotImplementedError

    def diff(self, olds: dict[str, Any], news: dict[str, Any], ignore: set[str]) -> DiffPlan:
        raise NotImplementedError

    def preview(self, news: dict[str, Any], olds: dict[str, Any] | None) -> dict[str, Any]:
        raise NotImplementedError

    def create(self, http: OktaHttp, news: dict[str, Any], trace: Trace) -> dict[str, Any]:
        raise NotImplementedError

    def read(
        self, http: OktaHttp, id_: str, state: dict[str, Any], trace: Trace
    ) -> dict[str, Any] | None:
        raise NotImplementedError

    def update(
        self, http: OktaHttp, id_: str, olds: dict[str, Any], news: dict[str, Any], trace: Trace
    ) -> dict[str, Any]:
        raise NotImplementedError

    def delete(self, http: OktaHttp, id_: str, trace: Trace) -> None:
        raise NotImplementedError

    def inputs_from(self, outputs: dict[str, Any], old_inputs: dict[str, Any]) -> dict[str, Any]:
        """Refresh keeps the stored inputs, updated from what Okta shows (``__defaults``
        dropped); import (no stored inputs) takes every input property from the outputs."""
        if old_inputs:
            return {
                k: outputs.get(k, v) if k in self.inputs else v
                for k, v in old_inputs.items()
                if k != DEFAULTS
            }
        found = {k: outputs[k] for k in self.inputs if outputs.get(k) not in (None, "")}
        return {**found, DEFAULTS: []}


# -- okta:index/domain:Domain ---------------------------------------------------------------


def autoname(req: CheckInput) -> tuple[str | None, str | None]:
    """(name, failure): the old auto-name, the engine's proposal, or ``<name>-<7 hex>``."""
    if req.olds.get("name") and "name" in (req.olds.get(DEFAULTS) or []):
        return str(req.olds["name"]), None
    if req.autonaming is not None:
        proposed, mode = req.autonaming
        if mode == _DISABLE:
            return None, "automatic naming is disabled but no explicit name was provided"
        if mode == _PROPOSE and len(proposed) > AUTONAME_MAXLEN:
            return None, f"calculated name '{proposed}' exceeds maximum length of 255"
        return proposed, None
    suffix = hashlib.sha256(req.seed).hexdigest()[:7] if req.seed else secrets.token_hex(4)[:7]
    return f"{req.resource_name}-{suffix}", None


def domain_outputs(body: Mapping[str, Any]) -> dict[str, Any]:
    """The state the real resource's Read sets from ``GET /api/v1/domains/{id}``."""
    records = [
        {
            "expiration": str(r.get("expiration") or ""),
            "fqdn": str(r.get("fqdn") or ""),
            "recordType": str(r.get("recordType") or ""),
            "values": [str(v) for v in r.get("values") or []],
        }
        for r in body.get("dnsRecords") or []
        if isinstance(r, Mapping)
    ]
    return {
        "id": str(body.get("id") or ""),
        "name": str(body.get("domain") or ""),
        "certificateSourceType": str(body.get("certificateSourceType") or ""),
        "brandId": str(body.get("brandId") or ""),
        "validationStatus": str(body.get("validationStatus") or ""),
        "dnsRecords": records,
    }


class Domain(OktaResource):
    token = DOMAIN
    inputs = ("name", "certificateSourceType", "brandId")

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
        if "certificateSourceType" not in inputs:
            inputs["certificateSourceType"] = "MANUAL"
            defaults.append("certificateSourceType")
        inputs[DEFAULTS] = sorted(defaults)
        return Checked(inputs, failures)

    def diff(self, olds: dict[str, Any], news: dict[str, Any], ignore: set[str]) -> DiffPlan:
        changed: list[str] = []
        new_name, old_name = news.get("name"), olds.get("name")
        if "name" not in ignore and (
            new_name == UNKNOWN or str(new_name).lower() != str(old_name).lower()
        ):
            changed.append("name")
        source = news.get("certificateSourceType", "MANUAL")
        if "certificateSourceType" not in ignore and differs(
            olds.get("certificateSourceType"), source
        ):
            changed.append("certificateSourceType")
        brand = news.get("brandId")
        if (
            "brandId" not in ignore
            and brand not in (None, "")
            and differs(olds.get("brandId"), brand)
        ):
            changed.append("brandId")
        replaces = [k for k in changed if k == "name"]
        filled = news.get(DEFAULTS)  # no list (old state): the bridge assumes auto-named
        given_name = isinstance(filled, list) and "name" in news and "name" not in filled
        return DiffPlan(changed, replaces, ["name"], bool(replaces) and given_name)

    def preview(self, news: dict[str, Any], olds: dict[str, Any] | None) -> dict[str, Any]:
        planned = without_defaults(news)
        if olds is None:
            return {
                "id": UNKNOWN,
                "name": planned.get("name", UNKNOWN),
                "certificateSourceType": planned.get("certificateSourceType", "MANUAL"),
                "brandId": planned.get("brandId") or UNKNOWN,
                "validationStatus": UNKNOWN,
                "dnsRecords": UNKNOWN,
            }
        brand = planned.get("brandId") or olds.get("brandId")
        return {**olds, **planned, "name": olds.get("name"), "brandId": brand}

    def create(self, http: OktaHttp, news: dict[str, Any], trace: Trace) -> dict[str, Any]:
        body = {
            "domain": news.get("name"),
            "certificateSourceType": news.get("certificateSourceType"),
        }
        with failing("failed to create domain"):
            created = http.call("POST", "/api/v1/domains", trace, body)
        domain_id = str(created.get("id") or "") if isinstance(created, dict) else ""
        if not domain_id:
            raise DoubleError("failed to create domain: Okta answered without an id")
        if news.get("brandId"):
            self._move_to_brand(http, domain_id, created, news, trace)
        return self._read_back(http, domain_id, trace)

    @staticmethod
    def _move_to_brand(
        http: OktaHttp, domain_id: str, created: dict[str, Any], news: dict[str, Any], trace: Trace
    ) -> None:
        """PUT the brand, then DELETE the brand Okta made for the new domain (that call needs
        ``okta.brands.manage``). A failure here leaves the domain in state, with only its
        inputs and id, as the SDKv2 resource does once it has set the id."""
        partial = {**without_defaults(news), "id": domain_id}
        own_brand = str(created.get("brandId") or "")
        try:
            with failing("failed to update domain"):
                body = {"brandId": news["brandId"]}
                http.call("PUT", f"/api/v1/domains/{domain_id}", trace, body)
            with failing("failed to delete brand"):
                http.call("DELETE", f"/api/v1/brands/{own_brand}", trace)
        except DoubleError as exc:
            raise CreatedWithError(exc.message, domain_id, partial) from None

    def read(
        self, http: OktaHttp, id_: str, state: dict[str, Any], trace: Trace
    ) -> dict[str, Any] | None:
        try:
            body = http.call("GET", f"/api/v1/domains/{id_}", trace)
        except OktaApiError as exc:
            if exc.status == 404:
                return None
            raise exc.during("failed to get domain") from None
        return domain_outputs(body if isinstance(body, dict) else {})

    def update(
        self, http: OktaHttp, id_: str, olds: dict[str, Any], news: dict[str, Any], trace: Trace
    ) -> dict[str, Any]:
        if olds.get("validationStatus") not in VERIFIED_STATES:
            with failing("failed to verify domain"):
                http.call("POST", f"/api/v1/domains/{id_}/verify", trace)
        brand = news.get("brandId") or olds.get("brandId") or ""
        with failing("failed to update domain"):
            http.call("PUT", f"/api/v1/domains/{id_}", trace, {"brandId": brand})
        return self._read_back(http, id_, trace)

    def delete(self, http: OktaHttp, id_: str, trace: Trace) -> None:
        with failing("failed to delete domain"):
            http.call("DELETE", f"/api/v1/domains/{id_}", trace)

    def _read_back(self, http: OktaHttp, id_: str, trace: Trace) -> dict[str, Any]:
        outputs = self.read(http, id_, {}, trace)
        if outputs is None:
            raise DoubleError(f"failed to get domain: {id_} is gone right after it was written")
        return outputs


# -- okta:index/domainCertificate:DomainCertificate -----------------------------------------


class DomainCertificate(OktaResource):
    token = DOMAIN_CERTIFICATE
    inputs = ("domainId", "type", "certificate", "certificateChain", "privateKey")
    required = ("certificate", "certificateChain", "domainId", "privateKey")

    def check(self, req: CheckInput) -> Checked:
        inputs = without_defaults(req.news)
        failures = [
            (
                key,
                f'Missing required argument. The argument "{key}" is required, but no '
                "definition was found.",
            )
            for key in self.required
            if inputs.get(key) in (None, "")
        ]
        defaults = []
        if "type" not in inputs:
            inputs["type"] = "PEM"
            defaults.append("type")
        inputs[DEFAULTS] = defaults
        return Checked(inputs, failures)

    def diff(self, olds: dict[str, Any], news: dict[str, Any], ignore: set[str]) -> DiffPlan:
        planned = {"type": "PEM", **without_defaults(news)}
        changed = [
            key
            for key in self.inputs
            if key not in ignore and differs(olds.get(key), planned.get(key))
        ]
        return DiffPlan(changed, [k for k in changed if k == "domainId"], ["domainId"])

    def preview(self, news: dict[str, Any], olds: dict[str, Any] | None) -> dict[str, Any]:
        planned = without_defaults(news)
        return {**planned, "id": olds.get("id", UNKNOWN) if olds else UNKNOWN}

    def create(self, http: OktaHttp, news: dict[str, Any], trace: Trace) -> dict[str, Any]:
        with failing("failed to create domain's certificate"):
            self._upload(http, news, trace)
        return {**without_defaults(news), "id": str(news["domainId"])}

    def read(
        self, http: OktaHttp, id_: str, state: dict[str, Any], trace: Trace
    ) -> dict[str, Any] | None:
        """The real Read is a no-op: the state stays as stored, nothing is called."""
        return {**state, "id": id_}

    def update(
        self, http: OktaHttp, id_: str, olds: dict[str, Any], news: dict[str, Any], trace: Trace
    ) -> dict[str, Any]:
        with failing("failed to update domain's certificate"):
            self._upload(http, news, trace)
        return {**without_defaults(news), "id": id_}

    def delete(self, http: OktaHttp, id_: str, trace: Trace) -> None:
        """The real Delete is a no-op: the certificate stays at Okta until the domain goes."""

    @staticmethod
    def _upload(http: OktaHttp, news: dict[str, Any], trace: Trace) -> None:
        body = {
            "type": news.get("type") or "PEM",
            "certificate": news.get("certificate"),
            "certificateChain": news.get("certificateChain"),
            "privateKey": news.get("privateKey"),
        }
        http.call("PUT", f"/api/v1/domains/{news.get('domainId')}/certificate", trace, body)


RESOURCES: dict[str, OktaResource] = {r.token: r for r in (Domain(), DomainCertificate())}
