"""Every default of the component's inputs, defined once.

The dataclass args, the stack-config reader, the dynamic providers and the CLI all import
these, so a default changed here changes everywhere (no module keeps its own ``1800``).
"""

from __future__ import annotations

DNS_PORT = 53
"""Where DNS servers listen; RFC 2136 updates and readiness queries both use it."""

TTL = 300
"""Five minutes: a corrected record value reaches Okta quickly."""

TSIG_ALGORITHM = "hmac-sha256"
"""The TSIG algorithm of RFC 2136 updates when none is given: BIND's ``tsig-keygen`` default."""

READINESS_TIMEOUT = 1800.0
"""30 minutes: long enough for CI, short enough to fail a stuck run the same day."""

MANUAL_READINESS_TIMEOUT = 4 * 3600.0
"""A person pastes ``ManualDns`` rows into a web form; give them hours, not minutes."""

READINESS_INTERVAL = 2.0
"""Records usually appear within seconds of the API call that wrote them."""

READINESS_MAX_INTERVAL = 30.0
"""The readiness poll backs off to this cap: a long timeout does not mean thousands of queries."""

DNS_QUERY_TIMEOUT = 2.0
"""Seconds to wait for one DNS answer from one server before asking again."""

DNS_QUERY_RETRIES = 2
"""Times one DNS query is asked again after a timeout or network error (UDP loses packets)."""

VERIFICATION_TIMEOUT = 1800.0
"""Okta usually issues the certificate within minutes; 30 minutes covers a slow CA."""

VERIFICATION_POLL_INTERVAL = 10.0
"""Okta's domain API is rate-limited; ten seconds keeps many domains under the limit."""

WAIT_FOR = "COMPLETED"
"""Wait for the certificate, not only for DNS verification."""
