"""Domain-name normalisation and the record names a DNS target wants.

Registrar web forms differ: some want the label relative to the zone (``id``) and silently
append the zone, others want the full name, with or without the trailing dot. Getting this
wrong is the most common cause of "The certificate could not be provisioned", so the
conversion lives in one place and refuses names that are already wrong.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal, get_args

import dns.name

from okta_custom_domain.parsers import InputError

RecordNameStyle = Literal["label", "fqdn", "fqdn-dot"]
RECORD_NAME_STYLES: tuple[str, ...] = get_args(RecordNameStyle)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_fqdn(name: str, *, field: str = "name") -> str:
    """Return ``name`` lower-cased, in punycode, without the trailing dot.

    Okta lower-cases domain names and a mixed-case input would show a diff on every run,
    so every name is normalised before it reaches a resource.
    Raises ``InputError`` naming ``field``.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(field, f"a domain name is required, got {name!r}")
    text = name.strip()
    if any(ch.isspace() for ch in text):
        raise InputError(field, f"{name!r} contains white space; give a bare domain name")
    if "://" in text or "/" in text:
        raise InputError(
            field, f"{name!r} looks like a URL; give only the host name, e.g. login.example.com"
        )
    try:
        parsed = dns.name.from_unicode(text, idna_codec=dns.name.IDNA_2008_Practical)
    except (dns.name.NameTooLong, dns.name.LabelTooLong) as exc:
        raise InputError(field, f"{name!r} is too long for DNS ({exc})") from exc
    except (dns.name.EmptyLabel, dns.name.IDNAException, dns.exception.SyntaxError) as exc:
        raise InputError(field, f"{name!r} is not a valid domain name ({exc})") from exc
    if parsed == dns.name.root:
        raise InputError(field, "the DNS root is not a domain name")
    return parsed.to_text(omit_final_dot=True).lower()


def host_name(name: str, *, field: str) -> str:
    """``normalize_fqdn`` for a domain or zone a person names: no wildcard, no IP address.

    Okta issues a certificate for one host name, so ``*.example.com`` and ``192.0.2.1`` are
    refused here rather than at Okta; upper case, a final dot and IDN are normalised.
    """
    if isinstance(name, str):
        try:
            ipaddress.ip_address(name.strip().strip("[]"))
        except ValueError:
            pass
        else:
            raise InputError(
                field, f"{name!r} is an IP address; give a domain name, e.g. login.example.com"
            )
    text = normalize_fqdn(name, field=field)
    labels = text.split(".")
    if "*" in text:
        raise InputError(
            field,
            f"{name!r} is a wildcard; Okta custom domains are single host names, e.g. "
            "login.example.com (one component per name)",
        )
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise InputError(
            field,
            f"{name!r} is not a host name (letters, digits and '-' in dot-separated labels, "
            "e.g. login.example.com)",
        )
    return text


def relative_label(fqdn: str, zone: str) -> str:
    """Return ``fqdn`` relative to ``zone`` (``id.example.com`` in ``example.com`` -> ``id``).

    Raises ``ValueError`` for a name outside the zone, the apex itself, or a name that
    already carries the zone twice (the registrar-appended-the-zone mistake).
    """
    name = normalize_fqdn(fqdn, field="fqdn")
    apex = normalize_fqdn(zone, field="zone")
    doubled = f".{apex}.{apex}"
    if name.endswith(doubled) or name == f"{apex}.{apex}":
        raise ValueError(
            f"{fqdn!r} carries the zone {apex!r} twice: the zone was appended to a full name. "
            f"Use {name[: -len(apex) - 1]!r} instead"
        )
    if name == apex:
        raise ValueError(
            f"{fqdn!r} is the apex of zone {apex!r}: an Okta custom domain must be below the apex "
            f"(e.g. login.{apex}), because a CNAME cannot sit at the apex"
        )
    if not name.endswith(f".{apex}"):
        raise ValueError(
            f"{fqdn!r} is not inside zone {apex!r}: use a name ending in .{apex}, "
            "or set the zone that actually holds this name"
        )
    return name[: -len(apex) - 1]


def label_in_zone(fqdn: str, zone: str, *, field: str) -> str:
    """``relative_label``, for an input boundary: the error is an ``InputError`` on ``field``."""
    try:
        return relative_label(fqdn, zone)
    except ValueError as exc:
        raise InputError(field, str(exc)) from None


def dns_record_name(fqdn: str, zone: str, style: str = "label") -> str:
    """The record name to enter at a DNS target for ``fqdn`` in ``zone``.

    ``label`` -> ``id``; ``fqdn`` -> ``id.example.com``; ``fqdn-dot`` -> ``id.example.com.``.
    """
    if style not in RECORD_NAME_STYLES:
        raise ValueError(
            f"style: {style!r} is not a record name style; "
            f"use one of {', '.join(RECORD_NAME_STYLES)}"
        )
    label = relative_label(fqdn, zone)
    if style == "label":
        return label
    full = f"{label}.{normalize_fqdn(zone, field='zone')}"
    return full + "." if style == "fqdn-dot" else full
