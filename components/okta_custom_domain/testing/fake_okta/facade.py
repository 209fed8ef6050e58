"""``FakeOkta``: one fake org composed of its parts, with the handles a test drives it by.

The parts (domains, DNS check, OAuth, System Log, HTTP) each hold one concern; this class owns
the settings they read, the lock they share, and the calls a test makes out of band: faults,
recorded requests, direct changes to a domain.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.testing.fake_okta.brands import Brands
from okta_custom_domain.testing.fake_okta.domains import Domains
from okta_custom_domain.testing.fake_okta.email_domains import EmailDomains
from okta_custom_domain.testing.fake_okta.faults import Fault, Faults
from okta_custom_domain.testing.fake_okta.http_server import HttpServer, RecordedRequest, Site
from okta_custom_domain.testing.fake_okta.oauth import DEFAULT_SCOPES, OAuth
from okta_custom_domain.testing.fake_okta.routes import Api
from okta_custom_domain.testing.fake_okta.system_log import SystemLog


class FakeOkta:
    """An Okta org on ``http://127.0.0.1:<port>``: domains, logs, ``users/me`` and OAuth APIs."""

    def __init__(
        self,
        *,
        org_name: str = "fake-org",
        dns_server: tuple[str, int] | None = None,
        domain_limit: int = 3,
        completion_delay: float = 0.0,
        cname_target: str | None = None,
        api_token: str | None = None,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        dns_timeout: float = 2.0,
        email_polling_window: float = 86400.0,
        email_verify_delay: float = 0.0,
    ) -> None:
        self.org_name = org_name
        self.api_token = api_token or "00" + secrets.token_urlsafe(30)
        self.cname_target = cname_target or f"{org_name}.customdomains.okta.com"
        self.dns_server = dns_server
        self.domain_limit = domain_limit
        self.completion_delay = completion_delay
        self.dns_timeout = dns_timeout
        self.email_polling_window = email_polling_window
        """Seconds Okta polls DNS for a POLLING email domain before it gives up (ERROR)."""
        self.email_verify_delay = email_verify_delay
        """Seconds an email domain whose records resolve stays POLLING after a verify (0:
        VERIFIED at once)."""
        self._clock = clock
        self._host = host
        self._lock = threading.RLock()
        self._log = SystemLog(self, self._lock)
        self._oauth = OAuth(self, self._lock)
        self._domains = Domains(self, self._lock, self._log)
        self._email_domains = EmailDomains(self, self._lock)
        self._brands = Brands(
            self, self._lock, self._domains.using_brand, self._email_domains.exists
        )
        self._email_domains.brands = self._brands
        self._domains.new_brand = lambda name: self._brands.create(name).id
        self._faults = Faults(self._lock)
        self._api = Api(
            self, self._oauth, self._domains, self._log, self._brands, self._email_domains
        )
        self.requests: list[RecordedRequest] = []
        self._http: HttpServer | None = None
        self.url = ""

    def __repr__(self) -> str:
        return f"FakeOkta(url={self.url!r}, org_name={self.org_name!r}, api_token=<redacted>)"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeOkta:
        if self._http is not None:
            return self
        site = Site(
            now=self.now,
            take_fault=self._faults.take,
            issue_token=self._oauth.issue_token,
            route=self._api.route,
            record=self._record,
        )
        self._http = HttpServer(self._host, site)
        self.url = self._http.url
        return self

    def stop(self) -> None:
        if self._http is None:
            return
        self._http.stop()
        self._http = None

    def __enter__(self) -> FakeOkta:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- configuration ---------------------------------------------------------------------

    @property
    def org_host(self) -> str:
        """The org's default domain (the ``default`` entry of the list)."""
        return f"{self.org_name}.okta.com"

    def now(self) -> float:
        return self._clock()

    def set_clock(self, clock: Callable[[], float]) -> None:
        """Replace the clock used for Date headers, completion delays and log times."""
        self._clock = clock

    def set_dns_server(self, host: str, port: int) -> None:
        self.dns_server = (host, port)

    def set_completion_delay(self, seconds: float) -> None:
        """Seconds between VERIFIED and COMPLETED for OKTA_MANAGED domains."""
        self.completion_delay = seconds

    def register_service_app(
        self,
        client_id: str,
        public_key_pem: str,
        *,
        key_id: str | None = None,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
    ) -> None:
        """Accept client assertions of ``client_id`` signed by the key of ``public_key_pem``."""
        self._oauth.register(client_id, public_key_pem, key_id, scopes)

    # -- fault injection -------------------------------------------------------------------

    def inject_rate_limit(
        self, count: int = 1, *, reset_after: int = 2, limit: int = 600, path_prefix: str = "/api/"
    ) -> None:
        """Answer the next ``count`` matching requests 429 E0000047, reset ``reset_after`` s on."""
        self._faults.add(
            Fault("rate_limit", count, path_prefix, reset_after=reset_after, limit=limit)
        )

    def inject_server_errors(
        self, count: int = 1, *, status: int = 500, path_prefix: str = "/api/"
    ) -> None:
        """Answer the next ``count`` matching requests with HTTP ``status`` (5xx)."""
        self._faults.add(Fault("server_error", count, path_prefix, status=status))

    def inject_delay(self, seconds: float, count: int = 1, *, path_prefix: str = "/api/") -> None:
        """Hold the next ``count`` matching requests ``seconds`` before answering."""
        self._faults.add(Fault("delay", count, path_prefix, seconds=seconds))

    def clear_faults(self) -> None:
        self._faults.clear()

    # -- inspection and out-of-band changes ------------------------------------------------

    def requests_to(self, method: str, path_suffix: str = "") -> list[RecordedRequest]:
        """Recorded requests with ``method`` whose path ends with ``path_suffix``."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.method == method.upper() and r.path.endswith(path_suffix)
            ]

    def domain(self, domain_id: str) -> dict[str, Any]:
        """The domain as Okta's GET would show it."""
        with self._lock:
            return self._domains.show(self._domains.get(domain_id), full=True)

    def domain_id_of(self, name: str) -> str:
        return self._domains.id_of(name)

    def add_domain(self, name: str, certificate_source_type: str = "OKTA_MANAGED") -> str:
        """Create a domain directly (no request, no limit check); return its id."""
        with self._lock:
            name = normalize_fqdn(name, field="domain")
            return self._domains.create(name, certificate_source_type).id

    def set_status(self, domain_id: str, status: str) -> None:
        self._domains.set_status(domain_id, status)

    def set_certificate_days_left(self, domain_id: str, days: float) -> None:
        """Play a certificate that expires in ``days`` (one Okta failed to renew in time)."""
        self._domains.set_certificate_days_left(domain_id, days)

    def set_txt_value(self, domain_id: str, value: str) -> None:
        self._domains.set_txt_value(domain_id, value)

    def regenerate_txt(self, domain_id: str) -> str:
        return self._domains.regenerate_txt(domain_id)

    def delete_out_of_band(self, domain_id: str) -> None:
        """Remove a domain as if an admin deleted it in the console."""
        self._domains.remove(domain_id)

    def events(self) -> list[dict[str, Any]]:
        return self._log.events()

    @property
    def uploads_to_okta_managed(self) -> list[str]:
        """Ids of OKTA_MANAGED domains a certificate was uploaded to (Okta made them MANUAL)."""
        with self._lock:
            return list(self._domains.uploads_to_okta_managed)

    # -- brands and email domains ----------------------------------------------------------

    def brand(self, brand_id: str) -> dict[str, Any]:
        """The brand as Okta's GET shows it."""
        return self._brands.show_id(brand_id)

    def brands(self) -> list[dict[str, Any]]:
        return self._brands.list_all()

    def add_brand(self, name: str) -> str:
        """Create a brand directly (no request); return its id."""
        return self._brands.create(name).id

    def email_domain(self, email_domain_id: str) -> dict[str, Any]:
        """The email domain as Okta's GET shows it (with ``_embedded.brands``)."""
        return self._email_domains.show_id(email_domain_id, "brands")

    def email_domains(self) -> list[dict[str, Any]]:
        return self._email_domains.list_all("brands")

    def set_email_status(self, email_domain_id: str, status: str) -> None:
        """Put an email domain in ``status`` (POLLING starts Okta's polling window now)."""
        self._email_domains.set_status(email_domain_id, status)

    def claim_by_other_org(self, domain_id: str) -> None:
        """Play another org claiming the domain's name: status ``DOMAIN_TAKEN``."""
        self._domains.set_status(domain_id, "DOMAIN_TAKEN")

    @property
    def _access_tokens(self) -> dict[str, tuple[str, float, tuple[str, ...]]]:
        """The live access tokens; a test clears them to play a revocation."""
        return self._oauth.access_tokens

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
