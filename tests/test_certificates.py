"""MANUAL certificate checks: each bad input fails with the field named and no key text."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from okta_custom_domain.certificates import (
    CertificateError,
    CertificateSummary,
    name_matches,
    validate_manual_certificate,
)
from okta_custom_domain.testing.certs import GeneratedCertificate, make_certificate

DOMAIN = "login.example.com"
UTC = datetime.UTC

MakeCert = Callable[..., GeneratedCertificate]


@pytest.fixture(scope="module")
def good() -> GeneratedCertificate:
    return make_certificate(DOMAIN)


def _key_body(pem: str) -> list[str]:
    """Base64 lines of a PEM key: none of them may show up in any message."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def _assert_no_key_text(exc: BaseException, key_pem: str) -> None:
    text = str(exc) + repr(exc)
    for line in _key_body(key_pem):
        assert line not in text


def test_valid_certificate_summary(good: GeneratedCertificate) -> None:
    summary = validate_manual_certificate(
        DOMAIN, good.certificate_pem, good.private_key_pem, good.chain_pem
    )
    assert isinstance(summary, CertificateSummary)
    assert summary.sans == (DOMAIN,)
    assert summary.subject == f"CN={DOMAIN}"
    assert "Test CA" in summary.issuer
    assert len(summary.fingerprint_sha256) == 64
    assert summary.not_after > datetime.datetime.now(UTC)
    assert good.private_key_pem not in repr(good)


def test_valid_without_chain_and_mixed_case_domain(good: GeneratedCertificate) -> None:
    summary = validate_manual_certificate(
        "LOGIN.Example.COM.", good.certificate_pem, good.private_key_pem, None
    )
    assert summary.sans == (DOMAIN,)


@pytest.mark.parametrize("key_format", ["pkcs8", "pkcs1"])
def test_rsa_key_formats(key_format: str) -> None:
    made = make_certificate(DOMAIN, key_format=key_format)  # type: ignore[arg-type]
    marker = "BEGIN PRIVATE KEY" if key_format == "pkcs8" else "BEGIN RSA PRIVATE"
    assert marker in made.private_key_pem
    summary = validate_manual_certificate(
        DOMAIN, made.certificate_pem, made.private_key_pem, made.chain_pem
    )
    assert summary.sans == (DOMAIN,)


@pytest.mark.parametrize("key_format", ["pkcs8", "pkcs1"])
def test_ec_key_is_refused_before_anything_is_created(key_format: str) -> None:
    """Okta takes only RSA keys of 2048, 3072 or 4096 bits for a MANUAL certificate."""
    made = make_certificate(DOMAIN, key_type="ec", key_format=key_format)  # type: ignore[arg-type]
    with pytest.raises(CertificateError) as info:
        validate_manual_certificate(DOMAIN, made.certificate_pem, made.private_key_pem, made.chain_pem)
    assert info.value.field == "private_key"
    assert "EC key (secp256r1)" in str(info.value)
    assert "only RSA keys of 2048, 3072 or 4096 bits" in str(info.value)
    assert "rsa:2048" in str(info.value)
    _assert_no_key_text(info.value, made.private_key_pem)


@pytest.mark.parametrize(("bits", "accepted"), [(1024, False), (3072, True), (4096, True)])
def test_rsa_key_sizes_okta_takes(bits: int, accepted: bool) -> None:
    cert_pem, key_pem = _self_signed(bits)
    if accepted:
        assert validate_manual_certificate(DOMAIN, cert_pem, key_pem).sans == (DOMAIN,)
        return
    with pytest.raises(CertificateError) as info:
        validate_manual_certificate(DOMAIN, cert_pem, key_pem)
    assert str(info.value).startswith("private_key: is an RSA key of 1024 bits;")
    assert "2048, 3072 or 4096" in str(info.value)
    _assert_no_key_text(info.value, key_pem)


