"""Changing an email domain with the real engine: the sender in place, the domain by replacement.

pulumi-okta updates only ``displayName``/``userName`` in place; a new ``domain`` is a new email
domain, and the old one can only be deleted once the brand no longer uses it. The component
asks the engine to replace on ``domain`` (delete first: Okta refuses the same domain twice), and
the brand link, which depends on the email domain, is unlinked before it goes.
"""

from __future__ import annotations

from typing import Any

import pytest
from okta_custom_domain.testing.engine import flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab
from pulumi import automation as auto

pytestmark = pytest.mark.timeout(600)


def stack_with(lab: EngineLab, domain: str, user_name: str) -> auto.Stack:
    email = {"domain": domain, "displayName": "IT", "userName": user_name,
             "dns": lab.rfc2136_dns("example.test"), "readiness": lab.readiness(),
             "verification": {"timeout": 60, "pollInterval": 1}}  # fmt: skip
    tenants = [{"name": "acme", "okta": lab.okta_with_token("acme"), "brand": {"name": "Acme"},
                "emailDomains": [email]}]  # fmt: skip
    return lab.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))


def emails(lab: EngineLab) -> list[dict[str, Any]]:
    return lab.okta["acme"].email_domains()


def test_a_new_sender_updates_in_place_and_a_new_domain_replaces(lab: EngineLab) -> None:
    first = stack_with(lab, "mail1.example.test", "noreply").up(color="never")
    assert first.outputs["acme"].value["email:mail1.example.test"]["validation_status"] == (
        "VERIFIED"
    )
    (before,) = emails(lab)

    renamed = stack_with(lab, "mail1.example.test", "it").up(color="never")
    changes = {str(op): count for op, count in (renamed.summary.resource_changes or {}).items()}
    assert {op: n for op, n in changes.items() if op != "same"} == {"update": 1}, changes
    (after,) = emails(lab)
    assert after["id"] == before["id"] and after["userName"] == "it"

    moved = stack_with(lab, "mail2.example.test", "it").up(color="never")
    exported = moved.outputs["acme"].value
    assert set(exported) == {"email:mail2.example.test"}
    assert exported["email:mail2.example.test"]["validation_status"] == "VERIFIED"
    (now,) = emails(lab)  # the old one is gone; the brand sends from the new one
    assert now["domain"] == "mail2.example.test" and now["id"] != before["id"]
    assert [b["name"] for b in now["_embedded"]["brands"]] == ["Acme"]
    assert lab.served("_oktaverification.mail1.example.test", "TXT") == []
    assert lab.served("mail.mail2.example.test", "CNAME") != []
