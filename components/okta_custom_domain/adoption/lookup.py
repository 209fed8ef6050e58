"""Finding the live Okta domain an ``adopt: true`` entry takes over, while the program runs.

Pulumi's ``import`` option needs the domain id as plain text when the resource is declared, so
the lookup is a synchronous read (list, then get) through the project's Okta client, with the
credentials the verifier uses. It writes nothing. One lookup per org and name per process: the
program checks every adopted domain before it declares anything, the component then reads the
same answer.
"""

from __future__ import annotations

import hashlib
import os
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.credentials import resolve_credentials
from okta_custom_domain.okta.models import OktaDomain
from okta_custom_domain.parsers import InputError


class AdoptionError(InputError):
    """``adopt: true`` cannot be honoured (no such domain, or a setting it contradicts)."""


@dataclass(frozen=True)
class Adoption:
    """What the org has for an adopted name: the domain as Okta shows it, and its org."""

    org_url: str
    domain: OktaDomain

    @property
    def domain_id(self) -> str:
        return self.domain.id

    def record_value(self, record_type: str) -> str | None:
        """The value Okta asks for in the ``record_type`` record (CNAME target, TXT token)."""
        record = self.domain.record(record_type)
        return record.value if record is not None else None

    def certificate_matches(self, certificate_pem: str) -> bool:
        """Whether Okta already serves ``certificate_pem`` (by its fingerprint): then nothing is
        uploaded. Okta writes fingerprints as colon-separated hex; SHA-256 and SHA-1 are both
        taken, as the API does not say which it uses."""
        live = self.domain.public_certificate
        if live is None or not live.fingerprint:
            return False
        wanted = live.fingerprint.replace(":", "").lower()
        return wanted in _fingerprints(certificate_pem)


_CACHE: weakref.WeakKeyDictionary[object, dict[tuple[str, str], Adoption]] = (
    weakref.WeakKeyDictionary()
)


def find_adoption(
    domain: str,
    org_url: str,
    credentials_tenant: str | None,
    config_get: Callable[[str], Any],
    environ: Mapping[str, str] | None = None,
    scope: object | None = None,
) -> Adoption:
    """The live domain called ``domain`` in the org; ``AdoptionError`` naming both when the org
    has none. ``config_get`` reads stack config by full key (``okta-custom-domain:tenants``);
    answers are remembered for ``scope`` (none: asked every time)."""
    key = (org_url, domain)
    cache: dict[tuple[str, str], Adoption] = {} if scope is None else _CACHE.setdefault(scope, {})
    if key not in cache:
        credentials = resolve_credentials(
            config_get,
            os.environ if environ is None else environ,
            tenant=credentials_tenant,
            org_url=org_url,
        )
        with OktaDomainsClient(credentials.org_url, credentials.auth) as client:
            found = client.find_domain(domain)
            names = [] if found else [d.domain for d in client.list_domains() if not d.is_default]
        if found is None:
            raise AdoptionError("adopt", _missing(domain, credentials.org_url, names))
        cache[key] = Adoption(credentials.org_url, found)
    return cache[key]


def check_source_type(adoption: Adoption, wanted: str) -> None:
    """The config's certificate source must be the live one: changing it is not adopting."""
    live = adoption.domain.certificate_source_type or "MANUAL"
    if live != wanted:
        raise AdoptionError(
            "certificate_source_type",
            f"{adoption.domain.domain} in {adoption.org_url} is {live}, the config says "
            f"{wanted}; set certificate_source_type to {live} to adopt it as it is (with MANUAL, "
            "give the certificate it serves or the one to upload)",
        )


def _missing(domain: str, org_url: str, names: list[str]) -> str:
    listed = ", ".join(sorted(names)) or "none"
    return (
        f"{domain} does not exist in the Okta org {org_url} (its custom domains: {listed}); "
        "check the name and the org, or remove adopt to create the domain"
    )


def _fingerprints(certificate_pem: str) -> set[str]:
    der = x509.load_pem_x509_certificate(certificate_pem.encode()).public_bytes(Encoding.DER)
    return {hashlib.sha256(der).hexdigest(), hashlib.sha1(der).hexdigest()}


def forget_lookups() -> None:
    """Drop the remembered answers (a test that changes the org between two programs)."""
    _CACHE.clear()
