"""Programs in other languages use the component package, with the real CLI.

Each creates one domain (RFC 2136 target on the lab's knotd) against the fake Okta org,
reaches ``COMPLETED`` and is destroyed. The component runs in its package's plugin process
(``plugin/pulumi-resource-okta-custom-domain``), which the CLI starts for the consumer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from okta_custom_domain.testing.consumers import (
    PACKAGE_PLUGIN,
    PackageConsumer,
    install_package_plugin,
)
from okta_custom_domain.testing.engine_lab import KEY_NAME, LAB_ADDRESS, EngineLab

SECRET_SIG = "4dabf18193072939515e22adb298388d"  # a secret value's marker in exported state
CONSUMERS = Path(__file__).resolve().parents[1] / "consumers"
ZONE = "package.test"
DOMAIN = f"login.{ZONE}"

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def lab(pulumi_bin: Path, tmp_path: Path) -> Iterator[EngineLab]:
    unused = tmp_path / "unused_program.py"  # the consumers bring their own programs
    with EngineLab(tmp_path, pulumi_bin, unused, zones=[ZONE], orgs=["acme"]) as running:
        yield running


def lab_config(lab: EngineLab) -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret) config of a consumer stack: the Okta provider's and the program's."""
    fake = lab.okta["acme"]
    plain = {
        "okta:orgName": "acme",
        "okta:httpProxy": fake.url,
        "domain": DOMAIN,
        "zone": ZONE,
        "dnsServer": LAB_ADDRESS,
        "dnsPort": str(lab.dns.port),
        "tsigKeyName": KEY_NAME,
        "nameserver": f"{LAB_ADDRESS}:{lab.dns.port}",
    }
    return plain, {"okta:apiToken": fake.api_token, "tsigSecret": lab.key_secret}


def set_config(consumer: PackageConsumer, lab: EngineLab) -> None:
    plain, secret = lab_config(lab)
    args = [f"--plaintext={k}={v}" for k, v in plain.items()]
    args += [f"--secret={k}={v}" for k, v in secret.items()]
    consumer.run("config", "set-all", *args)


def assert_completed_then_destroyed(consumer: PackageConsumer, lab: EngineLab) -> None:
    outputs = consumer.outputs()
    assert outputs["validationStatus"] == "COMPLETED", outputs
    txt = [r["value"] for r in outputs["dnsRecords"] if r["type"] == "TXT"]
    assert txt and lab.served(f"_acme-challenge.{DOMAIN}", "TXT") == txt
    assert lab.served(DOMAIN, "CNAME") == ["acme.customdomains.okta.com"]
    assert lab.okta_domains("acme") == [DOMAIN]
    state = consumer.exported_state()
    assert SECRET_SIG in state, "the TSIG secret and the token must be in state as secrets"
    _plain, secret = lab_config(lab)
    for name, value in secret.items():
        assert value not in state, f"{name} in plain text in the exported state"

    consumer.run("destroy", "--yes", "--skip-preview")
    assert lab.okta_domains("acme") == []
    assert lab.served(DOMAIN, "CNAME") == []
    assert lab.served(f"_acme-challenge.{DOMAIN}", "TXT") == []
    assert '"resources"' not in consumer.exported_state()


LINK_MISSING = "linking package: method Link not implemented"
PACKAGES_ENTRY = """packages:
  okta-custom-domain:
    source: okta-custom-domain
    version: 0.1.0
"""


def add_package(consumer: PackageConsumer) -> None:
    """``pulumi package add`` of the executable plugin into a YAML project.

    The CLI (3.276) generates the SDK, then asks the language host to link it; pulumi-yaml
    1.25.0, the newest the module proxy serves, predates that RPC, so the CLI stops before it
    writes the ``packages:`` entry. Then the entry is written as the CLI writes it for an
    executable (by name and version: package_add.go, TODO #21349). With a pulumi-yaml that
    links, the CLI does it all and this step is skipped.
    """
    done = consumer.attempt("package", "add", str(PACKAGE_PLUGIN))
    pulumi_yaml = consumer.directory / "Pulumi.yaml"
    if done.returncode != 0:
        assert LINK_MISSING in done.stderr, done.stderr
        assert "Successfully generated an SDK for the okta-custom-domain package" in done.stdout
        with pulumi_yaml.open("a") as project:
            project.write(PACKAGES_ENTRY)
    assert "okta-custom-domain:" in pulumi_yaml.read_text().split("packages:", 1)[1]


def test_a_yaml_program_adds_the_package_and_reaches_completed(
    lab: EngineLab, tmp_path: Path
) -> None:
    project = tmp_path / "yaml-consumer"
    shutil.copytree(CONSUMERS / "yaml", project)
    consumer = PackageConsumer(lab.engine, project)
    consumer.run("stack", "init", "dev")
    add_package(consumer)
    install_package_plugin(lab.engine)
    set_config(consumer, lab)

    consumer.run("up", "--yes", "--skip-preview")
    assert_completed_then_destroyed(consumer, lab)
