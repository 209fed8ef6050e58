"""``DnsReadiness``: a Pulumi dynamic resource that waits until every authoritative server
serves the expected records, between writing the DNS records and asking Okta to verify.

The provider holds no state (no clients, no sessions): Pulumi pickles it by reference to this
installed module. ``create``/``update`` wait; ``diff`` re-runs the wait when the records or the
options change; a failed wait raises with the full diagnosis, which is what ``pulumi up`` shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pulumi
import pulumi.dynamic

from okta_custom_domain import defaults, parsers, pulumi_internals
from okta_custom_domain.readiness.records import parse_records
from okta_custom_domain.readiness.wait import (
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


def _input_parsers(dns_port: int) -> dict[str, parsers.Parser]:
    """One parser per input; a missing (``None``) timing or port takes its default."""

    def default(value: object, fallback: object) -> object:
        return fallback if value is None else value

    def nameservers(value: object) -> list[str] | None:
        checked = parsers.nameservers(value or None, "nameservers", dns_port)
        return list(checked) if checked else None  # a list, as state has always held

    return {
        "records": lambda v: [record.to_dict() for record in parse_records(v)],
        "timeout": lambda v: parsers.seconds(default(v, defaults.READINESS_TIMEOUT), "timeout"),
        "interval": lambda v: parsers.seconds(default(v, defaults.READINESS_INTERVAL), "interval"),
        "resolver": lambda v: parsers.resolver(v, "resolver"),
        "dns_port": lambda v: parsers.port(default(v, defaults.DNS_PORT), "dns_port"),
        "nameservers": nameservers,
        "validating_resolver": lambda v: parsers.resolver(v, "validating_resolver"),
    }


def parse_inputs(props: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, ValueError]]:
    """Every input parsed on its own: the normalised values and each bad input's error."""
    try:
        dns_port = parsers.port(props.get("dns_port", defaults.DNS_PORT), "dns_port")
    except parsers.InputError:
        dns_port = defaults.DNS_PORT  # reported as dns_port's failure, not each name server's
    return parsers.parse_fields(props, _input_parsers(dns_port))


def normalize_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised inputs; the first bad one raises (its ``field`` names it)."""
    parsed, errors = parse_inputs(props)
    for error in errors.values():
        raise error
    return parsed


class DnsReadinessProvider(pulumi.dynamic.ResourceProvider):
    """Waits for DNS in ``create``/``update``; stateless, so it pickles by reference."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        if any(contains_unknown(news.get(key)) for key in INPUT_KEYS):
            return pulumi.dynamic.CheckResult(dict(news), [])  # preview: values not known yet
        parsed, errors = parse_inputs(news)
        failures = [pulumi.dynamic.CheckFailure(key, str(exc)) for key, exc in errors.items()]
        if failures:
            return pulumi.dynamic.CheckResult(dict(news), failures)
        return pulumi.dynamic.CheckResult({**news, **parsed}, [])

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
        pulumi_internals.prepare_host()  # Ctrl-C ends the wait; waits run concurrently
        inputs = normalize_inputs(props)
        started = datetime.now(UTC)
        report = wait_until_ready(
            inputs["records"],
            timeout=inputs["timeout"],
            interval=inputs["interval"],
            max_interval=max(inputs["interval"], defaults.READINESS_MAX_INTERVAL),
            progress=lambda line: pulumi.log.info(f"DNS readiness: {line}"),
            resolver=inputs["resolver"],
            dns_port=inputs["dns_port"],
            nameservers=inputs["nameservers"],
            validating_resolver=inputs["validating_resolver"],
        )
        finished = datetime.now(UTC)
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


class DnsReadiness(pulumi.dynamic.Resource, module="okta-custom-domain", name="DnsReadiness"):
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
        timeout: pulumi.Input[float] = defaults.READINESS_TIMEOUT,
        interval: pulumi.Input[float] = defaults.READINESS_INTERVAL,
        resolver: pulumi.Input[str | None] = None,
        dns_port: pulumi.Input[int] = defaults.DNS_PORT,
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
        super().__init__(
            DnsReadinessProvider(),
            resource_name,
            props,
            pulumi_internals.with_unnamed_type_alias(opts),  # its type before it had a name
        )
