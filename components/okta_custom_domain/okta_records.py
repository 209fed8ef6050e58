"""The two records Okta asks for, and how they are read from ``okta.Domain.dns_records``.

Record *names* follow from the domain and the certificate source type, so they are known at
preview; record *values* come from Okta. When Okta names a record differently from what we
expect, we stop with a clear message rather than write a record nobody will look up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from okta_custom_domain import parsers
from okta_custom_domain.names import normalize_fqdn

CertificateSourceType = Literal["OKTA_MANAGED", "MANUAL"]
CERTIFICATE_SOURCE_TYPES: tuple[str, ...] = ("OKTA_MANAGED", "MANUAL")

TXT_PREFIX: dict[str, str] = {
    "OKTA_MANAGED": "_acme-challenge",
    "MANUAL": "_oktaverification",
}


@dataclass(frozen=True)
class ExpectedNames:
    """The record names for one custom domain, known before Okta answers."""

    cname: str
    txt: str


def parse_certificate_source_type(value: object) -> str:
    """Who provides the certificate; ``InputError`` on ``certificate_source_type`` otherwise."""
    return parsers.choice(
        value,
        "certificate_source_type",
        CERTIFICATE_SOURCE_TYPES,
        "use 'OKTA_MANAGED' (Okta obtains the certificate) or 'MANUAL' (you upload one)",
    )


def expected_names(domain: str, certificate_source_type: str) -> ExpectedNames:
    """CNAME at the domain itself; TXT at ``_acme-challenge.`` or ``_oktaverification.``."""
    source = parse_certificate_source_type(certificate_source_type)
    fqdn = normalize_fqdn(domain, field="domain")
    return ExpectedNames(cname=fqdn, txt=f"{TXT_PREFIX[source]}.{fqdn}")


def plain_okta_records(records: Iterable[Any] | None) -> list[dict[str, Any]]:
    """Copy ``okta.Domain.dns_records`` items into plain dicts.

    The SDK's ``DomainDnsRecord`` is a dict whose ``values`` property shadows ``dict.values()``;
    passing it on through ``Output.all`` raises ``TypeError: 'list' object is not callable``.
    """
    plain: list[dict[str, Any]] = []
    for record in records or []:
        if isinstance(record, Mapping) and not hasattr(record, "record_type"):
            record_type = record.get("record_type", record.get("recordType"))
            fqdn = record.get("fqdn")
            values = record.get("values")
        else:
            record_type = record.record_type
            fqdn = record.fqdn
            values = record.values
        plain.append(
            {
                "record_type": str(record_type or "").upper(),
                "fqdn": str(fqdn or ""),
                "values": [str(v) for v in (values or [])],
            }
        )
    return plain


def record_values(
    okta_records: Iterable[Mapping[str, Any]], names: ExpectedNames, domain_label: str
) -> dict[str, str]:
    """Pick the CNAME target and TXT value out of Okta's records, checking their names.

    Returns ``{"CNAME": target, "TXT": value}``. Raises ``ValueError`` naming the difference
    when Okta's record names are not the expected ones or a record is missing.
    """
    found: dict[str, str] = {}
    expected = {"CNAME": names.cname, "TXT": names.txt}
    for record in okta_records:
        rtype = str(record.get("record_type", "")).upper()
        if rtype not in expected:
            continue
        fqdn = normalize_fqdn(str(record.get("fqdn", "")), field=f"Okta {rtype} record fqdn")
        if fqdn != expected[rtype]:
            raise ValueError(
                f"{domain_label}: Okta asks for the {rtype} record at {fqdn!r}, but this component "
                f"writes it at {expected[rtype]!r}. Check certificate_source_type (OKTA_MANAGED "
                "uses _acme-challenge, MANUAL uses _oktaverification) and that the domain was not "
                "re-created with another type; then run `pulumi up --refresh`"
            )
        values = [str(v) for v in record.get("values", [])]
        if len(values) != 1 or not values[0]:
            raise ValueError(
                f"{domain_label}: Okta returned {len(values)} values for the {rtype} record "
                f"{fqdn!r}; exactly one is expected. Run `pulumi up --refresh`"
            )
        value = values[0]
        found[rtype] = normalize_fqdn(value, field="CNAME target") if rtype == "CNAME" else value
    missing = sorted(set(expected) - set(found))
    if missing:
        raise ValueError(
            f"{domain_label}: Okta's answer has no {' or '.join(missing)} record for "
            f"{', '.join(repr(expected[m]) for m in missing)}; run `pulumi up --refresh`, "
            "and if it persists, delete and re-create the domain"
        )
    return found
