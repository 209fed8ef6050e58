"""``OktaCustomDomain``: the Okta domain, its DNS records, the readiness wait and verification.

The graph is domain -> records -> readiness -> verification. Record names are known at preview;
their values come from Okta, so a regenerated TXT value flows through every later step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_okta as okta

from okta_custom_domain.args import OktaCustomDomainArgs
from okta_custom_domain.dns_writers import RecordToWrite, record_name_for_target, write_records
from okta_custom_domain.records import expected_names, plain_okta_records, record_values
from okta_custom_domain.targets import ManualDns

TYPE_TOKEN = "okta-custom-domain:index:OktaCustomDomain"


def registrar_rows_text(domain: str, rows: list[dict[str, Any]]) -> str:
    """Paste-ready rows for a registrar's web form, one per line."""
    lines = [f"Enter these records at your registrar for {domain}:"]
    lines += [
        f"  {r['type']:<5}  name: {r['name']}  value: {r['value']}  TTL: {r['ttl']}" for r in rows
    ]
    return "\n".join(lines)


def _pick(record_type: str) -> Callable[[dict[str, str]], str]:
    """A function that takes one record's value out of ``record_values``' result."""
    return lambda values: values[record_type]


class OktaCustomDomain(pulumi.ComponentResource):
    """An Okta custom domain taken from nothing to verified, with its certificate issued."""

    domain_id: pulumi.Output[str]
    validation_status: pulumi.Output[str]
    cname_target: pulumi.Output[str]
    dns_records: pulumi.Output[list[dict[str, Any]]]
    registrar_rows: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        names = expected_names(args.domain, args.certificate_source_type)

        domain = okta.Domain(
            f"{name}-domain",
            name=args.domain,
            certificate_source_type=args.certificate_source_type,
            brand_id=args.brand_id,
            opts=child,
        )
        values = domain.dns_records.apply(
            lambda records: record_values(plain_okta_records(records), names, args.domain)
        )
        to_write = [
            RecordToWrite(
                record_type=rtype,
                fqdn=fqdn,
                name=record_name_for_target(args.dns, fqdn),
                value=values.apply(_pick(rtype)),
            )
            for rtype, fqdn in (("CNAME", names.cname), ("TXT", names.txt))
        ]
        written = write_records(name, args.dns, to_write, self)

        self.dns_records = values.apply(
            lambda v: [
                {"type": r.record_type, "fqdn": r.fqdn, "name": r.name, "value": v[r.record_type]}
                for r in to_write
            ]
        )
        self.registrar_rows = self._registrar_rows(args)
        self.domain_id = domain.id
        self.cname_target = values.apply(lambda v: v["CNAME"])
        self.validation_status = domain.validation_status
        self._written = written
        self.register_outputs(
            {
                "domain_id": self.domain_id,
                "validation_status": self.validation_status,
                "cname_target": self.cname_target,
                "dns_records": self.dns_records,
                "registrar_rows": self.registrar_rows,
            }
        )

    def _registrar_rows(self, args: OktaCustomDomainArgs) -> pulumi.Output[list[dict[str, Any]]]:
        """For ``ManualDns``: the rows a person pastes, also logged where the CLI shows them."""
        if not isinstance(args.dns, ManualDns):
            return pulumi.Output.from_input([])
        ttl = args.dns.ttl

        def rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            result = [
                {"name": r["name"], "type": r["type"], "value": r["value"], "ttl": ttl}
                for r in records
            ]
            pulumi.log.info(registrar_rows_text(args.domain, result), resource=self)
            return result

        return self.dns_records.apply(rows)
