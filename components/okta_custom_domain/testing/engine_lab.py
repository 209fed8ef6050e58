"""Local services for a real ``pulumi up``: knotd, fake Okta orgs, and the plugin doubles.

One knotd serves every zone (RFC 2136 with one TSIG key); each Okta org is a ``FakeOkta`` that
verifies against that knotd; the ``okta`` and ``cloudflare`` resource plugins are the test
doubles (the real ones cannot be built offline), installed into the engine's Pulumi home.
The ``*_dns``/``*_okta`` methods return stack-config fragments in the documented shape.
"""

from __future__ import annotations

import base64
import re
import secrets
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dns.name
import dns.query
import dns.rcode
import dns.tsigkeyring
import dns.update
from pulumi import automation as auto

from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.testing import dns_server
from okta_custom_domain.testing.certs import GeneratedCertificate
from okta_custom_domain.testing.engine import OfflineEngine, flatten_config
from okta_custom_domain.testing.fake_okta import FakeOkta
from okta_custom_domain.testing.local_process import StartStop

LAB_ADDRESS = "127.0.0.1"
KEY_NAME = "okta-lab-key"
OKTA_PLUGIN_VERSION = "7.0.1"
CLOUDFLARE_PLUGIN_VERSION = "6.23.1"


def _zone_id(zone: str) -> str:
    """A stable 32-hex Cloudflare-style zone id for ``zone``."""
    return (zone.encode().hex() + "0" * 32)[:32]


