"""Parse the multi-tenant stack config into validated component arguments.

All checks run before any resource is created, and every error names the tenant and the
field, e.g. ``tenants[1] (globex).domains[0].dns.zone: ...``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from okta_custom_domain import parsers, targets
from okta_custom_domain.args import (
    ManualCertificate,
    OktaCustomDomainArgs,
    OktaOrg,
    ReadinessOptions,
    VerificationOptions,
)
from okta_custom_domain.config_keys import (
    CERTIFICATE_KEYS,
    CLOUDFLARE_KEYS,
    DNS_KEYS,
    DOMAIN_KEYS,
    OKTA_KEYS,
    READINESS_KEYS,
    TENANT_KEYS,
)
from okta_custom_domain.okta.client import org_url_from
from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets import CloudflareDns, DnsTarget, ManualDns, Rfc2136Dns

CONFIG_KEY = "tenants"
"""The project config key (``okta-custom-domain:tenants``) that holds the tenant list."""

DNS_TYPES = ("cloudflare", "manual", "rfc2136")

#: Python field prefixes that have no config key of their own (the DNS target classes).
_CLASS_PREFIXES = ("CloudflareDns", "ManualDns", "Rfc2136Dns", "CustomDns")
#: Python fields whose config key sits elsewhere.
_MOVED = {"verification.wait_for": "waitFor"}


class TenantConfigError(ValueError):
    """A stack-config mistake, located by tenant and field."""


@dataclass(frozen=True)
class OktaOrgConfig:
    """One Okta org: where it is and (secret) how to authenticate to it."""

    org_name: str | None
    base_url: str
    org_url: str
    api_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    private_key_id: str | None = None
    scopes: tuple[str, ...] = ()
    http_proxy: str | None = None
    """Where every Okta API call goes instead of the org URL (the Okta provider's httpProxy)."""

    @property
    def api_url(self) -> str:
        """The URL the Okta API is reached at: the proxy when set, else the org."""
        return self.http_proxy or self.org_url


@dataclass(frozen=True)
class DomainConfig:
    """One custom domain of a tenant, ready to become an ``OktaCustomDomain``."""

    resource_name: str
    args: OktaCustomDomainArgs


@dataclass(frozen=True)
class TenantConfig:
    """One tenant: its Okta org, optional Cloudflare token, and its domains."""

    name: str
    okta: OktaOrgConfig
    cloudflare_api_token: str | None = field(default=None, repr=False)
    domains: tuple[DomainConfig, ...] = ()


class _Reader:
    """Typed access to one config object, with errors that say where the value lives."""

    def __init__(
        self, value: Any, where: str, path: str | None = None, known: Sequence[str] = ()
    ) -> None:
        if not isinstance(value, Mapping):
            raise TenantConfigError(f"{where}: expected an object, got {type(value).__name__}")
        self.value = value
        self.where = where
        self.path = path or where
        """The config path (``tenants[0].okta``) for ``pulumi config set --path``."""
        if known:
            self.only(known)

    def only(self, known: Sequence[str]) -> None:
        """Refuse an unknown key (a typo would silently keep the default)."""
        try:
            parsers.known_keys(self.value, known, self.where)
        except InputError as exc:
            raise TenantConfigError(str(exc)) from None

    def at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def text(self, key: str, *, required: bool = True, default: str | None = None) -> str | None:
        raw = self.value.get(key)
        if raw is None or raw == "":
            if required:
                raise TenantConfigError(f"{self.at(key)}: required, but not set")
            return default
        if not isinstance(raw, str):
            raise TenantConfigError(f"{self.at(key)}: expected text, got {type(raw).__name__}")
        return raw

    def number(self, key: str, default: float | None) -> float | None:
        raw = self.value.get(key)
        if raw is None:
            return default
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise TenantConfigError(f"{self.at(key)}: expected a number, got {raw!r}")
        return raw

    def integer(self, key: str) -> int | None:
        raw = self.value.get(key)
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)):
            raise TenantConfigError(f"{self.at(key)}: expected a whole number, got {raw!r}")
        return raw

    def child(
        self, key: str, *, required: bool = True, known: Sequence[str] = ()
    ) -> _Reader | None:
        raw = self.value.get(key)
        if raw is None:
            if required:
                raise TenantConfigError(f"{self.at(key)}: required, but not set")
            return None
        return _Reader(raw, self.at(key), f"{self.path}.{key}", known)

    def items(self, key: str) -> list[Any]:
        raw = self.value.get(key)
        if not isinstance(raw, list) or not raw:
            raise TenantConfigError(f"{self.at(key)}: give a non-empty list")
        return raw


