"""verify_email_and_wait against FakeOkta and a real DNS server: POLLING is progress, ERROR
fails with Okta's reason, a VERIFIED email domain is never verified again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.email_domains import OktaEmailDomainsClient
from okta_custom_domain.okta.email_verification import (
    EmailVerificationError,
    verify_email_and_wait,
)
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    ZoneRecord,
    loopback_zone_text,
)
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_fixtures import FakeTime  # type: ignore[import-not-found]

ZONE = "mail.test"
_serials = itertools.count(1)


@pytest.fixture(scope="module")
def dns() -> Iterator[AuthoritativeServer]:
    with AuthoritativeServer("127.0.0.1") as server:
        server.add_zone(ZONE, loopback_zone_text(ZONE, serial=next(_serials), records=[]))
        yield server


def serve(dns: AuthoritativeServer, fake: FakeOkta, email_domain_id: str | None) -> None:
    records = []
    if email_domain_id is not None:
        for r in fake.email_domain(email_domain_id)["dnsValidationRecords"]:
            value = r["verificationValue"]
            rdata = f'"{value}"' if r["recordType"] == "TXT" else f"{value}."
            records.append(ZoneRecord(f"{r['fqdn']}.", r["recordType"], rdata))
    dns.set_zone(ZONE, loopback_zone_text(ZONE, serial=next(_serials), records=records))


def new_email_domain(fake: FakeOkta) -> str:
    brand = fake.add_brand("Mail")
    with client_of(fake) as client:
        return client.create_email_domain(ZONE, brand, "IT", "noreply").id


def client_of(fake: FakeOkta) -> OktaEmailDomainsClient:
    return OktaEmailDomainsClient(fake.url, ApiToken(fake.api_token), retry_budget=1)


def verifies(fake: FakeOkta) -> int:
    return len(fake.requests_to("POST", "/verify"))


@pytest.fixture
def fake(dns: AuthoritativeServer) -> Iterator[FakeOkta]:
    serve(dns, FakeOkta(), None)
    with FakeOkta(dns_server=(dns.address, dns.port), dns_timeout=1.0) as server:
        yield server


def test_served_records_verify_with_one_call(dns: AuthoritativeServer, fake: FakeOkta) -> None:
    email_id = new_email_domain(fake)
    serve(dns, fake, email_id)
    seen: list[str] = []
    with client_of(fake) as client:
        done = verify_email_and_wait(client, email_id, timeout=10, poll_interval=1,
                                     progress=seen.append)  # fmt: skip
    assert done.validation_status == "VERIFIED" and verifies(fake) == 1
    assert seen[-1] == f"{ZONE}: validation status VERIFIED"


def test_a_verified_domain_is_never_verified_again(
    dns: AuthoritativeServer, fake: FakeOkta
) -> None:
    email_id = new_email_domain(fake)
    fake.set_email_status(email_id, "VERIFIED")
    with client_of(fake) as client:
        verify_email_and_wait(client, email_id, timeout=10, poll_interval=1)
    assert verifies(fake) == 0  # Okta would answer 400 E0000217 (terraform's issue 1909)


def test_polling_is_progress_until_okta_sees_the_records(
    dns: AuthoritativeServer, fake: FakeOkta
) -> None:
    email_id = new_email_domain(fake)
    seen: list[str] = []
    time = FakeTime()

    def sleep(seconds: float) -> None:  # the records appear while Okta polls
        time.sleep(seconds)
        serve(dns, fake, email_id)

    with client_of(fake) as client:
        done = verify_email_and_wait(client, email_id, timeout=60, poll_interval=5,
                                     progress=seen.append, sleep=sleep, clock=time.clock)  # fmt: skip
    assert done.validation_status == "VERIFIED" and verifies(fake) == 1
    assert any("POLLING" in line and "waiting for VERIFIED" in line for line in seen), seen


def test_okta_giving_up_fails_with_its_reason(dns: AuthoritativeServer) -> None:
    serve(dns, FakeOkta(), None)
    with FakeOkta(dns_server=(dns.address, dns.port), dns_timeout=1.0,
                  email_polling_window=0) as fake:  # fmt: skip
        email_id = new_email_domain(fake)
        time = FakeTime()
        with client_of(fake) as client, pytest.raises(EmailVerificationError) as caught:
            verify_email_and_wait(client, email_id, timeout=60, poll_interval=5,
                                  sleep=time.sleep, clock=time.clock)  # fmt: skip
        assert verifies(fake) == 2  # the ERROR is verified once more, for Okta's reason
    message = str(caught.value)
    assert "E0000218" in message and "DNS record not found" in message
    assert "noreply@okta.com" in message and caught.value.last_status == "ERROR"


def test_a_timeout_says_okta_keeps_polling(dns: AuthoritativeServer, fake: FakeOkta) -> None:
    email_id = new_email_domain(fake)
    time = FakeTime()
    with client_of(fake) as client, pytest.raises(EmailVerificationError) as caught:
        verify_email_and_wait(client, email_id, timeout=20, poll_interval=5,
                              sleep=time.sleep, clock=time.clock)  # fmt: skip
    assert "was not VERIFIED within 20 s; last status POLLING" in str(caught.value)
    assert verifies(fake) == 1
