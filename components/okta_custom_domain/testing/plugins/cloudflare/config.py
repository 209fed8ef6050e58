"""What a test hands the Cloudflare double (zones + TSIG keys) and what it gets back (a call log).

The double runs as a plugin process the Pulumi engine starts, so a test cannot pass it objects:
it writes a JSON file and names it in ``OKTA_CUSTOM_DOMAIN_CLOUDFLARE_DOUBLE`` (the CLI passes
its environment to plugins). The double appends one JSON line per call to ``requests``, without
any secret (``base.RequestLog``), so a test can assert what was written and that a second ``up``
wrote nothing (``writes``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.rfc2136.tsig import TsigKey, TsigKeyError

ENV_VAR = "OKTA_CUSTOM_DOMAIN_CLOUDFLARE_DOUBLE"
ZONE_ID = re.compile(r"^[0-9a-f]{32}$")


class DoubleConfigError(ValueError):
    """The double's configuration cannot be used; the message names the env var and the field."""


@dataclass(frozen=True)
class DoubleZone:
    """One Cloudflare zone of the double and the Knot server/TSIG key that hold its data."""

    id: str
    name: str
    server: str
    port: int
    key_name: str
    key_secret: str = field(repr=False)
    key_algorithm: str = "hmac-sha256"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "server": self.server,
            "port": self.port,
            "keyName": self.key_name,
            "keyAlgorithm": self.key_algorithm,
            "keySecret": self.key_secret,
        }

    def tsig_key(self) -> TsigKey:
        return TsigKey(name=self.key_name, secret=self.key_secret, algorithm=self.key_algorithm)


@dataclass(frozen=True)
class CloudflareDoubleConfig:
    """The file the double reads: its zones and where it appends the request log."""

    zones: Sequence[DoubleZone]
    requests: Path

    def to_json(self) -> dict[str, Any]:
        return {"zones": [z.to_json() for z in self.zones], "requests": str(self.requests)}

    def write(self, path: Path) -> Path:
        """Write the file owner-readable only (it holds TSIG secrets); returns ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(self.to_json(), handle, indent=2)
        tmp.replace(path)
        return path

    @property
    def record_ids(self) -> Path:
        """Where the double keeps its records' ids (``record_ids``): beside the request log."""
        return self.requests.with_name(self.requests.stem + ".record-ids.json")

    def env(self, path: Path) -> dict[str, str]:
        """The environment entry that points the double at ``path``."""
        return {ENV_VAR: str(path)}

    def zone_by_id(self, zone_id: str) -> DoubleZone | None:
        return next((z for z in self.zones if z.id == zone_id), None)

    def zone_by_name(self, name: str) -> DoubleZone | None:
        wanted = name.strip().rstrip(".").lower()
        return next((z for z in self.zones if z.name == wanted), None)

    def describe_zones(self) -> str:
        """``example.test (id 0123...)`` for error messages: names and ids, never keys."""
        return ", ".join(f"{z.name} (id {z.id})" for z in self.zones) or "none"


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DoubleConfigError(f"{ENV_VAR}: {where}.{key} is required (a non-empty string)")
    return value.strip()


def _zone_from_json(raw: Any, index: int) -> DoubleZone:
    where = f"zones[{index}]"
    if not isinstance(raw, Mapping):
        raise DoubleConfigError(f"{ENV_VAR}: {where} must be an object")
    zone_id = _text(raw, "id", where).lower()
    if not ZONE_ID.match(zone_id):
        raise DoubleConfigError(
            f"{ENV_VAR}: {where}.id must be 32 hex characters, like Cloudflare's"
        )
    port = raw.get("port", 53)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise DoubleConfigError(f"{ENV_VAR}: {where}.port must be a port number (1-65535)")
    try:
        name = normalize_fqdn(_text(raw, "name", where), field=f"{where}.name")
        zone = DoubleZone(
            id=zone_id,
            name=name,
            server=_text(raw, "server", where),
            port=port,
            key_name=_text(raw, "keyName", where),
            key_secret=_text(raw, "keySecret", where),
            key_algorithm=str(raw.get("keyAlgorithm") or "hmac-sha256"),
        )
        zone.tsig_key()  # validate name, algorithm and base64 now, not at the first write
    except TsigKeyError as exc:
        raise DoubleConfigError(f"{ENV_VAR}: {where}: {exc}") from None
    except ValueError as exc:
        raise DoubleConfigError(f"{ENV_VAR}: {exc}") from None
    return zone


def config_from_json(raw: Any) -> CloudflareDoubleConfig:
    """Parse the file's JSON; every error names the field to fix (and never a secret)."""
    if not isinstance(raw, Mapping):
        raise DoubleConfigError(f"{ENV_VAR}: the file must hold a JSON object")
    zones_raw = raw.get("zones")
    if not isinstance(zones_raw, list) or not zones_raw:
        raise DoubleConfigError(f"{ENV_VAR}: zones must be a non-empty list of zone objects")
    zones = [_zone_from_json(z, i) for i, z in enumerate(zones_raw)]
    requests = raw.get("requests")
    if not isinstance(requests, str) or not requests.strip():
        raise DoubleConfigError(f"{ENV_VAR}: requests must be the path of the JSONL request log")
    return CloudflareDoubleConfig(zones=zones, requests=Path(requests))


def load_config(environ: Mapping[str, str] | None = None) -> CloudflareDoubleConfig:
    """The configuration named by ``OKTA_CUSTOM_DOMAIN_CLOUDFLARE_DOUBLE``."""
    env = os.environ if environ is None else environ
    location = env.get(ENV_VAR, "").strip()
    if not location:
        raise DoubleConfigError(
            f"{ENV_VAR} is not set: point it at the JSON file written by "
            "CloudflareDoubleConfig.write() before running pulumi"
        )
    try:
        text = Path(location).read_text()
    except OSError as exc:
        raise DoubleConfigError(f"{ENV_VAR}={location}: cannot read ({exc.strerror})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DoubleConfigError(
            f"{ENV_VAR}={location}: not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    return config_from_json(raw)


def writes(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entries that changed DNS: Create/Update/Delete outside preview."""
    return [
        e
        for e in entries
        if e.get("method") in ("Create", "Update", "Delete") and not e.get("preview")
    ]
