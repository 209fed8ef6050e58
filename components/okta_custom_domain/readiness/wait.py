"""Poll until every authoritative server serves the records, or fail with the full diagnosis.

The interval starts short (records usually appear within seconds of the API call that wrote
them) and backs off to a cap, so a long CI timeout does not mean thousands of queries. Under
Pulumi only the final error reaches the user, so the timeout error carries the whole diagnosis.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Unpack

from okta_custom_domain import cancellation, defaults, parsers
from okta_custom_domain.readiness.blocking import blocking_form
from okta_custom_domain.readiness.checker import ReadinessChecker, checker_for
from okta_custom_domain.readiness.options import DnsOptions
from okta_custom_domain.readiness.records import ExpectedRecord
from okta_custom_domain.readiness.report import ReadinessReport

BACKOFF = 1.5

Progress = Callable[[str], None]


class ReadinessTimeout(TimeoutError):
    """The records were not served everywhere in time; the message is the last diagnosis."""

    def __init__(self, report: ReadinessReport, timeout: float, polls: int) -> None:
        self.report = report
        self.timeout = timeout
        self.polls = polls
        lines = [
            f"DNS records not ready after {timeout:g} s ({polls} checks of every "
            "authoritative server).",
            f"Last check: {report.progress_line()}",
            "Diagnosis:",
            *(f"- {line}" for line in report.diagnosis),
        ]
        servers = report.servers_checked()
        if servers:
            lines.append(f"Servers checked: {', '.join(servers)}")
        super().__init__("\n".join(lines))


def validate_timing(timeout: float, interval: float, max_interval: float) -> None:
    """Reject timings that cannot work, naming the field."""
    parsers.seconds(timeout, "timeout")
    parsers.seconds(interval, "interval")
    if parsers.seconds(max_interval, "max_interval") < interval:
        raise parsers.InputError(
            "max_interval",
            f"{max_interval!r} is below interval {interval!r}; raise it or lower interval",
        )


def next_interval(current: float, cap: float) -> float:
    """Back off geometrically to ``cap``."""
    return min(current * BACKOFF, cap)


async def poll_until_ready(
    checker: ReadinessChecker,
    *,
    timeout: float = defaults.READINESS_TIMEOUT,
    interval: float = defaults.READINESS_INTERVAL,
    max_interval: float = defaults.READINESS_MAX_INTERVAL,
    progress: Progress | None = None,
) -> ReadinessReport:
    """Run ``checker`` until it reports ready, backing off; ReadinessTimeout after ``timeout``.

    For callers that already hold validated ``CheckOptions`` (the CLI); the others use
    :func:`wait_until_ready`.
    """
    validate_timing(timeout, interval, max_interval)
    started = time.monotonic()
    deadline = started + timeout
    current = interval
    polls = 0
    while True:
        report = await checker.check(deadline)
        polls += 1
        now = time.monotonic()
        if progress is not None:
            elapsed, remaining = now - started, max(0.0, deadline - now)
            progress(
                f"[{elapsed:5.1f}s elapsed, {remaining:.0f}s left, check {polls}, "
                f"{report.queries_sent} queries] {report.progress_line()}"
            )
        if report.ready:
            return report
        if now >= deadline:
            raise ReadinessTimeout(report, timeout, polls)
        await cancellation.async_sleep(min(current, deadline - now), "DNS readiness")
        current = next_interval(current, max_interval)


async def wait_until_ready_async(
    records: Iterable[Mapping[str, Any] | ExpectedRecord],
    *,
    timeout: float = defaults.READINESS_TIMEOUT,
    interval: float = defaults.READINESS_INTERVAL,
    max_interval: float = defaults.READINESS_MAX_INTERVAL,
    progress: Progress | None = None,
    **options: Unpack[DnsOptions],
) -> ReadinessReport:
    """Async form of :func:`wait_until_ready`; ``options`` are those of :class:`DnsOptions`."""
    validate_timing(timeout, interval, max_interval)  # bad timings are named before bad records
    checker = checker_for(records, **options)
    return await poll_until_ready(
        checker, timeout=timeout, interval=interval, max_interval=max_interval, progress=progress
    )


wait_until_ready = blocking_form(
    wait_until_ready_async,
    "wait_until_ready",
    """Poll until every authoritative server serves ``records``; raise ReadinessTimeout if not.

    ``progress`` receives one line per poll; the DNS options are those of ``check_records``
    (see ``DnsOptions``). Bad input raises ValueError (RecordError) at once.
    """,
)
