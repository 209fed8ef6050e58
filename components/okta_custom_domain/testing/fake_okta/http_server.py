"""The fake's HTTP side: a threaded loopback server whose answers look like Okta's on the wire.

Clients are tested on what Okta sends, so every answer carries ``X-Okta-Request-Id``, API
answers the rate-limit headers, errors Okta's error body (OAuth's form on the token endpoint),
and ``Date`` follows the fake's clock; an unsupported method is JSON E0000022, never an HTML
page. Every request is recorded (method, path, status, query, the body's top-level keys; never
a value) before it is answered, so a client that got the answer sees it recorded.
"""

from __future__ import annotations

import email.utils
import json
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from okta_custom_domain.testing.fake_okta.common import ApiError
from okta_custom_domain.testing.fake_okta.faults import Fault


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake answered."""

    method: str
    path: str
    status: int
    query: str = ""
    body_keys: tuple[str, ...] = ()
    """The top-level keys of a JSON object body (never a value: a key may be a secret)."""


Route = Callable[[str, str, dict[str, list[str]], str | None, Any], tuple[int, Any, dict[str, str]]]


@dataclass(frozen=True)
class Site:
    """What the server answers with, bound by ``FakeOkta`` when it starts."""

    now: Callable[[], float]
    take_fault: Callable[[str], Fault | None]
    issue_token: Callable[[dict[str, list[str]]], dict[str, Any]]
    route: Route
    record: Callable[[RecordedRequest], None]


def error_body(code: str, summary: str, causes: tuple[str, ...]) -> dict[str, Any]:
    """Okta's error object."""
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + secrets.token_hex(10),
        "errorCauses": [{"errorSummary": c} for c in causes],
    }


def rate_headers(now: float) -> dict[str, str]:
    """The rate-limit headers of an ordinary API answer: plenty left."""
    return {
        "X-Rate-Limit-Limit": "600",
        "X-Rate-Limit-Remaining": "599",
        "X-Rate-Limit-Reset": str(int(now) + 60),
    }


class HttpServer:
    """The server thread on ``host``, an ephemeral port."""

    def __init__(self, host: str, site: Site) -> None:
        handler = type("_BoundHandler", (_Handler,), {"site": site})
        self._server = _QuietServer((host, 0), handler)
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-okta",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _keys_of(raw: bytes) -> tuple[str, ...]:
    """The top-level keys of a JSON object body, in order; () for anything else."""
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        return ()
    return tuple(str(k) for k in body) if isinstance(body, dict) else ()


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (timeout) closes the socket: that is expected, not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log; requests are recorded in ``fake.requests``."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(
            self.site.now() if timestamp is None else timestamp, usegmt=True
        )

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request_id = "X" + secrets.token_hex(11)
        self._recorded = False
        self._body_keys = _keys_of(raw)
        try:
            if self._answer_fault(split.path, request_id):
                return
            if split.path == "/oauth2/v1/token":
                self._answer_token(method, raw, request_id)
                return
            self._answer_api(method, split.path, parse_qs(split.query), raw, request_id)
        except ApiError as exc:
            headers = {"X-Okta-Request-Id": request_id, **rate_headers(self.site.now())}
            self._send(exc.status, error_body(exc.code, exc.summary, exc.causes), headers)
        finally:
            if not self._recorded:
                self._record(500)

    def _answer_fault(self, path: str, request_id: str) -> bool:
        """Apply an injected fault; True when it was the answer (a delay only holds it)."""
        fault = self.site.take_fault(path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
            return False
        if fault is not None and fault.kind == "rate_limit":
            summary = "API call exceeded rate limit due to too many requests."
            headers = {
                "X-Rate-Limit-Limit": str(fault.limit),
                "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": str(int(self.site.now()) + fault.reset_after),
                "X-Okta-Request-Id": request_id,
            }
            self._send(429, error_body("E0000047", summary, ()), headers)
            return True
        if fault is not None and fault.kind == "server_error":
            body = error_body("E0000009", "Internal Server Error", ())
            headers = {"X-Okta-Request-Id": request_id, **rate_headers(self.site.now())}
            self._send(fault.status, body, headers)
            return True
        return False

    def _answer_token(self, method: str, raw: bytes, request_id: str) -> None:
        """``POST /oauth2/v1/token``: failures in OAuth's ``error`` form, not Okta's."""
        if method != "POST":
            raise ApiError(405, "E0000022", "Use POST")
        try:
            body = self.site.issue_token(parse_qs(raw.decode()))
        except ApiError as exc:
            oauth_error = {"error": exc.code, "error_description": exc.summary}
            self._send(exc.status, oauth_error, {"X-Okta-Request-Id": request_id})
            return
        self._send(200, body, {"Cache-Control": "no-store"})

    def _answer_api(
        self, method: str, path: str, query: dict[str, list[str]], raw: bytes, request_id: str
    ) -> None:
        try:
            body_in = json.loads(raw) if raw else None
        except ValueError:
            raise ApiError(400, "E0000003", "The request body was not well-formed.") from None
        status, body_out, headers = self.site.route(
            method, path, query, self.headers.get("Authorization"), body_in
        )
        headers["X-Okta-Request-Id"] = request_id
        headers.update(rate_headers(self.site.now()))
        self._send(status, body_out, headers)

    def _record(self, status: int) -> None:
        """Record the request before answering, so a client that got the answer sees it."""
        split = urlsplit(self.path)
        keys = getattr(self, "_body_keys", ())
        self.site.record(RecordedRequest(self.command, split.path, status, split.query, keys))
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
