"""``OktaCustomDomain``: the Okta domain, its DNS records, the readiness wait and verification.

The graph is domain -> records -> readiness -> verification, after a DNS preflight for an
RFC 2136 target (the key and zone proved before the domain exists). Record names are known at
preview; their values come from Okta, so a regenerated TXT value flows through every later step.

Annotations here are evaluated (no ``from __future__ import annotations``): the component
package's schema is inferred from them at run time (``okta_custom_domain.package``).
"""

import os
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_okta as okta

from okta_custom_domain.adoption.lookup import Adoption, check_source_type, find_adoption
from okta_custom_domain.adoption.notice import AdoptionNotice
from okta_custom_domain.args import ManualCertificate, OktaCustomDomainArgs
from okta_custom_domain.brand_config import provider_scopes
from okta_custom_domain.certificates import validate_manual_certificate
from okta_custom_domain.okta.org_settings import resolve_org_url
from okta_custom_domain.okta.verification_provider import OktaDomainVerification
from okta_custom_domain.okta_records import expected_names, plain_okta_records, record_values
from okta_custom_domain.pulumi_internals import unwrap_pickler
from okta_custom_domain.readiness.provider import DnsReadiness
from okta_custom_domain.targets.base import log_rows
from okta_custom_domain.targets.writing import RecordToWrite, write_records

TYPE_TOKEN = "okta-custom-domain:index:OktaCustomDomain"


def _checked_key(domain: str, bundle: ManualCertificate, private_key: str) -> str:
    """Validate a key that arrived as a secret Output, before it is uploaded."""
    validate_manual_certificate(domain, bundle.certificate, private_key, bundle.certificate_chain)
    return private_key


def _okta_config(key: str) -> str | None:
    """The Okta provider's stack config (``okta:orgName``...), as ``resolve_org_url`` asks."""
    return pulumi.Config("okta").get(key.removeprefix("okta:"))


def adoption_of(args: OktaCustomDomainArgs, org_url: str) -> Adoption | None:
    """For ``adopt``: the live domain (read now, before anything is declared), checked against
    the config; ``AdoptionError`` naming the domain and the org when it does not exist."""
    if not args.adopt:
        return None
    adoption = find_adoption(
        args.domain,
        org_url,
        args.okta_org.credentials_tenant,
        pulumi.runtime.get_config,
        scope=pulumi.runtime.get_root_resource(),  # this run's stack: one lookup per run
    )
    check_source_type(adoption, args.certificate_source_type)
    return adoption


def _pick(record_type: str) -> Callable[[dict[str, str]], str]:
    """A function that takes one record's value out of ``record_values``' result."""
    return lambda values: values[record_type]


