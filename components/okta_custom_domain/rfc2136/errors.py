"""The one exception an RFC 2136 exchange raises, whatever went wrong.

Callers (the dynamic providers, the doctor, the demo) catch one type and show its message, which
names server, zone and key and says what to change; never the secret.
"""

from __future__ import annotations


class Rfc2136Error(Exception):
    """A failed RFC 2136 exchange; the message names server, zone and key, never the secret."""

    def __init__(
        self,
        message: str,
        *,
        server: str,
        port: int,
        zone: str,
        key_name: str,
        rcode: str | None = None,
    ) -> None:
        super().__init__(message)
        self.server = server
        self.port = port
        self.zone = zone
        self.key_name = key_name
        self.rcode = rcode


__all__ = ["Rfc2136Error"]
