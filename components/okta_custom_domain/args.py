"""Typed arguments of ``OktaCustomDomain``, validated before any resource is created."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from okta_custom_domain import defaults, parsers
from okta_custom_domain.certificates import CertificateError, validate_manual_certificate
from okta_custom_domain.field_marks import SECRET
from okta_custom_domain.names import host_name, label_in_zone
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.okta_records import parse_certificate_source_type
from okta_custom_domain.parsers import InputError, owned
from okta_custom_domain.targets.base import DnsTarget
from okta_custom_domain.targets.registry import checked_target


def _set(obj: object, name: str, value: object) -> None:
    """Store a parsed value on a frozen dataclass, so later code gets the typed form."""
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class ReadinessOptions:
    """How the DNS readiness check finds and asks the authoritative servers.

    ``timeout=None`` means 30 minutes, or 4 hours with ``ManualDns``. ``resolver`` (IP[:port])
    is used only to find the zone and its name servers; ``nameservers`` skips discovery.
    """

    timeout: float | None = None
    """Seconds to wait for every authoritative server to serve the records. Default 1800, or 14400
    with manual DNS."""
    interval: float = defaults.READINESS_INTERVAL
    """Seconds between two rounds of questions to the servers. Default 2."""
    resolver: str | None = None
    """A resolver (IP[:port]) used only to find the zone and its name servers. Default: the
    system's."""
    dns_port: int = defaults.DNS_PORT
    """The port the authoritative servers are asked on. Default 53."""
    nameservers: Sequence[str] | None = None
    """The authoritative servers to ask (IP[:port]), skipping their discovery."""
    validating_resolver: str | None = None
    """A DNSSEC-validating resolver (IP[:port]) that must also answer with the records."""

    def __post_init__(self) -> None:
        with owned("readiness"):
            if self.timeout is not None:
                _set(self, "timeout", parsers.seconds(self.timeout, "timeout"))
            _set(self, "interval", parsers.seconds(self.interval, "interval"))
            _set(self, "dns_port", parsers.port(self.dns_port, "dns_port"))
            _set(self, "resolver", parsers.resolver(self.resolver, "resolver"))
            checked = parsers.resolver(self.validating_resolver, "validating_resolver")
            _set(self, "validating_resolver", checked)
            _set(
                self,
                "nameservers",
                parsers.nameservers(self.nameservers, "nameservers", self.dns_port),
            )


@dataclass(frozen=True)
class VerificationOptions:
    """When to stop waiting: ``COMPLETED`` (certificate issued) or only ``VERIFIED`` (DNS)."""

    wait_for: str = defaults.WAIT_FOR
    """When to stop waiting: `COMPLETED` (certificate issued; default) or `VERIFIED` (DNS verified
    only)."""
    timeout: float = defaults.VERIFICATION_TIMEOUT
    """Seconds to wait for Okta to reach the status waited for. Default 1800."""
    poll_interval: float = defaults.VERIFICATION_POLL_INTERVAL
    """Seconds between two reads of the domain's status from Okta. Default 10."""

    def __post_init__(self) -> None:
        with owned("verification"):
            _set(self, "wait_for", parsers.wait_for(self.wait_for, "wait_for"))
            _set(self, "timeout", parsers.seconds(self.timeout, "timeout"))
            _set(self, "poll_interval", parsers.seconds(self.poll_interval, "poll_interval"))


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
    """The Okta org's URL (`https://acme.okta.com`). Default: `okta:orgName`/`okta:baseUrl` config
    or `OKTA_ORG_NAME`/`OKTA_BASE_URL`."""
    credentials_tenant: str | None = None
    """The name of the `okta-custom-domain:tenants` config entry holding this org's credentials.
    Default: `okta:*` config or `OKTA_*` environment."""

    def __post_init__(self) -> None:
        with owned("okta_org"):
            if self.org_url is not None:
                _set(
                    self,
                    "org_url",
                    org_url_from(
                        self.org_url, field="org_url", name_field="org_url", base_field="org_url"
                    ),
                )
            if self.credentials_tenant is not None and not (
                isinstance(self.credentials_tenant, str) and self.credentials_tenant.strip()
            ):
                raise InputError(
                    "credentials_tenant",
                    "give the name of an entry of the okta-custom-domain:tenants config, or "
                    "leave it unset",
                )


