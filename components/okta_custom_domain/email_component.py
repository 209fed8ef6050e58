"""``OktaEmailDomain``: Okta's mail sent from your domain, its four records, the wait, VERIFIED.

The graph mirrors ``OktaCustomDomain``: the email domain (``okta.EmailDomain``, of a brand) ->
its four records, written through the same DNS targets -> the readiness wait on every
authoritative server -> one verification that waits while Okta polls -> the brand link, which
on destroy unlinks the brand first (Okta refuses to delete an email domain a brand uses).

Annotations are evaluated (no ``from __future__ import annotations``), as in ``component``.
"""

import os
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_okta as okta

from okta_custom_domain.brand_config import provider_scopes
from okta_custom_domain.email_args import OktaEmailDomainArgs
from okta_custom_domain.email_records import (
    RECORD_KEYS,
    RECORD_TYPES,
    email_records,
    plain_email_records,
)
from okta_custom_domain.okta.email_providers import OktaBrandEmailLink, OktaEmailDomainVerification
from okta_custom_domain.okta.org_settings import resolve_org_url
from okta_custom_domain.pulumi_internals import unwrap_pickler
from okta_custom_domain.readiness.provider import DnsReadiness
from okta_custom_domain.targets.base import log_rows
from okta_custom_domain.targets.writing import RecordToWrite, write_records

EMAIL_TYPE_TOKEN = "okta-custom-domain:index:OktaEmailDomain"
Records = dict[str, dict[str, str]]


def _okta_config(key: str) -> str | None:
    return pulumi.Config("okta").get(key.removeprefix("okta:"))


def _field(key: str, part: str) -> Callable[[Records], str]:
    return lambda records: records[key][part]


def _named(args: OktaEmailDomainArgs, key: str) -> Callable[[Records], str]:
    """The record's name as the DNS target wants it."""
    return lambda records: args.dns.record_name(records[key]["fqdn"])


class OktaEmailDomain(pulumi.ComponentResource):
    """An Okta custom email domain taken from nothing to VERIFIED, tied to its brand."""

    email_domain_id: pulumi.Output[str]
    """The Okta email domain's id."""
    validation_status: pulumi.Output[str]
    """`VERIFIED` once Okta sends mail from the domain."""
    dns_records: pulumi.Output[list[dict[str, Any]]]
    """The four records Okta asks for: `type`, `fqdn`, `name` (in the DNS target's style) and
    `value`: the TXT `_oktaverification`, the mail CNAME (SPF) and two DKIM CNAMEs."""
    registrar_rows: pulumi.Output[list[dict[str, Any]]]
    """With manual DNS, the rows to paste into the registrar's form (empty otherwise)."""

    def __init__(
        self,
        name: str,
        args: OktaEmailDomainArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not isinstance(args, OktaEmailDomainArgs):
            raise TypeError(
                f"OktaEmailDomain({name!r}, args=...): args must be OktaEmailDomainArgs, got "
                f"{type(args).__name__}"
            )
        org_url = resolve_org_url(args.okta_org.org_url, _okta_config, os.environ)
        if args.okta_org.credentials_tenant is None:  # tenants are checked with their config
            provider_scopes(pulumi.Config("okta").get, os.environ, emails=True)
        super().__init__(EMAIL_TYPE_TOKEN, name, None, opts)
        unwrap_pickler()
        email = self._email_domain(name, args)
        records = email.dns_validation_records.apply(
            lambda found: email_records(plain_email_records(found), args.domain)
        )
        written = self._write(name, args, records)
        self.dns_records = records.apply(
            lambda r: [{**r[k], "name": args.dns.record_name(r[k]["fqdn"])} for k in RECORD_KEYS]
        )
        self.registrar_rows = self._registrar_rows(args)
        readiness = DnsReadiness(
            f"{name}-dns-ready",
            records=records.apply(lambda r: [r[k] for k in RECORD_KEYS]),
            timeout=args.readiness_timeout,
            interval=args.readiness.interval,
            resolver=args.readiness.resolver,
            dns_port=args.readiness.dns_port,
            nameservers=list(args.readiness.nameservers) if args.readiness.nameservers else None,
            validating_resolver=args.readiness.validating_resolver,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[email, *written]),
        )
        verification = self._verify_and_link(name, args, org_url, email, readiness)
        self.email_domain_id = email.id
        self.validation_status = verification.validation_status
        self.register_outputs(
            {
                "email_domain_id": self.email_domain_id,
                "validation_status": self.validation_status,
                "dns_records": self.dns_records,
                "registrar_rows": self.registrar_rows,
            }
        )

    def _email_domain(self, name: str, args: OktaEmailDomainArgs) -> okta.EmailDomain:
        """The email domain of the brand, after the DNS target's preflight."""
        return okta.EmailDomain(
            f"{name}-email-domain",
            brand_id=args.brand_id,
            domain=args.domain,
            display_name=args.display_name,
            user_name=args.user_name,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=args.dns.preflight(name, self),
                # pulumi-okta updates only the sender in place: a new domain or brand is a new
                # email domain (the old one goes first: Okta refuses the same domain twice).
                replace_on_changes=["domain", "brandId"],
                delete_before_replace=True,
            ),
        )

    def _write(
        self, name: str, args: OktaEmailDomainArgs, records: pulumi.Output[Records]
    ) -> list[pulumi.Resource]:
        """The four records, through the DNS target's writer (nothing for a registrar)."""
        to_write = [
            RecordToWrite(
                record_type=RECORD_TYPES[key],
                fqdn=records.apply(_field(key, "fqdn")),
                name=records.apply(_named(args, key)),
                value=records.apply(_field(key, "value")),
                key=key,
            )
            for key in RECORD_KEYS
        ]
        return write_records(name, args.dns, to_write, self)

    def _verify_and_link(
        self,
        name: str,
        args: OktaEmailDomainArgs,
        org_url: str,
        email: okta.EmailDomain,
        readiness: DnsReadiness,
    ) -> OktaEmailDomainVerification:
        """Verify once the records are served; keep the brand's link (unlinked on delete)."""
        tenant = args.okta_org.credentials_tenant
        verification = OktaEmailDomainVerification(
            f"{name}-verification",
            email_domain_id=email.id,
            domain=args.domain,
            records=readiness.records,
            timeout=args.verification.timeout,
            poll_interval=args.verification.poll_interval,
            org_url=org_url,
            credentials_tenant=tenant,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[readiness]),
        )
        OktaBrandEmailLink(
            f"{name}-brand-link",
            brand_id=args.brand_id,
            email_domain_id=email.id,
            org_url=org_url,
            credentials_tenant=tenant,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[email]),
        )
        return verification

    def _registrar_rows(self, args: OktaEmailDomainArgs) -> pulumi.Output[list[dict[str, Any]]]:
        """The rows a person pastes, also logged where the CLI shows them; empty otherwise."""
        if not args.dns.by_hand:
            return pulumi.Output.from_input([])

        def rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            result = args.dns.registrar_rows(records)
            if result:
                log_rows(f"the email domain {args.domain}", result, self)
            return result

        return self.dns_records.apply(rows)
