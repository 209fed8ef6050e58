"""The custom email domains of the fake org: ``/api/v1/email-domains`` with Okta's live behaviour.

Four records per domain, all from ``dnsValidationRecords``: TXT ``_oktaverification.<domain>``,
CNAME ``<validationSubdomain>.<domain>`` to the mail host (SPF), and two DKIM CNAMEs. A verify
whose records resolve makes it VERIFIED at once (or after ``email_verify_delay`` seconds of
POLLING); otherwise Okta keeps polling DNS (POLLING: each read re-checks) for
``email_polling_window`` seconds, then gives up (ERROR; a verify of an ERROR domain whose
records still fail answers 400 E0000218). A verify of a VERIFIED domain is
400 E0000217 (the terraform provider's error, issue 1909). Creating one links it to its brand;
a domain a brand still uses cannot be deleted (400 E0000216).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.testing.fake_okta.brands import Brands
from okta_custom_domain.testing.fake_okta.common import ApiError, Org
from okta_custom_domain.testing.fake_okta.dns_check import check_records

DEFAULT_SUBDOMAIN = "mail"
DKIM_SELECTORS = ("oka", "oka2")
_USER_NAME = re.compile(r"^[A-Za-z0-9._+-]{1,64}$")


@dataclass
class EmailDomain:
    """One email domain: who mail comes from, its records' values and its status."""

    id: str
    domain: str
    brand_id: str
    display_name: str
    user_name: str
    validation_subdomain: str = DEFAULT_SUBDOMAIN
    token: str = ""
    mail_host: str = ""
    status: str = "NOT_STARTED"
    polling_since: float | None = None

    def records(self) -> list[tuple[str, str, str]]:
        """(type, fqdn, value) of the four records Okta asks for."""
        dkim = [
            ("CNAME", f"{s}._domainkey.{self.domain}", f"{s}.domainkey.{self.mail_host}")
            for s in DKIM_SELECTORS
        ]
        return [
            ("TXT", f"_oktaverification.{self.domain}", self.token),
            ("CNAME", f"{self.validation_subdomain}.{self.domain}", self.mail_host),
            *dkim,
        ]


def _invalid(*causes: str) -> ApiError:
    return ApiError(400, "E0000001", "Api validation failed: emailDomain", causes)


