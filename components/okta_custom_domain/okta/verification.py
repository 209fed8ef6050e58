"""Trigger Okta's DNS verification once, and wait for the certificate, without Pulumi.

A premature verify costs a regenerated TXT value, and a verify on an already verified domain
may answer 400, so the domain is read first. When Okta regenerates the TXT value no retry can
succeed with the record that is in DNS: that is reported at once, with the new value and the
command that converges. The dynamic provider, the CLI and the demo share this code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from okta_custom_domain import defaults
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.models import OktaDomain

WAIT_FOR_CHOICES = ("COMPLETED", "VERIFIED")
DONE_FOR = {"COMPLETED": ("COMPLETED",), "VERIFIED": ("VERIFIED", "COMPLETED")}
NEEDS_VERIFY = ("NOT_STARTED", "FAILED_TO_VERIFY", None, "")
DOMAIN_TAKEN = "DOMAIN_TAKEN"
"""Okta's older status for a name another org claims: neither pending nor done, fail at once."""


@dataclass(frozen=True)
class VerificationProgress:
    """One poll: what Okta reported, how long we have waited, what happens next."""

    domain_id: str
    domain: str
    status: str | None
    elapsed: float
    attempt: int
    message: str


class VerificationError(Exception):
    """Verification did not reach the wanted status; the message carries the diagnosis."""

    def __init__(self, message: str, *, domain: OktaDomain | None = None) -> None:
        super().__init__(message)
        self.domain = domain
        self.last_status = domain.validation_status if domain else None


class TxtValueRegenerated(VerificationError):
    """Okta issued a new TXT value: the record in DNS can no longer verify."""

    def __init__(
        self, domain: OktaDomain, fqdn: str, old_value: str | None, new_value: str
    ) -> None:
        self.fqdn = fqdn
        self.old_value = old_value
        self.new_value = new_value
        super().__init__(
            f"Okta regenerated the TXT value of {domain.domain} after a failed verification: "
            f"TXT {fqdn} must now be {new_value!r} (DNS was given {old_value!r}). Run "
            "`pulumi up --refresh`: it re-reads the domain, rewrites the record, waits until "
            "every authoritative server serves it and verifies again.",
            domain=domain,
        )


class DomainTaken(VerificationError):
    """Another Okta org claims the name: no DNS change or retry can verify it here."""

    def __init__(self, domain: OktaDomain) -> None:
        super().__init__(
            f"{domain.domain} (Okta domain {domain.id}) is claimed by another Okta org "
            "(validation status DOMAIN_TAKEN): it cannot be verified in this org. Remove the "
            "custom domain from the other org (or ask Okta support to release it), or choose "
            "another domain name.",
            domain=domain,
        )


class VerificationTimeout(VerificationError):
    """The wanted status was not reached within the timeout."""


def expected_records_of(domain: OktaDomain) -> list[dict[str, str]]:
    """The records Okta asks for, as ``{"type", "fqdn", "value"}`` plain dicts."""
    return [
        {"type": r.record_type, "fqdn": r.fqdn, "value": r.value or ""}
        for r in domain.dns_records
        if r.value
    ]


def regenerated_txt(
    domain: OktaDomain, expected_records: Sequence[Mapping[str, str]]
) -> tuple[str, str | None, str] | None:
    """(fqdn, expected value, Okta's value) when Okta's TXT differs from the expected one."""
    current = domain.record("TXT")
    if current is None or not current.values:
        return None
    for record in expected_records:
        if str(record.get("type", "")).upper() != "TXT":
            continue
        fqdn = str(record.get("fqdn", "")).rstrip(".").lower()
        if fqdn and fqdn != current.fqdn:
            continue
        value = str(record.get("value", ""))
        if value not in current.values:
            return current.fqdn, value, current.values[0]
    return None


