"""Checks on a MANUAL certificate before anything is created at Okta.

Okta rejects a bad certificate only at upload time, which is after the domain was created and
the DNS records were written and verified; it takes only RSA keys of 2048, 3072 or 4096 bits.
Checking the PEM texts first turns a half-made
domain into an error at preview time that names the field and the fix.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.parsers import InputError

_CERT_MARKER = "-----BEGIN CERTIFICATE-----"


class CertificateError(InputError):
    """A certificate, chain or key that Okta would reject; ``field`` names the input."""


@dataclass(frozen=True)
class CertificateSummary:
    """What a person checks about a certificate, without any key material."""

    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: datetime.datetime
    not_after: datetime.datetime
    fingerprint_sha256: str
    """Lower-case hex of the SHA-256 of the DER certificate, no separators."""


def _require_text(value: object, field: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CertificateError(field, f"{what} in PEM form is required (got an empty value)")
    return value


def _load_certificates(text: str, field: str) -> list[x509.Certificate]:
    if "PRIVATE KEY-----" in text:
        raise CertificateError(
            field,
            f"contains a private key; put the private key only in private_key, never in {field}",
        )
    if _CERT_MARKER not in text:
        raise CertificateError(
            field,
            f"is not a PEM certificate (no '{_CERT_MARKER}' line); give the PEM text, "
            "not a file name, DER bytes or base64 without the header",
        )
    try:
        return x509.load_pem_x509_certificates(text.encode("utf-8"))
    except ValueError:
        raise CertificateError(
            field,
            "has a '-----BEGIN CERTIFICATE-----' block that does not parse; "
            "copy the whole PEM block again, including the BEGIN/END lines",
        ) from None


OKTA_RSA_KEY_SIZES = (2048, 3072, 4096)
"""The only key sizes Okta takes for a MANUAL certificate, and only for RSA keys."""


def _check_okta_key(key: object) -> rsa.RSAPrivateKey:
    """The key if Okta takes it (RSA of 2048, 3072 or 4096 bits); ``CertificateError`` if not."""
    sizes = "2048, 3072 or 4096"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertificateError(
            "private_key",
            f"is an EC key ({key.curve.name}); Okta accepts only RSA keys of {sizes} bits for a "
            "MANUAL certificate: issue the certificate for a new RSA key, e.g. "
            "`openssl req -newkey rsa:2048 ...`",
        )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError(
            "private_key",
            f"is a {type(key).__name__.lstrip('_')} key; Okta accepts only RSA keys of {sizes} "
            "bits: issue the certificate for a new RSA key, e.g. `openssl req -newkey rsa:2048`",
        )
    if key.key_size not in OKTA_RSA_KEY_SIZES:
        raise CertificateError(
            "private_key",
            f"is an RSA key of {key.key_size} bits; Okta accepts only {sizes} bits: issue the "
            "certificate for a new key of one of those sizes, e.g. `openssl req -newkey rsa:2048`",
        )
    return key


def _load_private_key(text: str) -> rsa.RSAPrivateKey:
    field = "private_key"
    if "PRIVATE KEY-----" not in text:
        raise CertificateError(
            field,
            "is not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' line); "
            "give the unencrypted PEM key that belongs to the certificate",
        )
    if "ENCRYPTED" in text:
        raise CertificateError(
            field,
            "is encrypted with a passphrase; Okta needs the unencrypted key: "
            "decrypt it first (e.g. `openssl pkey -in key.pem -out plain.pem`)",
        )
    try:
        key = serialization.load_pem_private_key(text.encode("utf-8"), password=None)
    except TypeError:
        raise CertificateError(
            field,
            "is encrypted with a passphrase; Okta needs the unencrypted key: "
            "decrypt it first (e.g. `openssl pkey -in key.pem -out plain.pem`)",
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise CertificateError(
            field,
            "does not parse as a PEM private key; copy the whole PEM block again, "
            "including the BEGIN/END lines",
        ) from None
    return _check_okta_key(key)


def _spki(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _dns_names(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    return tuple(san.value.get_values_for_type(x509.DNSName))


def _common_names(cert: x509.Certificate) -> tuple[str, ...]:
    return tuple(
        str(attr.value) for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    )


def _normalize_pattern(pattern: str) -> str | None:
    """A certificate name in punycode lower case, wildcard kept; ``None`` if not a DNS name."""
    text = pattern.strip().rstrip(".")
    wildcard = text.startswith("*.")
    try:
        base = normalize_fqdn(text[2:] if wildcard else text)
    except ValueError:
        return None
    return f"*.{base}" if wildcard else base


def name_matches(pattern: str, domain: str) -> bool:
    """Whether certificate name ``pattern`` covers ``domain`` (already normalised).

    A wildcard covers exactly one label: ``*.example.com`` covers ``id.example.com`` but not
    ``example.com`` nor ``a.id.example.com`` (RFC 6125 section 6.4.3, as browsers apply it).
    """
    normalized = _normalize_pattern(pattern)
    if normalized is None:
        return False
    if normalized.startswith("*."):
        head, _, rest = domain.partition(".")
        return bool(head) and rest == normalized[2:]
    return normalized == domain


def _check_covers(cert: x509.Certificate, domain: str) -> tuple[str, ...]:
    sans = _dns_names(cert)
    names = sans or _common_names(cert)
    if not any(name_matches(name, domain) for name in names):
        where = "subject alternative names" if sans else "subject common name (no SAN)"
        listed = ", ".join(names) or "none"
        raise CertificateError(
            "certificate",
            f"does not cover {domain}: its {where}: {listed}; issue a certificate whose SAN "
            f"list contains {domain} (or *.{domain.partition('.')[2]})",
        )
    return sans


def _check_dates(cert: x509.Certificate, now: datetime.datetime, field: str) -> None:
    not_before = cert.not_valid_before_utc
    not_after = cert.not_valid_after_utc
    if now < not_before:
        raise CertificateError(
            field,
            f"is not valid yet: valid from {not_before.isoformat()} (now {now.isoformat()}); "
            "wait until then, or check the clock of the machine that issued it",
        )
    if now > not_after:
        raise CertificateError(
            field,
            f"expired on {not_after.isoformat()} (now {now.isoformat()}); "
            "renew it and give the new certificate, chain and key",
        )


def _check_signed_by(child: x509.Certificate, issuer: x509.Certificate, what: str) -> None:
    field = "certificate_chain"
    if child.issuer != issuer.subject:
        raise CertificateError(
            field,
            f"does not sign {what}: {what} was issued by '{child.issuer.rfc4514_string()}' "
            f"but the next chain certificate is '{issuer.subject.rfc4514_string()}'; give the "
            "intermediate certificates in order, the issuer of the certificate first",
        )
    try:
        child.verify_directly_issued_by(issuer)
    except InvalidSignature:
        raise CertificateError(
            field,
            f"does not sign {what}: the issuer name '{issuer.subject.rfc4514_string()}' "
            "matches but the signature does not verify; this chain belongs to another CA "
            "with the same name: give the chain your CA delivered with this certificate",
        ) from None
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # Unusual signature algorithms: the issuer name matched, which is the check we promise.
        return


def _check_chain(cert: x509.Certificate, chain: Sequence[x509.Certificate]) -> None:
    previous, what = cert, "the certificate"
    for index, link in enumerate(chain):
        if index == 0 and link == cert:
            raise CertificateError(
                "certificate_chain",
                "starts with the certificate itself; give only the intermediate (and "
                "optionally root) certificates in certificate_chain",
            )
        _check_signed_by(previous, link, what)
        previous, what = link, f"chain certificate {index + 1}"


def validate_manual_certificate(
    domain: str,
    certificate_pem: str,
    private_key_pem: str,
    certificate_chain_pem: str | None = None,
    *,
    now: datetime.datetime | None = None,
) -> CertificateSummary:
    """Check a MANUAL certificate for ``domain`` and summarise it; raise ``CertificateError``.

    Checks: each PEM parses; the key is an unencrypted RSA key of 2048, 3072 or 4096 bits (all
    Okta takes) matching the certificate;
    the certificate's SAN DNS names (or CN when it has no SAN) cover the domain; it is valid at
    ``now``; each chain certificate, in order, issued the one before it. Messages never carry
    key material.
    """
    name = normalize_fqdn(domain, field="domain")
    when = now or datetime.datetime.now(datetime.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)

    certs = _load_certificates(
        _require_text(certificate_pem, "certificate", "the certificate"), "certificate"
    )
    if len(certs) > 1:
        raise CertificateError(
            "certificate",
            f"contains {len(certs)} certificates; put only the domain's own certificate in "
            "certificate and the intermediates in certificate_chain",
        )
    cert = certs[0]
    chain: list[x509.Certificate] = []
    if certificate_chain_pem is not None and certificate_chain_pem.strip():
        chain = _load_certificates(certificate_chain_pem, "certificate_chain")
    key = _load_private_key(_require_text(private_key_pem, "private_key", "the private key"))

    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise CertificateError(
            "private_key",
            "does not belong to the certificate (their public keys differ); give the key "
            "that was used for the certificate signing request of this certificate",
        )
    sans = _check_covers(cert, name)
    _check_dates(cert, when, "certificate")
    _check_chain(cert, chain)
    return CertificateSummary(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        sans=sans,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )
