"""Helpers shared by the Okta tests (a plain module: ``from okta_fixtures import FakeTime``).

A clock that moves only when someone sleeps, and fresh PEM key pairs for OAuth service apps.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


class FakeTime:
    """A clock that moves only when someone sleeps; records every sleep."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pem_pair(kind: str = "rsa", curve: ec.EllipticCurve | None = None) -> tuple[str, str]:
    """A new (PKCS#8 private PEM, SubjectPublicKeyInfo PEM): RSA-2048, or EC (P-256 by default).

    The curve decides the JWS algorithm (P-256 ES256, P-384 ES384), so tests name it.
    """
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "rsa"
        else ec.generate_private_key(curve or ec.SECP256R1())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public
