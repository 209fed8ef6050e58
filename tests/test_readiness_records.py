"""Expected-record parsing and the pure diagnosis rules that real servers cannot easily show."""

from __future__ import annotations

import pytest
from okta_custom_domain.readiness.diagnosis import caa_allows_letsencrypt, diagnose
from okta_custom_domain.readiness.records import (
    ExpectedRecord,
    RecordError,
    make_record,
    parse_assignment,
    parse_records,
)
from okta_custom_domain.readiness.report import ReadinessReport, RecordReport, ServerAnswer


def test_records_are_normalised() -> None:
    records = parse_records(
        [
            {
                "type": " cname ",
                "fqdn": "Login.Example.COM.",
                "value": "Acme.CustomDomains.Okta.com.",
            },
            {"type": "TXT", "fqdn": "_acme-challenge.login.example.com", "value": " tok "},
        ]
    )
    assert records == [
        ExpectedRecord("CNAME", "login.example.com", "acme.customdomains.okta.com"),
        ExpectedRecord("TXT", "_acme-challenge.login.example.com", "tok"),
    ]
    assert records[1].domain == "login.example.com"
    assert parse_assignment("TXT", "a.example.com=x=y", field="--txt").value == "x=y"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"type": "MX", "fqdn": "a.example.com", "value": "x"}, r"records\[0\]\.type: 'MX'"),
        ({"type": "TXT", "fqdn": "", "value": "x"}, r"records\[0\]\.fqdn: .*required"),
        ({"type": "TXT", "fqdn": "localhost", "value": "x"}, r"records\[0\]\.fqdn: .*full name"),
        ({"type": "TXT", "fqdn": "a b.example.com", "value": "x"}, r"fqdn: .*white space"),
        (
            {"type": "TXT", "fqdn": "a.example.com", "value": ""},
            r"records\[0\]\.value: .*non-empty",
        ),
        ({"type": "TXT", "fqdn": "a.example.com", "value": '"x"'}, r"value: .*quote"),
        ({"type": "TXT", "fqdn": "a.example.com", "value": "x\u00e9"}, r"value: .*non-ASCII"),
        (
            {"type": "CNAME", "fqdn": "a.example.com", "value": "bad..name"},
            r"value: 'bad..name' is not a valid",
        ),
        ({"type": "TXT", "fqdn": "a.example.com"}, r"records\[0\]: missing value"),
        ({"type": "TXT", "fqdn": "a.example.com", "value": "x", "ttl": 5}, "unknown keys"),
    ],
)
def test_bad_records_name_field_and_fix(item: dict[str, object], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        parse_records([item])


def test_inconsistent_sets_are_refused() -> None:
    with pytest.raises(RecordError, match="CNAME cannot sit beside other data"):
        parse_records(
            [
                {"type": "CNAME", "fqdn": "a.example.com", "value": "x.test"},
                {"type": "TXT", "fqdn": "a.example.com", "value": "y"},
            ]
        )
    with pytest.raises(RecordError, match="several TXT values"):
        parse_records(
            [
                {"type": "TXT", "fqdn": "a.example.com", "value": "x"},
                {"type": "TXT", "fqdn": "a.example.com", "value": "y"},
            ]
        )
    with pytest.raises(RecordError, match="at least one record"):
        parse_records([])


@pytest.mark.parametrize(
    ("records", "allowed"),
    [
        (['0 issue "letsencrypt.org"'], True),
        (['0 issue "digicert.com"', '0 issue "letsencrypt.org; validationmethods=dns-01"'], True),
        (['0 issue "digicert.com"'], False),
        (['0 issue ";"'], False),
        (['0 iodef "mailto:a@example.com"'], True),
        (['0 issuewild "digicert.com"'], True),
    ],
)
def test_caa_rules(records: list[str], allowed: bool) -> None:
    assert caa_allows_letsencrypt(records) is allowed


def _report_with(answer: ServerAnswer) -> ReadinessReport:
    record = make_record("TXT", "_acme-challenge.login.example.com", "tok")
    good = ServerAnswer("ns1.example.com", "192.0.2.1", 53, "NOERROR", True, ["tok"], matches=True)
    return ReadinessReport(records=[RecordReport(record, "example.com", [good, answer])])


def test_answer_without_aa_is_a_lame_delegation() -> None:
    lame = ServerAnswer("ns2.example.com", "192.0.2.2", 53, "NOERROR", False, ["tok"])
    causes = diagnose(_report_with(lame))
    assert [c.code for c in causes] == ["not_authoritative"]
    assert "ns2.example.com 192.0.2.2:53" in causes[0].message
    assert "without the AA flag" in causes[0].message and "lame delegation" in causes[0].message


def test_servfail_names_the_server() -> None:
    failing = ServerAnswer("ns2.example.com", "192.0.2.2", 53, "SERVFAIL", False)
    causes = diagnose(_report_with(failing))
    assert [c.code for c in causes] == ["servfail"]
    assert "SERVFAIL" in causes[0].message and "192.0.2.2:53" in causes[0].message
