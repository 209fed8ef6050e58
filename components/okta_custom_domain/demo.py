"""The offline demo: a fake Okta and a real knotd on loopback, and the real flow run against them.

A newcomer sees the whole job before owning an Okta org: domain created, records written by
RFC 2136, the readiness wait, verification, the certificate. One deliberate mistake (a row typed
as a full name into a registrar form that appends the zone) shows what the readiness diagnosis
says, then it is corrected. ``OfflineLab`` and ``RegistrarWebForm``/``TypingPerson`` are also
what the end-to-end tests run on.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.update
from rich.markup import escape

from okta_custom_domain.args import (
    ManualCertificate,
    OktaCustomDomainArgs,
    OktaOrg,
    ReadinessOptions,
    VerificationOptions,
)
from okta_custom_domain.flow import CustomDomainFlow, FlowEvent, StackConfig
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.readiness.check import check_records
from okta_custom_domain.rfc2136.tsig import TsigKey
from okta_custom_domain.targets import ManualDns, Rfc2136Dns
from okta_custom_domain.testing import dns_server
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_custom_domain.testing.local_process import StartStop

DEMO_ZONE = "demo.test"
DEMO_KEY_NAME = "okta-demo-key"
LAB_ADDRESS = "127.0.0.1"


def new_tsig_secret() -> str:
    """A fresh base64 HMAC-SHA256 secret (32 random bytes)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class OfflineLab(StartStop):
    """A fake Okta org and a knotd serving ``zone`` (RFC 2136 updates with a TSIG key).

    The fake Okta verifies by querying that knotd, so a record is "live" for Okta exactly when
    the readiness check sees it. ``stop`` (also on error, via ``with``) ends both.
    """

    def __init__(
        self,
        zone: str = DEMO_ZONE,
        *,
        completion_delay: float = 0.5,
        domain_limit: int = 10,
    ) -> None:
        self.zone = zone
        self.key_name = DEMO_KEY_NAME
        self.key_secret = new_tsig_secret()
        self.dns = dns_server.AuthoritativeServer(
            LAB_ADDRESS,
            tsig=dns_server.TsigKey(self.key_name, "hmac-sha256", self.key_secret),
        )
        self.okta = FakeOkta(
            org_name="demo-org",
            dns_server=(LAB_ADDRESS, self.dns.port),
            completion_delay=completion_delay,
            domain_limit=domain_limit,
            dns_timeout=1.0,
        )

    def __repr__(self) -> str:
        return f"OfflineLab(zone={self.zone!r}, dns={self.dns!r}, okta={self.okta!r})"

    def start(self) -> OfflineLab:
        """Start knotd, then the fake Okta; a RuntimeError says what is missing (knotd)."""
        try:
            self.dns.add_zone(
                self.zone,
                dns_server.zone_text(
                    self.zone,
                    serial=1,
                    nameservers=[(f"ns1.{self.zone}", LAB_ADDRESS)],
                    soa_minimum=30,
                    ttl=60,
                ),
            )
            self.dns.start()
            self.okta.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.okta.stop()
        self.dns.stop()

    # -- what a program would configure --------------------------------------------------

    @property
    def config(self) -> StackConfig:
        """The stack config: the fake org's API token (a secret, never in state)."""
        return StackConfig({"okta:apiToken": self.okta.api_token})

    @property
    def tsig_key(self) -> TsigKey:
        return TsigKey(name=self.key_name, secret=self.key_secret)

    def rfc2136_target(self, **overrides: Any) -> Rfc2136Dns:
        settings: dict[str, Any] = {
            "server": LAB_ADDRESS,
            "port": self.dns.port,
            "zone": self.zone,
            "key_name": self.key_name,
            "key_secret": self.key_secret,
            "ttl": 60,
        }
        settings.update(overrides)
        return Rfc2136Dns(**settings)

    def nameservers(self) -> list[str]:
        return [f"{LAB_ADDRESS}:{self.dns.port}"]

    def args(
        self,
        domain: str,
        dns: Rfc2136Dns | ManualDns,
        *,
        certificate: ManualCertificate | None = None,
        readiness_timeout: float = 20.0,
        interval: float = 0.2,
        verification_timeout: float = 20.0,
        poll_interval: float = 0.2,
    ) -> OktaCustomDomainArgs:
        """Arguments for ``domain`` in this lab, with short waits."""
        return OktaCustomDomainArgs(
            domain=domain,
            dns=dns,
            certificate_source_type="MANUAL" if certificate else "OKTA_MANAGED",
            certificate=certificate,
            readiness=ReadinessOptions(
                timeout=readiness_timeout, interval=interval, nameservers=self.nameservers()
            ),
            verification=VerificationOptions(
                timeout=verification_timeout, poll_interval=poll_interval
            ),
            okta_org=OktaOrg(org_url=self.okta.url),
        )

    def served(self, fqdn: str, rtype: str) -> list[str]:
        """What knotd answers for ``fqdn`` ``rtype`` now (empty when nothing)."""
        return dns_server.query_values(LAB_ADDRESS, self.dns.port, fqdn, rtype)

    def okta_domains(self) -> list[str]:
        """The custom domains the fake org has now (the built-in default entry left out)."""
        with OktaDomainsClient(self.okta.url, ApiToken(self.okta.api_token)) as client:
            return [d.domain for d in client.list_domains() if not d.is_default]

    def serial(self) -> int | None:
        """The zone's SOA serial now (every RFC 2136 write raises it)."""
        return self.dns.serial(self.zone)


