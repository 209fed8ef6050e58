"""What goes wrong with an email domain's records that the generic rules would misname.

Okta sends mail through its mail provider (SendGrid): the mail CNAME at
``<validationSubdomain>.<domain>`` (``mail``) points at a ``*.sendgrid.net`` host. A company
often has a host or its own mail at ``mail.<domain>`` already; a CNAME cannot sit beside other
records, so the record Okta needs cannot be created there. An MX at the name says so for any
CNAME; A/AAAA says so for the mail CNAME (elsewhere it means a proxied or flattened record).
The other mistakes users make with these records are the generic ones and are named by them:
a DKIM name typed in full into a form that appends the zone (``zone_appended_twice``), a TXT
pasted with a space or quotes (``txt_whitespace``, ``quoted_txt``), a proxied DKIM CNAME
(``proxied_cname``), a record never created (``missing_everywhere``).
"""

from __future__ import annotations

from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.report import RecordReport, ServerAnswer
from okta_custom_domain.readiness.wording import relative_or_fqdn, show

MAIL_PROVIDER_SUFFIX = ".sendgrid.net"
"""Where Okta's mail CNAME and DKIM CNAMEs point (its mail provider's hosts)."""


def _mail_host_cname(record: RecordReport) -> bool:
    """The mail CNAME (not a DKIM one): a name a company may already use for a host."""
    expected = record.record
    return (
        expected.rtype == "CNAME"
        and expected.value.rstrip(".").lower().endswith(MAIL_PROVIDER_SUFFIX)
        and "._domainkey." not in expected.fqdn
    )


def name_in_use(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """The CNAME's name already holds MX (or, for the mail CNAME, address) records."""
    probe = record.probes.get("address_records") or {}
    mx, addresses = probe.get("mx") or [], probe.get("found") or []
    if record.record.rtype != "CNAME" or not (mx or (addresses and _mail_host_cname(record))):
        return None
    held = [*(f"MX {value}" for value in mx), *addresses]
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    parent = record.record.fqdn.split(".", 1)[1]
    return Cause(
        CauseCode.NAME_IN_USE,
        f"{record.record.label()} cannot be created: the name already holds {show(held)}, and "
        f"a CNAME cannot sit beside other records. Okta's mail needs the CNAME to "
        f"{record.record.value!r} at exactly this name.",
        f"if nothing uses the records at `{relative}`, delete them; otherwise send from a "
        f"subdomain whose `mail` name is free (e.g. an email domain notify.{parent}: "
        "pulumi-okta cannot choose another validation subdomain)",
        record=record.record.label(),
        details={"found": held, "expected": record.record.value},
    )


__all__ = ["MAIL_PROVIDER_SUFFIX", "name_in_use"]
