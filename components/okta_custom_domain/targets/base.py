"""What every DNS target is: the small interface the component, the stack-config reader and the
component package dispatch through, so none of them knows a target by its type.

Like lego's ``challenge.Provider`` (``Present``/``CleanUp``, optional ``Timeout``): a target says
how it names a record, how it writes one (``writer``), what proves it will take our writes
(``preflight``), the rows a person pastes (``registrar_rows``) and how long readiness waits by
default. A target is a frozen dataclass that validates itself when constructed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi

from okta_custom_domain import defaults


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


class DnsTarget:
    """The interface of every DNS target; subclasses are frozen dataclasses.

    ``config_type`` is the ``dns.type`` that selects the target in stack config (``None``: not
    reachable from config, e.g. ``CustomDns`` whose ``write`` is a Python function);
    ``choice_description`` describes it in the component package's schema.
    """

    config_type: ClassVar[str | None] = None
    choice_description: ClassVar[str] = ""
    by_hand: ClassVar[bool] = False
    """True when a person writes the records (from ``registrar_rows``), not an API."""
    readiness_timeout: ClassVar[float] = defaults.READINESS_TIMEOUT
    """How long readiness waits by default: minutes when an API writes, hours for a person."""
    ttl: int
    """Every target writes (or asks a person to write) both records with one TTL."""

    if TYPE_CHECKING:  # a field in most targets, a property in some: not a class attribute here

        @property
        def zone(self) -> str | None:
            """The zone the records belong to, when known before deployment."""

    def record_name(self, fqdn: str) -> str:
        """The record name as this target writes it; APIs that take the FQDN keep it."""
        return fqdn

    def writer(self, name: str, parent: pulumi.Resource) -> RecordWriter | None:
        """The function that writes one record; ``None`` when a person writes them."""
        return None

    def import_id(
        self, record_type: str, fqdn: str, value: str, parent: pulumi.Resource
    ) -> str | None:
        """When adopting: the import id of a record the host already holds with ``value`` (the
        writer's resource then takes it over); ``None``: the writer creates or leaves it."""
        return None

    def preflight(self, name: str, parent: pulumi.Resource) -> list[pulumi.Resource]:
        """Resources proving the target takes our writes, for the Okta domain to depend on."""
        return []

    def registrar_rows(self, records: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
        """The rows a person pastes into a registrar's form (empty when an API writes)."""
        return []


def rows_text(domain: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as a person reads them in a log, one per line."""
    lines = [f"Enter these records at your registrar for {domain}:"]
    lines += [
        f"  {r['type']:<5}  name: {r['name']}  value: {r['value']}  TTL: {r['ttl']}" for r in rows
    ]
    return "\n".join(lines)


def log_rows(domain: str, rows: Sequence[Mapping[str, Any]], resource: pulumi.Resource) -> None:
    """One message per line: while ``pulumi up`` runs, the CLI shows only a message's first
    line (the rest appears in the summary, after the wait a person ends)."""
    for line in rows_text(domain, rows).splitlines():
        pulumi.log.info(line.strip(), resource=resource)
