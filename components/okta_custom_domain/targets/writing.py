"""Writing the two records at any target, as children of the component, through its writer."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets.base import DnsRecord, DnsTarget


@dataclass(frozen=True)
class RecordToWrite:
    """One record: type, FQDN, the name as the target wants it, and Okta's value."""

    record_type: str
    fqdn: str
    name: str
    value: pulumi.Output[str]
    adopted_value: str | None = None
    """When adopting: the value the live Okta domain asks for, known while the program runs, so
    a record already holding it is taken over (``DnsTarget.import_id``) instead of doubled."""


def write_records(
    name: str,
    target: DnsTarget,
    records: list[RecordToWrite],
    parent: pulumi.Resource,
    *,
    retain: bool = False,
) -> list[pulumi.Resource]:
    """Create the records with the target's writer; what it returns is what the readiness
    check depends on. A target a person writes creates nothing. ``retain``: ``destroy`` leaves
    the records in place (adopted ones)."""
    write = target.writer(name, parent)
    if write is None:
        return []
    written = []
    for record in records:
        import_id = None
        if record.adopted_value is not None:
            import_id = target.import_id(
                record.record_type, record.fqdn, record.adopted_value, parent
            )
        opts = pulumi.ResourceOptions(
            parent=parent, retain_on_delete=retain or None, import_=import_id
        )
        resource = write(
            DnsRecord(
                type=record.record_type,
                fqdn=record.fqdn,
                name=record.name,
                value=record.value,
                ttl=target.ttl,
                opts=opts,
                resource_name=f"{name}-{record.record_type.lower()}",
            )
        )
        written.append(_checked_resource(resource, record, type(target).__name__))
    return written


def _checked_resource(resource: object, record: RecordToWrite, owner: str) -> pulumi.Resource:
    """A write function must return the resource, or nothing would wait for the record."""
    if not isinstance(resource, pulumi.Resource):
        raise InputError(
            "write",
            f"returned {resource!r} for the {record.record_type} record {record.fqdn}; return "
            "the pulumi.Resource that writes it, so readiness and verification wait for it",
            owner=owner,
        )
    return resource
