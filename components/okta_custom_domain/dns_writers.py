"""Writing the two records at each DNS target, as children of the component.

Each writer takes the record rows (names known now, values as Outputs from Okta) and returns
the resources it created, so the readiness check can depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare

from okta_custom_domain.names import dns_record_name
from okta_custom_domain.targets import CloudflareDns, DnsTarget, ManualDns, Rfc2136Dns


@dataclass(frozen=True)
class RecordToWrite:
    """One record: type, FQDN, the name as the target wants it, and Okta's value."""

    record_type: str
    fqdn: str
    name: str
    value: pulumi.Output[str]


def record_name_for_target(target: DnsTarget, fqdn: str) -> str:
    """The record name as written at ``target`` (Cloudflare and RFC 2136 take the FQDN)."""
    if isinstance(target, ManualDns):
        return dns_record_name(fqdn, target.zone, target.style)
    return fqdn


def _cloudflare_zone_id(target: CloudflareDns, parent: pulumi.Resource) -> pulumi.Input[str]:
    if target.zone_id is not None:
        return target.zone_id
    zone = cloudflare.get_zone_output(
        filter=cloudflare.GetZoneFilterArgs(name=target.zone_name, match="all"),
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return zone.apply(lambda z: z.zone_id or z.id)


def write_cloudflare(
    name: str, target: CloudflareDns, records: list[RecordToWrite], parent: pulumi.Resource
) -> list[pulumi.Resource]:
    """DNS-only (``proxied=False``) records: proxying answers A/AAAA and verification fails."""
    zone_id = _cloudflare_zone_id(target, parent)
    comment = target.comment or f"Okta custom domain, managed by okta-custom-domain ({name})"
    return [
        cloudflare.DnsRecord(
            f"{name}-{record.record_type.lower()}",
            zone_id=zone_id,
            name=record.name,
            type=record.record_type,
            content=record.value,
            ttl=target.ttl,
            proxied=False,
            comment=comment,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for record in records
    ]


def write_rfc2136(
    name: str, target: Rfc2136Dns, records: list[RecordToWrite], parent: pulumi.Resource
) -> list[pulumi.Resource]:
    """Records written by RFC 2136 update with TSIG, through a dynamic provider."""
    from okta_custom_domain.rfc2136.provider import Rfc2136Record

    connection = _rfc2136_connection(target)
    return [
        Rfc2136Record(
            f"{name}-{record.record_type.lower()}",
            fqdn=record.fqdn,
            type=record.record_type,
            values=record.value.apply(lambda v: [v]),
            ttl=target.ttl,
            **connection,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for record in records
    ]


def _rfc2136_connection(target: Rfc2136Dns) -> dict[str, Any]:
    """Server, zone and TSIG key of ``target``, as both RFC 2136 resources take them."""
    return {
        "server": target.server,
        "port": target.port,
        "zone": target.zone,
        "key_name": target.key_name,
        "key_algorithm": target.key_algorithm,
        "key_secret": pulumi.Output.secret(target.key_secret),
    }


def preflight_target(
    name: str, target: DnsTarget, parent: pulumi.Resource
) -> list[pulumi.Resource]:
    """Resources that prove the target takes our writes, for the Okta domain to depend on.

    Only ``Rfc2136Dns`` needs one: a wrong TSIG key or a zone the server does not serve would
    otherwise fail at the first record, after the Okta domain was created.
    """
    if not isinstance(target, Rfc2136Dns):
        return []
    from okta_custom_domain.rfc2136.preflight import Rfc2136Preflight

    return [
        Rfc2136Preflight(
            f"{name}-dns-preflight",
            **_rfc2136_connection(target),
            opts=pulumi.ResourceOptions(parent=parent),
        )
    ]


def write_records(
    name: str, target: DnsTarget, records: list[RecordToWrite], parent: pulumi.Resource
) -> list[pulumi.Resource]:
    """Create the records at ``target``; ``ManualDns`` creates nothing (a person does)."""
    if isinstance(target, CloudflareDns):
        return write_cloudflare(name, target, records, parent)
    if isinstance(target, Rfc2136Dns):
        return write_rfc2136(name, target, records, parent)
    return []
