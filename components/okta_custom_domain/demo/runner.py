"""The offline demo: a real ``pulumi up`` of the component against a fake Okta and a local knotd.

A newcomer sees the whole job before owning an Okta org, through the real engine: the domain
created, the records written by RFC 2136, the readiness wait, verification, the certificate.
One deliberate mistake (rows typed as full names into a registrar form that appends the zone)
shows what the readiness diagnosis says while ``pulumi up`` waits; the person corrects the rows
and the same ``up`` finishes. The tenant's brand also sends its mail from the zone: the email
domain's four records, the wait and Okta's VERIFIED. A second ``up`` changes nothing;
``destroy`` removes everything.

Needs a Pulumi CLI (``pulumi`` on PATH, or ``--build-pulumi`` to build one from Go modules)
and knotd. The ``okta`` resource plugin is the one installed in your Pulumi home when it is
the version the SDK wants (it reaches the fake through ``okta:httpProxy``), else the test
double that ships with the package.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from rich.markup import escape

from okta_custom_domain.demo import DEMO_ZONE
from okta_custom_domain.readiness.checker import check_records
from okta_custom_domain.testing import dns_server
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.engine import (
    OutputLog,
    build_toolchain,
    flatten_config,
    pulumi_children,
)
from okta_custom_domain.testing.engine_lab import (
    LAB_ADDRESS,
    OKTA_PLUGIN_VERSION,
    EngineLab,
    RegistrarPerson,
    certificate_config,
)

PROGRAM = "from okta_custom_domain.program import main\n\nmain()\n"
Say = Callable[[str], Any]
NO_PULUMI = (
    "No Pulumi CLI found. Install it (https://www.pulumi.com/docs/install/), or run "
    "`okta-custom-domain demo --build-pulumi` to build it from Go modules (needs Go 1.26+, "
    "about 5 minutes the first time)."
)


def find_pulumi(build: bool) -> Path | None:
    """The directory of a ``pulumi`` to use: on PATH, else built when ``build``; else None."""
    found = shutil.which("pulumi")
    if found:
        return Path(found).resolve().parent
    return build_toolchain() if build else None


def installed_okta_plugin() -> Path | None:
    """The real ``pulumi-resource-okta`` in the user's Pulumi home, at the SDK's version."""
    home = Path(os.environ.get("PULUMI_HOME", Path.home() / ".pulumi"))
    binary = home / "plugins" / f"resource-okta-v{OKTA_PLUGIN_VERSION}" / "pulumi-resource-okta"
    return binary if binary.is_file() else None


class DemoPerson:
    """Types the rows the CLI prints; with ``mistake``, first as full names into a form that
    appends the zone, then, seeing the wait report it, runs the readiness check, reads the
    diagnosis and retypes the labels, while ``pulumi up`` is still waiting."""

    def __init__(self, lab: EngineLab, zone: str, say: Say, *, mistake: bool) -> None:
        self.lab, self.zone, self.say = lab, zone, say
        self.form = RegistrarPerson(lab, zone, types_full_names=mistake)
        self.corrected = not mistake

    def __call__(self, line: str) -> None:
        self.form(line)
        if not self.corrected and "[zone_appended_twice]" in line and self.form.entered:
            self.corrected = True
            self._read_the_diagnosis()
            self.form.correct()

    def _read_the_diagnosis(self) -> None:
        records = [
            {"type": rtype, "fqdn": f"{name}.{self.zone}", "value": value}
            for rtype, name, value, _ttl in self.form.rows
        ]
        report = check_records(
            records, nameservers=[f"{LAB_ADDRESS}:{self.lab.dns.port}"], query_timeout=1.0,
            retries=1,
        )
        self.say("  [yellow]The person runs `okta-custom-domain check` and reads:[/]")
        for cause in report.causes:
            self.say(f"  [yellow]! {escape(cause.message)}[/]")
        self.say("  [yellow]... deletes the doubled names and types the labels only.[/]")


def demo_tenants(lab: EngineLab, zone: str) -> list[dict[str, Any]]:
    """One tenant with a brand: login.<zone> by RFC 2136, portal.<zone> (MANUAL) through a
    registrar form, and the email domain <zone> (mail from noreply@<zone>) by RFC 2136."""
    bundle = make_certificate(f"portal.{zone}")
    readiness = lab.readiness(timeout=120, interval=1)
    email = {"domain": zone, "displayName": "Demo", "userName": "noreply",
             "dns": lab.rfc2136_dns(zone), "readiness": readiness,
             "verification": {"timeout": 120, "pollInterval": 1}}  # fmt: skip
    return [{
        "name": "demo",
        "okta": lab.okta_with_token("demo-org"),
        "brand": {"name": "Demo"},
        "emailDomains": [email],
        "domains": [
            {"domain": f"login.{zone}", "dns": lab.rfc2136_dns(zone), "readiness": readiness},
            {
                "domain": f"portal.{zone}",
                "certificateSourceType": "MANUAL",
                "certificate": certificate_config(bundle),
                "dns": lab.manual_dns(zone, style="label"),
                "readiness": readiness,
            },
        ],
    }]


@contextmanager
def ctrl_c_reaches_pulumi() -> Iterator[None]:
    """Ctrl-C also interrupts the CLI (it cancels, and the waits stop), then ends the demo."""

    def forward(signum: int, frame: FrameType | None) -> None:
        for pid in pulumi_children():
            os.kill(pid, signal.SIGINT)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, forward)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_demo(
    say: Say, *, mistake: bool = True, zone: str = DEMO_ZONE, build_pulumi: bool = False
) -> int:
    """Run the whole demo, printing through ``say`` (rich markup); 0 when both domains complete."""
    try:
        dns_server.find_knotd()
    except RuntimeError as exc:
        say(f"[red]Cannot start the local DNS server: {exc}[/]")
        return 1
    bin_dir = find_pulumi(build_pulumi)
    if bin_dir is None:
        say(f"[red]{NO_PULUMI}[/]")
        return 1
    with tempfile.TemporaryDirectory(prefix="okta-demo-") as tmp, ctrl_c_reaches_pulumi():
        program = Path(tmp) / "program.py"
        program.write_text(PROGRAM)
        lab = EngineLab(Path(tmp) / "lab", bin_dir, program, zones=[zone], orgs=["demo-org"],
                        completion_delay=0.5, okta_plugin=installed_okta_plugin())
        with lab:
            return _run(lab, say, zone, mistake)


def _run(lab: EngineLab, say: Say, zone: str, mistake: bool) -> int:
    say(f"Pulumi CLI: {lab.engine.bin_dir / 'pulumi'}; okta plugin: {lab.okta_plugin_kind}")
    say(f"Fake Okta org at {lab.okta['demo-org'].url}")
    say(f"knotd serving {zone} at {LAB_ADDRESS}:{lab.dns.port} (RFC 2136 updates with TSIG)")
    stack = lab.engine.stack("demo", flatten_config("okta-custom-domain:tenants",
                                                    demo_tenants(lab, zone)))
    say(f"\n[bold]1. pulumi up: login.{zone} (RFC 2136), portal.{zone} (registrar form) and "
        f"the email domain {zone} (RFC 2136), all of the brand Demo[/]")
    if mistake:
        say("  The person types full names where the form wants labels (a mistake).")
    person = DemoPerson(lab, zone, say, mistake=mistake)
    result = stack.up(on_output=_streamed(say, person), color="never")
    statuses = {name: d["validation_status"] for name, d in result.outputs["demo"].value.items()}
    for name, status in statuses.items():
        say(f"  => {name}: validation_status: [bold green]{status}[/]")
    say("\n[bold]2. pulumi up again: nothing to do[/]")
    again = stack.up(color="never")
    changed = {k: v for k, v in (again.summary.resource_changes or {}).items() if k != "same"}
    say(f"  => changed: {changed or 'nothing'}")
    say("\n[bold]3. pulumi destroy: records removed from DNS, domains deleted at Okta[/]")
    stack.destroy(on_output=_streamed(say, None), color="never")
    say(f"  => domains left at Okta: {lab.okta_domains('demo-org') or 'none'}")
    emails = [e["domain"] for e in lab.okta["demo-org"].email_domains()]
    say(f"  => email domains left at Okta: {emails or 'none'}")
    done = statuses == {**dict.fromkeys(statuses, "COMPLETED"), f"email:{zone}": "VERIFIED"}
    say(
        "\n[bold green]Done: both URL domains reached COMPLETED, the email domain VERIFIED.[/]"
        if done
        else "[red]Failed[/]"
    )
    return 0 if done else 1


def _streamed(say: Say, person: DemoPerson | None) -> OutputLog:
    class Streamed(OutputLog):
        def __call__(self, line: str) -> None:
            super().__call__(line)
            say(f"  [dim]{escape(line)}[/]")
            if person is not None:
                person(line)

    return Streamed()
