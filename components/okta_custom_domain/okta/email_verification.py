"""Verify a custom email domain once its records are served, and wait until Okta says VERIFIED.

Okta answers a verify with VERIFIED, or starts POLLING DNS (for up to 24 hours, then ERROR, and
mail falls back to ``noreply@okta.com``). POLLING is progress, shown to the person waiting; an
ERROR is retried with one verify, whose refusal (E0000218) carries Okta's reason, and then
fails. A domain already VERIFIED is never verified again (Okta answers 400 E0000217: the
terraform provider's error, issue 1909).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from okta_custom_domain.okta.email_domains import OktaEmailDomain, OktaEmailDomainsClient
from okta_custom_domain.okta.errors import OktaApiError

NEEDS_VERIFY = ("NOT_STARTED", "ERROR", None, "")
ALREADY_VERIFIED = "E0000217"


class EmailVerificationError(Exception):
    """The email domain did not reach VERIFIED; the message says why and what to do."""

    def __init__(self, message: str, *, domain: OktaEmailDomain | None = None) -> None:
        super().__init__(message)
        self.domain = domain
        self.last_status = domain.validation_status if domain else None


def _failed(domain: OktaEmailDomain, reason: str) -> EmailVerificationError:
    return EmailVerificationError(
        f"Okta could not verify the email domain {domain.domain} ({domain.id}): {reason}. "
        "Until it is VERIFIED, Okta sends mail from noreply@okta.com. Check that every "
        "authoritative server serves the four records of the email domain's dns_records output "
        "(a stray space in the TXT, a DKIM name with the zone typed twice, another record at the "
        "mail CNAME's name), fix them, then run `pulumi up` again (it verifies once more).",
        domain=domain,
    )


def _reason(exc: OktaApiError) -> str:
    causes = f" ({'; '.join(exc.error_causes)})" if exc.error_causes else ""
    return f"{exc.error_code or exc.status}: {exc.error_summary}{causes}"


def verify_email_and_wait(
    client: OktaEmailDomainsClient,
    email_domain_id: str,
    *,
    timeout: float,
    poll_interval: float,
    progress: Callable[[str], None] = lambda _message: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> OktaEmailDomain:
    """Verify (only when needed) and wait for VERIFIED; ``EmailVerificationError`` otherwise."""
    deadline = clock() + timeout
    domain = client.get_email_domain(email_domain_id)
    retried_error = False
    while True:
        status = domain.validation_status
        if status == "VERIFIED":
            progress(f"{domain.domain}: validation status VERIFIED")
            return domain
        if status == "DELETED":
            raise _failed(domain, "Okta reports it DELETED; run `pulumi up --refresh`")
        if status in NEEDS_VERIFY:
            if status == "ERROR":
                if retried_error:
                    raise _failed(domain, "Okta stopped polling DNS (ERROR) twice")
                retried_error = True
            domain = _verify(client, domain)
            if domain.validation_status == "VERIFIED":
                continue
        waited = timeout - (deadline - clock())
        progress(
            f"{domain.domain}: Okta is checking DNS ({domain.validation_status}); waiting for "
            f"VERIFIED ({waited:.0f} s; Okta keeps polling for up to 24 hours)"
        )
        if clock() + poll_interval > deadline:
            raise EmailVerificationError(
                f"the email domain {domain.domain} ({domain.id}) was not VERIFIED within "
                f"{timeout:g} s; last status {domain.validation_status}. Okta keeps polling DNS "
                "for up to 24 hours: run `pulumi up` again to keep waiting.",
                domain=domain,
            )
        sleep(poll_interval)
        domain = client.get_email_domain(email_domain_id)


def _verify(client: OktaEmailDomainsClient, domain: OktaEmailDomain) -> OktaEmailDomain:
    """One verify call; Okta's refusal becomes the failure, with its reason."""
    try:
        return client.verify_email_domain(domain.id)
    except OktaApiError as exc:
        if exc.error_code == ALREADY_VERIFIED:  # verified between our read and the call
            return client.get_email_domain(domain.id)
        if exc.status == 400:
            raise _failed(domain, _reason(exc)) from None
        raise