class RegistrarWebForm:
    """A registrar's DNS form backed by the lab's knotd.

    ``appends_zone=True`` is the common form that wants the label: it appends the zone to
    whatever is typed, so a full name becomes ``<name>.<zone>.<zone>``.
    """

    def __init__(self, lab: OfflineLab, *, appends_zone: bool = True) -> None:
        self.lab = lab
        self.appends_zone = appends_zone

    def stored_name(self, typed: str) -> str:
        name = typed.strip().rstrip(".").lower()
        if typed.strip() == "@":
            return self.lab.zone
        return f"{name}.{self.lab.zone}" if self.appends_zone else name

    def save(self, typed: str, rtype: str, value: str, ttl: int) -> str:
        """Store the row; returns the name it really got in DNS."""
        fqdn = self.stored_name(typed)
        text = f'"{value}"' if rtype.upper() == "TXT" else f"{value.rstrip('.')}."
        update = self._update()
        update.replace(dns.name.from_text(fqdn), ttl, rtype, text)
        self._send(update)
        return fqdn

    def delete(self, fqdn: str, rtype: str) -> None:
        update = self._update()
        update.delete(dns.name.from_text(fqdn), rtype)
        self._send(update)

    def _update(self) -> dns.update.UpdateMessage:
        key = self.lab.tsig_key
        return dns.update.UpdateMessage(
            self.lab.zone + ".",
            keyring=key.keyring(),
            keyname=key.dns_name,
            keyalgorithm=key.dns_algorithm,
        )

    def _send(self, update: dns.update.UpdateMessage) -> None:
        reply = dns.query.tcp(update, LAB_ADDRESS, port=self.lab.dns.port, timeout=5)
        if reply.rcode() != dns.rcode.NOERROR:
            raise RuntimeError(f"the registrar form failed: {dns.rcode.to_text(reply.rcode())}")


@dataclass
class TypingPerson:
    """Types ``ManualDns`` rows into a form. ``types_full_names`` is the classic mistake:
    the FQDN typed where the form wants the label. ``correct()`` fixes it as a person would.
    """

    form: RegistrarWebForm
    types_full_names: bool = False
    entered: list[tuple[str, str]] = field(default_factory=list)
    last_rows: list[dict[str, Any]] = field(default_factory=list)
    corrections: int = 0

    def enter_rows(self, domain: str, rows: list[dict[str, Any]]) -> None:
        self.last_rows = [dict(row) for row in rows]
        for row in rows:
            typed = str(row["name"])
            if self.types_full_names and self.form.appends_zone:
                typed = f"{typed}.{self.form.lab.zone}"
            fqdn = self.form.save(typed, row["type"], row["value"], int(row["ttl"]))
            self.entered.append((fqdn, row["type"]))

    def correct(self) -> None:
        """Delete what was typed wrongly and type the rows again, as the form wants them."""
        self.remove_rows("", self.last_rows)
        self.types_full_names = False
        self.corrections += 1
        self.enter_rows("", self.last_rows)

    def remove_rows(self, domain: str, rows: list[dict[str, Any]]) -> None:
        for fqdn, rtype in self.entered:
            self.form.delete(fqdn, rtype)
        self.entered.clear()


# -- the demo run ------------------------------------------------------------------------------


Say = Callable[[str], None]