def verify_and_wait(
    client: OktaDomainsClient,
    domain_id: str,
    *,
    expected_records: Sequence[Mapping[str, str]] | None = None,
    wait_for: str = defaults.WAIT_FOR,
    timeout: float = defaults.VERIFICATION_TIMEOUT,
    poll_interval: float = defaults.VERIFICATION_POLL_INTERVAL,
    progress: Callable[[VerificationProgress], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> OktaDomain:
    """Verify ``domain_id`` (only if needed) and wait until ``wait_for``; return the domain.

    Raises ``DomainTaken`` at once when another org claims the name, ``TxtValueRegenerated``
    as soon as Okta's TXT value differs from the expected one, ``VerificationTimeout`` (with
    the last status) after ``timeout`` seconds, and ``OktaApiError`` for API errors that
    outlast the client's retry budget (404 when the domain was deleted out of band).
    """
    if wait_for not in WAIT_FOR_CHOICES:
        raise ValueError(f"wait_for: {wait_for!r} is not one of {', '.join(WAIT_FOR_CHOICES)}")
    if timeout <= 0 or poll_interval <= 0:
        raise ValueError("timeout and poll_interval must be positive numbers of seconds")
    started = clock()
    deadline = started + timeout
    domain = client.get_domain(domain_id)
    expected = list(expected_records) if expected_records else expected_records_of(domain)
    attempt = 0
    verify_attempts = 0

    def report(message: str) -> None:
        if progress is not None:
            progress(
                VerificationProgress(
                    domain_id,
                    domain.domain,
                    domain.validation_status,
                    clock() - started,
                    attempt,
                    message,
                )
            )

    while True:
        attempt += 1
        status = domain.validation_status
        if status == DOMAIN_TAKEN:
            raise DomainTaken(domain)
        if status in DONE_FOR[wait_for]:
            report(f"validation status {status}")
            return domain
        if status in NEEDS_VERIFY:
            changed = regenerated_txt(domain, expected)
            if changed is not None:
                raise TxtValueRegenerated(domain, *changed)
            verify_attempts += 1
            domain = client.verify_domain(domain_id)
            if domain.validation_status == DOMAIN_TAKEN:
                raise DomainTaken(domain)
            if domain.validation_status == "FAILED_TO_VERIFY":
                # Okta may have issued a new TXT value with the failure: re-read to know.
                domain = client.get_domain(domain_id)
                changed = regenerated_txt(domain, expected)
                if changed is not None:
                    raise TxtValueRegenerated(domain, *changed)
                report(
                    f"verification attempt {verify_attempts} failed (FAILED_TO_VERIFY); the TXT "
                    "value is unchanged, retrying"
                )
            elif domain.validation_status in DONE_FOR[wait_for]:
                continue
            else:
                report(f"verification requested; Okta reports {domain.validation_status}")
        else:
            report(_waiting_message(domain, wait_for, clock() - started))
        if clock() + poll_interval > deadline:
            raise VerificationTimeout(_timeout_message(domain, wait_for, timeout), domain=domain)
        sleep(poll_interval)
        domain = client.get_domain(domain_id)


def _waiting_message(domain: OktaDomain, wait_for: str, elapsed: float) -> str:
    if domain.validation_status == "VERIFIED":
        return (
            f"{domain.domain} is VERIFIED, waiting for the certificate ({elapsed:.0f} s; "
            "Okta usually needs up to about 15 minutes)"
        )
    return f"{domain.domain} is {domain.validation_status}, waiting for {wait_for}"


def _timeout_message(domain: OktaDomain, wait_for: str, timeout: float) -> str:
    status = domain.validation_status or "unknown"
    text = (
        f"{domain.domain} (Okta domain {domain.id}) did not reach {wait_for} within "
        f"{timeout:g} s; last status {status}."
    )
    if status == "VERIFIED" and domain.certificate_source_type == "MANUAL":
        text += (
            " The domain is MANUAL: Okta completes it only after a certificate is uploaded "
            "(PUT /api/v1/domains/{id}/certificate)."
        )
    elif status == "VERIFIED":
        text += (
            " DNS is verified and the certificate is still being issued; run `pulumi up` again "
            "to keep waiting, or raise the timeout. Check CAA records allow letsencrypt.org."
        )
    elif status == "FAILED_TO_VERIFY":
        text += (
            " Okta could not verify the records: check them with `okta-custom-domain doctor "
            f"--domain {domain.domain}`."
        )
    else:
        text += " Run `pulumi up` again to keep waiting, or raise the timeout."
    return text