class EmailDomains:
    """Every email domain by id; the brands are told which one each uses."""

    def __init__(self, org: Org, lock: threading.RLock) -> None:
        self._org = org
        self._lock = lock
        self.brands: Brands | None = None  # set by the facade (the two refer to each other)
        self.by_id: dict[str, EmailDomain] = {}

    def exists(self, email_domain_id: str) -> bool:
        return email_domain_id in self.by_id

    def get(self, email_domain_id: str) -> EmailDomain:
        d = self.by_id.get(email_domain_id)
        if d is None:
            raise ApiError(
                404, "E0000007", f"Not found: Resource not found: {email_domain_id} (EmailDomain)"
            )
        return d

    def show(self, d: EmailDomain, *, embed_brands: bool = False) -> dict[str, Any]:
        """``EmailDomainResponse`` (``WithEmbedded`` when ``embed_brands``); no ``brandId``."""
        body: dict[str, Any] = {
            "id": d.id,
            "domain": d.domain,
            "displayName": d.display_name,
            "userName": d.user_name,
            "validationStatus": d.status,
            "validationSubdomain": d.validation_subdomain,
            "dnsValidationRecords": [
                {"recordType": t, "fqdn": f, "verificationValue": v} for t, f, v in d.records()
            ],
        }
        if embed_brands and self.brands is not None:
            using = self.brands.using_email_domain(d.id)
            body["_embedded"] = {"brands": [self.brands.show(b) for b in using]}
        return body

    # -- requests --------------------------------------------------------------------------

    def list_all(self, expand: str | None) -> list[dict[str, Any]]:
        self._poll_all()
        with self._lock:
            return [self.show(d, embed_brands=expand == "brands") for d in self.by_id.values()]

    def show_id(self, email_domain_id: str, expand: str | None) -> dict[str, Any]:
        self._poll(email_domain_id)
        with self._lock:
            return self.show(self.get(email_domain_id), embed_brands=expand == "brands")

    def create_from_request(self, body: Any) -> dict[str, Any]:
        """``POST /api/v1/email-domains``: 200; 404 for an unknown brand, 409 E0000197 when
        the domain exists (a sender domain is used once per cell)."""
        d = _requested(body)
        assert self.brands is not None
        with self._lock:
            if not self.brands.exists(d.brand_id):
                raise ApiError(
                    404, "E0000007", f"Not found: Resource not found: {d.brand_id} (Brand)"
                )
            if any(e.domain == d.domain for e in self.by_id.values()):
                raise ApiError(409, "E0000197", "Email domain already exists.")
            self.by_id[d.id] = d
            self.brands.get(d.brand_id).email_domain_id = d.id
            return self.show(d)

    def replace(self, email_domain_id: str, body: Any) -> dict[str, Any]:
        """``PUT /api/v1/email-domains/{id}``: only the display name and user name change."""
        display_name, user_name = _sender(body)
        with self._lock:
            d = self.get(email_domain_id)
            d.display_name, d.user_name = display_name, user_name
            return self.show(d)

    def delete(self, email_domain_id: str) -> None:
        """``DELETE``: 400 E0000216 while a brand still sends from it."""
        assert self.brands is not None
        with self._lock:
            self.get(email_domain_id)
            if self.brands.using_email_domain(email_domain_id):
                raise ApiError(
                    400,
                    "E0000216",
                    "Email domain can't be deleted due to mail provider restrictions.",
                    ("A brand still uses this email domain.",),
                )
            del self.by_id[email_domain_id]

    def verify(self, email_domain_id: str) -> dict[str, Any]:
        """``POST .../verify``: VERIFIED when the records resolve, else POLLING (or 400
        E0000218 from ERROR); 400 E0000217 on a VERIFIED domain."""
        with self._lock:
            d = self.get(email_domain_id)
            if d.status == "VERIFIED":
                raise ApiError(
                    400,
                    "E0000217",
                    "Invalid status. Can't validate email domain with current status.",
                    (f"{d.domain} is already VERIFIED.",),
                )
            snapshot = dataclasses.replace(d)
        problems = self._check(snapshot)
        with self._lock:
            d = self.get(email_domain_id)
            if not problems and self._org.email_verify_delay <= 0:
                d.status, d.polling_since = "VERIFIED", None
            elif problems and d.status == "ERROR":
                raise ApiError(
                    400,
                    "E0000218",
                    "Email domain couldn't be verified by mail provider.",
                    tuple(problems),
                )
            else:
                d.status = "POLLING"
                d.polling_since = self._org.now()
            return self.show(d)

    # -- Okta's polling --------------------------------------------------------------------

    def set_status(self, email_domain_id: str, status: str) -> None:
        with self._lock:
            d = self.get(email_domain_id)
            d.status = status
            d.polling_since = self._org.now() if status == "POLLING" else None

    def _poll_all(self) -> None:
        with self._lock:
            ids = [d.id for d in self.by_id.values() if d.status == "POLLING"]
        for email_domain_id in ids:
            self._poll(email_domain_id)

    def _poll(self, email_domain_id: str) -> None:
        """A POLLING domain re-checks DNS when read: VERIFIED, or ERROR once the window ends."""
        with self._lock:
            d = self.by_id.get(email_domain_id)
            if d is None or d.status != "POLLING":
                return
            snapshot = dataclasses.replace(d)
        problems = self._check(snapshot)
        with self._lock:
            d = self.by_id.get(email_domain_id)
            if d is None or d.status != "POLLING":
                return
            since = d.polling_since or 0
            if not problems and self._org.now() >= since + self._org.email_verify_delay:
                d.status, d.polling_since = "VERIFIED", None
            elif problems and self._org.now() >= since + self._org.email_polling_window:
                d.status, d.polling_since = "ERROR", None

    def _check(self, d: EmailDomain) -> list[str]:
        return check_records(self._org.dns_server, self._org.dns_timeout, d.records())


def _sender(body: Any) -> tuple[str, str]:
    """(displayName, userName) of a request body; 400 naming each missing or bad one."""
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object.")
    causes = []
    display_name, user_name = body.get("displayName"), body.get("userName")
    if not isinstance(display_name, str) or not display_name.strip():
        causes.append("displayName: The field cannot be left blank.")
    if not isinstance(user_name, str) or not _USER_NAME.match(user_name):
        causes.append("userName: give the part before the @ (e.g. noreply).")
    if causes:
        raise _invalid(*causes)
    return str(display_name), str(user_name)


def _requested(body: Any) -> EmailDomain:
    """The email domain a create body asks for; 400 with every cause."""
    display_name, user_name = _sender(body)
    assert isinstance(body, dict)
    causes = []
    brand_id = body.get("brandId")
    if not isinstance(brand_id, str) or not brand_id:
        causes.append("brandId: The field cannot be left blank.")
    subdomain = body.get("validationSubdomain") or DEFAULT_SUBDOMAIN
    if not isinstance(subdomain, str) or not re.match(r"^[a-z0-9-]{1,63}$", subdomain):
        causes.append("validationSubdomain: one DNS label, e.g. mail")
    try:
        domain = normalize_fqdn(str(body.get("domain") or ""), field="domain")
    except ValueError as exc:
        causes.append(f"domain: {exc}")
        domain = ""
    if causes:
        raise _invalid(*causes)
    account = secrets.randbelow(90_000_000) + 10_000_000
    return EmailDomain(
        id="OeD" + secrets.token_hex(9),
        domain=domain,
        brand_id=str(brand_id),
        display_name=display_name,
        user_name=user_name,
        validation_subdomain=str(subdomain),
        token=secrets.token_hex(16),
        mail_host=f"u{account}.wl{account % 1000:03d}.sendgrid.net",
    )
