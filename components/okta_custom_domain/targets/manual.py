"""A registrar's web form: nothing is written; a person pastes the rows the component prints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from okta_custom_domain import defaults, parsers
from okta_custom_domain.names import dns_record_name, host_name
from okta_custom_domain.parsers import owned
from okta_custom_domain.targets.base import DnsTarget
from okta_custom_domain.targets.styles import checked_style

TTL_LOW = 30
"""The lowest TTL registrar forms commonly accept."""


@dataclass(frozen=True)
class ManualDns(DnsTarget):
    """Nothing is written: a person pastes the rows into a registrar's web form.

    ``style`` is what the form wants in its name field: ``label`` (``id``; the form appends the
    zone), ``fqdn`` (``id.example.com``) or ``fqdn-dot`` (``id.example.com.``).
    """

    config_type: ClassVar[str | None] = "manual"
    choice_description: ClassVar[str] = (
        "Write nothing: the `registrarRows` output is what a person pastes into a registrar's form."
    )
    by_hand: ClassVar[bool] = True
    readiness_timeout: ClassVar[float] = defaults.MANUAL_READINESS_TIMEOUT

    zone: str
    """The zone the records belong to (e.g. `example.com`); the custom domain must be below it."""
    style: str = "label"
    """The name form the registrar's form wants: `label` (the form appends the zone; default),
    `fqdn` or `fqdn-dot`."""
    ttl: int = defaults.TTL
    """TTL to enter for both records, in seconds (30..86400). Default 300."""

    def __post_init__(self) -> None:
        with owned("ManualDns"):
            object.__setattr__(self, "zone", host_name(self.zone, field="zone"))
            style = checked_style(
                self.style,
                "use 'label' when the registrar's form appends the zone itself, 'fqdn' or "
                "'fqdn-dot' when it wants the full name",
            )
            object.__setattr__(self, "style", style)
            object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "ttl", low=TTL_LOW))

    def record_name(self, fqdn: str) -> str:
        return dns_record_name(fqdn, self.zone, self.style)

    def registrar_rows(self, records: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
        """One row per ``{type, fqdn, value}`` record: the name as the form wants it, the TTL."""
        return [
            {"name": self.record_name(r["fqdn"]), "type": r["type"], "value": r["value"],
             "ttl": self.ttl}
            for r in records
        ]  # fmt: skip
