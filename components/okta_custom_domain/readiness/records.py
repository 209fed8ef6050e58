"""The records a readiness check expects, parsed and validated once, with errors that say the fix.

Okta gives each custom domain a CNAME (the domain -> ``<org>.customdomains.okta.com``) and a TXT
(``_acme-challenge.<domain>`` or ``_oktaverification.<domain>``). Everything downstream compares
against these values, so they are normalised here: names lower-case without the trailing dot,
CNAME targets likewise, TXT values as the plain joined text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import dns.name

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.parsers import InputError

RECORD_TYPES = ("CNAME", "TXT")
VERIFICATION_PREFIXES = ("_acme-challenge.", "_oktaverification.")
TXT_MAX_LENGTH = 4000


class RecordError(InputError):
    """An expected record that cannot be checked; ``field`` names it, the message the fix."""


@dataclass(frozen=True)
class ExpectedRecord:
    """One record that must be served: ``rtype`` CNAME or TXT, ``fqdn``, ``value``."""

    rtype: str
    fqdn: str
    value: str

    @property
    def name(self) -> dns.name.Name:
        return dns.name.from_text(self.fqdn)

    @property
    def domain(self) -> str:
        """The host name certificates are issued for (``_acme-challenge.`` stripped)."""
        for prefix in VERIFICATION_PREFIXES:
            if self.fqdn.startswith(prefix):
                return self.fqdn[len(prefix) :]
        return self.fqdn

    def label(self) -> str:
        """Short human form: ``TXT _acme-challenge.login.example.com``."""
        return f"{self.rtype} {self.fqdn}"

    def to_dict(self) -> dict[str, str]:
        return {"type": self.rtype, "fqdn": self.fqdn, "value": self.value}


def _normalize_value(rtype: str, value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(field, f"a non-empty {rtype} value is required, got {value!r}")
    text = value.strip()
    if rtype == "CNAME":
        try:
            return normalize_fqdn(text, field=field)
        except InputError as exc:
            raise RecordError(
                field,
                f"{exc.reason}; a CNAME value is a host name such as acme.customdomains.okta.com",
            ) from exc
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        raise RecordError(
            field,
            f"{value!r} is wrapped in quote characters; give the bare TXT value "
            f"({text[1:-1]!r}): the quotes would become part of the record",
        )
    if len(text) > TXT_MAX_LENGTH:
        raise RecordError(field, f"a TXT value of {len(text)} characters is too long")
    if any(ord(ch) < 32 or ord(ch) > 126 for ch in text):
        raise RecordError(field, f"{value!r} has non-printable or non-ASCII characters")
    return text


def make_record(rtype: Any, fqdn: Any, value: Any, *, field: str = "record") -> ExpectedRecord:
    """Validate and normalise one expected record; ``field`` prefixes every error."""
    kind = rtype.strip().upper() if isinstance(rtype, str) else rtype
    if kind not in RECORD_TYPES:
        raise RecordError(
            f"{field}.type",
            f"{rtype!r} is not supported: Okta asks only for TXT or CNAME; use one of "
            f"{', '.join(RECORD_TYPES)}",
        )
    try:
        name = normalize_fqdn(fqdn, field=f"{field}.fqdn")
    except InputError as exc:
        raise RecordError(f"{field}.fqdn", exc.reason) from exc
    if name.count(".") < 1:
        raise RecordError(
            f"{field}.fqdn", f"{fqdn!r} is not a full name; give the FQDN, e.g. login.example.com"
        )
    return ExpectedRecord(kind, name, _normalize_value(kind, value, f"{field}.value"))


def parse_records(items: object) -> list[ExpectedRecord]:
    """Records from a list of ``{"type", "fqdn", "value"}`` mappings or ``ExpectedRecord``."""
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise RecordError("records", "give a list of {type, fqdn, value} mappings")
    records: list[ExpectedRecord] = []
    for index, item in enumerate(items):
        field = f"records[{index}]"
        if isinstance(item, ExpectedRecord):
            record = item  # already parsed: trusted, like dnspython's RdataType.make
        elif isinstance(item, Mapping):
            unknown = sorted(set(item) - {"type", "fqdn", "value"})
            if unknown:
                raise RecordError(
                    field, f"unknown keys {unknown}; each record has only type, fqdn and value"
                )
            missing = [key for key in ("type", "fqdn", "value") if key not in item]
            if missing:
                raise RecordError(field, f"missing {', '.join(missing)}")
            record = make_record(item["type"], item["fqdn"], item["value"], field=field)
        else:
            raise RecordError(field, f"expected a mapping with type, fqdn, value, got {item!r}")
        records.append(record)
    if not records:
        raise RecordError("records", "at least one record is required")
    check_consistency(records)
    return records


def check_consistency(records: list[ExpectedRecord]) -> None:
    """Reject sets that can never be served: two CNAMEs on one name, CNAME beside other data."""
    by_name: dict[str, list[ExpectedRecord]] = {}
    for record in records:
        by_name.setdefault(record.fqdn, []).append(record)
    for name, group in by_name.items():
        cnames = [r for r in group if r.rtype == "CNAME"]
        if len({r.value for r in cnames}) > 1:
            raise RecordError(
                "records", f"{name} is given two different CNAME values; a name has one CNAME"
            )
        if cnames and len({r.rtype for r in group}) > 1:
            raise RecordError(
                "records",
                f"{name} has a CNAME and other records; a CNAME cannot sit beside other data",
            )
        txts = [r for r in group if r.rtype == "TXT"]
        if len({r.value for r in txts}) > 1:
            raise RecordError(
                "records",
                f"{name} is given several TXT values; give the one value Okta currently shows",
            )


def parse_assignment(rtype: str, text: str, *, field: str) -> ExpectedRecord:
    """``NAME=VALUE`` (the CLI's ``--cname``/``--txt`` form) into a record."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise RecordError(field, f"{text!r} is not NAME=VALUE, e.g. login.example.com=VALUE")
    return make_record(rtype, name, value, field=field)
