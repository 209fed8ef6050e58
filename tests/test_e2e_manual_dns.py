"""End to end, offline, for the registrar target (``ManualDns``): nothing is written by us; a
person types the logged rows into a web form (here a fake form backed by a real knotd), the
readiness check waits for them and names the label/FQDN mistake when it sees it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from okta_custom_domain.args import ManualCertificate
from okta_custom_domain.demo import OfflineLab, RegistrarWebForm, TypingPerson, fix_when_diagnosed
from okta_custom_domain.flow import CustomDomainFlow, FlowError, FlowEvent, FlowState
from okta_custom_domain.readiness.wait import ReadinessTimeout
from okta_custom_domain.targets import ManualDns
from okta_custom_domain.testing.certs import make_certificate

ZONE = "registrar.test"
DOMAIN = f"id.{ZONE}"
ACME = f"_acme-challenge.{DOMAIN}"


@pytest.fixture
def lab() -> Iterator[OfflineLab]:
    with OfflineLab(ZONE, completion_delay=0.3) as running:
        yield running


class CountingPerson(TypingPerson):
    """A typing person who also counts how often they were asked to type."""

    calls: int = 0

    def enter_rows(self, domain: str, rows: list[dict[str, Any]]) -> None:
        self.calls += 1
        super().enter_rows(domain, rows)


def test_label_form_rows_reach_completed_and_a_rerun_asks_nothing(lab: OfflineLab) -> None:
    person = CountingPerson(RegistrarWebForm(lab, appends_zone=True))
    flow = CustomDomainFlow(
        "id", lab.args(DOMAIN, ManualDns(ZONE, style="label", ttl=60)), lab.config, person=person
    )
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert [row["name"] for row in result.outputs["registrar_rows"]] == [
        "id",
        "_acme-challenge.id",
    ]
    assert person.calls == 1
    assert lab.served(DOMAIN, "CNAME") == [lab.okta.cname_target]
    assert "id-cname" not in flow.state.resources  # ManualDns: the component writes nothing

    serial = lab.serial()
    again = flow.up()
    assert again.changed == []
    assert person.calls == 1
    assert lab.serial() == serial
    assert len(lab.okta.requests_to("POST", "/verify")) == 1


def test_fqdn_form_with_a_manual_certificate_reaches_completed(lab: OfflineLab) -> None:
    bundle = make_certificate(DOMAIN, key_type="ec")
    certificate = ManualCertificate(
        bundle.certificate_pem, bundle.chain_pem, bundle.private_key_pem
    )
    person = TypingPerson(RegistrarWebForm(lab, appends_zone=False))
    args = lab.args(DOMAIN, ManualDns(ZONE, style="fqdn-dot", ttl=60), certificate=certificate)
    flow = CustomDomainFlow("id", args, lab.config, person=person)
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert result.outputs["registrar_rows"][0]["name"] == f"{DOMAIN}."
    assert lab.served(f"_oktaverification.{DOMAIN}", "TXT") != []
    assert len(lab.okta.requests_to("PUT", "/certificate")) == 1
    assert flow.up().changed == []


def test_full_name_in_a_label_form_times_out_with_the_diagnosis_then_converges(
    lab: OfflineLab,
) -> None:
    person = TypingPerson(RegistrarWebForm(lab, appends_zone=True), types_full_names=True)
    state = FlowState()
    args = lab.args(DOMAIN, ManualDns(ZONE, style="label", ttl=60), readiness_timeout=1.5)
    flow = CustomDomainFlow("id", args, lab.config, person=person, state=state)
    with pytest.raises(FlowError) as failed:
        flow.up()
    assert failed.value.resource == "id-dns-ready"
    assert isinstance(failed.value.cause, ReadinessTimeout)
    text = str(failed.value)
    assert f"{DOMAIN}.{ZONE}" in text
    assert "appended" in text
    assert "enter 'id'" in text
    assert "enter '_acme-challenge.id'" in text
    assert lab.okta.requests_to("POST", "/verify") == []  # never verified too early
    assert lab.served(f"{DOMAIN}.{ZONE}", "CNAME") == [lab.okta.cname_target]

    person.correct()
    result = CustomDomainFlow("id", args, lab.config, person=person, state=state).up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert result.actions["id-dns-ready"] == "create"
    assert result.actions["id-domain"] == "same"
    assert lab.served(f"{DOMAIN}.{ZONE}", "CNAME") == []  # the wrong rows were removed


def test_a_person_who_reads_the_diagnosis_during_the_wait_fixes_it(lab: OfflineLab) -> None:
    seen: list[str] = []
    person = TypingPerson(RegistrarWebForm(lab, appends_zone=True), types_full_names=True)
    handler = fix_when_diagnosed(lab, person, seen.append, lambda _event: None)
    flow = CustomDomainFlow(
        "id",
        lab.args(DOMAIN, ManualDns(ZONE, style="label", ttl=60)),
        lab.config,
        person=person,
        on_event=handler,
    )
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert person.corrections == 1
    diagnosis = "\n".join(seen)
    assert "appended" in diagnosis and "enter 'id'" in diagnosis


def test_destroy_deletes_the_domain_and_the_person_removes_the_rows(lab: OfflineLab) -> None:
    events: list[FlowEvent] = []
    person = TypingPerson(RegistrarWebForm(lab, appends_zone=True))
    flow = CustomDomainFlow(
        "id",
        lab.args(DOMAIN, ManualDns(ZONE, style="label", ttl=60)),
        lab.config,
        person=person,
        on_event=events.append,
    )
    flow.up()
    flow.destroy()
    assert lab.okta_domains() == []
    assert lab.served(ACME, "TXT") == []
    assert lab.served(DOMAIN, "CNAME") == []
    assert any(e.resource == "id-registrar" and "remove" in e.message for e in events)
