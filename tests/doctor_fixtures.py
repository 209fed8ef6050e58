"""A stuck-domain lab for the doctor tests: FakeOkta + two knotd servers + a CLI runner.

``from doctor_fixtures import lab`` in a test module makes the ``lab`` fixture available. Each
test builds a real situation: the domain's state at the fake Okta (created, verified through
its API against the local DNS, or regenerated after a premature verify) and the zone's records
on each server, then runs ``okta-custom-domain doctor`` and reads the verdict.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from okta_custom_domain.cli import build_parser
from okta_custom_domain.cli.doctor import run_doctor
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.testing.dns_server import TwoServerZone, ZoneRecord
from okta_custom_domain.testing.fake_okta import FakeOkta

ZONE = "example.test"
DOMAIN = f"login.{ZONE}"


@dataclass
class DoctorRun:
    """One doctor run: exit code, stdout, stderr, and the JSON report when ``--json``."""

    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.out)
        return decoded

    @property
    def verdict(self) -> dict[str, Any]:
        verdict: dict[str, Any] = self.report["domains"][0]["verdict"]
        return verdict


class Lab:
    """The fake org and the zone, with shortcuts to set up one situation."""

    def __init__(self, fake: FakeOkta, zone: TwoServerZone) -> None:
        self.fake = fake
        self.zone = zone

    @property
    def dns_args(self) -> list[str]:
        return [
            "--resolver",
            f"127.0.0.2:{self.zone.port}",
            "--dns-port",
            str(self.zone.port),
            "--query-timeout",
            "0.5",
        ]

    def env(self, **extra: str) -> dict[str, str]:
        return {"OKTA_API_TOKEN": self.fake.api_token, **extra}

    def client(self) -> OktaDomainsClient:
        return OktaDomainsClient(self.fake.url, ApiToken(self.fake.api_token), retry_budget=5)

    def add_domain(self, name: str = DOMAIN, source: str = "OKTA_MANAGED") -> str:
        return self.fake.add_domain(name, source)

    def okta_records(self, domain_id: str) -> tuple[str, str, str]:
        """(TXT fqdn, TXT value, CNAME target) that Okta shows for the domain now."""
        records = {r["recordType"]: r for r in self.fake.domain(domain_id)["dnsRecords"]}
        return (
            records["TXT"]["fqdn"],
            records["TXT"]["values"][0],
            records["CNAME"]["values"][0],
        )

    def correct_records(self, domain_id: str) -> list[ZoneRecord]:
        """Zone records (relative names) that satisfy what Okta shows for the domain."""
        txt_fqdn, txt_value, target = self.okta_records(domain_id)
        domain = self.fake.domain(domain_id)["domain"]
        return [
            ZoneRecord(txt_fqdn.removesuffix("." + ZONE), "TXT", f'"{txt_value}"'),
            ZoneRecord(domain.removesuffix("." + ZONE), "CNAME", f"{target}."),
        ]

    def verify_at(self, domain_id: str, seconds_ago: float) -> dict[str, Any]:
        """Verify through Okta's API as if it happened ``seconds_ago`` (log time included)."""
        self.fake.set_clock(lambda: time.time() - seconds_ago)
        try:
            with self.client() as client:
                client.verify_domain(domain_id)
        finally:
            self.fake.set_clock(time.time)
        return self.fake.domain(domain_id)

    def run(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        json_out: bool = True,
        with_org_url: bool = True,
        dns_args: list[str] | None = None,
    ) -> DoctorRun:
        """Run ``okta-custom-domain doctor`` with the lab's org and DNS options (or
        ``dns_args`` instead of the latter)."""
        org = ["--org-url", self.fake.url] if with_org_url else []
        argv = ["doctor", *args, *org, *(self.dns_args if dns_args is None else dns_args)]
        if json_out:
            argv.append("--json")
        parsed = build_parser().parse_args(argv)
        out, err = io.StringIO(), io.StringIO()
        code = run_doctor(parsed, env=self.env() if env is None else env, out=out, err=err)
        result = DoctorRun(code, out.getvalue(), err.getvalue())
        assert self.fake.api_token not in result.out + result.err
        return result


@pytest.fixture
def lab() -> Iterator[Lab]:
    """FakeOkta whose verify resolves through ns1, and ``example.test`` on two knotd servers."""
    with TwoServerZone(ZONE) as zone, FakeOkta(dns_server=("127.0.0.2", zone.port)) as fake:
        yield Lab(fake, zone)