class OktaCustomDomain(pulumi.ComponentResource):
    """An Okta custom domain taken from nothing to verified, with its certificate issued."""

    domain_id: pulumi.Output[str]
    """The Okta custom domain's id."""
    validation_status: pulumi.Output[str]
    """The domain's status in Okta when the wait ended: `COMPLETED` (certificate issued) or
    `VERIFIED`."""
    cname_target: pulumi.Output[str]
    """What the domain's CNAME points to (`<org>.customdomains.okta.com`)."""
    certificate_expiration: pulumi.Output[str | None]
    """When the domain's certificate expires (Okta's `publicCertificate.expiration`), as read
    by the last `up` or `refresh --run-program`; Okta renews OKTA_MANAGED certificates."""
    dns_records: pulumi.Output[list[dict[str, Any]]]
    """The CNAME and TXT records Okta asks for: `type`, `fqdn`, `name` (in the DNS target's style)
    and `value`."""
    registrar_rows: pulumi.Output[list[dict[str, Any]]]
    """With manual DNS, the rows to paste into the registrar's form (empty otherwise)."""

    def __init__(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not isinstance(args, OktaCustomDomainArgs):
            raise TypeError(
                f"OktaCustomDomain({name!r}, args=...): args must be OktaCustomDomainArgs, got "
                f"{type(args).__name__}; build it with OktaCustomDomainArgs(domain=..., dns=...)"
                " (a dict's keys become its keyword arguments: OktaCustomDomainArgs(**values))"
            )
        org_url = resolve_org_url(args.okta_org.org_url, _okta_config, os.environ)  # fails early
        if args.brand_id is not None and args.okta_org.credentials_tenant is None:
            provider_scopes(pulumi.Config("okta").get, os.environ, emails=False)
        adoption = adoption_of(args, org_url)  # fails early too
        super().__init__(TYPE_TOKEN, name, None, opts)
        unwrap_pickler()  # Pulumi's serializer leaves a wrapper per dynamic resource
        names = expected_names(args.domain, args.certificate_source_type)
        retain = adoption is not None and not args.delete_on_destroy

        domain = self._okta_domain(name, args, args.dns.preflight(name, self), adoption, retain)
        values = domain.dns_records.apply(
            lambda records: record_values(plain_okta_records(records), names, args.domain)
        )
        to_write = [
            RecordToWrite(
                record_type=rtype,
                fqdn=fqdn,
                name=args.dns.record_name(fqdn),
                value=values.apply(_pick(rtype)),
                adopted_value=adoption.record_value(rtype) if adoption else None,
            )
            for rtype, fqdn in (("CNAME", names.cname), ("TXT", names.txt))
        ]
        written = write_records(name, args.dns, to_write, self, retain=retain)
        if retain and adoption is not None:
            self._notice(name, args, adoption, to_write)

        self.dns_records = values.apply(
            lambda v: [
                {"type": r.record_type, "fqdn": r.fqdn, "name": r.name, "value": v[r.record_type]}
                for r in to_write
            ]
        )
        self.registrar_rows = self._registrar_rows(args)
        expected = values.apply(
            lambda v: [
                {"type": r.record_type, "fqdn": r.fqdn, "value": v[r.record_type]} for r in to_write
            ]
        )
        readiness = DnsReadiness(
            f"{name}-dns-ready",
            records=expected,
            timeout=args.readiness_timeout,
            interval=args.readiness.interval,
            resolver=args.readiness.resolver,
            dns_port=args.readiness.dns_port,
            nameservers=list(args.readiness.nameservers) if args.readiness.nameservers else None,
            validating_resolver=args.readiness.validating_resolver,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[domain, *written]),
        )
        verification = self._verify(name, args, org_url, domain, readiness, adoption)
        self.domain_id = domain.id
        self.cname_target = to_write[0].value  # the CNAME record's value, one apply fewer
        self.validation_status = verification.validation_status
        self.certificate_expiration = verification.certificate_expiration
        self.register_outputs(
            {
                "domain_id": self.domain_id,
                "validation_status": self.validation_status,
                "certificate_expiration": self.certificate_expiration,
                "cname_target": self.cname_target,
                "dns_records": self.dns_records,
                "registrar_rows": self.registrar_rows,
            }
        )

    def _okta_domain(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        preflight: list[pulumi.Resource],
        adoption: Adoption | None,
        retain: bool,
    ) -> okta.Domain:
        """The Okta domain, created after the DNS preflight; or, adopted, imported by its id
        (with the live certificate source, so the import changes nothing) and retained."""
        return okta.Domain(
            f"{name}-domain",
            name=args.domain,
            certificate_source_type=args.certificate_source_type,
            brand_id=args.brand_id,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=preflight,
                import_=adoption.domain_id if adoption else None,
                retain_on_delete=retain or None,
            ),
        )

    def _verify(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        org_url: str,
        domain: okta.Domain,
        readiness: DnsReadiness,
        adoption: Adoption | None,
    ) -> OktaDomainVerification:
        """Verify once the records are live; for MANUAL, upload the certificate in between
        (not for an adopted domain already serving the configured certificate).

        The verification takes its records from the readiness check's output, so a changed
        record value means a new wait and then a new verification.
        """

        def verification(
            resource_name: str, wait_for: str, depends_on: pulumi.Resource
        ) -> OktaDomainVerification:
            return OktaDomainVerification(
                resource_name,
                domain_id=domain.id,
                domain=args.domain,
                org_url=org_url,
                credentials_tenant=args.okta_org.credentials_tenant,
                records=readiness.records,
                wait_for=wait_for,
                timeout=args.verification.timeout,
                poll_interval=args.verification.poll_interval,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[depends_on]),
            )

        if args.certificate is None:
            return verification(f"{name}-verification", args.verification.wait_for, readiness)
        dns_verified = verification(f"{name}-verification", "VERIFIED", readiness)
        if args.verification.wait_for == "VERIFIED":
            return dns_verified
        if adoption is not None and adoption.certificate_matches(args.certificate.certificate):
            return verification(f"{name}-certificate-issued", "COMPLETED", dns_verified)
        certificate = self._upload_certificate(name, args, domain, dns_verified)
        return verification(f"{name}-certificate-issued", "COMPLETED", certificate)

    def _notice(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        adoption: Adoption,
        records: list[RecordToWrite],
    ) -> None:
        """What ``destroy`` will say it left (records only where the target writes them)."""
        kept = [] if args.dns.by_hand else [f"{r.record_type} {r.fqdn}" for r in records]
        AdoptionNotice(
            f"{name}-adopted",
            domain=args.domain,
            domain_id=adoption.domain_id,
            org_url=adoption.org_url,
            records=kept,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _upload_certificate(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        domain: okta.Domain,
        dns_verified: OktaDomainVerification,
    ) -> okta.DomainCertificate:
        """Upload a MANUAL certificate after DNS verification; the key stays secret in state."""
        assert args.certificate is not None
        bundle = args.certificate
        private_key = pulumi.Output.secret(bundle.private_key)
        checked_key = private_key.apply(lambda key: _checked_key(args.domain, bundle, key))
        return okta.DomainCertificate(
            f"{name}-certificate",
            domain_id=domain.id,
            type="PEM",
            certificate=bundle.certificate,
            certificate_chain=bundle.certificate_chain,
            private_key=checked_key,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[dns_verified],
                additional_secret_outputs=["private_key"],
            ),
        )

    def _registrar_rows(self, args: OktaCustomDomainArgs) -> pulumi.Output[list[dict[str, Any]]]:
        """The rows a person pastes (a registrar form's target), also logged where the CLI
        shows them; empty for a target an API writes."""
        if not args.dns.by_hand:
            return pulumi.Output.from_input([])

        def rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            result = args.dns.registrar_rows(records)
            if result:
                log_rows(args.domain, result, self)
            return result

        return self.dns_records.apply(rows)
