"""A fake Okta org on loopback: the custom-domains API with the live behaviour, for offline tests.

It follows what the live service does where the spec is wrong (201 on create, FAILED_TO_VERIFY
with HTTP 200 and a regenerated TXT value, list without ``dnsRecords``), and its verify
*really resolves* the records through a DNS server you point it at, so a pipeline can be tested
end to end against real DNS. Faults (429 with rate-limit headers, 5xx, slow answers) are
injected on request; every request is recorded (method, path, status; never a body).
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from okta_custom_domain.names import normalize_fqdn

CUSTOM_DOMAIN_EVENTS = (
    "system.custom_url_domain.initiate",
    "system.custom_url_domain.verify",
    "system.custom_url_domain.cert_upload",
    "system.custom_url_domain.delete",
)
_SCOPE_READ = "okta.domains.read"
_SCOPE_MANAGE = "okta.domains.manage"
_SCOPE_LOGS = "okta.logs.read"
_SCOPE_USERS_SELF = "okta.users.read.self"
_ADMIN_USER_ID = "00ufake"
_ADMIN_LOGIN = "admin@example.com"
_ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake answered."""

    method: str
    path: str
    status: int
    query: str = ""


@dataclass
class _Fault:
    kind: str  # "rate_limit" | "server_error" | "delay"
    remaining: int
    path_prefix: str
    status: int = 500
    reset_after: int = 2
    limit: int = 600
    seconds: float = 0.0


@dataclass
class _ServiceApp:
    client_id: str
    public_key_pem: str = field(repr=False)
    key_id: str | None
    scopes: tuple[str, ...]


@dataclass
class _Domain:
    id: str
    domain: str
    certificate_source_type: str
    brand_id: str
    validation_status: str = "NOT_STARTED"
    txt_value: str = ""
    txt_expiration: str = ""
    verified_at: float | None = None
    certificate: dict[str, str] | None = None
    certificate_uploaded: bool = False

    @property
    def txt_fqdn(self) -> str:
        prefix = (
            "_acme-challenge"
            if self.certificate_source_type == "OKTA_MANAGED"
            else ("_oktaverification")
        )
        return f"{prefix}.{self.domain}"


