"""One exception type for everything Okta answers with an error, carrying what support asks for.

Okta's error body names a code (``E0000161``), a summary, causes and a request id
(``X-Okta-Request-Id``); a person stuck in an incident needs those plus what to do next,
in one paragraph, and never the token or key that was sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import requests

#: What to do next, per Okta error code (see shared/reference/okta-domains-api.md).
HINTS: dict[str, str] = {
    "E0000001": "Okta rejected the request body; the causes above name the field to fix.",
    "E0000006": (
        "the credentials lack a permission: an API token needs a super or org admin; an OAuth "
        "service app needs the scopes okta.domains.read and okta.domains.manage granted "
        "(and okta.logs.read for the System Log) plus an admin role"
    ),
    "E0000007": (
        "the domain does not exist at Okta (deleted out of band, or another org): run "
        "`pulumi up --refresh` to re-create it, or check the org URL"
    ),
    "E0000163": (
        "the domain does not exist at Okta (deleted out of band, or another org): run "
        "`pulumi up --refresh` to re-create it, or check the org URL"
    ),
    "E0000011": (
        "the API token or access token is invalid, expired or for another org: set a valid "
        "token (okta:apiToken / OKTA_API_TOKEN or the tenant's apiToken) for this org URL"
    ),
    "E0000047": (
        "Okta rate limited the requests; wait until X-Rate-Limit-Reset, or raise the retry budget"
    ),
    "E0000161": (
        "a custom domain with this name already exists in the org: import it instead of "
        "creating it, or delete the old one first"
    ),
    "E0000162": (
        "the org reached its custom domain limit (3 by default): delete an unused custom "
        "domain or ask Okta support to raise the limit"
    ),
    "E0000165": (
        "the domain is not verified yet: make the DNS records live, verify with "
        "POST /api/v1/domains/{domainId}/verify, then retry"
    ),
    "E0000201": "a brand conflict: the brand is in use by another domain or is the default.",
    "E0000203": "a brand conflict: the brand is in use by another domain or is the default.",
}

_STATUS_HINTS: dict[int, str] = {
    401: HINTS["E0000011"],
    403: HINTS["E0000006"],
    404: HINTS["E0000007"],
    429: HINTS["E0000047"],
}


class OktaApiError(Exception):
    """An Okta API call failed: an error answer, or no answer within the retry budget."""

    def __init__(
        self,
        summary: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        error_causes: Sequence[str] = (),
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.error_summary = summary
        self.error_causes: list[str] = list(error_causes)
        self.request_id = request_id
        self.method = method
        self.path = path
        if hint is None:
            hint = HINTS.get(error_code or "") or (
                _STATUS_HINTS.get(status) if status is not None else None
            )
            if hint is None and status is not None and status >= 500:
                hint = "Okta had a server error; retry later or check status.okta.com"
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.method} {self.path}" if self.method and self.path else "request"
        parts = [f"Okta API {where} failed"]
        if self.status is not None:
            parts.append(f": HTTP {self.status}")
        if self.error_code:
            parts.append(f" {self.error_code}")
        parts.append(f": {self.error_summary}")
        text = "".join(parts)
        if self.error_causes:
            text += f" (causes: {'; '.join(self.error_causes)})"
        if not text.endswith("."):
            text += "."
        if self.hint:
            text += f" Next step: {self.hint}"
            if not text.endswith("."):
                text += "."
        if self.request_id:
            text += f" X-Okta-Request-Id: {self.request_id}."
        return text

    @property
    def is_not_found(self) -> bool:
        """True when the domain (or object) does not exist at Okta."""
        return self.status == 404 or self.error_code in ("E0000007", "E0000163")

    @classmethod
    def from_response(
        cls, response: requests.Response, *, method: str, path: str, prefix: str = ""
    ) -> OktaApiError:
        """Build the error from an Okta error response, tolerating any body shape."""
        body: Any = None
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            body = None
        code: str | None = None
        summary = ""
        causes: list[str] = []
        if isinstance(body, dict):
            code = _text(body.get("errorCode"))
            summary = _text(body.get("errorSummary")) or ""
            raw_causes = body.get("errorCauses")
            if isinstance(raw_causes, list):
                for cause in raw_causes:
                    if isinstance(cause, dict) and cause.get("errorSummary"):
                        causes.append(str(cause["errorSummary"]))
                    elif isinstance(cause, str):
                        causes.append(cause)
            # OAuth token endpoint errors: {"error": ..., "error_description": ...}
            if not summary and body.get("error"):
                summary = str(body.get("error"))
                if body.get("error_description"):
                    summary += f" ({body['error_description']})"
        if not summary:
            summary = response.reason or "no error details in the response"
        return cls(
            prefix + summary,
            status=response.status_code,
            error_code=code,
            error_causes=causes,
            request_id=response.headers.get("X-Okta-Request-Id"),
            method=method,
            path=path,
        )


class OktaTransportError(OktaApiError):
    """No usable answer (connection refused, timeout) within the retry budget."""


def _text(value: Any) -> str | None:
    return str(value) if value is not None and value != "" else None
