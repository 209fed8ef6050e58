"""Writing the two records at each DNS target, as children of the component.

Every target that writes records does it through a ``RecordWriter``: a function given one
``DnsRecord`` that returns the resource writing it. ``CustomDns`` brings its own; Cloudflare
and RFC 2136 are built here the same way, so a new host never touches the component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare

from okta_custom_domain.names import dns_record_name
from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets import (
    CloudflareDns,
    CustomDns,
    DnsRecord,
    DnsTarget,
    ManualDns,
    RecordWriter,
    Rfc2136Dns,
)


@dataclass(frozen=True)
class RecordToWrite:
    """One record: type, FQDN, the name as the target wants it, and Okta's value."""

    record_type: str
    fqdn: str
    name: str
    value: pulumi.Output[str]


def record_name_for_target(target: DnsTarget, fqdn: str) -> str:
    """The record name as written at ``target`` (Cloudflare and RFC 2136 take the FQDN)."""
    if isinstance(target, ManualDns | CustomDns):
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


def cloudflare_writer(name: str, target: CloudflareDns, parent: pulumi.Resource) -> RecordWriter:
    """DNS-only (``proxied=False``) records: proxying answers A/AAAA and verification fails.

    The zone id is looked up once, here, not once per record.
    """
    zone_id = _cloudflare_zone_id(target, parent)
    comment = target.comment or f"Okta custom domain, managed by okta-custom-domain ({name})"

    def write(record: DnsRecord) -> pulumi.Resource:
        return cloudflare.DnsRecord(
            record.resource_name,
            zone_id=zone_id,
            name=record.name,
            type=record.type,
            content=record.value,
            ttl=record.ttl,
            proxied=False,
            comment=comment,
            opts=record.opts,
        )

    return write


def rfc2136_writer(target: Rfc2136Dns) -> RecordWriter:
    """Records written by RFC 2136 update with TSIG, through a dynamic provider."""
    from okta_custom_domain.rfc2136.provider import Rfc2136Record

    connection = _rfc2136_connection(target)

    def write(record: DnsRecord) -> pulumi.Resource:
        return Rfc2136Record(
            record.resource_name,
            fqdn=record.fqdn,
            type=record.type,
            values=record.value.apply(lambda v: [v]),
            ttl=record.ttl,
            **connection,
            opts=record.opts,
        )

    return write


def writer_for(name: str, target: DnsTarget, parent: pulumi.Resource) -> RecordWriter | None:
    """The write function of ``target``; ``None`` for ``ManualDns`` (a person writes)."""
    if isinstance(target, CustomDns):
        return target.write
    if isinstance(target, CloudflareDns):
        return cloudflare_writer(name, target, parent)
    if isinstance(target, Rfc2136Dns):
        return rfc2136_writer(target)
    return None


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
    """Create the records at ``target`` with its write function; what it returns is what the
    readiness check depends on. ``ManualDns`` creates nothing (a person does)."""
    write = writer_for(name, target, parent)
    if write is None:
        return []
    written = []
    for record in records:
        resource = write(
            DnsRecord(
                type=record.record_type,
                fqdn=record.fqdn,
                name=record.name,
                value=record.value,
                ttl=target.ttl,
                opts=pulumi.ResourceOptions(parent=parent),
                resource_name=f"{name}-{record.record_type.lower()}",
            )
        )
        written.append(_checked_resource(resource, record))
    return written


def _checked_resource(resource: object, record: RecordToWrite) -> pulumi.Resource:
    """A write function must return the resource, or nothing would wait for the record."""
    if not isinstance(resource, pulumi.Resource):
        raise InputError(
            "CustomDns.write",
            f"returned {resource!r} for the {record.record_type} record {record.fqdn}; return "
            "the pulumi.Resource that writes it, so readiness and verification wait for it",
        )
    return resource
