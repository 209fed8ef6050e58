"""A TSIG secret, a certificate's private key or the API token never appear in plain text in
the flow's state (outside values marked secret), its outputs, its events, or any log/stdout/stderr
produced while it runs, including when a step fails."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from okta_custom_domain.args import ManualCertificate
from okta_custom_domain.demo import OfflineLab, new_tsig_secret
from okta_custom_domain.flow import CustomDomainFlow, FlowError, FlowEvent, Secret, reveal
from okta_custom_domain.testing.certs import make_certificate

ZONE = "secrets.test"
DOMAIN = f"login.{ZONE}"


@pytest.fixture
def lab() -> Iterator[OfflineLab]:
    with OfflineLab(ZONE, completion_delay=0.2) as running:
        yield running


def fragments(secret: str) -> list[str]:
    """The secret and each long line of it (a PEM key leaks line by line)."""
    lines = [line for line in secret.splitlines() if len(line) >= 20 and "-----" not in line]
    return [secret, *lines]


def plain_leaks(value: Any, needles: list[str], path: str = "") -> list[str]:
    """Paths in ``value`` where a needle shows outside a ``Secret``."""
    if isinstance(value, Secret):
        return []
    if isinstance(value, Mapping):
        return [leak for k, v in value.items() for leak in plain_leaks(v, needles, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [
            leak for i, v in enumerate(value) for leak in plain_leaks(v, needles, f"{path}[{i}]")
        ]
    text = str(value)
    return [path for needle in needles if needle in text]


def assert_clean(text: str, needles: list[str], where: str) -> None:
    for needle in needles:
        assert needle not in text, f"a secret appears in {where}"


def test_no_secret_in_state_outputs_events_or_logs(
    lab: OfflineLab, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    bundle = make_certificate(DOMAIN)
    needles = [
        *fragments(lab.key_secret),
        *fragments(bundle.private_key_pem),
        lab.okta.api_token,
    ]
    events: list[FlowEvent] = []
    args = lab.args(
        DOMAIN,
        lab.rfc2136_target(),
        certificate=ManualCertificate(
            bundle.certificate_pem, bundle.chain_pem, bundle.private_key_pem
        ),
    )
    flow = CustomDomainFlow("login", args, lab.config, on_event=events.append)
    snapshots: list[str] = []

    first = flow.up()
    assert first.outputs["validation_status"] == "COMPLETED"
    snapshots.append(flow.state.to_json())
    # The secrets are in the state, but only marked secret (what Pulumi would encrypt).
    resources = flow.state.resources
    for name in ("login-dns-preflight", "login-cname", "login-txt"):
        assert isinstance(resources[name].inputs["key_secret"], Secret)
        assert isinstance(resources[name].outputs["key_secret"], Secret)
        assert reveal(resources[name].outputs["key_secret"]) == lab.key_secret
    assert isinstance(resources["login-certificate"].outputs["private_key"], Secret)
    assert reveal(resources["login-certificate"].inputs["private_key"]) == bundle.private_key_pem
    assert plain_leaks({n: (r.inputs, r.outputs) for n, r in resources.items()}, needles) == []

    flow.refresh()
    flow.up()
    snapshots.append(flow.state.to_json())
    outputs = json.dumps(first.outputs)

    # A failing write (wrong key) must not leak the key it was given either.
    wrong = new_tsig_secret()
    needles += fragments(wrong)
    broken = CustomDomainFlow(
        "other",
        lab.args(f"other.{ZONE}", lab.rfc2136_target(key_secret=wrong)),
        lab.config,
        on_event=events.append,
    )
    with pytest.raises(FlowError) as failed:
        broken.up()
    assert "other-dns-preflight" in str(failed.value)  # refused before anything exists
    snapshots.append(broken.state.to_json())
    broken.destroy()

    flow.destroy()
    captured = capfd.readouterr()
    for index, snapshot in enumerate(snapshots):
        assert_clean(snapshot, needles, f"state snapshot {index}")
        assert '"secret": "[secret]"' in snapshot or index == 2
    assert_clean(outputs, needles, "stack outputs")
    assert_clean(str(failed.value), needles, "the error message")
    assert_clean(repr(failed.value.cause), needles, "the error's cause")
    assert_clean(
        "\n".join(f"{e.resource} {e.action} {e.message}" for e in events), needles, "events"
    )
    assert_clean(caplog.text, needles, "logs")
    assert_clean(captured.out + captured.err, needles, "stdout/stderr")
    assert_clean(repr(flow) + repr(args) + repr(lab), needles, "reprs")
    assert any(e.action == "log" for e in events)  # provider output was captured, and checked
    assert caplog.records  # the writer and the client did log