def _self_signed(bits: int) -> tuple[str, str]:
    """A self-signed certificate for DOMAIN on a new RSA key of ``bits`` bits, and the key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(DOMAIN)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def test_expired(good: GeneratedCertificate) -> None:
    past = datetime.datetime.now(UTC) - datetime.timedelta(days=100)
    made = make_certificate(DOMAIN, days=10, not_before=past)
    with pytest.raises(CertificateError, match=r"^certificate: expired on .*renew") as info:
        validate_manual_certificate(DOMAIN, made.certificate_pem, made.private_key_pem)
    assert info.value.field == "certificate"
    _assert_no_key_text(info.value, made.private_key_pem)


def test_expiry_uses_given_now(good: GeneratedCertificate) -> None:
    later = datetime.datetime.now(UTC) + datetime.timedelta(days=91)
    with pytest.raises(CertificateError, match="expired"):
        validate_manual_certificate(
            DOMAIN, good.certificate_pem, good.private_key_pem, good.chain_pem, now=later
        )


def test_not_yet_valid() -> None:
    future = datetime.datetime.now(UTC) + datetime.timedelta(days=3)
    made = make_certificate(DOMAIN, not_before=future)
    with pytest.raises(CertificateError, match=r"^certificate: is not valid yet: valid from"):
        validate_manual_certificate(DOMAIN, made.certificate_pem, made.private_key_pem)


def test_other_domain(good: GeneratedCertificate) -> None:
    with pytest.raises(CertificateError, match=r"does not cover id\.other\.org") as info:
        validate_manual_certificate(
            "id.other.org", good.certificate_pem, good.private_key_pem, good.chain_pem
        )
    assert info.value.field == "certificate"
    assert DOMAIN in str(info.value)  # says what the certificate does cover


def test_wildcard_covers_one_label_only() -> None:
    made = make_certificate("*.Example.com")
    summary = validate_manual_certificate(
        "login.example.com", made.certificate_pem, made.private_key_pem, made.chain_pem
    )
    assert summary.sans == ("*.Example.com",)
    for outside in ("example.com", "a.login.example.com"):
        with pytest.raises(CertificateError, match="does not cover"):
            validate_manual_certificate(outside, made.certificate_pem, made.private_key_pem)


def test_extra_san_and_punycode() -> None:
    made = make_certificate("www.example.com", extra_names=("xn--bcher-kva.example.com",))
    summary = validate_manual_certificate(
        "Bücher.example.com", made.certificate_pem, made.private_key_pem, made.chain_pem
    )
    assert "xn--bcher-kva.example.com" in summary.sans


def test_common_name_used_only_without_san() -> None:
    made = make_certificate(DOMAIN, include_san=False)
    summary = validate_manual_certificate(DOMAIN, made.certificate_pem, made.private_key_pem)
    assert summary.sans == ()
    with_san = make_certificate("other.example.com")
    # CN is other.example.com too, but a SAN list exists and it does not name login.
    with pytest.raises(CertificateError, match="subject alternative names"):
        validate_manual_certificate(DOMAIN, with_san.certificate_pem, with_san.private_key_pem)


@pytest.mark.parametrize(
    ("pattern", "domain", "expected"),
    [
        ("login.example.com", "login.example.com", True),
        ("LOGIN.example.com.", "login.example.com", True),
        ("*.example.com", "login.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", "loginexample.com", False),
        ("not a name", "login.example.com", False),
    ],
)
def test_name_matches(pattern: str, domain: str, expected: bool) -> None:
    assert name_matches(pattern, domain) is expected


def test_key_not_matching(good: GeneratedCertificate) -> None:
    other = make_certificate(DOMAIN)
    with pytest.raises(CertificateError, match=r"^private_key: does not belong") as info:
        validate_manual_certificate(
            DOMAIN, good.certificate_pem, other.private_key_pem, good.chain_pem
        )
    _assert_no_key_text(info.value, other.private_key_pem)


@pytest.mark.parametrize(
    ("field", "garbage"),
    [
        ("certificate", "hello"),
        (
            "certificate",
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        ),
        ("certificate_chain", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        (
            "private_key",
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n",
        ),
        ("private_key", "not a key at all"),
        ("certificate", ""),
        ("private_key", ""),
    ],
)
def test_garbage_pem(good: GeneratedCertificate, field: str, garbage: str) -> None:
    cert, key, chain = good.certificate_pem, good.private_key_pem, good.chain_pem
    if field == "certificate":
        cert = garbage
    elif field == "private_key":
        key = garbage
    else:
        chain = garbage
    with pytest.raises(CertificateError) as info:
        validate_manual_certificate(DOMAIN, cert, key, chain)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    if field == "private_key":
        _assert_no_key_text(info.value, garbage)


def test_encrypted_key(good: GeneratedCertificate) -> None:
    key = serialization.load_pem_private_key(good.private_key_pem.encode(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    ).decode()
    with pytest.raises(CertificateError, match=r"^private_key: is encrypted.*openssl pkey") as info:
        validate_manual_certificate(DOMAIN, good.certificate_pem, encrypted, good.chain_pem)
    _assert_no_key_text(info.value, encrypted)


def test_private_key_pasted_into_certificate_field(good: GeneratedCertificate) -> None:
    with pytest.raises(CertificateError, match=r"^certificate: contains a private key") as info:
        validate_manual_certificate(
            DOMAIN, good.certificate_pem + good.private_key_pem, good.private_key_pem
        )
    _assert_no_key_text(info.value, good.private_key_pem)


def test_several_certificates_in_certificate_field(good: GeneratedCertificate) -> None:
    with pytest.raises(CertificateError, match=r"contains 2 certificates"):
        validate_manual_certificate(
            DOMAIN, good.certificate_pem + good.chain_pem, good.private_key_pem
        )


def test_chain_of_another_ca(good: GeneratedCertificate) -> None:
    other = make_certificate("other.example.com")
    with pytest.raises(CertificateError, match=r"^certificate_chain: does not sign") as info:
        validate_manual_certificate(
            DOMAIN, good.certificate_pem, good.private_key_pem, other.chain_pem
        )
    assert "issuer of the certificate first" in str(info.value)


def test_chain_same_name_other_key() -> None:
    # Two CAs made for the same domain have the same subject name: only the signature differs.
    first = make_certificate(DOMAIN)
    second = make_certificate(DOMAIN)
    with pytest.raises(CertificateError, match="signature does not verify"):
        validate_manual_certificate(
            DOMAIN, first.certificate_pem, first.private_key_pem, second.chain_pem
        )


def test_chain_starting_with_leaf(good: GeneratedCertificate) -> None:
    with pytest.raises(CertificateError, match="starts with the certificate itself"):
        validate_manual_certificate(
            DOMAIN,
            good.certificate_pem,
            good.private_key_pem,
            good.certificate_pem + good.chain_pem,
        )