@dataclass(frozen=True)
class ManualCertificate:
    """A certificate you bring (``certificate_source_type="MANUAL"``); PEM text.

    ``certificate_chain`` holds the intermediates (Okta requires it). ``private_key`` is kept
    secret in state; a plain string is checked against the certificate before anything is
    created, a secret Output is checked when it resolves.
    """

    certificate: str
    """The domain's certificate, PEM."""
    certificate_chain: str
    """The intermediate certificates that issued it, PEM (Okta requires them)."""
    private_key: pulumi.Input[str] = field(repr=False, metadata=SECRET)
    """The certificate's private key, PEM. Secret: kept encrypted in state."""

    def __post_init__(self) -> None:
        if not isinstance(self.certificate_chain, str) or not self.certificate_chain.strip():
            raise CertificateError(
                "certificate_chain",
                "is empty; Okta requires the intermediate certificates that issued yours (the "
                "CA bundle your certificate authority sent, in PEM)",
            )

    def validate(self, domain: str) -> None:
        """Raise ``CertificateError`` (a ``ValueError``) naming the field and the fix."""
        if isinstance(self.private_key, str):
            validate_manual_certificate(
                domain, self.certificate, self.private_key, self.certificate_chain
            )


def _adoption_flags(adopt: object, delete_on_destroy: object) -> None:
    """``adopt`` and ``delete_on_destroy`` are booleans; the second means nothing alone."""
    for name, value in (("adopt", adopt), ("delete_on_destroy", delete_on_destroy)):
        if not isinstance(value, bool):
            raise InputError(name, f"give True or False, got {value!r}")
    if delete_on_destroy and not adopt:
        raise InputError(
            "delete_on_destroy",
            "applies only to an adopted domain (a domain this stack created is deleted by "
            "`pulumi destroy` anyway); set {adopt} too, or remove delete_on_destroy",
            mentions=("adopt",),
        )


@dataclass(frozen=True)
class OktaCustomDomainArgs:
    """Everything one custom domain needs; see the README for each field."""

    domain: str
    """The custom domain (e.g. `login.example.com`), below the DNS zone's apex."""
    dns: DnsTarget
    """Where the CNAME and TXT records Okta asks for are written."""
    certificate_source_type: str = "OKTA_MANAGED"
    """`OKTA_MANAGED` (Okta obtains the certificate; default) or `MANUAL` (give `certificate`)."""
    brand_id: pulumi.Input[str] | None = None
    """The Okta brand to attach the domain to. Default: the org's default brand."""
    certificate: ManualCertificate | None = None
    """Your certificate, when the certificate source type is `MANUAL`."""
    readiness: ReadinessOptions = field(default_factory=ReadinessOptions)
    """How the DNS readiness check finds and asks the zone's authoritative servers."""
    verification: VerificationOptions = field(default_factory=VerificationOptions)
    """When verification stops waiting, and how often it asks Okta."""
    okta_org: OktaOrg = field(default_factory=OktaOrg)
    """Which Okta org the verification step talks to, and where its credentials are."""
    adopt: bool = False
    """Take over the Okta domain of this name that already exists (and the records already
    serving it) instead of creating one: imported, never replaced, not verified again. Fails
    before anything is created when the org has no such domain."""
    delete_on_destroy: bool = False
    """With `adopt`: let `pulumi destroy` delete the adopted domain and records. Default: they
    are left in place, serving."""

    def __post_init__(self) -> None:
        _set(self, "domain", host_name(self.domain, field="domain"))
        _adoption_flags(self.adopt, self.delete_on_destroy)
        checked_target(self.dns, "dns")
        if self.dns.zone is not None:
            label_in_zone(self.domain, self.dns.zone, field="domain")
        source = parse_certificate_source_type(self.certificate_source_type)
        _set(self, "certificate_source_type", source)
        if source == "MANUAL" and self.certificate is None:
            raise InputError(
                "certificate",
                "certificate_source_type='MANUAL' needs certificate=ManualCertificate"
                "(certificate=..., certificate_chain=..., private_key=...)",
            )
        if source == "OKTA_MANAGED" and self.certificate is not None:
            raise InputError(
                "certificate",
                "Okta obtains the certificate for OKTA_MANAGED domains; remove certificate or "
                "set certificate_source_type='MANUAL'",
            )
        if self.certificate is not None:
            try:
                self.certificate.validate(self.domain)
            except InputError as exc:
                raise exc.within("certificate") from None

    @property
    def readiness_timeout(self) -> float:
        """The readiness timeout with its target-dependent default applied."""
        if self.readiness.timeout is not None:
            return self.readiness.timeout
        return self.dns.readiness_timeout
