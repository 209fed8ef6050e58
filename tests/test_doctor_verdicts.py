"""One test per doctor verdict, each from a real situation: FakeOkta state + two knotd servers.

Each asserts the verdict code AND the key words of its next step (the exact label, value or
command), so a change to either fails here.
"""

from __future__ import annotations

import time

from doctor_fixtures import DOMAIN, ZONE, Lab, lab  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
from okta_custom_domain.readiness.discovery import BROKEN_RESOLVER_NEXT_STEP
from okta_custom_domain.testing.dns_server import (
    LyingResolver,
    RecursiveResolver,
    ZoneRecord,
    broken_trust_anchor,
)

__all__ = ["lab"]  # fixture used by name below

TARGET = "fake-org.customdomains.okta.com"


def doctor(lab: Lab, *args: str) -> tuple[int, dict[str, str]]:
    run = lab.run("--domain", DOMAIN, *args)
    return run.code, run.verdict


def test_record_missing_everywhere_names_both_rows_to_create(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, txt_value, _ = lab.okta_records(domain_id)
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "record_missing"
    assert verdict["next_step"] == (
        f"create TXT `_acme-challenge.login` = `{txt_value}` and CNAME `login` -> `{TARGET}` "
        f"in zone {ZONE}"
    )
    assert "resolvers cache a missing record for 60 s" in verdict["summary"]


def test_wait_for_a_lagging_server_names_it_with_serials(lab: Lab) -> None:
    domain_id = lab.add_domain()
    new = lab.zone.set_records_on(0, lab.correct_records(domain_id))
    old = lab.zone.serials[1]
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "wait_for_server"
    step = verdict["next_step"]
    assert step.startswith(
        "wait up to about 60 minutes (the zone's SOA refresh; retry every 600 s)"
    )
    assert f"ns2.example.test still serves serial {old} (ns1.example.test: {new})" in step


def test_servers_disagree_when_the_server_without_the_record_is_newer(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records_on(0, lab.correct_records(domain_id))
    lab.zone.set_records_on(1, [])  # ns2 gets a newer serial, without the records
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "servers_disagree"
    assert verdict["next_step"].startswith(
        "make ns2.example.test serve the same zone data as ns1.example.test"
    )


def test_registrar_appended_the_zone_gives_the_exact_label(lab: Lab) -> None:
    domain_id = lab.add_domain()
    txt_fqdn, txt_value, target = lab.okta_records(domain_id)
    # A registrar form that appends the zone, given full names without a trailing dot.
    lab.zone.set_records(
        [
            ZoneRecord(txt_fqdn, "TXT", f'"{txt_value}"'),
            ZoneRecord(DOMAIN, "CNAME", f"{target}."),
        ]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "registrar_appended_zone"
    assert verdict["next_step"] == (
        "enter `_acme-challenge.login` as the record name (the label only) and delete "
        "`_acme-challenge.login.example.test.example.test`"
    )


def test_txt_regenerated_after_a_premature_verify(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, first_value, _ = lab.okta_records(domain_id)
    records = lab.correct_records(domain_id)
    lab.zone.set_records_on(1, records)  # only ns2 has them; Okta asks ns1: too early
    before = lab.verify_at(domain_id, seconds_ago=120)
    assert before["validationStatus"] == "FAILED_TO_VERIFY"
    lab.zone.set_records(records)  # ns1 catches up with the value copied before the verify
    _, new_value, _ = lab.okta_records(domain_id)
    assert new_value != first_value
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "txt_regenerated"
    assert verdict["next_step"] == (
        f"write `{new_value}` into TXT `_acme-challenge.login`, then run `pulumi up --refresh`"
    )
    assert "DNS record not found" in verdict["summary"]  # the System Log's failure reason


def test_wrong_txt_value_without_a_failed_verify(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, txt_value, target = lab.okta_records(domain_id)
    lab.zone.set_records(
        [
            ZoneRecord("_acme-challenge.login", "TXT", '"pasted-something-else"'),
            ZoneRecord("login", "CNAME", f"{target}."),
        ]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "wrong_txt"
    assert verdict["next_step"] == f"set TXT `_acme-challenge.login` to `{txt_value}`"


def test_multiple_txt_values(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, txt_value, _ = lab.okta_records(domain_id)
    lab.zone.set_records(
        [*lab.correct_records(domain_id), ZoneRecord("_acme-challenge.login", "TXT", '"old"')]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "multiple_txt"
    assert verdict["next_step"] == (
        f"delete the other TXT values at `_acme-challenge.login`; keep only `{txt_value}`"
    )


def test_quoted_txt_value(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, txt_value, target = lab.okta_records(domain_id)
    lab.zone.set_records(
        [
            ZoneRecord("_acme-challenge.login", "TXT", f'"\\"{txt_value}\\""'),
            ZoneRecord("login", "CNAME", f"{target}."),
        ]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "quoted_txt"
    assert verdict["next_step"] == f"enter the TXT value without quotes: `{txt_value}`"


def test_proxied_cname_answers_addresses(lab: Lab) -> None:
    domain_id = lab.add_domain()
    txt = lab.correct_records(domain_id)[0]
    lab.zone.set_records([txt, ZoneRecord("login", "A", "127.0.0.9")])
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "proxied_cname"
    assert verdict["next_step"].startswith(f"make `login` a DNS-only CNAME to `{TARGET}`")
    assert "proxied = false" in verdict["next_step"]


def test_wrong_cname_target(lab: Lab) -> None:
    domain_id = lab.add_domain()
    txt = lab.correct_records(domain_id)[0]
    lab.zone.set_records([txt, ZoneRecord("login", "CNAME", "old-org.customdomains.okta.com.")])
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "wrong_cname"
    assert verdict["next_step"] == f"point CNAME `login` to `{TARGET}`"


def test_caa_that_forbids_lets_encrypt(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(
        [*lab.correct_records(domain_id), ZoneRecord("@", "CAA", '0 issue "digicert.com"')]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "caa_forbids"
    assert verdict["next_step"] == (
        'add `example.test. CAA 0 issue "letsencrypt.org"` (or remove the CAA records)'
    )


def test_lame_server_that_refuses_the_zone(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    lab.zone.refuse_on(1)
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "lame_server"
    assert verdict["next_step"].startswith(
        "make ns2.example.test serve the zone (or remove it from the zone's NS set)"
    )


def test_zone_not_found_in_dns(lab: Lab) -> None:
    lab.add_domain("login.elsewhere.test")  # no server serves elsewhere.test
    run = lab.run("--domain", "login.elsewhere.test")
    assert run.code == 1
    assert run.verdict["code"] == "dns_not_found"
    assert "--nameserver HOST[:PORT]" in run.verdict["next_step"]


def test_dns_not_found_blames_a_resolver_that_answers_nxdomain_for_everything(lab: Lab) -> None:
    lab.add_domain()
    with LyingResolver("127.0.0.9") as lying:
        dns_args = ["--resolver", lying.endpoint, "--query-timeout", "0.5"]
        run = lab.run("--domain", DOMAIN, dns_args=dns_args)
    assert run.code == 1
    assert run.verdict["code"] == "dns_not_found"
    assert f"the resolver {lying.endpoint} answers NXDOMAIN even for the root zone" in run.verdict["summary"]
    assert "no zone holds" not in run.verdict["summary"]
    assert run.verdict["next_step"] == BROKEN_RESOLVER_NEXT_STEP


def test_ready_to_verify(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "ready_to_verify"
    assert verdict["next_step"] == (
        "ready: run `okta-custom-domain doctor --domain login.example.test --verify`"
    )


def test_ready_again_after_a_failed_verify_with_the_new_value_published(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.verify_at(domain_id, seconds_ago=300)  # premature: nothing in DNS, value regenerated
    lab.zone.set_records(lab.correct_records(domain_id))  # the new value is published
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "ready_to_verify"
    assert "FAILED_TO_VERIFY (last verification failed at" in verdict["summary"]
    assert verdict["next_step"].endswith("--verify`")


def test_verification_in_progress(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    lab.fake.set_status(domain_id, "IN_PROGRESS")
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "verification_in_progress"
    assert verdict["next_step"].startswith("wait a minute")


def test_certificate_pending_for_six_minutes(lab: Lab) -> None:
    lab.fake.set_completion_delay(3600)
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    assert lab.verify_at(domain_id, seconds_ago=6 * 60 + 5)["validationStatus"] == "VERIFIED"
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "certificate_pending"
    assert (
        "verified, certificate pending for 6 minutes (normal up to about 15)"
        in (verdict["summary"])
    )
    assert verdict["next_step"] == (
        "wait; `okta-custom-domain doctor --domain login.example.test --verify` waits for the "
        "certificate"
    )


def test_recreate_only_when_verified_long_ago_and_nothing_else_applies(lab: Lab) -> None:
    lab.fake.set_completion_delay(24 * 3600)
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    lab.verify_at(domain_id, seconds_ago=75 * 60)
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "recreate_domain"
    assert "verified 75 minutes ago" in verdict["summary"]
    assert verdict["next_step"].startswith("delete and re-create the domain")


def test_caa_beats_recreate_when_the_certificate_is_stuck(lab: Lab) -> None:
    lab.fake.set_completion_delay(24 * 3600)
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    lab.verify_at(domain_id, seconds_ago=75 * 60)
    lab.zone.set_records(
        [*lab.correct_records(domain_id), ZoneRecord("@", "CAA", '0 issue "digicert.com"')]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "caa_forbids"
    assert verdict["next_step"].startswith('add `example.test. CAA 0 issue "letsencrypt.org"`')


def test_manual_domain_verified_needs_its_certificate(lab: Lab) -> None:
    domain_id = lab.add_domain(source="MANUAL")
    lab.zone.set_records(lab.correct_records(domain_id))
    assert lab.verify_at(domain_id, seconds_ago=60)["validationStatus"] == "VERIFIED"
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "upload_certificate"
    assert f"PUT /api/v1/domains/{domain_id}/certificate" in verdict["next_step"]


def test_completed_is_healthy(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    assert lab.verify_at(domain_id, seconds_ago=600)["validationStatus"] == "COMPLETED"
    code, verdict = doctor(lab)
    assert code == 0
    assert verdict["code"] == "completed"
    assert verdict["healthy"] is True
    assert verdict["next_step"] == "nothing to do"


def test_completed_without_txt_is_still_healthy(lab: Lab) -> None:
    domain_id = lab.add_domain()
    records = lab.correct_records(domain_id)
    lab.zone.set_records(records)
    lab.verify_at(domain_id, seconds_ago=600)
    lab.zone.set_records(records[1:])  # the TXT may go once the certificate is issued
    code, verdict = doctor(lab)
    assert (code, verdict["code"]) == (0, "completed")


def test_completed_but_cname_removed(lab: Lab) -> None:
    domain_id = lab.add_domain()
    records = lab.correct_records(domain_id)
    lab.zone.set_records(records)
    lab.verify_at(domain_id, seconds_ago=600)
    lab.zone.set_records(records[:1])
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "completed_cname_broken"
    assert verdict["next_step"] == f"restore the DNS-only CNAME `login` -> `{TARGET}`"


def test_domain_not_found_mentions_its_deletion(lab: Lab) -> None:
    with lab.client() as client:
        created = client.create_domain(DOMAIN)
        client.delete_domain(created.id)
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "domain_not_found"
    assert "deleted at" in verdict["summary"]
    assert verdict["next_step"].startswith("create it with `pulumi up`")


def test_domain_never_created(lab: Lab) -> None:
    started = time.monotonic()
    code, verdict = doctor(lab)
    print(f"doctor for an unknown domain: {time.monotonic() - started:.2f} s")
    assert (code, verdict["code"]) == (1, "domain_not_found")
    assert "deleted" not in verdict["summary"]


def test_fixed_on_the_primary_but_the_lagging_copy_still_has_the_doubled_name(lab: Lab) -> None:
    domain_id = lab.add_domain()
    txt_fqdn, txt_value, target = lab.okta_records(domain_id)
    lab.zone.set_records(
        [
            ZoneRecord(txt_fqdn, "TXT", f'"{txt_value}"'),
            ZoneRecord(DOMAIN, "CNAME", f"{target}."),
        ]
    )
    old = lab.zone.serials[1]
    new = lab.zone.set_records_on(0, lab.correct_records(domain_id))  # fixed; ns2 lags
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "wait_for_server"
    assert (
        f"ns2.example.test still serves serial {old} (ns1.example.test: {new})"
        in (verdict["next_step"])
    )


def test_dnssec_broken_when_only_the_validating_resolver_fails(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    stubs = {ZONE: [f"{address}@{lab.zone.port}" for address in lab.zone.addresses]}
    anchor = broken_trust_anchor(ZONE)  # the resolver expects signatures the zone lacks
    with RecursiveResolver(stubs, trust_anchors=[anchor]) as validating:
        code, verdict = doctor(lab, "--validating-resolver", validating.endpoint)
    assert code == 1
    assert verdict["code"] == "dnssec_broken"
    assert "SERVFAIL" in verdict["summary"] and validating.endpoint in verdict["summary"]
    assert "DS" in verdict["next_step"]


def test_stray_space_in_the_txt_value(lab: Lab) -> None:
    domain_id = lab.add_domain()
    txt_fqdn, txt_value, target = lab.okta_records(domain_id)
    lab.zone.set_records(
        [
            ZoneRecord(txt_fqdn.removesuffix(f".{ZONE}"), "TXT", f'"{txt_value} "'),
            ZoneRecord("login", "CNAME", f"{target}."),
        ]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "txt_whitespace"
    assert verdict["next_step"] == f"enter the TXT value without the space: `{txt_value}`"


def test_txt_delegated_by_cname_with_a_stale_value_at_the_target(lab: Lab) -> None:
    domain_id = lab.add_domain()
    txt_fqdn, txt_value, target = lab.okta_records(domain_id)
    lab.zone.set_records(
        [
            ZoneRecord(txt_fqdn.removesuffix(f".{ZONE}"), "CNAME", f"tokens.{ZONE}."),
            ZoneRecord("tokens", "TXT", '"an-old-value"'),
            ZoneRecord("login", "CNAME", f"{target}."),
        ]
    )
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "cname_target_not_ready"
    assert f"is a CNAME to tokens.{ZONE} (zone {ZONE})" in verdict["summary"]
    assert verdict["next_step"].startswith(f"set TXT `tokens` to `{txt_value}`")


def test_wildcard_answering_for_the_missing_cname(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, _, target = lab.okta_records(domain_id)
    lab.zone.set_records([ZoneRecord("*", "A", "127.0.0.9")])
    code, verdict = doctor(lab)
    assert code == 1
    assert verdict["code"] == "wildcard_in_place"
    assert f"the wildcard `*.{ZONE}` answers in its place" in verdict["summary"]
    assert verdict["next_step"].startswith(f"create CNAME `login` -> `{target}`")
