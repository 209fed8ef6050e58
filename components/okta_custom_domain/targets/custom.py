"""Any DNS host with a Pulumi provider: records written by the user's own function."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from okta_custom_domain import defaults, parsers
from okta_custom_domain.names import dns_record_name, host_name
from okta_custom_domain.parsers import InputError, owned
from okta_custom_domain.targets.base import DnsTarget, RecordWriter
from okta_custom_domain.targets.styles import checked_style


@dataclass(frozen=True)
class CustomDns(DnsTarget):
    """Records written by your function, with any Pulumi provider (Route 53, Azure, GCP...).

    ``write`` is called once per record with a ``DnsRecord`` and returns the resource that
    writes it; readiness and verification wait for that resource. ``style`` is the name form
    the host wants: ``fqdn``, ``label`` (relative to ``zone``) or ``fqdn-dot``. Not reachable
    from stack config or other languages: ``write`` is a Python function.
    """

    zone: str
    write: RecordWriter
    style: str = "fqdn"
    ttl: int = defaults.TTL

    def __post_init__(self) -> None:
        with owned("CustomDns"):
            object.__setattr__(self, "zone", host_name(self.zone, field="zone"))
            if not callable(self.write):
                raise InputError(
                    "write",
                    f"{self.write!r} is not callable; pass a function that takes a DnsRecord and "
                    "returns the pulumi.Resource that writes it (see the README, 'Any DNS host')",
                )
            style = checked_style(
                self.style,
                "use 'fqdn' (id.example.com), 'label' (id, relative to zone) or 'fqdn-dot' "
                "(id.example.com.), as the host's API wants",
            )
            object.__setattr__(self, "style", style)
            object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "ttl"))

    def record_name(self, fqdn: str) -> str:
        return dns_record_name(fqdn, self.zone, self.style)

    def writer(self, name: str, parent: pulumi.Resource) -> RecordWriter:
        return self.write
