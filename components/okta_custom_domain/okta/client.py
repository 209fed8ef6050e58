"""A small Okta client for the custom-domain calls, with the retry rules Okta needs.

Okta rate limits (429 with ``X-Rate-Limit-Reset``, see ``rate_limit``), has 5xx bursts, and
answers a failed DNS check with HTTP 200. The client retries within a time budget, returns the
typed objects of ``models``, and never puts a token or key into a message or log.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import requests

from okta_custom_domain.okta.auth import OAuthServiceApp, OktaAuth
from okta_custom_domain.okta.errors import OktaApiError, OktaTransportError
from okta_custom_domain.okta.models import LogEvent, OktaDomain
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.okta.rate_limit import backoff_delay, rate_limit_wait

USER_AGENT = "okta-custom-domain/0.1 (+python-requests)"

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _collected(iterate: Callable[_P, Iterator[_T]]) -> Callable[_P, list[_T]]:
    """A list-returning twin of ``iterate`` with the same parameters, written once."""

    def collect(*args: _P.args, **kwargs: _P.kwargs) -> list[_T]:
        return list(iterate(*args, **kwargs))

    collect.__name__ = f"list_{iterate.__name__.removeprefix('iter_')}"
    collect.__doc__ = f"{iterate.__doc__} Collected into a list."
    return collect


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
        """Create ``domain``; a ``brand_id`` is then set with PUT, as Okta's create takes none."""
        payload = {"domain": domain, "certificateSourceType": certificate_source_type}
        created = OktaDomain.from_json(self._json("POST", "/api/v1/domains", json=payload))
        if brand_id:
            return self.set_brand(created.id, brand_id)
        return created

    def set_brand(self, domain_id: str, brand_id: str) -> OktaDomain:
        """``PUT /api/v1/domains/{id}`` ``{brandId}``: the only way Okta assigns a brand."""
        path = f"/api/v1/domains/{_segment(domain_id)}"
        return OktaDomain.from_json(self._json("PUT", path, json={"brandId": brand_id}))

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
        """Upload a PEM certificate for a MANUAL domain (the key is sent, never logged).

        Okta would accept it for an OKTA_MANAGED domain and silently make it MANUAL (renewal
        stops), so the domain is read first and anything but MANUAL is refused here.
        """
        current = self.get_domain(domain_id)
        if current.certificate_source_type != "MANUAL":
            raise ValueError(
                f"certificate_source_type: {current.domain} is "
                f"{current.certificate_source_type}; a certificate is uploaded only to a MANUAL "
                "domain (Okta would make it MANUAL and stop renewing it). Create the domain "
                "with certificate_source_type MANUAL to bring your own certificate."
            )
        payload = {
            "type": "PEM",
            "certificate": certificate,
            "certificateChain": certificate_chain,
            "privateKey": private_key,
        }
        self._request("PUT", f"/api/v1/domains/{_segment(domain_id)}/certificate", json=payload)

    # -- System Log ------------------------------------------------------------------------

    def iter_logs(
        self,
        since: datetime | str,
        until: datetime | str | None = None,
        filter: str | None = None,
        limit: int = 100,
        max_pages: int = 20,
    ) -> Iterator[LogEvent]:
        """System Log events, oldest first, following ``next`` links until a page is empty."""
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

    list_logs = _collected(iter_logs)

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
        return backoff_delay(attempt, self._rng)

    def _rate_limit_wait(self, response: requests.Response) -> float:
        return rate_limit_wait(response.headers, fallback_now=self._clock())


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
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


__all__ = ["USER_AGENT", "OktaDomainsClient"]
