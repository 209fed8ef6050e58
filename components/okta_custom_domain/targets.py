"""Where the CNAME and TXT records are written: one small frozen dataclass per DNS target.

Each target validates itself when constructed, so a bad zone, style or TTL fails before any
resource exists. Every target that writes records does it through one mechanism: a function
given one ``DnsRecord`` that returns the resource writing it (``CustomDns`` takes yours;
``dns_writers`` holds the built-in ones), so a new DNS host never touches the component.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi

from okta_custom_domain import defaults, parsers
from okta_custom_domain.field_marks import SECRET
from okta_custom_domain.names import RECORD_NAME_STYLES, host_name
from okta_custom_domain.parsers import InputError
from okta_custom_domain.rfc2136.tsig import (
    TsigKeyError,
    decode_secret,
    normalize_algorithm,
    normalize_key_name,
)

_CLOUDFLARE_ZONE_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class CloudflareDns:
    """Records written to a Cloudflare zone with ``pulumi_cloudflare`` (DNS-only, never proxied).

    Give ``zone_id``, or ``zone_name`` and the id is looked up. ``ttl`` is explicit because a
    short TTL lets a corrected value reach Okta quickly; Cloudflare accepts 60..86400 (or 1 = auto).
    """

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
        if (self.zone_id is None) == (self.zone_name is None):
            raise InputError(
                "CloudflareDns",
                "give exactly one of zone_id (32 hex characters, from the zone's "
                "overview page) or zone_name (e.g. example.com)"
            )
        if self.zone_id is not None and not _CLOUDFLARE_ZONE_ID.match(self.zone_id):
            raise InputError(
                "CloudflareDns.zone_id",
                f"{self.zone_id!r} is not a Cloudflare zone id "
                "(32 lower-case hex characters); or give zone_name instead"
            )
        if self.zone_name is not None:
            object.__setattr__(
                self, "zone_name", host_name(self.zone_name, field="CloudflareDns.zone_name")
            )
        if self.ttl != 1:
            object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "CloudflareDns.ttl", low=60))

    @property
    def zone(self) -> str | None:
        """The zone name when known before deployment (only with ``zone_name``)."""
        return self.zone_name


@dataclass(frozen=True)
class ManualDns:
    """Nothing is written: a person pastes the rows into a registrar's web form.

    ``style`` is what the form wants in its name field: ``label`` (``id``; the form appends the
    zone), ``fqdn`` (``id.example.com``) or ``fqdn-dot`` (``id.example.com.``).
    """

    zone: str
    """The zone the records belong to (e.g. `example.com`); the custom domain must be below it."""
    style: str = "label"
    """The name form the registrar's form wants: `label` (the form appends the zone; default),
    `fqdn` or `fqdn-dot`."""
    ttl: int = defaults.TTL
    """TTL to enter for both records, in seconds (30..86400). Default 300."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", host_name(self.zone, field="ManualDns.zone"))
        if self.style not in RECORD_NAME_STYLES:
            raise InputError(
                "ManualDns.style",
                f"{self.style!r} is not known; use 'label' when the registrar's form appends the "
                "zone itself, 'fqdn' or 'fqdn-dot' when it wants the full name",
            )
        object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "ManualDns.ttl", low=30))


@dataclass(frozen=True)
class Rfc2136Dns:
    """Records written to a self-hosted server (BIND, Knot, PowerDNS) by RFC 2136 update + TSIG.

    ``key_secret`` is the base64 TSIG secret; pass it as a Pulumi secret (it is made one if not).
    """

    server: str
    """The primary server's host name or address, which accepts RFC 2136 updates."""
    zone: str
    """The zone to update (e.g. `example.com`); the custom domain must be below it."""
    key_name: str
    """The TSIG key's name, as the server knows it."""
    key_secret: pulumi.Input[str] = field(repr=False, metadata=SECRET)
    """The TSIG key's base64 secret. Secret: kept encrypted in state (made a secret if given as
    plain text)."""
    key_algorithm: str = "hmac-sha256"
    """The TSIG algorithm, as in the server's key definition: `hmac-sha256` (default), `hmac-
    sha512`..."""
    port: int = defaults.DNS_PORT
    """The server's DNS port. Default 53."""
    ttl: int = defaults.TTL
    """TTL of both records in seconds. Default 300."""

    def __post_init__(self) -> None:
        server = parsers.text(
            self.server, "Rfc2136Dns.server", "give the primary server's host name or address"
        )
        object.__setattr__(self, "server", server)
        object.__setattr__(self, "zone", host_name(self.zone, field="Rfc2136Dns.zone"))
        try:
            object.__setattr__(self, "key_name", normalize_key_name(self.key_name))
            object.__setattr__(self, "key_algorithm", normalize_algorithm(self.key_algorithm))
            if isinstance(self.key_secret, str):
                decode_secret(self.key_secret)
        except TsigKeyError as exc:
            reason = str(exc).removeprefix(f"{exc.field}: ")  # TsigKeyError keeps no reason
            raise InputError(f"Rfc2136Dns.{exc.field}", reason) from None
        object.__setattr__(self, "port", parsers.port(self.port, "Rfc2136Dns.port"))
        object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "Rfc2136Dns.ttl"))


@dataclass(frozen=True)
class DnsRecord:
    """One record for a write function to create, with everything the host's resource needs.

    ``name`` is already in the target's ``style``; ``opts`` is parented to the component, so
    pass it on unchanged (the component's providers and aliases then apply); ``resource_name``
    is unique within the stack (``<component>-cname``, ``<component>-txt``).
    """

    type: str
    fqdn: str
    name: str
    value: pulumi.Output[str]
    ttl: int
    opts: pulumi.ResourceOptions
    resource_name: str


RecordWriter = Callable[[DnsRecord], pulumi.Resource]
"""Creates the resource that writes one record at a DNS host, and returns it."""


@dataclass(frozen=True)
class CustomDns:
    """Records written by your function, with any Pulumi provider (Route 53, Azure, GCP...).

    ``write`` is called once per record with a ``DnsRecord`` and returns the resource that
    writes it; readiness and verification wait for that resource. ``style`` is the name form
    the host wants: ``fqdn``, ``label`` (relative to ``zone``) or ``fqdn-dot``.
    """

    zone: str
    write: RecordWriter
    style: str = "fqdn"
    ttl: int = defaults.TTL

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", host_name(self.zone, field="CustomDns.zone"))
        if not callable(self.write):
            raise InputError(
                "CustomDns.write",
                f"{self.write!r} is not callable; pass a function that takes a DnsRecord and "
                "returns the pulumi.Resource that writes it (see the README, 'Any DNS host')",
            )
        if self.style not in RECORD_NAME_STYLES:
            raise InputError(
                "CustomDns.style",
                f"{self.style!r} is not known; use 'fqdn' (id.example.com), 'label' (id, "
                "relative to zone) or 'fqdn-dot' (id.example.com.), as the host's API wants",
            )
        object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "CustomDns.ttl"))


DnsTarget = CloudflareDns | CustomDns | ManualDns | Rfc2136Dns
DNS_TARGET_TYPES = (CloudflareDns, CustomDns, ManualDns, Rfc2136Dns)
