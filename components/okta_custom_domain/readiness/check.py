"""One readiness check, never waiting: the ``check_records`` entry points.

The pieces live in their own modules (``options``: where and how to ask; ``checker``: the
queries; ``answers``: reading replies; ``blocking``: the sync twins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from okta_custom_domain.readiness.blocking import blocking_form
from okta_custom_domain.readiness.checker import checker_for
from okta_custom_domain.readiness.options import DnsOptions
from okta_custom_domain.readiness.records import ExpectedRecord, parse_records
from okta_custom_domain.readiness.report import ReadinessReport

if TYPE_CHECKING:
    from typing import Unpack  # 3.11+; only read by the type checker (requires-python 3.10)


def as_records(records: Iterable[Mapping[str, Any] | ExpectedRecord]) -> list[ExpectedRecord]:
    """Accept parsed records or ``{"type","fqdn","value"}`` mappings."""
    return parse_records(records)


async def check_records_async(
    records: Iterable[Mapping[str, Any] | ExpectedRecord], **options: Unpack[DnsOptions]
) -> ReadinessReport:
    """Async form of :func:`check_records`; ``options`` are those of :class:`DnsOptions`."""
    return await checker_for(records, **options).check()


check_records = blocking_form(
    check_records_async,
    "check_records",
    """Check once whether every authoritative server serves ``records``; never waits.

    Options: ``resolver``, ``dns_port``, ``nameservers``, ``validating_resolver``,
    ``query_timeout``, ``retries`` (see ``DnsOptions``). Raises ``RecordError``/``ValueError``
    for bad input; DNS trouble is in the report.
    """,
)


__all__ = ["as_records", "check_records", "check_records_async"]
