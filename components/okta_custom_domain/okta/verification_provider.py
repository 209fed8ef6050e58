"""``OktaDomainVerification``: a dynamic resource that verifies once and waits for the certificate.

Credentials never enter the inputs, outputs or the pickled provider: the inputs name the org
and, for many orgs, the tenant entry of the stack config; ``configure`` (run in the plugin
process after unpickling) keeps only a reference to the stack config, and ``__getstate__``
drops it so a configured provider pickles without it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from okta_custom_domain import cancellation, defaults, parsers, pulumi_internals
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.credentials import resolve_credentials
from okta_custom_domain.okta.errors import OktaApiError
from okta_custom_domain.okta.models import OktaDomain
from okta_custom_domain.okta.org_url import org_url_from
from okta_custom_domain.okta.verification import VerificationProgress, verify_and_wait
from okta_custom_domain.parsers import InputError
from okta_custom_domain.readiness.records import parse_records
from okta_custom_domain.unknowns import contains_unknown

#: Inputs whose change means "verify (and wait) again".
REVERIFY_KEYS = ("records", "wait_for", "domain_id", "org_url", "credentials_tenant")
REPLACE_KEYS = ("domain_id", "org_url")
OUTPUT_KEYS = ("validation_status", "verified_at", "certificate_expiration", "elapsed_seconds")


class OktaDomainVerificationProvider(ResourceProvider):
    """Runs ``verify_and_wait`` for ``create``/``update``; ``read`` refreshes the status."""

    serialize_as_secret_always = False  # nothing secret is ever pickled (see __getstate__)

    def __init__(self) -> None:
        super().__init__()
        self._config_get: Callable[[str], Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_config_get", None)  # the stack config holds unwrapped secrets
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._config_get = None

    def configure(self, req: ConfigureRequest) -> None:
        """Keep a reference to the stack config; credentials are resolved per call."""
        self._config_get = req.config.get

    # -- checks ----------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        if any(contains_unknown(value) for value in news.values()):
            return CheckResult(dict(news), [])  # preview: checked again once known
        parsed, errors = parsers.parse_fields(news, _CHECK_PARSERS)
        failures = [CheckFailure(key, str(exc)) for key, exc in errors.items()]
        return CheckResult({**news, **parsed}, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in REVERIFY_KEYS if _normalise(olds.get(k)) != _normalise(news.get(k))]
        replaces = [k for k in changed if k in REPLACE_KEYS]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    # -- lifecycle -------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._verify(props)
        return CreateResult(str(props["domain_id"]), outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._verify(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self._client(props) as client:
            try:
                domain = client.get_domain(str(props.get("domain_id") or id_))
            except OktaApiError as exc:
                if exc.is_not_found:
                    return ReadResult("", {})  # gone at Okta: Pulumi drops it from state
                raise
        outs = dict(props)
        outs["validation_status"] = domain.validation_status
        outs["certificate_expiration"] = _certificate_expiration(domain)
        if domain.validation_status in ("VERIFIED", "COMPLETED") and not outs.get("verified_at"):
            outs["verified_at"] = _now_iso()
        return ReadResult(id_, outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to do at Okta: deleting the domain is okta.Domain's job."""

    # -- helpers ---------------------------------------------------------------------------

    def _client(self, props: Mapping[str, Any]) -> OktaDomainsClient:
        config_get = self._config_get or _no_config
        credentials = resolve_credentials(
            config_get,
            os.environ,
            tenant=props.get("credentials_tenant") or None,
            org_url=props.get("org_url") or None,
        )
        return OktaDomainsClient(credentials.org_url, credentials.auth)

    def _verify(self, props: dict[str, Any]) -> dict[str, Any]:
        pulumi_internals.prepare_host()  # Ctrl-C ends the wait; waits run concurrently
        started = time.monotonic()
        domain_name = str(props.get("domain") or props.get("domain_id"))

        def progress(update: VerificationProgress) -> None:
            pulumi.log.info(f"okta-custom-domain: {domain_name}: {update.message}")

        with self._client(props) as client:
            try:
                domain = verify_and_wait(
                    client,
                    str(props["domain_id"]),
                    expected_records=_plain_records(props.get("records")),
                    wait_for=str(props.get("wait_for") or defaults.WAIT_FOR),
                    timeout=float(props.get("timeout") or defaults.VERIFICATION_TIMEOUT),
                    poll_interval=float(
                        props.get("poll_interval") or defaults.VERIFICATION_POLL_INTERVAL
                    ),
                    progress=progress,
                    sleep=lambda seconds: cancellation.sleep(seconds, f"verifying {domain_name}"),
                )
            except OktaApiError as exc:
                if exc.is_not_found:
                    raise OktaApiError(
                        f"the Okta domain {props.get('domain_id')} ({domain_name}) no longer "
                        "exists (deleted out of band?)",
                        status=exc.status,
                        error_code=exc.error_code,
                        request_id=exc.request_id,
                        method=exc.method,
                        path=exc.path,
                        hint="run `pulumi up --refresh` so the domain is created again",
                    ) from None
                raise
        outs = dict(props)
        outs["validation_status"] = domain.validation_status
        outs["verified_at"] = _now_iso()
        outs["certificate_expiration"] = _certificate_expiration(domain)
        outs["elapsed_seconds"] = round(time.monotonic() - started, 3)
        return outs


