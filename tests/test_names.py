"""``dns_record_name`` over a table of cases, including every mistake it must refuse."""

from __future__ import annotations

import pytest
from okta_custom_domain import dns_record_name, normalize_fqdn


@pytest.mark.parametrize(
    ("fqdn", "zone", "style", "expected"),
    [
        ("id.example.com", "example.com", "label", "id"),
        (
            "_acme-challenge.login.id.example.com",
            "example.com",
            "label",
            "_acme-challenge.login.id",
        ),
        ("id.example.com", "example.com", "fqdn", "id.example.com"),
        ("id.example.com", "example.com", "fqdn-dot", "id.example.com."),
        ("ID.Example.COM.", "example.com", "label", "id"),
        ("id.example.com", "EXAMPLE.com.", "fqdn", "id.example.com"),
        ("_oktaverification.sso.example.co.uk", "example.co.uk", "label", "_oktaverification.sso"),
        ("login.bücher.example", "bücher.example", "fqdn", "login.xn--bcher-kva.example"),
        ("anmeldung.xn--bcher-kva.example", "bücher.example", "label", "anmeldung"),
        ("a.b.c.example.com", "c.example.com", "label", "a.b"),
    ],
)
def test_record_name(fqdn: str, zone: str, style: str, expected: str) -> None:
    assert dns_record_name(fqdn, zone, style) == expected


@pytest.mark.parametrize(
    ("fqdn", "zone", "style", "message"),
    [
        (
            "id.example.com.example.com",
            "example.com",
            "label",
            "carries the zone 'example.com' twice",
        ),
        ("example.com.example.com", "example.com", "label", "twice"),
        ("example.com", "example.com", "label", "apex"),
        ("Example.com.", "example.com", "fqdn", "apex"),
        ("id.example.org", "example.com", "label", "not inside zone 'example.com'"),
        ("idexample.com", "example.com", "label", "not inside zone"),
        (
            "id.example.com",
            "example.com",
            "relative",
            "style: 'relative' is not a record name style",
        ),
        ("", "example.com", "label", "fqdn: a domain name is required"),
        ("id.example.com", "", "label", "zone: a domain name is required"),
        ("https://id.example.com", "example.com", "label", "looks like a URL"),
        ("id..example.com", "example.com", "label", "not a valid domain name"),
        ("id example.com", "example.com", "label", "white space"),
    ],
)
def test_record_name_refuses_mistakes(fqdn: str, zone: str, style: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.").replace("(", r"\(")):
        dns_record_name(fqdn, zone, style)


def test_doubled_zone_error_names_the_fix() -> None:
    with pytest.raises(ValueError, match=r"Use 'id\.example\.com' instead"):
        dns_record_name("id.example.com.example.com", "example.com", "label")


def test_normalize_lowercases_and_drops_the_dot() -> None:
    assert normalize_fqdn("Login.Example.COM.") == "login.example.com"
    assert normalize_fqdn("Bücher.Example") == "xn--bcher-kva.example"
