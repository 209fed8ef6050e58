"""The custom domains of the fake org: the state machine behind ``/api/v1/domains``.

NOT_STARTED or FAILED_TO_VERIFY -> VERIFIED on a verify whose records resolve (DOMAIN_TAKEN, a
name another org claims, stays so); a failed TXT check makes Okta issue a new TXT value (live
behaviour). VERIFIED -> COMPLETED once the certificate exists: ``completion_delay`` seconds on
for OKTA_MANAGED, on upload for MANUAL (an upload needs a verified domain, 403 E0000165 before).
The org holds at most ``domain_limit`` custom domains, each name once; the reserved
``drapp.<org>.okta.com`` (the org's disaster-recovery endpoint, per Okta's spec) is refused;
each new domain gets a brand of its own, as at Okta (``new_brand``).
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections.abc import Callable
from typing import Any

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.testing.fake_okta.certificates import okta_certificate, uploaded_certificate
from okta_custom_domain.testing.fake_okta.common import ApiError, Org, iso
from okta_custom_domain.testing.fake_okta.dns_check import check_dns
from okta_custom_domain.testing.fake_okta.domain import (
    Domain,
    default_domain_json,
    domain_json,
    new_txt_value,
)
from okta_custom_domain.testing.fake_okta.system_log import SystemLog

DOMAIN_TAKEN = "DOMAIN_TAKEN"
"""Okta's older status for a name another org claims (set with ``FakeOkta.set_status``)."""


def _invalid(field: str, *causes: str) -> ApiError:
    """400 E0000001, Okta's answer to a request body it cannot use."""
    return ApiError(400, "E0000001", f"Api validation failed: {field}", causes)


