"""An email domain's four records taken from Okta's dnsValidationRecords, in a fixed order, and
refused when their shape is not Okta's (rather than written where nobody looks them up)."""

from __future__ import annotations

import pytest
from okta_custom_domain.email_records import RECORD_KEYS, email_records, plain_email_records
from okta_custom_domain.testing.pulumi_mocks import okta_email_records


def test_the_records_come_in_a_fixed_order_whatever_okta_s_order() -> None:
    records = plain_email_records(list(reversed(okta_email_records("Acme.Test"))))
    found = email_records(records, "acme.test")
    assert list(found) == list(RECORD_KEYS)
    assert found["txt"]["fqdn"] == "_oktaverification.acme.test"
    assert found["mail"]["fqdn"] == "mail.acme.test"
    assert [found[k]["fqdn"] for k in ("dkim1", "dkim2")] == [
        "oka._domainkey.acme.test", "oka2._domainkey.acme.test"
    ]  # fmt: skip


def test_another_validation_subdomain_is_taken_as_okta_names_it() -> None:
    records = plain_email_records(okta_email_records("acme.test"))
    records[1]["fqdn"] = "bounce.acme.test"  # made elsewhere with validationSubdomain=bounce
    assert email_records(records, "acme.test")["mail"]["fqdn"] == "bounce.acme.test"


@pytest.mark.parametrize("drop", [0, 1, 2])
def test_a_missing_record_is_refused_naming_the_shape(drop: int) -> None:
    records = plain_email_records(okta_email_records("acme.test"))
    del records[drop]
    with pytest.raises(ValueError, match="one TXT _oktaverification, one mail CNAME and two DKIM"):
        email_records(records, "acme.test")


def test_records_of_another_domain_are_refused() -> None:
    records = plain_email_records(okta_email_records("other.test"))
    with pytest.raises(ValueError, match=r"acme\.test: Okta's dnsValidationRecords"):
        email_records(records, "acme.test")
