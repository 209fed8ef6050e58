"""Where and how the readiness check asks: the options, parsed once by the shared parsers.

``check_records``, ``wait_until_ready`` and the CLI all take the same DNS options, so their
names and types live here once (``DnsOptions``; the defaults are those of
``okta_custom_domain.defaults``) and every entry point hands them to :func:`make_options`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from okta_custom_domain import defaults, parsers


class DnsOptions(TypedDict, total=False):
    """The keyword arguments every readiness entry point accepts (see :class:`CheckOptions`)."""

    resolver: str | None
    dns_port: int
    nameservers: Iterable[str] | None
    validating_resolver: str | None
    query_timeout: float
    retries: int


def _retries(value: object) -> int:
    """No parser covers a count with no upper bound; the error still names the field."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise parsers.InputError("retries", f"{value!r} must be a whole number >= 0")
    return value


@dataclass(frozen=True)
class CheckOptions:
    """Where and how to ask; parsed on construction with errors that name the field."""

    resolver: str | None = None
    dns_port: int = defaults.DNS_PORT
    nameservers: tuple[str, ...] | None = None
    validating_resolver: str | None = None
    query_timeout: float = defaults.DNS_QUERY_TIMEOUT
    retries: int = defaults.DNS_QUERY_RETRIES

    def __post_init__(self) -> None:
        """Store what the parsers return, so the checker trusts every field as typed."""
        port = parsers.port(self.dns_port, "dns_port")
        parsed = {
            "dns_port": port,
            "query_timeout": parsers.seconds(self.query_timeout, "query_timeout"),
            "retries": _retries(self.retries),
            "resolver": parsers.resolver(self.resolver, "resolver"),
            "validating_resolver": parsers.resolver(
                self.validating_resolver, "validating_resolver"
            ),
            "nameservers": parsers.nameservers(self.nameservers, "nameservers", port),
        }
        for name, value in parsed.items():
            object.__setattr__(self, name, value)


def make_options(
    *,
    resolver: str | None = None,
    dns_port: int = defaults.DNS_PORT,
    nameservers: Iterable[str] | None = None,
    validating_resolver: str | None = None,
    query_timeout: float = defaults.DNS_QUERY_TIMEOUT,
    retries: int = defaults.DNS_QUERY_RETRIES,
) -> CheckOptions:
    """``CheckOptions`` from the keyword form, which accepts any iterable of name servers."""
    return CheckOptions(
        resolver=resolver,
        dns_port=dns_port,
        nameservers=parsers.nameservers(nameservers, "nameservers", defaults.DNS_PORT),
        validating_resolver=validating_resolver,
        query_timeout=query_timeout,
        retries=retries,
    )


__all__ = [
    "CheckOptions",
    "DnsOptions",
    "make_options",
]
