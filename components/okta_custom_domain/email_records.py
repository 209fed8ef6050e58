"""The four records of a custom email domain, read from ``okta.EmailDomain.dns_validation_records``.

Okta names them (its DKIM selectors are its own): the TXT ``_oktaverification.<domain>``, the
mail CNAME at ``<validationSubdomain>.<domain>`` (``mail``; pulumi-okta 7.0.1 cannot ask for
another, and a subdomain set elsewhere is taken as Okta reports it), and two DKIM CNAMEs under
``_domainkey.<domain>``. They are taken as Okta gives them, in a fixed order, and refused when
their shape is not that one, rather than written where nobody looks them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from okta_custom_domain.names import normalize_fqdn

RECORD_KEYS: tuple[str, ...] = ("txt", "mail", "dkim1", "dkim2")
"""The records in the order they are written and shown; each is its resource's name suffix."""
RECORD_TYPES: dict[str, str] = {"txt": "TXT", "mail": "CNAME", "dkim1": "CNAME", "dkim2": "CNAME"}


def plain_email_records(records: Iterable[Any] | None) -> list[dict[str, str]]:
    """``dns_validation_records`` (SDK objects or dicts) as ``{type, fqdn, value}`` dicts."""
    plain = []
    for record in records or []:
        if isinstance(record, Mapping) and not hasattr(record, "record_type"):
            rtype = record.get("record_type", record.get("recordType"))
            fqdn, value = record.get("fqdn"), record.get("value")
        else:
            rtype, fqdn, value = record.record_type, record.fqdn, record.value
        plain.append(
            {"type": str(rtype or "").upper(), "fqdn": str(fqdn or ""), "value": str(value or "")}
        )
    return plain


def email_records(records: Iterable[Mapping[str, str]], domain: str) -> dict[str, dict[str, str]]:
    """``RECORD_KEYS`` -> ``{type, fqdn, value}``; ``ValueError`` naming what is off."""
    txt, mail, dkim = [], [], []
    for record in records:
        fqdn = normalize_fqdn(record["fqdn"], field="Okta email record fqdn")
        value = record["value"] if record["type"] == "TXT" else record["value"].rstrip(".").lower()
        entry = {"type": record["type"], "fqdn": fqdn, "value": value}
        if record["type"] == "TXT" and fqdn == f"_oktaverification.{domain}":
            txt.append(entry)
        elif record["type"] == "CNAME" and fqdn.endswith(f"._domainkey.{domain}"):
            dkim.append(entry)
        elif record["type"] == "CNAME" and fqdn.endswith(f".{domain}"):
            mail.append(entry)
    if len(txt) != 1 or len(mail) != 1 or len(dkim) != 2 or not all(r["value"] for r in txt):
        raise ValueError(
            f"{domain}: Okta's dnsValidationRecords are not one TXT _oktaverification, one mail "
            f"CNAME and two DKIM CNAMEs (got {len(txt)}, {len(mail)} and {len(dkim)}); run "
            "`pulumi up --refresh`, and if it persists, delete and re-create the email domain"
        )
    found = [txt[0], mail[0], *sorted(dkim, key=lambda r: r["fqdn"])]
    return dict(zip(RECORD_KEYS, found, strict=True))
