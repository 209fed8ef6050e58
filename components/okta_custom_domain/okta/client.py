"""A small Okta client for the custom-domain calls, with the retry rules Okta needs.

Okta rate limits (429 with ``X-Rate-Limit-Reset`` in epoch seconds, to be compared with the
response's ``Date`` because the local clock may be off), has 5xx bursts, and answers a failed
DNS check with HTTP 200. The client retries within a time budget, returns typed objects
parsed defensively, and never puts a token or key into a message or log.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from okta_custom_domain.okta.auth import OAuthServiceApp, OktaAuth
from okta_custom_domain.okta.errors import OktaApiError, OktaTransportError

#: Margin added to the rate-limit reset: Date and Reset have one-second resolution.
RATE_LIMIT_MARGIN = 1.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
USER_AGENT = "okta-custom-domain/0.1 (+python-requests)"

VALIDATION_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "VERIFIED", "COMPLETED", "FAILED_TO_VERIFY")


@dataclass(frozen=True)
class DnsRecord:
    """A record Okta wants in DNS (``recordType``, ``fqdn``, ``values``, ``expiration``)."""

    record_type: str
    fqdn: str
    values: list[str]
    expiration: str | None = None

    @property
    def value(self) -> str | None:
        """The first value (Okta gives exactly one)."""
        return self.values[0] if self.values else None


@dataclass(frozen=True)
class PublicCertificate:
    """The certificate Okta serves for the domain, once issued or uploaded."""

    subject: str | None = None
    fingerprint: str | None = None
    expiration: str | None = None


@dataclass(frozen=True)
class OktaDomain:
    """A custom domain as Okta reports it."""

    id: str
    domain: str
    certificate_source_type: str | None = None
    validation_status: str | None = None
    brand_id: str | None = None
    dns_records: list[DnsRecord] = field(default_factory=list)
    public_certificate: PublicCertificate | None = None

    def record(self, record_type: str) -> DnsRecord | None:
        """The first record of ``record_type`` (``TXT`` or ``CNAME``)."""
        wanted = record_type.upper()
        return next((r for r in self.dns_records if r.record_type.upper() == wanted), None)

    @property
    def is_default(self) -> bool:
        """The built-in ``<org>.okta.com`` entry that ``list`` includes."""
        return self.id == "default"

    @classmethod
    def from_json(cls, body: Any) -> OktaDomain:
        """Parse an Okta domain object, tolerating missing or unexpected fields."""
        if not isinstance(body, Mapping):
            raise OktaApiError(f"Okta answered with an unexpected body ({type(body).__name__})")
        records: list[DnsRecord] = []
        raw_records = body.get("dnsRecords")
        for raw in raw_records if isinstance(raw_records, list) else []:
            if not isinstance(raw, Mapping):
                continue
            values = raw.get("values")
            if isinstance(values, str):
                values = [values]
            records.append(
                DnsRecord(
                    record_type=str(raw.get("recordType") or "").upper(),
                    fqdn=str(raw.get("fqdn") or "").rstrip(".").lower(),
                    values=[str(v) for v in values] if isinstance(values, list) else [],
                    expiration=_opt_str(raw.get("expiration")),
                )
            )
        cert = body.get("publicCertificate")
        public_certificate = (
            PublicCertificate(
                subject=_opt_str(cert.get("subject")),
                fingerprint=_opt_str(cert.get("fingerprint")),
                expiration=_opt_str(cert.get("expiration")),
            )
            if isinstance(cert, Mapping) and cert
            else None
        )
        return cls(
            id=str(body.get("id") or ""),
            domain=str(body.get("domain") or "").rstrip(".").lower(),
            certificate_source_type=_opt_str(body.get("certificateSourceType")),
            validation_status=_opt_str(body.get("validationStatus")),
            brand_id=_opt_str(body.get("brandId")),
            dns_records=records,
            public_certificate=public_certificate,
        )


@dataclass(frozen=True)
class LogEvent:
    """One System Log event, reduced to what a diagnosis needs."""

    uuid: str
    published: str
    event_type: str
    outcome: str | None
    reason: str | None
    display_message: str | None
    targets: list[str]

    @classmethod
    def from_json(cls, body: Any) -> LogEvent:
        body = body if isinstance(body, Mapping) else {}
        outcome = body.get("outcome") if isinstance(body.get("outcome"), Mapping) else {}
        targets = body.get("target") if isinstance(body.get("target"), list) else []
        names = [
            str(t.get("alternateId") or t.get("displayName") or t.get("id"))
            for t in targets
            if isinstance(t, Mapping)
        ]
        return cls(
            uuid=str(body.get("uuid") or ""),
            published=str(body.get("published") or ""),
            event_type=str(body.get("eventType") or ""),
            outcome=_opt_str(outcome.get("result")),
            reason=_opt_str(outcome.get("reason")),
            display_message=_opt_str(body.get("displayMessage")),
            targets=names,
        )


def org_url_from(org_name: str, base_url: str = "okta.com", *, field: str = "orgUrl") -> str:
    """``https://<org>.<base>``; a full URL is accepted as it is (``http://`` only on loopback).

    ``field`` names the config key a full URL came from, for the error message.
    """
    if not isinstance(org_name, str) or not org_name.strip():
        raise ValueError("orgName: the Okta org name is required (e.g. dev-123456)")
    name = org_name.strip().rstrip("/")
    if "://" in name:
        return _checked_url(name, field)
    base = (base_url or "okta.com").strip().strip(".").lower()
    if "://" in base or "/" in base:
        raise ValueError(
            f"baseUrl: {base_url!r} must be a domain such as okta.com or oktapreview.com"
        )
    if "." in name or "/" in name or any(ch.isspace() for ch in name):
        raise ValueError(
            f"orgName: {org_name!r} must be the org's name only (e.g. dev-123456 for "
            "dev-123456.okta.com); put the domain in baseUrl or give a full orgUrl"
        )
    return f"https://{name.lower()}.{base}"


def _checked_url(url: str, field: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{field}: {url!r} is not an https:// URL of an Okta org")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{field}: {url!r} must be the org's base URL only (no path)")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"{field}: {url!r} uses plain http; Okta orgs need https (http is accepted only "
            "for a local fake on 127.0.0.1)"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OktaDomainsClient:
    """The ``/api/v1/domains`` calls and the System Log, with budgeted retries."""

    def __init__(
        self,
        org_url: str,
        auth: OktaAuth,
        *,
        timeout: float = 30.0,
        retry_budget: float = 120.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.org_url = org_url_from(org_url)
        self.auth = auth
        self.timeout = timeout
        self.retry_budget = retry_budget
        self._session = session or requests.Session()
        self._owns_session = session is None
        self._sleep = sleep
        self._clock = clock
        self._log = logger or logging.getLogger(__name__)
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return f"OktaDomainsClient(org_url={self.org_url!r}, auth={self.auth!r})"

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> OktaDomainsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- domains ---------------------------------------------------------------------------

    def list_domains(self) -> list[OktaDomain]:
        """All domains, including the built-in ``default`` entry (Okta omits dnsRecords here)."""
        body = self._json("GET", "/api/v1/domains")
        raw = body.get("domains") if isinstance(body, Mapping) else body
        return (
            [OktaDomain.from_json(d) for d in raw if isinstance(d, Mapping)]
            if isinstance(raw, list)
            else []
        )

    def create_domain(
        self,
        domain: str,
        certificate_source_type: str = "OKTA_MANAGED",
        brand_id: str | None = None,
    ) -> OktaDomain:
        payload: dict[str, Any] = {
            "domain": domain,
            "certificateSourceType": certificate_source_type,
        }
        if brand_id:
            payload["brandId"] = brand_id
        return OktaDomain.from_json(self._json("POST", "/api/v1/domains", json=payload))

    def get_domain(self, domain_id: str) -> OktaDomain:
        return OktaDomain.from_json(self._json("GET", f"/api/v1/domains/{_segment(domain_id)}"))

    def find_domain(self, name: str) -> OktaDomain | None:
        """The domain called ``name`` with its dnsRecords (list, then get), or None."""
        wanted = name.strip().rstrip(".").lower()
        for entry in self.list_domains():
            if entry.domain == wanted and not entry.is_default:
                return self.get_domain(entry.id)
        return None

    def verify_domain(self, domain_id: str) -> OktaDomain:
        """Ask Okta to check DNS; a failed check is HTTP 200 with FAILED_TO_VERIFY."""
        return OktaDomain.from_json(
            self._json("POST", f"/api/v1/domains/{_segment(domain_id)}/verify")
        )

    def delete_domain(self, domain_id: str) -> None:
        self._request("DELETE", f"/api/v1/domains/{_segment(domain_id)}")

    def upload_certificate(
        self, domain_id: str, certificate: str, certificate_chain: str, private_key: str
    ) -> None:
        """Upload a PEM certificate for a MANUAL domain (the key is sent, never logged)."""
        payload = {
            "type": "PEM",
            "certificate": certificate,
            "certificateChain": certificate_chain,
            "privateKey": private_key,
        }
        self._request("PUT", f"/api/v1/domains/{_segment(domain_id)}/certificate", json=payload)

    # -- System Log ------------------------------------------------------------------------

    def list_logs(
        self,
        since: datetime | str,
        until: datetime | str | None = None,
        filter: str | None = None,
        limit: int = 100,
        max_pages: int = 20,
    ) -> list[LogEvent]:
        """System Log events, oldest first, following ``next`` links until a page is empty."""
        return list(self.iter_logs(since, until, filter, limit, max_pages))

    def iter_logs(
        self,
        since: datetime | str,
        until: datetime | str | None = None,
        filter: str | None = None,
        limit: int = 100,
        max_pages: int = 20,
    ) -> Iterator[LogEvent]:
        params: dict[str, str] = {
            "since": _iso(since),
            "limit": str(limit),
            "sortOrder": "ASCENDING",
        }
        if until is not None:
            params["until"] = _iso(until)
        if filter:
            params["filter"] = filter
        url: str | None = f"{self.org_url}/api/v1/logs"
        query: dict[str, str] | None = params
        seen: set[str] = set()
        for _ in range(max_pages):
            if url is None or url in seen:
                return
            seen.add(url)
            response = self._request("GET", url, params=query)
            body = _parse_json(response, "GET", "/api/v1/logs")
            events = body if isinstance(body, list) else []
            for raw in events:
                yield LogEvent.from_json(raw)
            if not events:
                return
            next_link = response.links.get("next", {}).get("url")
            url, query = (next_link, None) if next_link else (None, None)

    # -- transport -------------------------------------------------------------------------

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        return _parse_json(response, method, path)

    def _request(
        self,
        method: str,
        path_or_url: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send with retries: 429 until the reset, 5xx/connection errors with backoff."""
        url = path_or_url if "://" in path_or_url else f"{self.org_url}{path_or_url}"
        path = urlsplit(url).path
        deadline = self._clock() + self.retry_budget
        attempt = 0
        refreshed_token = False
        while True:
            attempt += 1
            headers = {
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
                "Authorization": self._authorization(deadline),
            }
            if json is not None:
                headers["Content-Type"] = "application/json"
            try:
                response = self._session.request(
                    method, url, headers=headers, json=json, params=params, timeout=self.timeout
                )
            except requests.RequestException as exc:
                delay = self._backoff(attempt)
                reason = f"{type(exc).__name__} talking to {self.org_url}"
                if self._clock() + delay > deadline:
                    raise OktaTransportError(
                        f"no answer after {attempt} attempt(s) within the {self.retry_budget:g} s "
                        f"retry budget ({reason})",
                        method=method,
                        path=path,
                        hint="check the org URL and the network, or raise the retry budget",
                    ) from None
                self._log.warning("Okta %s %s: %s; retrying in %.1f s", method, path, reason, delay)
                self._sleep(delay)
                continue
            status = response.status_code
            if status == 401 and self.auth.kind == "oauth" and not refreshed_token:
                refreshed_token = True
                self.auth.invalidate()
                continue
            if status == 429 or status >= 500:
                delay = self._rate_limit_wait(response) if status == 429 else self._backoff(attempt)
                if self._clock() + delay > deadline:
                    raise OktaApiError.from_response(
                        response,
                        method=method,
                        path=path,
                        prefix=f"still failing after {attempt} attempt(s) within the "
                        f"{self.retry_budget:g} s retry budget: ",
                    )
                self._log.warning(
                    "Okta %s %s: HTTP %s; retrying in %.1f s (attempt %d)",
                    method,
                    path,
                    status,
                    delay,
                    attempt,
                )
                self._sleep(delay)
                continue
            if status >= 400:
                raise OktaApiError.from_response(response, method=method, path=path)
            return response

    def _authorization(self, deadline: float) -> str:
        header = self.auth.cached_header(self._clock())
        if header is not None:
            return header
        if not isinstance(self.auth, OAuthServiceApp):
            raise TypeError(f"unsupported Okta credential {type(self.auth).__name__}")
        token_url = f"{self.org_url}/oauth2/v1/token"
        attempt = 0
        failure = ""
        while True:
            attempt += 1
            form = self.auth.token_request_form(token_url, self._clock())
            try:
                response = self._session.post(
                    token_url,
                    data=form,
                    headers={"Accept": "application/json"},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                response = None
                failure = type(exc).__name__
            if response is not None and response.status_code < 500 and response.status_code != 429:
                if response.status_code >= 400:
                    raise OktaApiError.from_response(
                        response,
                        method="POST",
                        path="/oauth2/v1/token",
                        prefix=f"the service app {self.auth.client_id!r} got no access token: ",
                    )
                try:
                    return self.auth.store_token(response.json(), self._clock())
                except ValueError as exc:
                    raise OktaApiError(str(exc), method="POST", path="/oauth2/v1/token") from None
            delay = (
                self._rate_limit_wait(response)
                if response is not None and response.status_code == 429
                else self._backoff(attempt)
            )
            if self._clock() + delay > deadline:
                if response is not None:
                    raise OktaApiError.from_response(
                        response,
                        method="POST",
                        path="/oauth2/v1/token",
                        prefix="no access token within the retry budget: ",
                    )
                raise OktaTransportError(
                    f"no answer from the token endpoint within the retry budget ({failure})",
                    method="POST",
                    path="/oauth2/v1/token",
                )
            self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half fixed, half random."""
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _rate_limit_wait(self, response: requests.Response) -> float:
        return rate_limit_wait(response.headers, fallback_now=self._clock())


def rate_limit_wait(headers: Mapping[str, str], *, fallback_now: float) -> float:
    """Seconds to wait after a 429: ``X-Rate-Limit-Reset`` minus the response's ``Date``.

    The local clock is used only when Okta sent no ``Date``; the result is never negative.
    """
    reset_text = headers.get("X-Rate-Limit-Reset")
    try:
        reset = float(reset_text) if reset_text is not None else None
    except ValueError:
        reset = None
    if reset is None:
        return BACKOFF_CAP / 2
    now = fallback_now
    date_text = headers.get("Date")
    if date_text:
        try:
            now = parsedate_to_datetime(date_text).timestamp()
        except (TypeError, ValueError, IndexError):
            now = fallback_now
    return max(0.0, reset - now) + RATE_LIMIT_MARGIN


def _parse_json(response: requests.Response, method: str, path: str) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise OktaApiError(
            f"Okta answered HTTP {response.status_code} with a body that is not JSON",
            status=response.status_code,
            request_id=response.headers.get("X-Okta-Request-Id"),
            method=method,
            path=path,
        ) from None


def _segment(value: str) -> str:
    if not isinstance(value, str) or not value or "/" in value or "?" in value or "#" in value:
        raise ValueError(f"domain_id: {value!r} is not an Okta domain id (e.g. OcD1abc...)")
    return value


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