def _okta_org(reader: _Reader) -> OktaOrgConfig:
    org_name = reader.text("orgName", required=False)
    base_url = reader.text("baseUrl", required=False, default="okta.com") or "okta.com"
    explicit_url = reader.text("orgUrl", required=False)
    if org_name is None and explicit_url is None:
        raise TenantConfigError(
            f"{reader.at('orgName')}: required (e.g. acme for acme.okta.com), or set orgUrl"
        )
    try:
        org_url = org_url_from(explicit_url or org_name or "", base_url)
        named_url = org_url_from(org_name, base_url) if org_name and explicit_url else org_url
    except ValueError as exc:
        raise TenantConfigError(f"{reader.where}.{exc}") from exc
    if named_url != org_url:
        raise TenantConfigError(
            f"{reader.where}: orgName/baseUrl name {named_url} but orgUrl names {org_url}; "
            "they must be the same org: keep only one of them"
        )
    if org_name is None:  # the Okta provider wants orgName + baseUrl: take them from orgUrl
        org_name, _, base_url = (urlsplit(org_url).hostname or "").partition(".")
    api_token, client_id, private_key = _okta_auth(reader)
    http_proxy = reader.text("httpProxy", required=False)
    if http_proxy is not None:
        try:
            http_proxy = org_url_from(http_proxy, field="httpProxy")
        except ValueError as exc:
            raise TenantConfigError(f"{reader.where}.{exc}") from exc
    scopes_raw = reader.value.get("scopes", [])
    if not isinstance(scopes_raw, list) or not all(isinstance(s, str) for s in scopes_raw):
        raise TenantConfigError(f"{reader.at('scopes')}: expected a list of scope names")
    return OktaOrgConfig(
        org_name=org_name,
        base_url=base_url,
        org_url=org_url,
        api_token=api_token,
        client_id=client_id,
        private_key=private_key,
        private_key_id=reader.text("privateKeyId", required=False),
        scopes=tuple(scopes_raw),
        http_proxy=http_proxy,
    )


def _okta_auth(reader: _Reader) -> tuple[str | None, str | None, str | None]:
    """apiToken, or clientId + privateKey (PEM shape checked, never echoed); not both."""
    api_token = reader.text("apiToken", required=False)
    client_id = reader.text("clientId", required=False)
    private_key = reader.text("privateKey", required=False)
    if api_token is not None and (client_id is not None or private_key is not None):
        raise TenantConfigError(
            f"{reader.where}: apiToken and clientId/privateKey are both set; keep either the "
            "API token or the OAuth service app (pulumi config rm --path "
            f"'{reader.path}.apiToken' or '{reader.path}.privateKey')"
        )
    if api_token is None and (client_id is None or private_key is None):
        raise TenantConfigError(
            f"{reader.where}: set apiToken (pulumi config set --path --secret "
            f"'{reader.path}.apiToken' ...) or clientId and privateKey for a service app"
        )
    if private_key is not None:
        try:
            parsers.pem_private_key(private_key, reader.at("privateKey"))
        except InputError as exc:
            raise TenantConfigError(str(exc)) from None
    return api_token, client_id, private_key


def _config_key(field: str) -> str:
    """A field in config spelling: ``Rfc2136Dns.key_secret`` -> ``Rfc2136Dns.keySecret``."""
    return ".".join(
        head + "".join(part.title() for part in rest)
        for head, *rest in (segment.split("_") for segment in field.split("."))
    )


