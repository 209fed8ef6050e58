"""The email domain's two dynamic resources: its verification and its brand link.

Both take credentials the way ``OktaDomainVerification`` does (stack config or environment,
never an input), and ask for ``EMAIL_SCOPES`` when no scopes are configured.

- ``OktaEmailDomainVerification``: verifies once the readiness check saw the records on every
  authoritative server, then waits for VERIFIED (``email_verification``).
- ``OktaBrandEmailLink``: the brand sends from the email domain. Okta links them when the email
  domain is created; this resource keeps the link, and on delete unlinks it (the brand falls
  back to Okta's sender), because Okta refuses to delete an email domain a brand still uses.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from okta_custom_domain import cancellation, defaults, pulumi_internals
from okta_custom_domain.okta.credentials import resolve_credentials
from okta_custom_domain.okta.email_domains import EMAIL_SCOPES, OktaEmailDomainsClient
from okta_custom_domain.okta.email_verification import verify_email_and_wait
from okta_custom_domain.okta.errors import OktaApiError
from okta_custom_domain.okta.verification_provider import (
    OUTPUT_KEYS,
    OktaDomainVerificationProvider,
)
from okta_custom_domain.unknowns import contains_unknown


def _client(config_get: Any, props: Mapping[str, Any]) -> OktaEmailDomainsClient:
    credentials = resolve_credentials(
        config_get or (lambda _key: None),
        os.environ,
        tenant=props.get("credentials_tenant") or None,
        org_url=props.get("org_url") or None,
        extra_scopes=EMAIL_SCOPES,
    )
    return OktaEmailDomainsClient(credentials.org_url, credentials.auth)


class OktaEmailDomainVerificationProvider(OktaDomainVerificationProvider):
    """The URL domain's verification provider, for ``/api/v1/email-domains``."""

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with _client(self._config_get, props) as client:
            try:
                domain = client.get_email_domain(str(props.get("domain_id") or id_))
            except OktaApiError as exc:
                if exc.is_not_found:
                    return ReadResult("", {})
                raise
        return ReadResult(id_, {**props, "validation_status": domain.validation_status})

    def _verify(self, props: dict[str, Any]) -> dict[str, Any]:
        pulumi_internals.prepare_host()
        started = time.monotonic()
        name = str(props.get("domain") or props.get("domain_id"))

        def progress(message: str) -> None:
            pulumi.log.info(f"okta-custom-domain: email domain {message}")

        with _client(self._config_get, props) as client:
            domain = verify_email_and_wait(
                client,
                str(props["domain_id"]),
                timeout=float(props.get("timeout") or defaults.VERIFICATION_TIMEOUT),
                poll_interval=float(
                    props.get("poll_interval") or defaults.VERIFICATION_POLL_INTERVAL
                ),
                progress=progress,
                sleep=lambda seconds: cancellation.sleep(seconds, f"verifying {name}"),
            )
        return {
            **props,
            "validation_status": domain.validation_status,
            "verified_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "certificate_expiration": None,
            "elapsed_seconds": round(time.monotonic() - started, 3),
        }


class OktaEmailDomainVerification(
    pulumi.dynamic.Resource, module="okta-custom-domain", name="OktaEmailDomainVerification"
):
    """Verifies an Okta email domain once its four records are live, and waits for VERIFIED."""

    domain_id: pulumi.Output[str]
    validation_status: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        email_domain_id: pulumi.Input[str],
        domain: pulumi.Input[str],
        org_url: pulumi.Input[str],
        records: pulumi.Input[list[dict[str, str]]],
        credentials_tenant: pulumi.Input[str] | None = None,
        timeout: pulumi.Input[float] = defaults.VERIFICATION_TIMEOUT,
        poll_interval: pulumi.Input[float] = defaults.VERIFICATION_POLL_INTERVAL,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "domain_id": email_domain_id,
            "domain": domain,
            "org_url": org_url,
            "records": records,
            "credentials_tenant": credentials_tenant,
            "wait_for": "VERIFIED",
            "timeout": timeout,
            "poll_interval": poll_interval,
        }
        props.update(dict.fromkeys(OUTPUT_KEYS))
        super().__init__(OktaEmailDomainVerificationProvider(), resource_name, props, opts)


LINK_KEYS = ("brand_id", "email_domain_id", "org_url", "credentials_tenant")


class OktaBrandEmailLinkProvider(OktaDomainVerificationProvider):
    """Keeps ``brand.emailDomainId`` pointing at the email domain; unlinks it on delete."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(dict(news), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if any(contains_unknown(news.get(k)) for k in LINK_KEYS):
            return DiffResult(changes=True, replaces=["email_domain_id"])
        changed = [k for k in LINK_KEYS if olds.get(k) != news.get(k)]
        replaces = [k for k in changed if k in ("brand_id", "email_domain_id")]
        return DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._link(props)
        return CreateResult(f"{props['brand_id']}/{props['email_domain_id']}", dict(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._link(news)
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Gone from state when the brand no longer sends from the email domain."""
        with _client(self._config_get, props) as client:
            try:
                brand = client.get_brand(str(props["brand_id"]))
            except OktaApiError as exc:
                if exc.is_not_found:
                    return ReadResult("", {})
                raise
        linked = brand.get("emailDomainId") == props.get("email_domain_id")
        return ReadResult(id_ if linked else "", dict(props) if linked else {})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Unlink, only if the brand still sends from this email domain (a newer link stays)."""
        with _client(self._config_get, props) as client:
            try:
                brand = client.get_brand(str(props["brand_id"]))
            except OktaApiError as exc:
                if exc.is_not_found:
                    return
                raise
            if brand.get("emailDomainId") == props.get("email_domain_id"):
                client.set_brand_email_domain(str(props["brand_id"]), None)

    def _link(self, props: Mapping[str, Any]) -> None:
        with _client(self._config_get, props) as client:
            brand = client.get_brand(str(props["brand_id"]))
            if brand.get("emailDomainId") != props.get("email_domain_id"):
                client.set_brand_email_domain(str(props["brand_id"]), str(props["email_domain_id"]))


class OktaBrandEmailLink(
    pulumi.dynamic.Resource, module="okta-custom-domain", name="OktaBrandEmailLink"
):
    """The brand sends its mail from the email domain (unlinked before the domain is deleted)."""

    def __init__(
        self,
        resource_name: str,
        *,
        brand_id: pulumi.Input[str],
        email_domain_id: pulumi.Input[str],
        org_url: pulumi.Input[str],
        credentials_tenant: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "brand_id": brand_id,
            "email_domain_id": email_domain_id,
            "org_url": org_url,
            "credentials_tenant": credentials_tenant,
        }
        super().__init__(OktaBrandEmailLinkProvider(), resource_name, props, opts)