class EngineLab(StartStop):
    """knotd + one FakeOkta per org + the plugin doubles + an ``OfflineEngine``."""

    def __init__(
        self,
        root: Path,
        bin_dir: Path,
        program_path: Path,
        *,
        zones: Sequence[str],
        orgs: Sequence[str],
        completion_delay: float = 0.0,
        okta_plugin: Path | None = None,
    ) -> None:
        self.root = root
        self.okta_plugin = okta_plugin
        """A real ``pulumi-resource-okta`` to install instead of the double, when given."""
        self.zones = list(zones)
        self.key_secret = base64.b64encode(secrets.token_bytes(32)).decode()
        self.dns = dns_server.AuthoritativeServer(
            LAB_ADDRESS, tsig=dns_server.TsigKey(KEY_NAME, "hmac-sha256", self.key_secret)
        )
        self.okta = {
            org: FakeOkta(
                org_name=org,
                dns_server=(LAB_ADDRESS, self.dns.port),
                completion_delay=completion_delay,
                domain_limit=200,
                dns_timeout=1.0,
            )
            for org in orgs
        }
        self.cloudflare_requests = root / "cloudflare-requests.jsonl"
        self.okta_requests = root / "okta-plugin-requests.jsonl"
        self.engine = OfflineEngine(
            root=root / "engine",
            bin_dir=bin_dir,
            program_path=program_path,
            virtualenv=Path(sys.prefix),
        )

    def start(self) -> EngineLab:
        try:
            for zone in self.zones:
                self.dns.add_zone(zone, self._zone_text(zone))
            self.dns.start()
            for org in self.okta.values():
                org.start()
            self._install_doubles()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for org in self.okta.values():
            org.stop()
        self.dns.stop()

    def _zone_text(self, zone: str) -> str:
        return dns_server.loopback_zone_text(zone, address=LAB_ADDRESS, soa_minimum=5, ttl=60)

    def _install_doubles(self) -> None:
        from okta_custom_domain.testing.plugins import cloudflare as cloudflare_double
        from okta_custom_domain.testing.plugins import okta as okta_double

        config_path = self.root / "cloudflare-double.json"
        cloudflare_double.CloudflareDoubleConfig(
            zones=[
                cloudflare_double.DoubleZone(
                    id=_zone_id(zone),
                    name=zone,
                    server=LAB_ADDRESS,
                    port=self.dns.port,
                    key_name=KEY_NAME,
                    key_algorithm="hmac-sha256",
                    key_secret=self.key_secret,
                )
                for zone in self.zones
            ],
            requests=self.cloudflare_requests,
        ).write(config_path)
        self.engine.env[cloudflare_double.CONFIG_ENV] = str(config_path)
        self.engine.env[okta_double.REQUESTS_ENV] = str(self.okta_requests)
        plugins = self.root / "plugins"
        okta_plugin = self.okta_plugin or okta_double.install_plugin_dir(plugins / "okta")
        self.engine.install_plugin("okta", OKTA_PLUGIN_VERSION, okta_plugin)
        self.engine.install_plugin(
            "cloudflare",
            CLOUDFLARE_PLUGIN_VERSION,
            cloudflare_double.install_plugin_dir(plugins / "cloudflare"),
        )

    @property
    def okta_plugin_kind(self) -> str:
        """Which ``okta`` plugin runs: the real one given, or the test double."""
        return f"real ({self.okta_plugin})" if self.okta_plugin else "test double"

    # -- stack-config fragments ------------------------------------------------------------

    def okta_with_token(self, org: str) -> dict[str, Any]:
        fake = self.okta[org]
        return {"orgName": org, "apiToken": fake.api_token, "httpProxy": fake.url}

    def okta_with_service_app(self, org: str, client_id: str, private_key: str) -> dict[str, Any]:
        fake = self.okta[org]
        return {
            "orgName": org,
            "clientId": client_id,
            "privateKey": private_key,
            "scopes": ["okta.domains.read", "okta.domains.manage"],
            "httpProxy": fake.url,
        }

    def one_domain_stack(
        self,
        domain: str,
        dns: dict[str, Any],
        *,
        certificate: GeneratedCertificate | None = None,
        org: str = "acme",
        **readiness: Any,
    ) -> auto.Stack:
        """Stack ``dev``: one tenant (named after ``org``, API token) with one domain; each
        call replaces its config."""
        entry: dict[str, Any] = {
            "domain": domain, "dns": dns, "readiness": self.readiness(**readiness)
        }
        if certificate is not None:
            entry["certificateSourceType"] = "MANUAL"
            entry["certificate"] = certificate_config(certificate)
        tenants = [{"name": org, "okta": self.okta_with_token(org), "domains": [entry]}]
        return self.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))

    def rfc2136_dns(self, zone: str) -> dict[str, Any]:
        return {
            "type": "rfc2136",
            "server": LAB_ADDRESS,
            "port": self.dns.port,
            "zone": zone,
            "keyName": KEY_NAME,
            "keySecret": self.key_secret,
            "ttl": 60,
        }

    def cloudflare_dns(self, zone: str) -> dict[str, Any]:
        return {"type": "cloudflare", "zoneName": zone, "ttl": 60}

    def manual_dns(self, zone: str, style: str = "label") -> dict[str, Any]:
        return {"type": "manual", "zone": zone, "style": style, "ttl": 60}

    def readiness(self, timeout: float = 60, interval: float = 1) -> dict[str, Any]:
        return {
            "nameservers": [f"{LAB_ADDRESS}:{self.dns.port}"],
            "timeout": timeout,
            "interval": interval,
        }

    def served(self, name: str, rtype: str) -> list[str]:
        """What knotd answers for ``name``/``rtype`` right now (TXT strings joined)."""
        return dns_server.query_values(LAB_ADDRESS, self.dns.port, name, rtype)

    def okta_domains(self, org: str) -> list[str]:
        """The custom domains org ``org`` has now (the built-in default entry left out)."""
        fake = self.okta[org]
        with OktaDomainsClient(fake.url, ApiToken(fake.api_token)) as client:
            return [d.domain for d in client.list_domains() if not d.is_default]

    def save_as_registrar(self, zone: str, fqdn: str, rtype: str, value: str, ttl: int) -> None:
        """Store one record as a registrar's form does: whatever name it ends up with, even
        a doubled zone that ``Rfc2136Writer`` (rightly) refuses."""
        update = self._registrar_update(zone)
        data = f'"{value}"' if rtype == "TXT" else f"{value}."
        update.replace(dns.name.from_text(fqdn), ttl, rtype, data)
        self._send_registrar_update(update, f"save of {fqdn} {rtype}")

    def _registrar_update(self, zone: str) -> dns.update.UpdateMessage:
        keyring = dns.tsigkeyring.from_text({KEY_NAME: self.key_secret})
        return dns.update.UpdateMessage(zone, keyring=keyring, keyalgorithm="hmac-sha256")

    def _send_registrar_update(self, update: dns.update.UpdateMessage, what: str) -> None:
        reply = dns.query.tcp(update, LAB_ADDRESS, port=self.dns.port, timeout=5)
        if reply.rcode() != dns.rcode.NOERROR:
            raise RuntimeError(f"registrar {what}: {dns.rcode.to_text(reply.rcode())}")

    def delete_as_registrar(self, zone: str, fqdn: str, rtype: str) -> None:
        """Delete one RRset as a registrar's form does (any name, doubled zone included)."""
        update = self._registrar_update(zone)
        update.delete(dns.name.from_text(fqdn), rtype)
        self._send_registrar_update(update, f"delete of {fqdn} {rtype}")


