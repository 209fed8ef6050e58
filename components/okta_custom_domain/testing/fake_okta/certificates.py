"""Certificates of a custom domain: the one Okta issues, and the check of an uploaded one.

An upload is refused with every cause at once (type, certificate, chain, key, key match), as
Okta lists them, and the private key itself is never kept. Okta takes only RSA keys of 2048,
3072 or 4096 bits; fingerprints are written as colon-separated hex pairs, as in Okta's spec.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from okta_custom_domain.testing.fake_okta.common import iso


def okta_certificate(
    domain_id: str, name: str, now: float, valid_days: float = 90
) -> dict[str, str]:
    """The ``publicCertificate`` of an OKTA_MANAGED domain, valid ``valid_days`` (Let's
    Encrypt's 90) from ``now``."""
    return {
        "subject": f"CN={name}",
        "fingerprint": colon_hex(hashlib.sha256(f"{domain_id}@{now}".encode()).digest()),
        "expiration": iso(now + valid_days * 86400),
    }


RSA_KEY_SIZES = (2048, 3072, 4096)


def colon_hex(digest: bytes) -> str:
    """``digest`` as Okta writes fingerprints: upper-case hex pairs joined by colons."""
    return ":".join(f"{b:02X}" for b in digest)


def uploaded_certificate(body: dict[str, Any]) -> tuple[dict[str, str] | None, list[str]]:
    """The ``publicCertificate`` of an upload body, or None and the causes it is refused for."""
    causes: list[str] = []
    if body.get("type") != "PEM":
        causes.append("type: must be PEM")
    cert_obj: x509.Certificate | None = None
    try:
        cert_obj = x509.load_pem_x509_certificate(str(body.get("certificate", "")).encode())
    except ValueError:
        causes.append("certificate: not a PEM certificate")
    try:
        chain = str(body.get("certificateChain", ""))
        if not x509.load_pem_x509_certificates(chain.encode()):
            raise ValueError
    except ValueError:
        causes.append("certificateChain: not a PEM certificate chain")
    key_public = _private_key_public_der(body, causes)
    if cert_obj is not None and key_public is not None:
        cert_public = cert_obj.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if cert_public != key_public:
            causes.append("privateKey: does not match the certificate")
    if causes or cert_obj is None:
        return None, causes
    return {
        "subject": cert_obj.subject.rfc4514_string(),
        "fingerprint": colon_hex(cert_obj.fingerprint(hashes.SHA256())),
        "expiration": iso(cert_obj.not_valid_after_utc.timestamp()),
    }, causes


def _private_key_public_der(body: dict[str, Any], causes: list[str]) -> bytes | None:
    """The public half (DER) of the upload's private key; None, with a cause, when unusable."""
    try:
        key = serialization.load_pem_private_key(
            str(body.get("privateKey", "")).encode(), password=None
        )
    except (ValueError, TypeError):
        causes.append("privateKey: not an unencrypted PEM private key")
        return None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size not in RSA_KEY_SIZES:
        causes.append("privateKey: must be an RSA key of 2048, 3072 or 4096 bits")
        return None
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
