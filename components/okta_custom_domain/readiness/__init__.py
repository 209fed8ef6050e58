"""DNS readiness: wait until every authoritative server serves the expected records.

No Pulumi imports here (the dynamic provider lives in ``readiness.provider``), so the CLI and
the doctor command can use the library on its own.
"""

from __future__ import annotations

from okta_custom_domain.readiness.cause import Cause
from okta_custom_domain.readiness.checker import (
    ReadinessChecker,
    check_records,
    check_records_async,
)
from okta_custom_domain.readiness.discovery import DiscoveryError, NameServer
from okta_custom_domain.readiness.options import CheckOptions
from okta_custom_domain.readiness.records import ExpectedRecord, RecordError, parse_records
from okta_custom_domain.readiness.report import (
    ReadinessReport,
    RecordReport,
    ServerAnswer,
    ZoneReport,
)
from okta_custom_domain.readiness.wait import (
    ReadinessTimeout,
    wait_until_ready,
    wait_until_ready_async,
)

__all__ = [
    "Cause",
    "CheckOptions",
    "DiscoveryError",
    "ExpectedRecord",
    "NameServer",
    "ReadinessChecker",
    "ReadinessReport",
    "ReadinessTimeout",
    "RecordError",
    "RecordReport",
    "ServerAnswer",
    "ZoneReport",
    "check_records",
    "check_records_async",
    "parse_records",
    "wait_until_ready",
    "wait_until_ready_async",
]