def _show_event(say: Say) -> Callable[[FlowEvent], None]:
    icons = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": "="}

    def show(event: FlowEvent) -> None:
        if event.action in icons and event.message in ("started", ""):
            verb = {"same": "unchanged"}.get(event.action, event.action)
            say(f"  [bold]{icons[event.action]}[/] {event.resource}: {verb}")
        elif event.action == "log":
            for line in event.message.splitlines():
                say(f"      [dim]{escape(line)}[/]")
        elif event.action == "failed":
            say(f"  [red]x {event.resource}: {escape(event.message)}[/]")

    return show


def fix_when_diagnosed(
    lab: OfflineLab, person: TypingPerson, say: Say, inner: Callable[[FlowEvent], None]
) -> Callable[[FlowEvent], None]:
    """An event handler: when the readiness wait reports the zone appended twice, the person
    runs the readiness check themselves (``okta-custom-domain check``), reads the diagnosis,
    and retypes the rows."""

    def handle(event: FlowEvent) -> None:
        inner(event)
        if (
            event.action == "log"
            and "zone_appended_twice" in event.message
            and person.types_full_names
        ):
            records = [
                {"type": row["type"], "fqdn": f"{row['name']}.{lab.zone}", "value": row["value"]}
                for row in person.last_rows
            ]
            report = check_records(
                records, nameservers=lab.nameservers(), query_timeout=1.0, retries=1
            )
            say("  [yellow]The person runs the readiness check and reads its diagnosis:[/]")
            for cause in report.causes:
                if cause.code == "zone_appended_twice":
                    say(f"  [yellow]! {escape(cause.message)}[/]")
            say("  [yellow]... and retypes the rows with the label only.[/]")
            person.correct()

    return handle


def run_demo(say: Say, *, mistake: bool = True, zone: str = DEMO_ZONE) -> int:
    """Run the whole demo, printing through ``say`` (rich markup); 0 when both domains complete."""
    try:
        dns_server.find_knotd()
    except RuntimeError as exc:
        say(f"[red]Cannot start the local DNS server: {exc}[/]")
        return 1
    show = _show_event(say)
    with OfflineLab(zone) as lab:
        say(f"Fake Okta org at {lab.okta.url}")
        say(
            f"knotd serving {lab.zone} at {LAB_ADDRESS}:{lab.dns.port} "
            f"(RFC 2136 updates signed with TSIG key {lab.key_name})"
        )
        say("")
        say(f"[bold]1. login.{zone}: Okta-managed certificate, records written by RFC 2136[/]")
        first = CustomDomainFlow(
            "login",
            lab.args(f"login.{zone}", lab.rfc2136_target()),
            lab.config,
            on_event=show,
        )
        result = first.up()
        say(f"  => validation_status: [bold green]{result.outputs['validation_status']}[/]")
        say("  Run it again: every diff reports no change, nothing is written or verified.")
        again = first.up()
        say(f"  => changed: {again.changed or 'nothing'}")
        say("")

        say(f"[bold]2. portal.{zone}: your own certificate (MANUAL), rows for a web form[/]")
        person = TypingPerson(RegistrarWebForm(lab, appends_zone=True), types_full_names=mistake)
        if mistake:
            say("  The person types the full name where the form wants the label (a mistake).")
        bundle = make_certificate(f"portal.{zone}")
        second = CustomDomainFlow(
            "portal",
            lab.args(
                f"portal.{zone}",
                ManualDns(zone, style="label", ttl=60),
                certificate=ManualCertificate(
                    certificate=bundle.certificate_pem,
                    certificate_chain=bundle.chain_pem,
                    private_key=bundle.private_key_pem,
                ),
            ),
            lab.config,
            person=person,
            on_event=fix_when_diagnosed(lab, person, say, show),
        )
        manual = second.up()
        say(f"  => validation_status: [bold green]{manual.outputs['validation_status']}[/]")
        say("")

        say("[bold]3. Destroy: records removed from DNS, domains deleted at Okta[/]")
        second.destroy()
        first.destroy()
        left = lab.okta_domains()
        say(
            f"  => TXT _acme-challenge.login.{zone} served: "
            f"{lab.served(f'_acme-challenge.login.{zone}', 'TXT') or 'nothing'}; "
            f"domains left at Okta: {left or 'none'}"
        )
        completed = (
            result.outputs["validation_status"] == "COMPLETED"
            and manual.outputs["validation_status"] == "COMPLETED"
        )
    say("")
    say("[bold green]Done: both domains reached COMPLETED.[/]" if completed else "[red]Failed[/]")
    return 0 if completed else 1
