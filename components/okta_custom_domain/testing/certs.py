"""Throw-away certificates for tests and the offline demo.

A MANUAL Okta custom domain needs a certificate, its chain and a private key. Tests and the
demo must not depend on a real CA, so this builds a self-signed CA and a leaf signed by it.
Nothing here is fit for production use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KeyType = Literal["rsa", "ec"]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class GeneratedCertificate:
    """PEM texts of a leaf certificate, the CA that signed it, and the leaf's private key."""

    certificate_pem: str
    chain_pem: str
    private_key_pem: str = field(repr=False)
    ca_private_key_pem: str = field(repr=False, default="")


def _new_key(key_type: KeyType) -> PrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"key_type: {key_type!r} is not supported; use 'rsa' or 'ec'")


def _key_pem(key: PrivateKey, key_format: serialization.PrivateFormat) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, key_format, serialization.NoEncryption()
    ).decode("ascii")


def make_certificate(
    domain: str,
    *,
    days: int = 90,
    not_before: datetime.datetime | None = None,
    key_type: KeyType = "rsa",
    extra_names: tuple[str, ...] = (),
    include_san: bool = True,
    key_format: Literal["pkcs8", "pkcs1"] = "pkcs8",
) -> GeneratedCertificate:
    """Build a CA and a leaf certificate for ``domain`` valid ``days`` days from ``not_before``.

    ``not_before`` defaults to one hour ago; pass a date in the past with a small ``days`` to get
    an expired certificate, or one in the future for a not-yet-valid one. ``include_san=False``
    puts the domain only in the subject CN. ``key_format="pkcs1"`` writes the leaf key in the
    traditional OpenSSL form (``BEGIN RSA PRIVATE KEY`` / ``BEGIN EC PRIVATE KEY``).
    """
    start = not_before or (
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    end = start + datetime.timedelta(days=days)
    ca_key = _new_key(key_type)
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "okta-custom-domain test CA"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Test CA for {domain}"),
        ]
    )
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - datetime.timedelta(days=1))
        .not_valid_after(end + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = _new_key(key_type)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    if include_san:
        names = [x509.DNSName(name) for name in (domain, *extra_names)]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    leaf_cert = builder.sign(ca_key, hashes.SHA256())
    leaf_format = (
        serialization.PrivateFormat.TraditionalOpenSSL
        if key_format == "pkcs1"
        else serialization.PrivateFormat.PKCS8
    )
    return GeneratedCertificate(
        certificate_pem=leaf_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        chain_pem=ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        private_key_pem=_key_pem(leaf_key, leaf_format),
        ca_private_key_pem=_key_pem(ca_key, serialization.PrivateFormat.PKCS8),
    )