def certificate_config(bundle: GeneratedCertificate) -> dict[str, str]:
    """A MANUAL certificate as the stack config's ``certificate`` object wants it."""
    return {
        "certificate": bundle.certificate_pem,
        "certificateChain": bundle.chain_pem,
        "privateKey": bundle.private_key_pem,
    }


_ROW = re.compile(r"\b(TXT|CNAME)\s+name: (\S+)\s+value: (\S+)\s+TTL: (\d+)")
_PROGRESS_CODES = re.compile(r"DNS readiness: .*\[([a-z_, ]+)\]\s*$")
FORMS = ("label", "fqdn")


class RegistrarPerson:
    """A person who reads the registrar rows in the CLI output and types them into the form.

    Fed every line the CLI prints (``on_output``). ``form`` is the registrar's form of
    ``zone``: ``label`` appends the zone to what is typed (so ``types_full_names`` reproduces
    the classic mistake, ``id.example.com.example.com``); ``fqdn`` stores the name as typed
    (a trailing dot dropped). ``correct()`` deletes what was typed and types the labels, as a
    person does after reading the diagnosis; ``fixes_when_diagnosed`` makes the person do it
    on reading a readiness progress line that reports ``zone_appended_twice``.
    """

    def __init__(
        self,
        lab: EngineLab,
        zone: str,
        *,
        types_full_names: bool = False,
        form: str = "label",
        fixes_when_diagnosed: bool = False,
    ) -> None:
        if form not in FORMS:
            raise ValueError(f"form: {form!r} is not one of {', '.join(FORMS)}")
        self.lab = lab
        self.zone = zone
        self.types_full_names = types_full_names
        self.form = form
        self.fixes_when_diagnosed = fixes_when_diagnosed
        self.entered: list[tuple[str, str, str]] = []
        self.rows: list[tuple[str, str, str, int]] = []
        """Every row read in the output: type, name, value, TTL."""
        self.corrections = 0
        self.diagnosis_lines: list[str] = []
        """The progress lines that made the person correct the rows."""
        self._lock = threading.RLock()

    def __call__(self, line: str) -> None:
        if self.fixes_when_diagnosed and self._diagnosed(line):
            with self._lock:
                if self.types_full_names:
                    self.diagnosis_lines.append(line)
                    self.correct()
            return
        match = _ROW.search(line)
        if match is None:
            return
        rtype, name, value, ttl = match.groups()
        with self._lock:
            if (rtype, name, value, int(ttl)) not in self.rows:
                self.rows.append((rtype, name, value, int(ttl)))
            self._type(rtype, name, value, int(ttl))

    @staticmethod
    def _diagnosed(line: str) -> bool:
        found = _PROGRESS_CODES.search(line)
        return found is not None and "zone_appended_twice" in found.group(1).split(", ")

    def stored_name(self, typed: str) -> str:
        """The name the form gives the record for what was typed."""
        if self.form == "fqdn":
            return typed.rstrip(".").lower()
        return self.zone if typed == "@" else f"{typed}.{self.zone}"

    def _type(self, rtype: str, name: str, value: str, ttl: int) -> None:
        typed = f"{name}.{self.zone}" if self.types_full_names else name
        fqdn = self.stored_name(typed)
        if (fqdn, rtype, value) in self.entered:
            return
        self.lab.save_as_registrar(self.zone, fqdn, rtype, value, ttl)
        self.entered.append((fqdn, rtype, value))

    def correct(self) -> None:
        """Delete every row typed so far and type the rows read again, as the form wants."""
        with self._lock:
            for fqdn, rtype, _value in self.entered:
                self.lab.delete_as_registrar(self.zone, fqdn, rtype)
            self.entered.clear()
            self.types_full_names = False
            self.corrections += 1
            for rtype, name, value, ttl in self.rows:
                self._type(rtype, name, value, ttl)
