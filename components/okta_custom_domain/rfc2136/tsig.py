"""TSIG credentials for RFC 2136 updates, checked early and never shown.

A wrong algorithm or a secret that is not base64 only shows up as BADKEY/BADSIG from the
server, long after ``pulumi preview``; checking them here names the field instead. The
secret is kept out of ``repr`` because dnspython's own ``dns.tsig.Key`` prints it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.tsig

from okta_custom_domain import defaults
from okta_custom_domain.parsers import InputError

# Short names as BIND/Knot configs spell them -> the DNS name dnspython signs with.
ALGORITHMS: dict[str, dns.name.Name] = {
    "hmac-md5": dns.tsig.HMAC_MD5,
    "hmac-sha1": dns.tsig.HMAC_SHA1,
    "hmac-sha224": dns.tsig.HMAC_SHA224,
    "hmac-sha256": dns.tsig.HMAC_SHA256,
    "hmac-sha256-128": dns.tsig.HMAC_SHA256_128,
    "hmac-sha384": dns.tsig.HMAC_SHA384,
    "hmac-sha384-192": dns.tsig.HMAC_SHA384_192,
    "hmac-sha512": dns.tsig.HMAC_SHA512,
    "hmac-sha512-256": dns.tsig.HMAC_SHA512_256,
}


class TsigKeyError(InputError):
    """A TSIG input that cannot work; ``field`` is the resource input to fix."""


def normalize_algorithm(algorithm: str) -> str:
    """The short lower-case algorithm name (``HMAC-SHA256.`` -> ``hmac-sha256``)."""
    if not isinstance(algorithm, str) or not algorithm.strip():
        raise TsigKeyError(
            "key_algorithm", f"an algorithm is required; use {defaults.TSIG_ALGORITHM}"
        )
    text = algorithm.strip().lower().rstrip(".")
    if text == "hmac-md5.sig-alg.reg.int":
        text = "hmac-md5"
    if text not in ALGORITHMS:
        raise TsigKeyError(
            "key_algorithm",
            "is not a TSIG algorithm dnspython can sign with (the value is not shown: it may be "
            f"the secret in the wrong place); use one of {', '.join(ALGORITHMS)} (the same as "
            "in the server's key definition), and put the base64 secret in {key_secret}",
            mentions=("key_secret",),
        )
    return text


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base64 ``secret``; the error never repeats the secret."""
    if not isinstance(secret, str) or not secret.strip():
        raise TsigKeyError(
            "key_secret",
            "the base64 TSIG secret is required (as in the server's key file)",
        )
    try:
        raw = base64.b64decode("".join(secret.split()), validate=True)
    except (binascii.Error, ValueError):
        raise TsigKeyError(
            "key_secret",
            "is not valid base64; copy the `secret` value of the key exactly as the server's "
            "key file shows it (e.g. from `tsig-keygen` or `keymgr -t`)",
        ) from None
    if not raw:
        raise TsigKeyError("key_secret", "decodes to zero bytes; give the key's base64 secret")
    return raw


def normalize_key_name(name: str) -> str:
    """The key name as DNS name text, lower case, no final dot (``Okta-Key.`` -> ``okta-key``)."""
    if not isinstance(name, str) or not name.strip():
        raise TsigKeyError("key_name", "the TSIG key name is required (the server's key id)")
    try:
        parsed = dns.name.from_text(name.strip())
    except dns.exception.DNSException as exc:
        raise TsigKeyError(
            "key_name",
            f"{name!r} is not a valid key name ({exc}); use the server's key id",
        ) from None
    return parsed.to_text(omit_final_dot=True).lower()


@dataclass(frozen=True, kw_only=True)
class TsigKey:
    """Name, algorithm and base64 secret of a TSIG key; validated on construction.

    Keyword-only so that a secret can never be passed where the algorithm is expected.
    """

    name: str
    secret: str = field(repr=False)
    algorithm: str = defaults.TSIG_ALGORITHM

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", normalize_key_name(self.name))
        object.__setattr__(self, "algorithm", normalize_algorithm(self.algorithm))
        decode_secret(self.secret)

    def __repr__(self) -> str:
        return f"TsigKey(name={self.name!r}, algorithm={self.algorithm!r}, secret=<hidden>)"

    __str__ = __repr__

    @property
    def dns_name(self) -> dns.name.Name:
        return dns.name.from_text(self.name)

    @property
    def dns_algorithm(self) -> dns.name.Name:
        return ALGORITHMS[self.algorithm]

    def to_dns_key(self) -> dns.tsig.Key:
        """The dnspython key (beware: its ``repr`` shows the secret; never print it)."""
        return dns.tsig.Key(self.dns_name, decode_secret(self.secret), self.dns_algorithm)

    def keyring(self) -> dict[dns.name.Name, dns.tsig.Key]:
        """A one-key keyring for ``dns.update.UpdateMessage`` and ``dns.query``."""
        key = self.to_dns_key()
        return {key.name: key}
