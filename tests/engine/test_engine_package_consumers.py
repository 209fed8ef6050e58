"""Programs in other languages use the component package, with the real CLI.

Each creates one domain (RFC 2136 target on the lab's knotd) against the fake Okta org,
reaches ``COMPLETED`` and is destroyed; the YAML program also declares an email domain of an
existing brand, which reaches ``VERIFIED``. The component runs in its package's plugin process
(``plugin/pulumi-resource-okta-custom-domain``), which the CLI starts for the consumer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from okta_custom_domain.testing.consumers import (
    PACKAGE_PLUGIN,
    PackageConsumer,
    install_package_plugin,
    package_schema,
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


def lab_config(lab: EngineLab, prefix: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret) config of a consumer stack: the Okta provider's, and the program's
    (keys with ``prefix``: YAML reads its own project's, the TypeScript program ``lab:``)."""
    fake = lab.okta["acme"]
    program = {
        "brandId": brand_of(lab),
        "domain": DOMAIN,
        "zone": ZONE,
        "dnsServer": LAB_ADDRESS,
        "dnsPort": str(lab.dns.port),
        "tsigKeyName": KEY_NAME,
        "nameserver": f"{LAB_ADDRESS}:{lab.dns.port}",
    }
    plain = {"okta:orgName": "acme", "okta:httpProxy": fake.url}
    plain.update({f"{prefix}{key}": value for key, value in program.items()})
    return plain, {"okta:apiToken": fake.api_token, f"{prefix}tsigSecret": lab.key_secret}


def brand_of(lab: EngineLab) -> str:
    """The org's brand ``Package`` (made once), which the YAML program's email domain joins."""
    fake = lab.okta["acme"]
    found = [b["id"] for b in fake.brands() if b["name"] == "Package"]
    return found[0] if found else fake.add_brand("Package")


def assert_mail_verified(consumer: PackageConsumer, lab: EngineLab) -> None:
    """The email domain is VERIFIED, its four records served as Okta named them."""
    outputs = consumer.outputs()
    assert outputs["mailStatus"] == "VERIFIED", outputs
    (email,) = lab.okta["acme"].email_domains()
    assert [b["id"] for b in email["_embedded"]["brands"]] == [brand_of(lab)]
    for record in outputs["mailRecords"]:
        assert lab.served(record["fqdn"], record["type"]) == [record["value"]], record


def set_config(consumer: PackageConsumer, lab: EngineLab) -> None:
    plain, secret = lab_config(lab)
    args = [f"--plaintext={k}={v}" for k, v in plain.items()]
    args += [f"--secret={k}={v}" for k, v in secret.items()]
    consumer.run("config", "set-all", *args)


def assert_completed(consumer: PackageConsumer, lab: EngineLab) -> None:
    """The domain is COMPLETED, its records served, and no secret is in state in plain text."""
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


def assert_no_secret_printed(lab: EngineLab, printed: str) -> None:
    """What the CLI printed (progress, diagnostics, outputs) shows no secret's value."""
    assert "[secret]" in printed or "COMPLETED" in printed, "nothing of the update was captured"
    _plain, secret = lab_config(lab)
    for name, value in secret.items():
        assert value not in printed, f"{name} printed in plain text"


def assert_destroyed(consumer: PackageConsumer, lab: EngineLab) -> None:
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

    up = consumer.run("up", "--yes", "--skip-preview")
    assert_no_secret_printed(lab, up.stdout + up.stderr)
    assert_completed(consumer, lab)
    assert_mail_verified(consumer, lab)
    consumer.run("destroy", "--yes", "--skip-preview")
    assert_destroyed(consumer, lab)
    assert lab.okta["acme"].email_domains() == []
    assert "emailDomainId" not in lab.okta["acme"].brand(brand_of(lab))


def typescript_project(lab: EngineLab, project: Path) -> PackageConsumer:
    """The TypeScript consumer in ``project``: its SDK generated from ``pulumi package
    get-schema`` by the Node.js code generator, compiled with the program by ``tsc``.

    ``pulumi package add`` cannot run for a Node.js project here: it calls the Node.js
    language host's GeneratePackage and Link (packages.go GenSDK, LinkPackages), and that
    host is not buildable from the module proxy. ``pulumi-sdkgen-nodejs`` runs the generator
    GeneratePackage runs (pkg/v3 codegen/nodejs, same version as the CLI).
    """
    source = CONSUMERS / "typescript"
    if not (source / "node_modules").is_dir():
        pytest.fail(f"run `npm ci` in {source} first (.ci/run does)")
    project.mkdir()
    for name in ("index.ts", "tsconfig.json", "package.json"):
        shutil.copy(source / name, project / name)
    (project / "node_modules").symlink_to(source / "node_modules")
    schema = project / "schema.json"
    schema.write_text(json.dumps(package_schema(lab.engine, project)))
    sdk = project / "sdks" / "okta-custom-domain"
    tools = lab.engine.bin_dir
    subprocess.run([str(tools / "pulumi-sdkgen-nodejs"), str(schema), str(sdk)], check=True)
    subprocess.run([str(project / "node_modules" / ".bin" / "tsc"), "-p", str(project)], check=True)
    # the SDK reads its version from its package.json, next to the compiled utilities
    shutil.copy(sdk / "package.json", project / "bin" / "sdks" / "okta-custom-domain")
    return PackageConsumer(lab.engine, project)


def run_typescript(consumer: PackageConsumer, lab: EngineLab, operation: str) -> str:
    """``node bin/index.js``: the Automation API runs the program (``up`` or ``destroy``)."""
    plain, secret = lab_config(lab, prefix="lab:")
    config: dict[str, dict[str, str | bool]] = {k: {"value": v} for k, v in plain.items()}
    config.update({k: {"value": v, "secret": True} for k, v in secret.items()})
    settings = {"workDir": str(consumer.directory), "operation": operation, "config": config}
    env = {**consumer.environment(), "CONSUMER_SETTINGS": json.dumps(settings)}
    done = subprocess.run(
        ["node", str(consumer.directory / "bin" / "index.js")],
        cwd=consumer.directory, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, f"{operation} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout + done.stderr  # the CLI's output is on stderr (onOutput)


def test_a_typescript_program_with_the_generated_sdk_reaches_completed(
    lab: EngineLab, tmp_path: Path
) -> None:
    consumer = typescript_project(lab, tmp_path / "typescript-consumer")
    install_package_plugin(lab.engine)

    assert_no_secret_printed(lab, run_typescript(consumer, lab, "up"))
    assert_completed(consumer, lab)
    run_typescript(consumer, lab, "destroy")
    assert_destroyed(consumer, lab)
