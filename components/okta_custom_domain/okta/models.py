"""The objects the Okta domains API and System Log return, parsed defensively.

Okta adds, omits and renames fields between releases; parsing here tolerates that so a caller
gets typed objects with ``None`` where Okta said nothing, instead of a ``KeyError`` mid-deploy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from okta_custom_domain.okta.errors import OktaApiError

VALIDATION_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "VERIFIED", "COMPLETED", "FAILED_TO_VERIFY")


@dataclass(frozen=True)
class OktaDnsRecord:
    """A record Okta wants in DNS (``recordType``, ``fqdn``, ``values``, ``expiration``)."""

    record_type: str
    fqdn: str
    values: list[str]
    expiration: str | None = None

    @property
    def value(self) -> str | None:
        """The first value (Okta gives exactly one)."""
        return self.values[0] if self.values else None


@dataclass(frozen=True)
class PublicCertificate:
    """The certificate Okta serves for the domain, once issued or uploaded."""

    subject: str | None = None
    fingerprint: str | None = None
    expiration: str | None = None


@dataclass(frozen=True)
class OktaDomain:
    """A custom domain as Okta reports it."""

    id: str
    domain: str
    certificate_source_type: str | None = None
    validation_status: str | None = None
    brand_id: str | None = None
    dns_records: list[OktaDnsRecord] = field(default_factory=list)
    public_certificate: PublicCertificate | None = None

    def record(self, record_type: str) -> OktaDnsRecord | None:
        """The first record of ``record_type`` (``TXT`` or ``CNAME``)."""
        wanted = record_type.upper()
        return next((r for r in self.dns_records if r.record_type.upper() == wanted), None)

    @property
    def is_default(self) -> bool:
        """The built-in ``<org>.okta.com`` entry that ``list`` includes."""
        return self.id == "default"

    @classmethod
    def from_json(cls, body: Any) -> OktaDomain:
        """Parse an Okta domain object, tolerating missing or unexpected fields."""
        if not isinstance(body, Mapping):
            raise OktaApiError(f"Okta answered with an unexpected body ({type(body).__name__})")
        records: list[OktaDnsRecord] = []
        raw_records = body.get("dnsRecords")
        for raw in raw_records if isinstance(raw_records, list) else []:
            if not isinstance(raw, Mapping):
                continue
            values = raw.get("values")
            if isinstance(values, str):
                values = [values]
            records.append(
                OktaDnsRecord(
                    record_type=str(raw.get("recordType") or "").upper(),
                    fqdn=str(raw.get("fqdn") or "").rstrip(".").lower(),
                    values=[str(v) for v in values] if isinstance(values, list) else [],
                    expiration=_opt_str(raw.get("expiration")),
                )
            )
        cert = body.get("publicCertificate")
        public_certificate = (
            PublicCertificate(
                subject=_opt_str(cert.get("subject")),
                fingerprint=_opt_str(cert.get("fingerprint")),
                expiration=_opt_str(cert.get("expiration")),
            )
            if isinstance(cert, Mapping) and cert
            else None
        )
        return cls(
            id=str(body.get("id") or ""),
            domain=str(body.get("domain") or "").rstrip(".").lower(),
            certificate_source_type=_opt_str(body.get("certificateSourceType")),
            validation_status=_opt_str(body.get("validationStatus")),
            brand_id=_opt_str(body.get("brandId")),
            dns_records=records,
            public_certificate=public_certificate,
        )


@dataclass(frozen=True)
class LogEvent:
    """One System Log event, reduced to what a diagnosis needs."""

    uuid: str
    published: str
    event_type: str
    outcome: str | None
    reason: str | None
    display_message: str | None
    targets: list[str]

    @classmethod
    def from_json(cls, body: Any) -> LogEvent:
        body = body if isinstance(body, Mapping) else {}
        outcome = body.get("outcome") if isinstance(body.get("outcome"), Mapping) else {}
        targets = body.get("target") if isinstance(body.get("target"), list) else []
        names = [
            str(t.get("alternateId") or t.get("displayName") or t.get("id"))
            for t in targets
            if isinstance(t, Mapping)
        ]
        return cls(
            uuid=str(body.get("uuid") or ""),
            published=str(body.get("published") or ""),
            event_type=str(body.get("eventType") or ""),
            outcome=_opt_str(outcome.get("result")),
            reason=_opt_str(outcome.get("reason")),
            display_message=_opt_str(body.get("displayMessage")),
            targets=names,
        )


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


__all__ = ["VALIDATION_STATUSES", "LogEvent", "OktaDnsRecord", "OktaDomain", "PublicCertificate"]