def _snake_fields() -> dict[str, str]:
    """Every snake_case field of the argument types -> its config spelling."""
    types = (
        *(getattr(targets, name) for name in _CLASS_PREFIXES),
        ReadinessOptions, VerificationOptions, ManualCertificate, OktaCustomDomainArgs,
    )  # fmt: skip
    names = {f.name for t in types for f in fields(t) if "_" in f.name}
    return {name: _config_key(name) for name in names}


_SNAKE = _snake_fields()
_SNAKE_RE = re.compile(r"\b(" + "|".join(sorted(_SNAKE, key=len, reverse=True)) + r")\b")


def _config_reason(reason: str) -> str:
    """A message written for the Python API, with each field in its config spelling."""
    return _SNAKE_RE.sub(lambda match: _SNAKE[match.group(1)], reason)


def _located(where: str, field: str, reason: str) -> TenantConfigError:
    """An error of a dataclass field, re-said with the config path and config keys."""
    field = _MOVED.get(field, field)
    head, _, rest = field.partition(".")
    if head in _CLASS_PREFIXES:
        field = rest
    path = f"{where}.{_config_key(field)}" if field else where
    return TenantConfigError(f"{path}: {_config_reason(reason)}")


def _given(**values: Any) -> dict[str, Any]:
    """The keyword arguments that are set: the rest take the dataclass's default (one place)."""
    return {key: value for key, value in values.items() if value is not None}


def _dns_target(reader: _Reader) -> DnsTarget:
    kind = reader.text("type")
    if kind in DNS_KEYS:
        reader.only(DNS_KEYS[kind])
    try:
        if kind == "cloudflare":
            return CloudflareDns(
                **_given(
                    zone_id=reader.text("zoneId", required=False),
                    zone_name=reader.text("zoneName", required=False),
                    ttl=reader.integer("ttl"),
                )
            )
        if kind == "manual":
            return ManualDns(
                zone=reader.text("zone") or "",
                **_given(style=reader.text("style", required=False), ttl=reader.integer("ttl")),
            )
        if kind == "rfc2136":
            return Rfc2136Dns(
                server=reader.text("server") or "",
                zone=reader.text("zone") or "",
                key_name=reader.text("keyName") or "",
                key_secret=reader.text("keySecret") or "",
                **_given(
                    key_algorithm=reader.text("keyAlgorithm", required=False),
                    port=reader.integer("port"),
                    ttl=reader.integer("ttl"),
                ),
            )
    except InputError as exc:
        raise _located(reader.where, exc.field, exc.reason) from None
    raise TenantConfigError(
        f"{reader.at('type')}: {kind!r} is not a DNS target; use one of {', '.join(DNS_TYPES)}"
    )


def _readiness(reader: _Reader | None) -> ReadinessOptions:
    """Type-checked config values; the ranges are the dataclass's, reported by the caller."""
    if reader is None:
        return ReadinessOptions()
    return ReadinessOptions(
        **_given(
            timeout=reader.number("timeout", None),
            interval=reader.number("interval", None),
            resolver=reader.text("resolver", required=False),
            dns_port=reader.integer("dnsPort"),
            nameservers=reader.value.get("nameservers"),
            validating_resolver=reader.text("validatingResolver", required=False),
        )
    )


def _certificate(reader: _Reader | None) -> ManualCertificate | None:
    if reader is None:
        return None
    return ManualCertificate(
        certificate=reader.text("certificate") or "",
        certificate_chain=reader.text("certificateChain") or "",
        private_key=reader.text("privateKey") or "",
    )