class Domains:
    """Every custom domain by id; callers hold ``lock`` around reads of ``by_id``."""

    def __init__(self, org: Org, lock: threading.RLock, log: SystemLog) -> None:
        self._org = org
        self._lock = lock
        self._log = log
        self.by_id: dict[str, Domain] = {}
        self.uploads_to_okta_managed: list[str] = []
        self.new_brand: Callable[[str], str] = lambda _name: "bnd" + secrets.token_hex(9)
        """Makes the brand Okta creates for each new domain; the facade binds it to brands."""

    # -- reading ---------------------------------------------------------------------------

    def get(self, domain_id: str) -> Domain:
        d = self.by_id.get(domain_id)
        if d is None:
            raise ApiError(404, "E0000007", f"Not found: Resource not found: {domain_id} (Domain)")
        return d

    def id_of(self, name: str) -> str:
        with self._lock:
            for d in self.by_id.values():
                if d.domain == name.lower().rstrip("."):
                    return d.id
        raise KeyError(name)

    def show(self, d: Domain, *, full: bool) -> dict[str, Any]:
        """``d`` as the API shows it now (a due VERIFIED -> COMPLETED happens first)."""
        self._advance(d)
        return domain_json(d, self._org, full=full)

    def show_id(self, domain_id: str) -> dict[str, Any]:
        """``GET /api/v1/domains/{id}``; ``default`` is the org's own domain."""
        with self._lock:
            if domain_id == "default":
                return default_domain_json(self._org)
            return self.show(self.get(domain_id), full=True)

    def using_brand(self, brand_id: str) -> list[dict[str, Any]]:
        """The custom domains whose brand is ``brand_id``, as the list shows them."""
        with self._lock:
            return [self.show(d, full=False) for d in self.by_id.values() if d.brand_id == brand_id]

    def show_all(self) -> dict[str, Any]:
        """``GET /api/v1/domains``: the default domain, then each custom one without records."""
        with self._lock:
            shown = [self.show(d, full=False) for d in self.by_id.values()]
            return {"domains": [default_domain_json(self._org), *shown]}

    # -- the state machine -----------------------------------------------------------------

    def create(self, name: str, source: str) -> Domain:
        d = Domain(
            id="OcD" + secrets.token_hex(9),
            domain=name,
            certificate_source_type=source,
            brand_id=self.new_brand(name),
            txt_value=new_txt_value(source),
            txt_expiration=iso(self._org.now() + 7 * 86400),
        )
        self.by_id[d.id] = d
        return d

    def create_from_request(self, body: Any) -> dict[str, Any]:
        """``POST /api/v1/domains``: validate, enforce uniqueness and the limit, log, show."""
        name, source = _requested(body)
        reserved = f"drapp.{self._org.org_name}.okta.com"
        if name == reserved:
            raise _invalid(
                "domain",
                f"domain: You can't use the reserved {reserved} domain (Okta's disaster "
                "recovery endpoint for this org).",
            )
        with self._lock:
            if any(d.domain == name for d in self.by_id.values()) or name == self._org.org_host:
                raise ApiError(
                    400,
                    "E0000161",
                    "Unique domain required.",
                    (f"domain: A domain with the name {name} already exists.",),
                )
            if len(self.by_id) >= self._org.domain_limit:
                raise ApiError(
                    400,
                    "E0000162",
                    "Maximum number of custom domains reached.",
                    (f"The org can have at most {self._org.domain_limit} custom domains.",),
                )
            d = self.create(name, source)
            self._event("initiate", d, "SUCCESS", None)
            return self.show(d, full=True)

    def set_status(self, domain_id: str, status: str) -> None:
        with self._lock:
            d = self.get(domain_id)
            d.validation_status = status
            if status in ("VERIFIED", "COMPLETED") and d.verified_at is None:
                d.verified_at = self._org.now()
            if status == "COMPLETED" and d.certificate is None:
                d.certificate = okta_certificate(d.id, d.domain, self._org.now())

    def set_certificate_days_left(self, domain_id: str, days: float) -> None:
        """Give the domain a certificate that expires ``days`` from now."""
        with self._lock:
            d = self.get(domain_id)
            d.certificate = okta_certificate(
                d.id, d.domain, self._org.now(), valid_days=days
            )

    def set_txt_value(self, domain_id: str, value: str) -> None:
        with self._lock:
            self.get(domain_id).txt_value = value

    def regenerate_txt(self, domain_id: str) -> str:
        with self._lock:
            d = self.get(domain_id)
            d.txt_value = new_txt_value(d.certificate_source_type)
            return d.txt_value

    def set_brand(self, domain_id: str, body: Any) -> dict[str, Any]:
        """``PUT /api/v1/domains/{id}``: only the brand changes."""
        brand = body.get("brandId") if isinstance(body, dict) else None
        if not isinstance(brand, str) or not brand:
            raise _invalid("brandId", "brandId: The field cannot be left blank.")
        with self._lock:
            d = self.get(domain_id)
            d.brand_id = brand
            return self.show(d, full=True)

    def remove(self, domain_id: str) -> None:
        """Drop a domain with no request and no event (an admin deleted it in the console)."""
        with self._lock:
            self.by_id.pop(domain_id)

    def delete(self, domain_id: str) -> None:
        """``DELETE /api/v1/domains/{id}``, logged."""
        with self._lock:
            d = self.get(domain_id)
            del self.by_id[domain_id]
            self._event("delete", d, "SUCCESS", None)

    def verify(self, domain_id: str) -> dict[str, Any]:
        """``POST .../verify``: resolve the records (outside the lock), then move the status."""
        with self._lock:
            d = self.get(domain_id)
            self._advance(d)
            if d.validation_status in ("VERIFIED", "COMPLETED"):
                raise _invalid("domain", "The domain is already verified.")
            if d.validation_status == DOMAIN_TAKEN:
                # Another org claims the name: no DNS check can change that.
                self._event("verify", d, "FAILURE", f"{d.domain} is claimed by another org")
                return self.show(d, full=True)
            snapshot = dataclasses.replace(d)
        txt_ok, cname_ok, reason = check_dns(
            self._org.dns_server,
            self._org.dns_timeout,
            txt_fqdn=snapshot.txt_fqdn,
            txt_value=snapshot.txt_value,
            cname_fqdn=snapshot.domain,
            cname_target=self._org.cname_target,
        )
        with self._lock:
            d = self.get(domain_id)
            if txt_ok and cname_ok:
                d.validation_status = "VERIFIED"
                d.verified_at = self._org.now()
                self._event("verify", d, "SUCCESS", None)
            else:
                d.validation_status = "FAILED_TO_VERIFY"
                if not txt_ok:
                    # Live behaviour: a failed ACME authorization makes Okta issue a new value.
                    d.txt_value = new_txt_value(d.certificate_source_type)
                self._event("verify", d, "FAILURE", reason)
            return self.show(d, full=True)

    def upload_certificate(self, domain_id: str, body: Any) -> None:
        """``PUT .../certificate``: only once DNS is verified (403 E0000165 before).

        As at Okta, an upload to an OKTA_MANAGED domain is accepted and turns it into MANUAL
        (Okta stops renewing it); ``uploads_to_okta_managed`` keeps the ids it happened to.
        """
        with self._lock:
            d = self.get(domain_id)
            self._advance(d)
            if d.validation_status not in ("VERIFIED", "COMPLETED"):
                raise ApiError(
                    403,
                    "E0000165",
                    "Domain has to be verified before creating the certificate.",
                    (f"domain: {d.domain} is {d.validation_status}; verify it first.",),
                )
        if not isinstance(body, dict):
            raise _invalid("certificate", "The request body must be a JSON object.")
        certificate, causes = uploaded_certificate(body)
        if certificate is None:
            with self._lock:
                self._event("cert_upload", d, "FAILURE", "; ".join(causes))
            raise _invalid("certificate", *causes)
        with self._lock:
            d = self.get(domain_id)
            if d.certificate_source_type == "OKTA_MANAGED":
                self.uploads_to_okta_managed.append(d.id)
                d.certificate_source_type = "MANUAL"
            d.certificate = certificate
            d.certificate_uploaded = True  # the key itself is not kept
            self._advance(d)
            self._event("cert_upload", d, "SUCCESS", None)

    def _advance(self, d: Domain) -> None:
        """VERIFIED -> COMPLETED once the certificate exists (delay, or upload for MANUAL)."""
        if d.validation_status != "VERIFIED":
            return
        if d.certificate_source_type == "MANUAL":
            if d.certificate_uploaded:
                d.validation_status = "COMPLETED"
            return
        if d.verified_at is None:
            return
        if self._org.now() >= d.verified_at + self._org.completion_delay:
            d.validation_status = "COMPLETED"
            d.certificate = okta_certificate(d.id, d.domain, self._org.now())

    def _event(self, action: str, d: Domain, result: str, reason: str | None) -> None:
        self._log.record(action, d.id, d.domain, result, reason)


def _requested(body: Any) -> tuple[str, str]:
    """(normalized name, certificate source) of a create body; 400 with every cause."""
    if not isinstance(body, dict):
        raise _invalid("domain", "The request body must be a JSON object.")
    source = body.get("certificateSourceType")
    causes = []
    if source not in ("MANUAL", "OKTA_MANAGED"):
        causes.append("certificateSourceType: must be MANUAL or OKTA_MANAGED")
    try:
        name = normalize_fqdn(str(body.get("domain") or ""), field="domain")
    except ValueError as exc:
        causes.append(f"domain: {exc}")
        name = ""
    if causes:
        raise _invalid("domain", *causes)
    return name, str(source)
