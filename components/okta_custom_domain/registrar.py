"""Paste-ready rows for a registrar's web form (``ManualDns``), in the form's name style."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from okta_custom_domain.names import dns_record_name
from okta_custom_domain.targets import ManualDns


def registrar_rows(target: ManualDns, records: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """One row per ``{type, fqdn, value}`` record: the name as the form wants it, and the TTL."""
    return [
        {
            "name": dns_record_name(r["fqdn"], target.zone, target.style),
            "type": r["type"],
            "value": r["value"],
            "ttl": target.ttl,
        }
        for r in records
    ]


def rows_text(domain: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as a person reads them in a log, one per line."""
    lines = [f"Enter these records at your registrar for {domain}:"]
    lines += [
        f"  {r['type']:<5}  name: {r['name']}  value: {r['value']}  TTL: {r['ttl']}" for r in rows
    ]
    return "\n".join(lines)
