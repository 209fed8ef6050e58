"""Typed arguments of ``OktaEmailDomain``, validated before any resource is created."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi

from okta_custom_domain import defaults, parsers
from okta_custom_domain.args import OktaOrg, ReadinessOptions
from okta_custom_domain.names import host_name, label_in_zone
from okta_custom_domain.parsers import InputError, owned
from okta_custom_domain.targets.base import DnsTarget
from okta_custom_domain.targets.registry import checked_target

_USER_NAME = re.compile(r"^[A-Za-z0-9._+-]{1,64}$")


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class EmailVerificationOptions:
    """How long to wait for Okta to call the email domain VERIFIED, and how often to ask."""

    timeout: float = defaults.VERIFICATION_TIMEOUT
    """Seconds to wait for VERIFIED after the records are served. Default 1800 (Okta itself
    keeps polling DNS for up to 24 hours)."""
    poll_interval: float = defaults.VERIFICATION_POLL_INTERVAL
    """Seconds between two reads of the email domain's status. Default 10."""

    def __post_init__(self) -> None:
        with owned("verification"):
            _set(self, "timeout", parsers.seconds(self.timeout, "timeout"))
            _set(self, "poll_interval", parsers.seconds(self.poll_interval, "poll_interval"))


@dataclass(frozen=True)
class OktaEmailDomainArgs:
    """A custom email domain: Okta's mail comes from ``user_name@domain`` for the brand."""

    domain: str
    """The domain mail is sent from (e.g. `acme.com`, or `notify.acme.com` when the domain
    is already used with SendGrid elsewhere: one sender domain per brand)."""
    dns: DnsTarget
    """Where the four records Okta asks for are written (TXT, the mail CNAME, two DKIM
    CNAMEs)."""
    display_name: str
    """The sender's name mail shows (e.g. `Acme IT`)."""
    user_name: str
    """The part before the @ of the sender address (e.g. `noreply`)."""
    brand_id: pulumi.Input[str]
    """The Okta brand that sends from this domain (`okta.Brand.id`, or an existing brand's
    id): an email domain needs one."""
    readiness: ReadinessOptions = field(default_factory=ReadinessOptions)
    """How the DNS readiness check finds and asks the zone's authoritative servers."""
    verification: EmailVerificationOptions = field(default_factory=EmailVerificationOptions)
    """How long to wait for VERIFIED, and how often to ask Okta."""
    okta_org: OktaOrg = field(default_factory=OktaOrg)
    """Which Okta org the verification talks to, and where its credentials are."""

    def __post_init__(self) -> None:
        _set(self, "domain", host_name(self.domain, field="domain"))
        checked_target(self.dns, "dns")
        zone = self.dns.zone
        if zone is not None and self.domain != zone:
            label_in_zone(self.domain, zone, field="domain")
        _set(
            self,
            "display_name",
            parsers.text(self.display_name, "display_name", "give the sender's name, e.g. Acme"),
        )
        if not isinstance(self.user_name, str) or not _USER_NAME.match(self.user_name):
            raise InputError(
                "user_name",
                f"{self.user_name!r} is not the part before the @ of an address; give e.g. "
                "noreply (letters, digits, '.', '_', '+', '-')",
            )
        if self.brand_id is None or self.brand_id == "":
            raise InputError(
                "brand_id",
                "an Okta email domain belongs to a brand; give the brand's id (okta.Brand.id, "
                "or an existing brand's bnd... id)",
            )

    @property
    def readiness_timeout(self) -> float:
        """The readiness timeout with its target-dependent default applied."""
        if self.readiness.timeout is not None:
            return self.readiness.timeout
        return self.dns.readiness_timeout