class _ApiError(Exception):
    def __init__(self, status: int, code: str, summary: str, causes: tuple[str, ...] = ()) -> None:
        super().__init__(summary)
        self.status = status
        self.code = code
        self.summary = summary
        self.causes = causes


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
    ) -> None:
        self.org_name = org_name
        self.api_token = api_token or "00" + secrets.token_urlsafe(30)
        self.cname_target = cname_target or f"{org_name}.customdomains.okta.com"
        self.dns_server = dns_server
        self.domain_limit = domain_limit
        self.completion_delay = completion_delay
        self.dns_timeout = dns_timeout
        self._clock = clock
        self._host = host
        self._lock = threading.RLock()
        self._domains: dict[str, _Domain] = {}
        self._apps: dict[str, _ServiceApp] = {}
        self._access_tokens: dict[str, tuple[str, float, tuple[str, ...]]] = {}
        self._used_jti: set[str] = set()
        self._faults: list[_Fault] = []
        self._events: list[dict[str, Any]] = []
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def __repr__(self) -> str:
        return f"FakeOkta(url={self.url!r}, org_name={self.org_name!r}, api_token=<redacted>)"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeOkta:
        if self._server is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
        self._server = _QuietServer((self._host, 0), handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.url = f"http://{self._host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-okta",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

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
        scopes: tuple[str, ...] = (_SCOPE_READ, _SCOPE_MANAGE, _SCOPE_LOGS),
    ) -> None:
        """Accept client assertions of ``client_id`` signed by the key of ``public_key_pem``."""
        serialization.load_pem_public_key(public_key_pem.encode())
        with self._lock:
            self._apps[client_id] = _ServiceApp(client_id, public_key_pem, key_id, tuple(scopes))

    # -- fault injection -------------------------------------------------------------------

    def inject_rate_limit(
        self, count: int = 1, *, reset_after: int = 2, limit: int = 600, path_prefix: str = "/api/"
    ) -> None:
        """Answer the next ``count`` matching requests 429 E0000047, reset ``reset_after`` s on."""
        with self._lock:
            self._faults.append(
                _Fault("rate_limit", count, path_prefix, reset_after=reset_after, limit=limit)
            )

    def inject_server_errors(
        self, count: int = 1, *, status: int = 500, path_prefix: str = "/api/"
    ) -> None:
        """Answer the next ``count`` matching requests with HTTP ``status`` (5xx)."""
        with self._lock:
            self._faults.append(_Fault("server_error", count, path_prefix, status=status))

    def inject_delay(self, seconds: float, count: int = 1, *, path_prefix: str = "/api/") -> None:
        """Hold the next ``count`` matching requests ``seconds`` before answering."""
        with self._lock:
            self._faults.append(_Fault("delay", count, path_prefix, seconds=seconds))

    def clear_faults(self) -> None:
        with self._lock:
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
            return self._domain_json(self._get(domain_id), full=True)

    def domain_id_of(self, name: str) -> str:
        with self._lock:
            for d in self._domains.values():
                if d.domain == name.lower().rstrip("."):
                    return d.id
        raise KeyError(name)

    def add_domain(self, name: str, certificate_source_type: str = "OKTA_MANAGED") -> str:
        """Create a domain directly (no request, no limit check); return its id."""
        with self._lock:
            return self._create(normalize_fqdn(name, field="domain"), certificate_source_type).id

    def set_status(self, domain_id: str, status: str) -> None:
        with self._lock:
            d = self._get(domain_id)
            d.validation_status = status
            if status in ("VERIFIED", "COMPLETED") and d.verified_at is None:
                d.verified_at = self._clock()
            if status == "COMPLETED" and d.certificate is None:
                d.certificate = self._okta_certificate(d)

    def set_txt_value(self, domain_id: str, value: str) -> None:
        with self._lock:
            self._get(domain_id).txt_value = value

    def regenerate_txt(self, domain_id: str) -> str:
        with self._lock:
            d = self._get(domain_id)
            d.txt_value = self._new_txt_value(d.certificate_source_type)
            return d.txt_value

    def delete_out_of_band(self, domain_id: str) -> None:
        """Remove a domain as if an admin deleted it in the console."""
        with self._lock:
            self._domains.pop(domain_id)

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(json.dumps(e)) for e in self._events]

    # -- domain logic ----------------------------------------------------------------------

    def _get(self, domain_id: str) -> _Domain:
        d = self._domains.get(domain_id)
        if d is None:
            raise _ApiError(404, "E0000007", f"Not found: Resource not found: {domain_id} (Domain)")
        return d

    def _new_txt_value(self, source: str) -> str:
        if source == "MANUAL":
            return secrets.token_hex(16)
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()

    def _create(self, name: str, source: str) -> _Domain:
        d = _Domain(
            id="OcD" + secrets.token_hex(9),
            domain=name,
            certificate_source_type=source,
            brand_id="bnd" + secrets.token_hex(9),
            txt_value=self._new_txt_value(source),
            txt_expiration=_iso(self._clock() + 7 * 86400),
        )
        self._domains[d.id] = d
        return d

    def _advance(self, d: _Domain) -> None:
        """VERIFIED -> COMPLETED once the certificate exists (delay, or upload for MANUAL)."""
        if d.validation_status != "VERIFIED":
            return
        if d.certificate_source_type == "MANUAL":
            if d.certificate_uploaded:
                d.validation_status = "COMPLETED"
            return
        if d.verified_at is not None and self._clock() >= d.verified_at + self.completion_delay:
            d.validation_status = "COMPLETED"
            d.certificate = self._okta_certificate(d)

    def _okta_certificate(self, d: _Domain) -> dict[str, str]:
        return {
            "subject": f"CN={d.domain}",
            "fingerprint": hashlib.sha256(d.id.encode()).hexdigest().upper(),
            "expiration": _iso(self._clock() + 90 * 86400),
        }

    def _domain_json(self, d: _Domain, *, full: bool) -> dict[str, Any]:
        self._advance(d)
        body: dict[str, Any] = {
            "id": d.id,
            "domain": d.domain,
            "certificateSourceType": d.certificate_source_type,
            "validationStatus": d.validation_status,
            "brandId": d.brand_id,
            "_links": {
                "self": {"href": f"{self.url}/api/v1/domains/{d.id}"},
                "verify": {"href": f"{self.url}/api/v1/domains/{d.id}/verify"},
            },
        }
        if full:
            txt: dict[str, Any] = {
                "recordType": "TXT",
                "fqdn": d.txt_fqdn,
                "values": [d.txt_value],
            }
            if d.certificate_source_type == "OKTA_MANAGED":
                txt["expiration"] = d.txt_expiration
            body["dnsRecords"] = [
                txt,
                {"recordType": "CNAME", "fqdn": d.domain, "values": [self.cname_target]},
            ]
        if d.certificate:
            body["publicCertificate"] = dict(d.certificate)
        return body

    def _default_json(self) -> dict[str, Any]:
        return {
            "id": "default",
            "domain": self.org_host,
            "certificateSourceType": "OKTA_MANAGED",
            "validationStatus": "COMPLETED",
            "brandId": None,
        }

    def _check_dns(self, d: _Domain) -> tuple[bool, bool, str]:
        """(txt_ok, cname_ok, reason) as seen through the configured DNS server."""
        if self.dns_server is None:
            return False, False, "DNS record not found (the fake has no DNS server configured)"
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [self.dns_server[0]]
        resolver.port = self.dns_server[1]
        resolver.lifetime = self.dns_timeout
        resolver.cache = None
        txt_values: set[str] = set()
        cname_value: str | None = None
        problems: list[str] = []
        try:
            answer = resolver.resolve(d.txt_fqdn, "TXT", raise_on_no_answer=False)
            for rdata in answer:
                txt_values.add(b"".join(rdata.strings).decode(errors="replace"))
        except dns.resolver.NXDOMAIN:
            pass
        except dns.exception.DNSException as exc:
            problems.append(f"DNS timeout or error for {d.txt_fqdn} ({type(exc).__name__})")
        try:
            answer = resolver.resolve(d.domain, "CNAME", raise_on_no_answer=False)
            for rdata in answer:
                cname_value = rdata.target.to_text(omit_final_dot=True).lower()
        except dns.resolver.NXDOMAIN:
            pass
        except dns.exception.DNSException as exc:
            problems.append(f"DNS timeout or error for {d.domain} ({type(exc).__name__})")
        txt_ok = d.txt_value in txt_values
        cname_ok = cname_value == self.cname_target.lower().rstrip(".")
        if not txt_ok and not problems:
            problems.append(
                f"DNS record not found: TXT {d.txt_fqdn} does not have the expected value"
                if txt_values
                else f"DNS record not found: TXT {d.txt_fqdn}"
            )
        if not cname_ok and not problems:
            problems.append(
                f"DNS record not found: CNAME {d.domain} -> {self.cname_target}"
                + (f" (found {cname_value})" if cname_value else "")
            )
        return txt_ok, cname_ok, "; ".join(problems)

    def _verify(self, domain_id: str) -> dict[str, Any]:
        with self._lock:
            d = self._get(domain_id)
            self._advance(d)
            if d.validation_status in ("VERIFIED", "COMPLETED"):
                raise _ApiError(
                    400,
                    "E0000001",
                    "Api validation failed: domain",
                    ("The domain is already verified.",),
                )
            snapshot = _Domain(**{k: getattr(d, k) for k in d.__dataclass_fields__})
        txt_ok, cname_ok, reason = self._check_dns(snapshot)
        with self._lock:
            d = self._get(domain_id)
            if txt_ok and cname_ok:
                d.validation_status = "VERIFIED"
                d.verified_at = self._clock()
                self._event("verify", d, "SUCCESS", None)
            else:
                d.validation_status = "FAILED_TO_VERIFY"
                if not txt_ok:
                    # Live behaviour: a failed ACME authorization makes Okta issue a new value.
                    d.txt_value = self._new_txt_value(d.certificate_source_type)
                self._event("verify", d, "FAILURE", reason)
            return self._domain_json(d, full=True)

    def _upload_certificate(self, domain_id: str, body: Any) -> None:
        with self._lock:
            d = self._get(domain_id)
        if d.certificate_source_type != "MANUAL":
            raise _ApiError(
                400,
                "E0000001",
                "Api validation failed: certificate",
                (
                    "Certificates can be uploaded only for domains with certificateSourceType "
                    "MANUAL.",
                ),
            )
        if not isinstance(body, dict):
            raise _ApiError(
                400,
                "E0000001",
                "Api validation failed: certificate",
                ("The request body must be a JSON object.",),
            )
        causes: list[str] = []
        if body.get("type") != "PEM":
            causes.append("type: must be PEM")
        cert_obj: x509.Certificate | None = None
        try:
            cert_obj = x509.load_pem_x509_certificate(str(body.get("certificate", "")).encode())
        except ValueError:
            causes.append("certificate: not a PEM certificate")
        try:
            chain = str(body.get("certificateChain", ""))
            if not x509.load_pem_x509_certificates(chain.encode()):
                raise ValueError
        except ValueError:
            causes.append("certificateChain: not a PEM certificate chain")
        key_public: bytes | None = None
        try:
            key = serialization.load_pem_private_key(
                str(body.get("privateKey", "")).encode(), password=None
            )
            key_public = key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        except (ValueError, TypeError):
            causes.append("privateKey: not an unencrypted PEM private key")
        if cert_obj is not None and key_public is not None:
            cert_public = cert_obj.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            if cert_public != key_public:
                causes.append("privateKey: does not match the certificate")
        if causes or cert_obj is None:
            with self._lock:
                self._event("cert_upload", d, "FAILURE", "; ".join(causes))
            raise _ApiError(400, "E0000001", "Api validation failed: certificate", tuple(causes))
        with self._lock:
            d = self._get(domain_id)
            d.certificate = {
                "subject": cert_obj.subject.rfc4514_string(),
                "fingerprint": cert_obj.fingerprint(hashes.SHA256()).hex().upper(),
                "expiration": _iso(cert_obj.not_valid_after_utc.timestamp()),
            }
            d.certificate_uploaded = True  # the key itself is not kept
            self._advance(d)
            self._event("cert_upload", d, "SUCCESS", None)

    def _event(self, action: str, d: _Domain, result: str, reason: str | None) -> None:
        now = self._clock()
        self._events.append(
            {
                "uuid": secrets.token_hex(16),
                "published": _iso(now),
                "eventType": f"system.custom_url_domain.{action}",
                "displayMessage": f"Custom domain {action}",
                "severity": "INFO" if result == "SUCCESS" else "WARN",
                "outcome": {"result": result, "reason": reason},
                "actor": {"id": _ADMIN_USER_ID, "type": "User", "alternateId": _ADMIN_LOGIN},
                "target": [
                    {"id": d.id, "type": "Domain", "alternateId": d.domain, "displayName": d.domain}
                ],
                "_ts": now,
            }
        )

    def _logs(self, query: dict[str, list[str]]) -> tuple[list[dict[str, Any]], str | None]:
        now = self._clock()
        since = _parse_time(_one(query, "since"), default=now - 7 * 86400)
        until_text = _one(query, "until")
        until = _parse_time(until_text, default=now)
        try:
            limit = max(1, min(1000, int(_one(query, "limit") or "100")))
        except ValueError as exc:
            raise _ApiError(400, "E0000001", "Api validation failed: limit") from exc
        after = int(_one(query, "after") or "0")
        matcher = _log_filter(_one(query, "filter"))
        with self._lock:
            selected = [e for e in self._events if since <= e["_ts"] <= until and matcher(e)]
        if (_one(query, "sortOrder") or "ASCENDING").upper() == "DESCENDING":
            selected.reverse()
        page = selected[after : after + limit]
        more = after + limit < len(selected)
        next_query: str | None = None
        # Like Okta: a polling request (no `until`) always carries a next link.
        if more or until_text is None:
            params = {k: v[0] for k, v in query.items() if k != "after"}
            params["after"] = str(after + len(page))
            next_query = urlencode(params)
        return [{k: v for k, v in e.items() if k != "_ts"} for e in page], next_query

    # -- OAuth -----------------------------------------------------------------------------

    def _issue_token(self, form: dict[str, list[str]]) -> dict[str, Any]:
        def fail(error: str, description: str, status: int = 401) -> _ApiError:
            exc = _ApiError(status, "", description)
            exc.code = error
            return exc

        if _one(form, "grant_type") != "client_credentials":
            raise fail("unsupported_grant_type", "grant_type must be client_credentials", 400)
        if _one(form, "client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            raise fail("invalid_client", "client_assertion_type must be jwt-bearer")
        assertion = _one(form, "client_assertion") or ""
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise fail("invalid_client", "The client_assertion is not a JWT.") from None
        client_id = str(claims.get("iss", ""))
        with self._lock:
            app = self._apps.get(client_id)
        if app is None:
            raise fail("invalid_client", "The client_id is not registered.")
        if app.key_id and header.get("kid") != app.key_id:
            raise fail("invalid_client", "The client_assertion kid does not match a key.")
        try:
            verified = jwt.decode(
                assertion,
                app.public_key_pem,
                algorithms=_ASSERTION_ALGORITHMS,
                audience=f"{self.url}/oauth2/v1/token",
                options={"require": ["exp", "iat", "iss", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise fail("invalid_client", "The client_assertion token is expired.") from None
        except jwt.InvalidAudienceError:
            raise fail("invalid_client", "The audience claim must be the token endpoint.") from None
        except jwt.PyJWTError as exc:
            raise fail("invalid_client", f"The client_assertion is invalid: {exc}") from None
        if verified.get("sub") != client_id:
            raise fail("invalid_client", "The sub claim must equal the client_id.")
        jti = str(verified.get("jti", ""))
        with self._lock:
            if not jti or jti in self._used_jti:
                raise fail("invalid_client", "The client_assertion jti was already used.")
            self._used_jti.add(jti)
        scopes = tuple((_one(form, "scope") or "").split())
        if not scopes or not set(scopes) <= set(app.scopes):
            raise fail(
                "invalid_scope",
                "The following scopes are not granted: "
                + " ".join(sorted(set(scopes) - set(app.scopes)) or ["(none requested)"]),
                400,
            )
        token = secrets.token_urlsafe(32)
        expires_in = 3600
        with self._lock:
            self._access_tokens[token] = (client_id, self._clock() + expires_in, scopes)
        return {
            "token_type": "Bearer",
            "expires_in": expires_in,
            "access_token": token,
            "scope": " ".join(scopes),
        }

    def _authorize(self, header: str | None, needed_scope: str) -> None:
        if (
            header
            and header.startswith("SSWS ")
            and secrets.compare_digest(header[5:].strip(), self.api_token)
        ):
            return
        if header and header.startswith("Bearer "):
            with self._lock:
                entry = self._access_tokens.get(header[7:].strip())
            if entry is not None and entry[1] > self._clock():
                if needed_scope not in entry[2] and not (
                    needed_scope == _SCOPE_READ and _SCOPE_MANAGE in entry[2]
                ):
                    raise _ApiError(
                        403,
                        "E0000006",
                        "You do not have permission to perform the requested action",
                    )
                return
        raise _ApiError(401, "E0000011", "Invalid token provided")

    def _current_user(self, auth: str | None) -> dict[str, Any]:
        """``GET /api/v1/users/me``: the admin who owns the API token (terraform-provider-okta
        calls it at configure to validate an API token)."""
        self._authorize(auth, _SCOPE_USERS_SELF)
        created = _iso(self._clock() - 30 * 86400)
        return {
            "id": _ADMIN_USER_ID,
            "status": "ACTIVE",
            "created": created,
            "activated": created,
            "statusChanged": created,
            "lastLogin": _iso(self._clock()),
            "lastUpdated": created,
            "passwordChanged": created,
            "type": {"id": "oty" + hashlib.sha256(self.org_name.encode()).hexdigest()[:17]},
            "profile": {
                "firstName": "Fake",
                "lastName": "Admin",
                "mobilePhone": None,
                "secondEmail": None,
                "login": _ADMIN_LOGIN,
                "email": _ADMIN_LOGIN,
            },
            "credentials": {
                "password": {},
                "provider": {"type": "OKTA", "name": "OKTA"},
            },
            "_links": {"self": {"href": f"{self.url}/api/v1/users/{_ADMIN_USER_ID}"}},
        }

    # -- request routing -------------------------------------------------------------------

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], auth: str | None, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body or None, extra headers) for an API request."""
        parts = [p for p in path.split("/") if p]
        if parts == ["api", "v1", "users", "me"]:
            if method != "GET":
                raise _ApiError(405, "E0000022", "The endpoint does not support the method")
            return 200, self._current_user(auth), {}
        if parts[:3] != ["api", "v1", "domains"] and parts[:3] != ["api", "v1", "logs"]:
            raise _ApiError(404, "E0000022", f"The endpoint does not support the method: {path}")
        if parts[2] == "logs":
            if method != "GET" or len(parts) != 3:
                raise _ApiError(405, "E0000022", "The endpoint does not support the method")
            self._authorize(auth, _SCOPE_LOGS)
            events, next_query = self._logs(query)
            headers = {}
            if next_query is not None:
                headers["Link"] = f'<{self.url}/api/v1/logs?{next_query}>; rel="next"'
            return 200, events, headers
        needed = _SCOPE_READ if method == "GET" else _SCOPE_MANAGE
        self._authorize(auth, needed)
        if len(parts) == 3:
            if method == "GET":
                with self._lock:
                    domains = [self._default_json()] + [
                        self._domain_json(d, full=False) for d in self._domains.values()
                    ]
                return 200, {"domains": domains}, {}
            if method == "POST":
                return 201, self._create_from_request(body), {}
        elif len(parts) == 4:
            domain_id = parts[3]
            if method == "GET":
                with self._lock:
                    if domain_id == "default":
                        return 200, self._default_json(), {}
                    return 200, self._domain_json(self._get(domain_id), full=True), {}
            if method == "DELETE":
                with self._lock:
                    d = self._get(domain_id)
                    del self._domains[domain_id]
                    self._event("delete", d, "SUCCESS", None)
                return 204, None, {}
            if method == "PUT":
                brand = body.get("brandId") if isinstance(body, dict) else None
                if not isinstance(brand, str) or not brand:
                    raise _ApiError(
                        400,
                        "E0000001",
                        "Api validation failed: brandId",
                        ("brandId: The field cannot be left blank.",),
                    )
                with self._lock:
                    d = self._get(domain_id)
                    d.brand_id = brand
                    return 200, self._domain_json(d, full=True), {}
        elif len(parts) == 5 and parts[4] == "verify" and method == "POST":
            return 200, self._verify(parts[3]), {}
        elif len(parts) == 5 and parts[4] == "certificate" and method == "PUT":
            self._upload_certificate(parts[3], body)
            return 204, None, {}
        raise _ApiError(405, "E0000022", "The endpoint does not support the provided HTTP method")

    def _create_from_request(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _ApiError(
                400,
                "E0000001",
                "Api validation failed: domain",
                ("The request body must be a JSON object.",),
            )
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
            raise _ApiError(400, "E0000001", "Api validation failed: domain", tuple(causes))
        with self._lock:
            if any(d.domain == name for d in self._domains.values()) or name == self.org_host:
                raise _ApiError(
                    400,
                    "E0000161",
                    "Unique domain required.",
                    (f"domain: A domain with the name {name} already exists.",),
                )
            if len(self._domains) >= self.domain_limit:
                raise _ApiError(
                    400,
                    "E0000162",
                    "Maximum number of custom domains reached.",
                    (f"The org can have at most {self.domain_limit} custom domains.",),
                )
            d = self._create(name, str(source))
            self._event("initiate", d, "SUCCESS", None)
            return self._domain_json(d, full=True)


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (timeout) closes the socket: that is expected, not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOkta
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log; requests are recorded in ``fake.requests``."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(
            self.fake.now() if timestamp is None else timestamp, usegmt=True
        )

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        path = split.path
        query = parse_qs(split.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request_id = "X" + secrets.token_hex(11)
        status = 500
        self._recorded = False
        try:
            fault = fake._take_fault(path)
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.seconds)
                fault = None
            if fault is not None and fault.kind == "rate_limit":
                status = 429
                now = int(fake.now())
                self._send(
                    429,
                    _error_body(
                        "E0000047", "API call exceeded rate limit due to too many requests.", ()
                    ),
                    {
                        "X-Rate-Limit-Limit": str(fault.limit),
                        "X-Rate-Limit-Remaining": "0",
                        "X-Rate-Limit-Reset": str(now + fault.reset_after),
                        "X-Okta-Request-Id": request_id,
                    },
                )
                return
            if fault is not None and fault.kind == "server_error":
                status = fault.status
                self._send(
                    status,
                    _error_body("E0000009", "Internal Server Error", ()),
                    {"X-Okta-Request-Id": request_id},
                )
                return
            if path == "/oauth2/v1/token":
                if method != "POST":
                    raise _ApiError(405, "E0000022", "Use POST")
                form = parse_qs(raw.decode())
                try:
                    body = fake._issue_token(form)
                except _ApiError as exc:
                    status = exc.status
                    self._send(
                        status,
                        {"error": exc.code, "error_description": exc.summary},
                        {"X-Okta-Request-Id": request_id},
                    )
                    return
                status = 200
                self._send(200, body, {"Cache-Control": "no-store"})
                return
            try:
                body_in = json.loads(raw) if raw else None
            except ValueError:
                raise _ApiError(400, "E0000003", "The request body was not well-formed.") from None
            status, body_out, headers = fake._route(
                method, path, query, self.headers.get("Authorization"), body_in
            )
            headers["X-Okta-Request-Id"] = request_id
            headers.update(_rate_headers(fake.now()))
            self._send(status, body_out, headers)
        except _ApiError as exc:
            status = exc.status
            self._send(
                status,
                _error_body(exc.code, exc.summary, exc.causes),
                {"X-Okta-Request-Id": request_id},
            )
        finally:
            if not self._recorded:
                self._record(status)

    def _record(self, status: int) -> None:
        """Record the request before answering, so a client that got the answer sees it."""
        split = urlsplit(self.path)
        with self.fake._lock:
            self.fake.requests.append(
                RecordedRequest(self.command, split.path, status, split.query)
            )
        self._recorded = True

    def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
        self._record(status)
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)


def _error_body(code: str, summary: str, causes: tuple[str, ...]) -> dict[str, Any]:
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + secrets.token_hex(10),
        "errorCauses": [{"errorSummary": c} for c in causes],
    }


def _rate_headers(now: float) -> dict[str, str]:
    return {
        "X-Rate-Limit-Limit": "600",
        "X-Rate-Limit-Remaining": "599",
        "X-Rate-Limit-Reset": str(int(now) + 60),
    }


def _one(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(text: str | None, *, default: float) -> float:
    if not text:
        return default
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise _ApiError(
            400,
            "E0000001",
            "Api validation failed: since/until",
            (f"{text!r} is not an ISO 8601 time",),
        ) from None


def _log_filter(expression: str | None) -> Callable[[dict[str, Any]], bool]:
    """A matcher for Okta filter clauses ``field eq|sw|co "value"`` joined by ``or``/``and``."""
    if not expression:
        return lambda _event: True

    clause = re.compile(r'^\s*\(?\s*([A-Za-z_.]+)\s+(eq|sw|co)\s+"([^"]*)"\s*\)?\s*$')

    def parse_clause(text: str) -> Callable[[dict[str, Any]], bool]:
        match = clause.match(text)
        if match is None:
            raise _ApiError(
                400,
                "E0000031",
                "Invalid search criteria.",
                (f"unsupported filter clause {text.strip()!r}",),
            )
        path, op, value = match.groups()

        def test(event: dict[str, Any]) -> bool:
            current: Any = event
            for key in path.split("."):
                current = current.get(key) if isinstance(current, dict) else None
            if not isinstance(current, str):
                return False
            if op == "eq":
                return current == value
            if op == "sw":
                return current.startswith(value)
            return value in current

        return test

    alternatives = []
    for group in re.split(r"\s+or\s+", expression):
        tests = [parse_clause(part) for part in re.split(r"\s+and\s+", group)]
        alternatives.append(tests)
    return lambda event: any(all(t(event) for t in tests) for tests in alternatives)
