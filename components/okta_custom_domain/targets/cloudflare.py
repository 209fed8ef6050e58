"""Cloudflare: records written with ``pulumi_cloudflare`` (DNS-only, never proxied).

``pulumi_cloudflare`` is imported when a writer is made, not with this module: the CLI and the
dynamic providers import the targets and should not pay for the SDK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import pulumi

from okta_custom_domain import defaults, parsers
from okta_custom_domain.names import host_name
from okta_custom_domain.parsers import InputError, owned
from okta_custom_domain.targets.base import DnsRecord, DnsTarget, RecordWriter

_ZONE_ID = re.compile(r"^[0-9a-f]{32}$")
TTL_LOW = 60
"""Cloudflare refuses a TTL under 60 seconds, except 1 (automatic)."""


@dataclass(frozen=True)
class CloudflareDns(DnsTarget):
    """Records written to a Cloudflare zone with ``pulumi_cloudflare`` (DNS-only, never proxied).

    Give ``zone_id``, or ``zone_name`` and the id is looked up. ``ttl`` is explicit because a
    short TTL lets a corrected value reach Okta quickly; Cloudflare accepts 60..86400 (or 1 = auto).
    """

    config_type: ClassVar[str | None] = "cloudflare"
    choice_description: ClassVar[str] = (
        "Write the records to a Cloudflare zone (DNS-only, never proxied)."
    )

    zone_id: str | None = None
    """The Cloudflare zone id (32 lower-case hex characters); or give the zone's name."""
    zone_name: str | None = None
    """The zone's name (e.g. `example.com`); its id is looked up. Or give the zone id."""
    ttl: int = defaults.TTL
    """TTL of both records in seconds: 60..86400, or 1 for Cloudflare's automatic TTL.
    Default 300."""
    comment: str | None = None
    """A comment stored on both records in Cloudflare."""

    def __post_init__(self) -> None:
        with owned("CloudflareDns"):
            if (self.zone_id is None) == (self.zone_name is None):
                raise InputError(
                    "",
                    "give exactly one of {zone_id} (32 hex characters, from the zone's overview "
                    "page) or {zone_name} (e.g. example.com)",
                    mentions=("zone_id", "zone_name"),
                )
            if self.zone_id is not None and not _ZONE_ID.match(self.zone_id):
                raise InputError(
                    "zone_id",
                    f"{self.zone_id!r} is not a Cloudflare zone id (32 lower-case hex characters); "
                    "or give {zone_name} instead",
                    mentions=("zone_name",),
                )
            if self.zone_name is not None:
                zone = host_name(self.zone_name, field="zone_name")
                object.__setattr__(self, "zone_name", zone)
            if self.ttl != 1:
                ttl = parsers.ttl(self.ttl, "ttl", low=TTL_LOW)
                object.__setattr__(self, "ttl", ttl)
            if self.comment is not None and not isinstance(self.comment, str):
                raise InputError("comment", "give the comment as text")

    @property
    def zone(self) -> str | None:
        """The zone name when known before deployment (only with ``zone_name``)."""
        return self.zone_name

    def writer(self, name: str, parent: pulumi.Resource) -> RecordWriter:
        """DNS-only (``proxied=False``) records: proxying answers A/AAAA and verification fails.

        The zone id is looked up once, here, not once per record.
        """
        import pulumi_cloudflare as cloudflare

        zone_id = self._zone_id(parent)
        comment = self.comment or f"Okta custom domain, managed by okta-custom-domain ({name})"

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

    def import_id(
        self, record_type: str, fqdn: str, value: str, parent: pulumi.Resource
    ) -> str | None:
        """``zoneId/recordId`` of a record the zone already has with ``value`` (what
        pulumi-cloudflare imports), found with the provider's own ``getDnsRecords`` (the
        tenant's token, read-only), while the program runs: an import id must be plain text."""
        import pulumi_cloudflare as cloudflare

        opts = pulumi.InvokeOptions(parent=parent)
        zone_id = self.zone_id
        if zone_id is None:
            zone = cloudflare.get_zone(
                filter=cloudflare.GetZoneFilterArgs(name=self.zone_name, match="all"), opts=opts
            )
            zone_id = zone.zone_id or zone.id
        found = cloudflare.get_dns_records(
            zone_id=zone_id,
            name=cloudflare.GetDnsRecordsNameArgs(exact=fqdn),
            type=record_type,
            opts=opts,
        )
        for record in found.results or []:
            if _same_content(record_type, record.content, value):
                return f"{zone_id}/{record.id}"
        return None

    def _zone_id(self, parent: pulumi.Resource) -> pulumi.Input[str]:
        if self.zone_id is not None:
            return self.zone_id
        import pulumi_cloudflare as cloudflare

        zone = cloudflare.get_zone_output(
            filter=cloudflare.GetZoneFilterArgs(name=self.zone_name, match="all"),
            opts=pulumi.InvokeOutputOptions(parent=parent),
        )
        return zone.apply(lambda z: z.zone_id or z.id)


def _same_content(record_type: str, found: str | None, wanted: str) -> bool:
    """Cloudflare compares a CNAME target without case (a final dot is a difference)."""
    if found is None:
        return False
    if record_type == "CNAME":
        return found.lower() == wanted.lower()
    return found == wanted
