"""wait_until_ready: detects a record that appears mid-wait, backs off, fails with the diagnosis."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest
from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    TXT_VALUE,
    correct_zone_records,
    discovery_options,
    dns_zone,
    expected_records,
)
from okta_custom_domain.readiness import ReadinessTimeout, wait_until_ready
from okta_custom_domain.readiness.wait import next_interval, validate_timing
from okta_custom_domain.testing.dns_server import TwoServerZone

__all__ = ["dns_zone"]


def test_record_that_appears_while_waiting_is_seen_at_the_next_poll(
    dns_zone: TwoServerZone,
) -> None:
    polls: list[tuple[float, str]] = []
    published = threading.Event()
    published_at: list[float] = []

    def progress(line: str) -> None:
        polls.append((time.monotonic(), line))
        if len(polls) == 3 and not published.is_set():
            dns_zone.set_records(correct_zone_records())  # returns once both servers serve it
            published_at.append(time.monotonic())
            published.set()

    options: dict[str, Any] = discovery_options(dns_zone)
    report = wait_until_ready(
        expected_records(),
        timeout=30,
        interval=0.2,
        max_interval=0.2,
        progress=progress,
        **options,
    )
    assert report.ready
    assert published.is_set()
    # polls 1-3 saw nothing; the records were published right after poll 3: poll 4 is ready
    assert len(polls) == 4, [line for _, line in polls]
    assert all("not yet on" in line for _, line in polls[:3])
    assert "ready: 2/2" in polls[3][1]
    print(f"detected {polls[3][0] - published_at[0]:.3f} s after publication (interval 0.2 s)")


def test_timeout_error_carries_the_full_diagnosis(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records([])
    lines: list[str] = []
    options: dict[str, Any] = discovery_options(dns_zone)
    with pytest.raises(ReadinessTimeout) as caught:
        wait_until_ready(
            expected_records(),
            timeout=0.5,
            interval=0.1,
            max_interval=0.3,
            progress=lines.append,
            **options,
        )
    error = caught.value
    message = str(error)
    assert error.polls == len(lines) >= 2
    assert "not ready after 0.5 s" in message
    for cause in error.report.diagnosis:
        assert cause in message
    assert "is on no authoritative server yet" in message and TXT_VALUE in message
    assert f"ns2.example.test 127.0.0.3:{dns_zone.port}" in message
    assert "60 s" in message  # negative caching time of the zone
    assert all("elapsed" in line and "left" in line for line in lines)


def test_interval_backs_off_to_the_cap() -> None:
    steps = [2.0]
    for _ in range(10):
        steps.append(next_interval(steps[-1], 30.0))
    assert steps[:3] == [2.0, 3.0, 4.5]
    assert steps[-1] == 30.0 and all(a <= b for a, b in itertools.pairwise(steps))


@pytest.mark.parametrize(
    ("timeout", "interval", "cap", "field"),
    [(0, 2, 30, "timeout"), (10, -1, 30, "interval"), (10, 5, 1, "max_interval")],
)
def test_bad_timings_name_the_field(
    timeout: float, interval: float, cap: float, field: str
) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        validate_timing(timeout, interval, cap)
    with pytest.raises(ValueError, match=f"^{field}:"):
        wait_until_ready(expected_records(), timeout=timeout, interval=interval, max_interval=cap)
