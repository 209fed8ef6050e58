"""Typed arguments of ``OktaCustomDomain``, validated before any resource is created."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from okta_custom_domain.certificates import validate_manual_certificate
from okta_custom_domain.names import normalize_fqdn, relative_label
from okta_custom_domain.records import CERTIFICATE_SOURCE_TYPES
from okta_custom_domain.targets import DNS_TARGET_TYPES, DnsTarget, ManualDns

DEFAULT_READINESS_TIMEOUT = 1800.0
"""30 minutes: long enough for CI, short enough to fail a stuck run the same day."""

DEFAULT_MANUAL_READINESS_TIMEOUT = 4 * 3600.0
"""A person pastes ``ManualDns`` rows into a web form; give them hours, not minutes."""

WAIT_FOR_STATES = ("COMPLETED", "VERIFIED")


def _positive(value: float, field_name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{field_name}: {value!r} must be a positive number of seconds")


@dataclass(frozen=True)
class ReadinessOptions:
    """How the DNS readiness check finds and asks the authoritative servers.

    ``timeout=None`` means 30 minutes, or 4 hours with ``ManualDns``. ``resolver`` (host[:port])
    is used only to find the zone and its name servers; ``nameservers`` skips discovery.
    """

    timeout: float | None = None
    interval: float = 2.0
    resolver: str | None = None
    dns_port: int = 53
    nameservers: Sequence[str] | None = None
    validating_resolver: str | None = None

    def __post_init__(self) -> None:
        if self.timeout is not None:
            _positive(self.timeout, "readiness.timeout")
        _positive(self.interval, "readiness.interval")
        if (
            isinstance(self.dns_port, bool)
            or not isinstance(self.dns_port, int)
            or not (0 < self.dns_port < 65536)
        ):
            raise ValueError(f"readiness.dns_port: {self.dns_port!r} is not a port (1..65535)")
        if self.nameservers is not None:
            if isinstance(self.nameservers, str) or not self.nameservers:
                raise ValueError(
                    "readiness.nameservers: give a non-empty list of host[:port], or None to "
                    "discover the zone's name servers"
                )
            object.__setattr__(self, "nameservers", tuple(self.nameservers))


@dataclass(frozen=True)
class VerificationOptions:
    """When to stop waiting: ``COMPLETED`` (certificate issued) or only ``VERIFIED`` (DNS)."""

    wait_for: str = "COMPLETED"
    timeout: float = 1800.0
    poll_interval: float = 10.0

    def __post_init__(self) -> None:
        if self.wait_for not in WAIT_FOR_STATES:
            raise ValueError(
                f"verification.wait_for: {self.wait_for!r} is not known; use 'COMPLETED' to wait "
                "for the certificate or 'VERIFIED' to stop once DNS is verified"
            )
        _positive(self.timeout, "verification.timeout")
        _positive(self.poll_interval, "verification.poll_interval")


@dataclass(frozen=True)
class OktaOrg:
    """Which Okta org the verification step talks to, and where its credentials are.

    The verification provider never receives a credential as an input (inputs are state): it
    reads them from stack config or the environment, as the Okta provider does. ``org_url``
    (``https://acme.okta.com``) defaults to ``okta:orgName``/``okta:baseUrl`` or
    ``OKTA_ORG_NAME``/``OKTA_BASE_URL``; ``credentials_tenant`` names an entry of the
    ``okta-custom-domain:tenants`` config list.
    """

    org_url: str | None = None
    credentials_tenant: str | None = None


@dataclass(frozen=True)
class ManualCertificate:
    """A certificate you bring (``certificate_source_type="MANUAL"``); PEM text.

    ``certificate_chain`` holds the intermediates (Okta requires it). ``private_key`` is kept
    secret in state; a plain string is checked against the certificate before anything is
    created, a secret Output is checked when it resolves.
    """

    certificate: str
    certificate_chain: str
    private_key: pulumi.Input[str] = field(repr=False)

    def validate(self, domain: str) -> None:
        """Raise ``CertificateError`` (a ``ValueError``) naming the field and the fix."""
        if isinstance(self.private_key, str):
            validate_manual_certificate(
                domain, self.certificate, self.private_key, self.certificate_chain
            )


@dataclass(frozen=True)
class OktaCustomDomainArgs:
    """Everything one custom domain needs; see the README for each field."""

    domain: str
    dns: DnsTarget
    certificate_source_type: str = "OKTA_MANAGED"
    brand_id: pulumi.Input[str] | None = None
    certificate: ManualCertificate | None = None
    readiness: ReadinessOptions = field(default_factory=ReadinessOptions)
    verification: VerificationOptions = field(default_factory=VerificationOptions)
    okta_org: OktaOrg = field(default_factory=OktaOrg)

    def __post_init__(self) -> None:
        object.__setattr__(self, "domain", normalize_fqdn(self.domain, field="domain"))
        if not isinstance(self.dns, DNS_TARGET_TYPES):
            raise ValueError(
                f"dns: {type(self.dns).__name__} is not a DNS target; use CloudflareDns, "
                "ManualDns or Rfc2136Dns"
            )
        zone = self.dns.zone
        if zone is not None:
            try:
                relative_label(self.domain, zone)
            except ValueError as exc:
                raise ValueError(f"domain: {exc}") from exc
        if self.certificate_source_type not in CERTIFICATE_SOURCE_TYPES:
            raise ValueError(
                f"certificate_source_type: {self.certificate_source_type!r} is not known; use "
                "'OKTA_MANAGED' (Okta obtains the certificate) or 'MANUAL' (you upload one)"
            )
        if self.certificate_source_type == "MANUAL" and self.certificate is None:
            raise ValueError(
                "certificate: certificate_source_type='MANUAL' needs certificate=ManualCertificate"
                "(certificate=..., certificate_chain=..., private_key=...)"
            )
        if self.certificate is not None and self.certificate_source_type == "MANUAL":
            self.certificate.validate(self.domain)
        if self.certificate_source_type == "OKTA_MANAGED" and self.certificate is not None:
            raise ValueError(
                "certificate: Okta obtains the certificate for OKTA_MANAGED domains; remove "
                "certificate or set certificate_source_type='MANUAL'"
            )

    @property
    def readiness_timeout(self) -> float:
        """The readiness timeout with its target-dependent default applied."""
        if self.readiness.timeout is not None:
            return self.readiness.timeout
        if isinstance(self.dns, ManualDns):
            return DEFAULT_MANUAL_READINESS_TIMEOUT
        return DEFAULT_READINESS_TIMEOUT
