"""``DnsReadiness``: a Pulumi dynamic resource that waits until every authoritative server
serves the expected records, between writing the DNS records and asking Okta to verify.

The provider holds no state (no clients, no sessions): Pulumi pickles it by reference to this
installed module. ``create``/``update`` wait; ``diff`` re-runs the wait when the records or the
options change; a failed wait raises with the full diagnosis, which is what ``pulumi up`` shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import pulumi
import pulumi.dynamic

from okta_custom_domain import dynamic_host
from okta_custom_domain.readiness.check import make_options
from okta_custom_domain.readiness.discovery import DEFAULT_DNS_PORT
from okta_custom_domain.readiness.records import parse_records
from okta_custom_domain.readiness.wait import (
    DEFAULT_INTERVAL,
    DEFAULT_MAX_INTERVAL,
    DEFAULT_TIMEOUT,
    validate_timing,
    wait_until_ready,
)
from okta_custom_domain.unknowns import contains_unknown

INPUT_KEYS: tuple[str, ...] = (
    "records",
    "timeout",
    "interval",
    "resolver",
    "dns_port",
    "nameservers",
    "validating_resolver",
)
OUTPUT_KEYS: tuple[str, ...] = ("ready_at", "servers_checked", "elapsed_seconds")


def _number(value: object, field: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{field}: {value!r} is not a number; {hint}")
    return float(value)


def _port(value: object) -> int:
    number = _number(value, "dns_port", "use a port number such as 53")
    if not number.is_integer() or not 0 < number < 65536:
        raise ValueError(f"dns_port: {value!r} is not a port number; use 1-65535 (default 53)")
    return int(number)


def _optional_text(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field}: {value!r} must be a string HOST[:PORT] or unset")
    return value.strip()


def _nameservers(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("nameservers: give a list of HOST[:PORT] strings, or leave it unset")
    items = list(value)
    if not items:
        return None
    if not all(isinstance(item, str) for item in items):
        raise ValueError("nameservers: every entry must be a HOST[:PORT] string")
    return [item.strip() for item in items]


def normalize_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised inputs; ``ValueError`` whose message starts with the field."""
    raw_records = props.get("records")
    if raw_records is None or isinstance(raw_records, (str, Mapping)):
        raise ValueError("records: give a list of {type, fqdn, value} mappings")
    records = [record.to_dict() for record in parse_records(raw_records)]
    timeout = _number(props.get("timeout", DEFAULT_TIMEOUT), "timeout", "seconds, e.g. 1800")
    interval = _number(props.get("interval", DEFAULT_INTERVAL), "interval", "seconds, e.g. 2")
    validate_timing(timeout, interval, max(interval, DEFAULT_MAX_INTERVAL))
    dns_port = _port(props.get("dns_port", DEFAULT_DNS_PORT))
    resolver = _optional_text(props.get("resolver"), "resolver")
    validating = _optional_text(props.get("validating_resolver"), "validating_resolver")
    nameservers = _nameservers(props.get("nameservers"))
    make_options(  # validates host[:port] forms and names the field
        resolver=resolver,
        dns_port=dns_port,
        nameservers=nameservers,
        validating_resolver=validating,
    )
    return {
        "records": records,
        "timeout": timeout,
        "interval": interval,
        "resolver": resolver,
        "dns_port": dns_port,
        "nameservers": nameservers,
        "validating_resolver": validating,
    }


def _field_of(message: str) -> str:
    head = message.split(":", 1)[0].strip()
    root = head.split("[", 1)[0].split(".", 1)[0]
    return root if root in INPUT_KEYS else "records"


class DnsReadinessProvider(pulumi.dynamic.ResourceProvider):
    """Waits for DNS in ``create``/``update``; stateless, so it pickles by reference."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        failures: list[pulumi.dynamic.CheckFailure] = []
        if any(contains_unknown(news.get(key)) for key in INPUT_KEYS):
            return pulumi.dynamic.CheckResult(dict(news), [])  # preview: values not known yet
        try:
            normalized = normalize_inputs(news)
        except ValueError as exc:
            failures.append(pulumi.dynamic.CheckFailure(_field_of(str(exc)), str(exc)))
            return pulumi.dynamic.CheckResult(dict(news), failures)
        return pulumi.dynamic.CheckResult({**news, **normalized}, [])

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        """A change of any input (a new TXT value above all) re-runs the wait, in place.

        Pulumi's ``DiffResult`` carries no list of changed keys; the unchanged inputs are
        reported as ``stables`` instead.
        """
        changed = [key for key in INPUT_KEYS if olds.get(key) != news.get(key)]
        stables = [key for key in INPUT_KEYS if key not in changed]
        return pulumi.dynamic.DiffResult(
            changes=bool(changed), replaces=[], stables=stables, delete_before_replace=False
        )

    def _wait(self, props: Mapping[str, Any]) -> dict[str, Any]:
        dynamic_host.prepare()  # Ctrl-C ends the wait; waits run concurrently
        inputs = normalize_inputs(props)
        started = datetime.now(timezone.utc)
        report = wait_until_ready(
            inputs["records"],
            timeout=inputs["timeout"],
            interval=inputs["interval"],
            max_interval=max(inputs["interval"], DEFAULT_MAX_INTERVAL),
            progress=lambda line: pulumi.log.info(f"DNS readiness: {line}"),
            resolver=inputs["resolver"],
            dns_port=inputs["dns_port"],
            nameservers=inputs["nameservers"],
            validating_resolver=inputs["validating_resolver"],
        )
        finished = datetime.now(timezone.utc)
        return {
            **inputs,
            "ready_at": finished.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "servers_checked": report.servers_checked(),
            "elapsed_seconds": round((finished - started).total_seconds(), 3),
        }

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        outs = self._wait(props)
        names = ",".join(sorted(f"{r['type']}:{r['fqdn']}" for r in outs["records"]))
        return pulumi.dynamic.CreateResult(id_=f"dns-ready:{names}", outs=outs)

    def update(
        self, _id: str, _olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs=self._wait(news))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_=id_, outs=dict(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: the resource only records that the DNS was ready."""


class DnsReadiness(pulumi.dynamic.Resource):
    """Waits (during ``pulumi up``) until every authoritative server serves ``records``.

    ``records``: ``[{"type": "CNAME"|"TXT", "fqdn": ..., "value": ...}]``. Outputs:
    ``ready_at`` (ISO UTC), ``servers_checked`` ("ns-name address:port"), ``elapsed_seconds``,
    ``records`` (normalised).
    """

    records: pulumi.Output[list[dict[str, str]]]
    ready_at: pulumi.Output[str]
    servers_checked: pulumi.Output[list[str]]
    elapsed_seconds: pulumi.Output[float]

    def __init__(
        self,
        resource_name: str,
        records: pulumi.Input[Sequence[pulumi.Input[Mapping[str, pulumi.Input[str]]]]],
        timeout: pulumi.Input[float] = DEFAULT_TIMEOUT,
        interval: pulumi.Input[float] = DEFAULT_INTERVAL,
        resolver: pulumi.Input[str | None] = None,
        dns_port: pulumi.Input[int] = DEFAULT_DNS_PORT,
        nameservers: pulumi.Input[Sequence[pulumi.Input[str]] | None] = None,
        validating_resolver: pulumi.Input[str | None] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "records": records,
            "timeout": timeout,
            "interval": interval,
            "resolver": resolver,
            "dns_port": dns_port,
            "nameservers": nameservers,
            "validating_resolver": validating_resolver,
            **dict.fromkeys(OUTPUT_KEYS),
        }
        super().__init__(DnsReadinessProvider(), resource_name, props, opts)