def _certificate_source(reader: _Reader) -> str | None:
    """certificateSourceType, and whether a certificate object goes with it."""
    source = reader.text("certificateSourceType", required=False)
    has_certificate = reader.value.get("certificate") is not None
    if source == "MANUAL" and not has_certificate:
        raise TenantConfigError(
            f"{reader.at('certificate')}: certificateSourceType MANUAL needs a certificate object "
            "with certificate, certificateChain and privateKey (PEM; privateKey as a secret)"
        )
    if source in (None, "OKTA_MANAGED") and has_certificate:
        raise TenantConfigError(
            f"{reader.at('certificate')}: Okta obtains the certificate for OKTA_MANAGED domains; "
            "remove certificate or set certificateSourceType to MANUAL"
        )
    return source


def _domain(reader: _Reader, tenant: str, org: OktaOrgConfig) -> DomainConfig:
    source = _certificate_source(reader)
    certificate = _certificate(reader.child("certificate", required=False, known=CERTIFICATE_KEYS))
    dns_reader = reader.child("dns")
    assert dns_reader is not None
    target = _dns_target(dns_reader)
    try:
        args = OktaCustomDomainArgs(
            domain=reader.text("domain") or "",
            dns=target,
            certificate=certificate,
            readiness=_readiness(reader.child("readiness", required=False, known=READINESS_KEYS)),
            verification=VerificationOptions(
                **_given(wait_for=reader.text("waitFor", required=False))
            ),
            okta_org=OktaOrg(org_url=org.api_url, credentials_tenant=tenant),
            **_given(
                certificate_source_type=source,
                brand_id=reader.text("brandId", required=False),
            ),
        )
    except InputError as exc:
        raise _located(reader.where, exc.field, exc.reason) from None
    except ValueError as exc:  # CertificateError: ``field`` names the PEM field
        field_name = getattr(exc, "field", "")
        reason = str(exc).removeprefix(f"{field_name}: ")
        raise _located(reader.where, f"certificate.{field_name}", reason) from None
    label = args.domain.replace(".", "-")
    return DomainConfig(resource_name=f"{tenant}-{label}", args=args)


def parse_tenants(raw: Any) -> list[TenantConfig]:
    """Validate the whole tenant list; raise ``TenantConfigError`` at the first mistake."""
    if isinstance(raw, Mapping) or not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise TenantConfigError(
            f"{CONFIG_KEY}: give a non-empty list of tenants (see Pulumi.example.yaml)"
        )
    tenants: list[TenantConfig] = []
    seen_names: set[str] = set()
    seen_domains: dict[str, str] = {}
    for index, item in enumerate(raw):
        reader = _Reader(item, f"{CONFIG_KEY}[{index}]", known=TENANT_KEYS)
        name = reader.text("name") or ""
        if not name.replace("-", "").isalnum():
            raise TenantConfigError(
                f"{reader.at('name')}: {name!r} may hold only letters, digits and '-'"
            )
        reader.where = f"{CONFIG_KEY}[{index}] ({name})"
        if name in seen_names:
            raise TenantConfigError(f"{reader.at('name')}: tenant {name!r} appears twice")
        seen_names.add(name)
        okta_reader = reader.child("okta", known=OKTA_KEYS)
        assert okta_reader is not None
        org = _okta_org(okta_reader)
        cloudflare_reader = reader.child("cloudflare", required=False, known=CLOUDFLARE_KEYS)
        cf_token = cloudflare_reader.text("apiToken") if cloudflare_reader else None
        domains = []
        for d_index, d_item in enumerate(reader.items("domains")):
            d_reader = _Reader(
                d_item,
                reader.at(f"domains[{d_index}]"),
                f"{reader.path}.domains[{d_index}]",
                DOMAIN_KEYS,
            )
            domain = _domain(d_reader, name, org)
            owner = seen_domains.get(domain.args.domain)
            if owner is not None:
                raise TenantConfigError(
                    f"{reader.at(f'domains[{d_index}]')}.domain: {domain.args.domain!r} is "
                    f"already configured by {owner}; a domain can belong to one tenant only"
                )
            seen_domains[domain.args.domain] = f"tenant {name!r}"
            domains.append(domain)
        tenants.append(
            TenantConfig(name=name, okta=org, cloudflare_api_token=cf_token, domains=tuple(domains))
        )
    return tenants