class OktaDomainVerification(
    pulumi.dynamic.Resource, module="okta-custom-domain", name="OktaDomainVerification"
):
    """Verifies an Okta custom domain once its records are live, and waits for the certificate."""

    domain_id: pulumi.Output[str]
    validation_status: pulumi.Output[str]
    verified_at: pulumi.Output[str]
    certificate_expiration: pulumi.Output[str | None]
    elapsed_seconds: pulumi.Output[float]

    def __init__(
        self,
        resource_name: str,
        *,
        domain_id: pulumi.Input[str],
        domain: pulumi.Input[str],
        org_url: pulumi.Input[str],
        records: pulumi.Input[list[dict[str, str]]],
        credentials_tenant: pulumi.Input[str] | None = None,
        wait_for: pulumi.Input[str] = defaults.WAIT_FOR,
        timeout: pulumi.Input[float] = defaults.VERIFICATION_TIMEOUT,
        poll_interval: pulumi.Input[float] = defaults.VERIFICATION_POLL_INTERVAL,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "domain_id": domain_id,
            "domain": domain,
            "org_url": org_url,
            "records": records,
            "credentials_tenant": credentials_tenant,
            "wait_for": wait_for,
            "timeout": timeout,
            "poll_interval": poll_interval,
        }
        props.update(dict.fromkeys(OUTPUT_KEYS))
        super().__init__(
            OktaDomainVerificationProvider(),
            resource_name,
            props,
            pulumi_internals.with_unnamed_type_alias(opts),  # its type before it had a name
        )


def _no_config(_key: str) -> Any:
    return None


def _domain_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or "/" in value:
        raise InputError("domain_id", "give the Okta domain id (okta.Domain.id)")
    return value


def _org_url(value: object) -> str:
    if not value:
        raise InputError("org_url", "give the org URL, e.g. https://dev-123456.okta.com")
    return org_url_from(str(value), field="org_url", name_field="org_url", base_field="org_url")


def _credentials_tenant(value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InputError(
            "credentials_tenant",
            "give a tenant name of the stack config okta-custom-domain:tenants, or leave it "
            "unset to use okta:* config",
        )
    return value


def _records(value: object) -> list[dict[str, str]]:
    """Okta's records as the readiness check parsed them; none means "ask Okta"."""
    if value is None:
        raise InputError("records", "give the DNS records Okta asked for")
    if isinstance(value, list) and not value:
        return []
    return [record.to_dict() for record in parse_records(value)]


def _seconds_or(default: float, field: str) -> parsers.Parser:
    return lambda value: parsers.seconds(default if value is None else value, field)


_CHECK_PARSERS: dict[str, parsers.Parser] = {
    "domain_id": _domain_id,
    "domain": lambda v: parsers.text(v, "domain", "give the custom domain name"),
    "org_url": _org_url,
    "credentials_tenant": _credentials_tenant,
    "records": _records,
    "wait_for": lambda v: parsers.wait_for(v or defaults.WAIT_FOR, "wait_for"),
    "timeout": _seconds_or(defaults.VERIFICATION_TIMEOUT, "timeout"),
    "poll_interval": _seconds_or(defaults.VERIFICATION_POLL_INTERVAL, "poll_interval"),
}


def _plain_records(records: Any) -> list[dict[str, str]] | None:
    if not isinstance(records, list) or not records:
        return None
    return [
        {
            "type": str(r.get("type", "")),
            "fqdn": str(r.get("fqdn", "")),
            "value": str(r.get("value", "")),
        }
        for r in records
        if isinstance(r, Mapping)
    ]


def _normalise(value: Any) -> Any:
    """Compare records by (TYPE, fqdn without dot, exact value), in any order."""
    if isinstance(value, list):
        records = []
        for r in value:
            if isinstance(r, Mapping):
                records.append(
                    (
                        str(r.get("type", "")).upper(),
                        str(r.get("fqdn", "")).rstrip(".").lower(),
                        str(r.get("value", "")),
                    )
                )
            else:
                records.append(("", "", repr(r)))
        return sorted(records)
    return value


def _certificate_expiration(domain: OktaDomain) -> str | None:
    return domain.public_certificate.expiration if domain.public_certificate else None


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
