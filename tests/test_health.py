"""``okta-custom-domain health`` on real DNS servers: knotd at 127.0.0.2 and 127.0.0.3 serving
``example.test`` and, below it, the zone ``corp.example.test`` that holds the custom domain; a
fake Okta org for status and certificate expiry. Each situation is set up for real (a zone
edit, a certificate with 10 days left) and read back from the command's exit code and JSON.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from okta_custom_domain.cli import build_parser
from okta_custom_domain.cli.health import run_health
from okta_custom_domain.testing.dns_server import TwoServerZone, ZoneRecord, zone_text
from okta_custom_domain.testing.fake_okta import FakeOkta

PARENT = "example.test"
ZONE = f"corp.{PARENT}"
DOMAIN = f"login.{ZONE}"
TARGET = "acme.customdomains.okta.com"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.out)
        return decoded

    def checks(self) -> dict[str, dict[str, Any]]:
        [domain] = self.report["domains"]
        return dict(domain["checks"])

    def levels(self) -> dict[str, str]:
        return {name: check["level"] for name, check in self.checks().items()}


class Situation:
    """The zones, the fake org with the domain COMPLETED, and the tenants file."""

    def __init__(self, zone: TwoServerZone, fake: FakeOkta, root: Path) -> None:
        self.zone, self.fake, self.root = zone, fake, root
        self.domain_id = fake.add_domain(DOMAIN)
        fake.set_status(self.domain_id, "COMPLETED")
        self.parent_records: list[ZoneRecord] = []
        self.set_parent([])
        self.set_child([ZoneRecord("login", "CNAME", f"{TARGET}.")])
        self.tenants = root / "tenants.yaml"
        self.write_tenants()

    def set_parent(self, records: list[ZoneRecord]) -> None:
        delegation = [ZoneRecord("corp", "NS", f"ns{i}.{PARENT}.") for i in (1, 2)]
        self.zone.set_records([*records, *delegation])

    def set_child(self, records: list[ZoneRecord], serial: int = 1) -> None:
        text = zone_text(ZONE, serial=serial, nameservers=self.zone.nameservers, records=records)
        for server in self.zone.servers:
            server.add_zone(ZONE, text)

    def write_tenants(self, **domain: Any) -> None:
        entry = {
            "domain": DOMAIN,
            "dns": {"type": "manual", "zone": ZONE},
            "readiness": {"resolver": f"127.0.0.2:{self.zone.port}", "dnsPort": self.zone.port},
            **domain,
        }
        okta = {"orgName": "acme", "apiToken": self.fake.api_token, "httpProxy": self.fake.url}
        tenants = [{"name": "acme", "okta": okta, "domains": [entry]}]
        self.tenants.write_text(yaml.safe_dump(tenants, sort_keys=False))

    def run(self, *flags: str, json_out: bool = True) -> Run:
        argv = ["health", "--tenants", str(self.tenants), "--query-timeout", "0.5", *flags]
        args = build_parser().parse_args([*argv, "--json"] if json_out else argv)
        out, err = io.StringIO(), io.StringIO()
        code = run_health(args, env={}, out=out, err=err)
        result = Run(code, out.getvalue(), err.getvalue())
        assert self.fake.api_token not in result.out + result.err
        print(f"$ okta-custom-domain {' '.join(argv)}{' --json' if json_out else ''}")
        print(result.out + f"exit {code}")
        return result


@pytest.fixture
def situation(tmp_path: Path) -> Iterator[Situation]:
    with TwoServerZone(PARENT) as zone, FakeOkta(org_name="acme") as fake:
        yield Situation(zone, fake, tmp_path)


def test_a_healthy_domain_exits_0(situation: Situation) -> None:
    run = situation.run()
    assert run.code == 0, run.out + run.err
    assert run.report["level"] == "ok" and run.report["exit_code"] == 0
    assert set(run.levels().values()) == {"ok"}, run.levels()
    certificate = run.checks()["certificate"]["details"]
    assert certificate["days_left"] == 90 and certificate["warn_days"] == 21
    assert run.checks()["cname"]["summary"] == f"-> {TARGET}"
    text = situation.run(json_out=False)
    assert text.code == 0 and DOMAIN in text.out and "ok (exit 0)" in text.out


def test_a_certificate_with_10_days_left_is_a_warning(situation: Situation) -> None:
    situation.fake.set_certificate_days_left(situation.domain_id, 10)
    run = situation.run()
    assert run.code == 1, run.out
    assert run.levels() == {
        "okta_status": "ok", "certificate": "warning", "caa": "ok", "cname": "ok", "brand": "ok"
    }  # fmt: skip
    certificate = run.checks()["certificate"]
    assert certificate["details"]["days_left"] == 10
    assert "(< 21)" in certificate["summary"]
    assert situation.run("--warn-days", "7").code == 0


def test_a_caa_added_in_the_parent_zone_that_forbids_lets_encrypt_fails(
    situation: Situation,
) -> None:
    situation.set_parent([ZoneRecord("@", "CAA", '0 issue "digicert.com"')])
    run = situation.run()
    assert run.code == 2, run.out
    caa = run.checks()["caa"]
    assert caa["level"] == "failing"
    assert caa["details"] == {"name": PARENT, "zone": PARENT, "records": ['0 issue "digicert.com"']}
    assert "renewal blocked" in caa["summary"] and "above the zone cut" in caa["summary"]
    assert run.levels()["cname"] == "ok"

    situation.set_parent([ZoneRecord("@", "CAA", '0 issue "letsencrypt.org"')])
    assert situation.run().code == 0


def test_a_cname_moved_away_from_okta_fails(situation: Situation) -> None:
    situation.set_child([ZoneRecord("login", "CNAME", "lb.elsewhere.example.")], serial=2)
    run = situation.run()
    assert run.code == 2, run.out
    cname = run.checks()["cname"]
    assert cname["level"] == "failing"
    assert cname["details"]["found"] == ["lb.elsewhere.example"]
    assert f"does not point to {TARGET}" in cname["summary"]


def test_a_domain_missing_at_okta_fails_and_the_other_checks_say_why_not_run(
    situation: Situation,
) -> None:
    situation.fake.delete_out_of_band(situation.domain_id)
    run = situation.run()
    assert run.code == 2
    assert run.levels()["okta_status"] == "failing"
    assert run.checks()["cname"]["summary"].startswith("not checked")


def test_a_brand_other_than_configured_is_a_warning(situation: Situation) -> None:
    situation.write_tenants(brandId="bndOTHERBRAND0000000")
    run = situation.run()
    assert run.code == 1 and run.levels()["brand"] == "warning"


def test_a_bad_tenants_file_exits_2_naming_the_key(situation: Situation) -> None:
    situation.tenants.write_text(yaml.safe_dump([{"name": "acme", "domains": []}]))
    run = situation.run()
    assert run.code == 2 and run.out == ""
    assert "tenants[0] (acme).okta: required" in run.err


def test_an_expired_certificate_fails(situation: Situation) -> None:
    situation.fake.set_certificate_days_left(situation.domain_id, -3)
    run = situation.run()
    assert run.code == 2
    assert run.checks()["certificate"]["summary"] == "expired 3 days ago"


def test_an_org_that_cannot_be_reached_fails_its_domains(situation: Situation) -> None:
    situation.fake.stop()
    run = situation.run("--retry-budget", "1")
    assert run.code == 2
    status = run.checks()["okta_status"]
    assert status["level"] == "failing" and status["summary"].startswith("Okta could not be asked")
