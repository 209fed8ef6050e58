"""A real BIND 9 (``named``) on loopback: the most deployed authoritative implementation.

``named -g`` runs in the foreground and logs to stderr; it runs as root without ``-u`` and as
any other user, since every file (config, zones, pid, session and managed keys) is in a temp
directory. Reloads go through ``rndc`` with a key generated here, on a control port on the
server's own loopback address. Zone checks are relaxed (no check-names, integrity or MX checks)
like the Knot launcher's ``semantic-checks: off``: a test zone is served as written.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

from okta_custom_domain.testing.dns_server.loopback import free_port, quote
from okta_custom_domain.testing.dns_server.zone_server import ZoneFileServer
from okta_custom_domain.testing.dns_server.zones import soa_serial_of
from okta_custom_domain.testing.local_process import find_program

BIND_INSTALL_HINT = (
    "install BIND 9: `apt-get install bind9` (named; rndc and named-checkzone come in bind9-utils)"
)
_RELAXED = ["check-names primary ignore", "check-integrity no", "check-mx ignore"]
_CHECKZONE_RELAXED = ["-k", "ignore", "-i", "none", "-m", "ignore"]  # the same, for the checker


def find_named() -> str:
    """Path of ``named``; a RuntimeError that says how to install it when it is missing."""
    return find_program("named", BIND_INSTALL_HINT)


def named_config(work: Path, address: str, port: int, control_port: int, secret: str) -> str:
    """``named.conf`` without zones: authoritative only, on ``address`` ``port``, files in
    ``work``, rndc allowed from loopback with the key ``secret``."""
    lines = [
        f'key "rndc-key" {{ algorithm hmac-sha256; secret "{secret}"; }};',
        f"controls {{ inet {address} port {control_port} allow {{ 127.0.0.0/8; }} "
        'keys { "rndc-key"; }; };',
        "options {",
        f"    directory {quote(str(work))};",
        f"    pid-file {quote(str(work / 'named.pid'))};",
        f"    session-keyfile {quote(str(work / 'session.key'))};",
        f"    managed-keys-directory {quote(str(work))};",
        f"    listen-on port {port} {{ {address}; }};",
        "    listen-on-v6 { none; };",
        "    recursion no;",
        "    dnssec-validation no;",
        "    notify no;",
        "    version none;",
        "    hostname none;",
        "    server-id none;",
        *(f"    {option};" for option in _RELAXED),
        "};",
    ]
    return "\n".join(lines) + "\n"


def rndc_config(address: str, control_port: int, secret: str) -> str:
    """``rndc.conf`` for the server's control channel (rndc reads no file outside the temp dir)."""
    return (
        f'key "rndc-key" {{ algorithm hmac-sha256; secret "{secret}"; }};\n'
        f'options {{ default-key "rndc-key"; default-server {address}; '
        f"default-port {control_port}; }};\n"
    )


class BindServer(ZoneFileServer):
    """One ``named`` process serving zones from files in its own temporary directory."""

    program = "named"
    install_hint = BIND_INSTALL_HINT

    def __init__(
        self, address: str = "127.0.0.1", port: int | None = None, *, workdir: Path | None = None
    ) -> None:
        super().__init__(address, port, workdir=workdir)
        self.control_port = free_port(address)
        self._secret = base64.b64encode(os.urandom(32)).decode()

    def _write_config(self) -> Path:
        (self.workdir / "zones").mkdir(parents=True, exist_ok=True)
        text = named_config(self.workdir, self.address, self.port, self.control_port, self._secret)
        for zone in sorted(self._zones):
            zone_file = quote(str(self._zone_file(zone)))
            text += f"zone {quote(zone)} {{ type primary; file {zone_file}; }};\n"
        rndc = rndc_config(self.address, self.control_port, self._secret)
        for name, content in (("rndc.conf", rndc), ("named.conf", text)):
            path = self.workdir / name
            tmp = path.with_suffix(".tmp")
            tmp.write_text(content)
            tmp.chmod(0o600)  # both hold the rndc secret
            tmp.replace(path)
        return self.workdir / "named.conf"

    def _command(self, config: Path) -> list[str]:
        # -g: foreground, log to stderr; -n 1: one worker thread (test machines are small)
        return [find_named(), "-g", "-n", "1", "-c", str(config)]

    def _ready(self) -> bool:
        """``named -g`` logs ``running`` once zones are loaded and the control channel is up.

        named only listens on addresses configured on an interface (Knot and NSD bind any of
        127.0.0.0/8), and goes on running when it cannot bind: say so instead of timing out.
        """
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return False
        if not any(line.endswith(" running") for line in lines):
            return False
        listening = (line for line in lines if "listening on IPv4 interface" in line)
        if not any(line.endswith(self._listen) for line in listening):
            raise RuntimeError(
                f"named runs but does not listen on {self._listen}: either the port is taken "
                f"or {self.address} is not configured on an interface (named, unlike Knot and "
                f"NSD, needs that: use 127.0.0.1 or `ip addr add {self.address}/8 dev lo`)\n"
                f"{self._log()}"
            )
        return True

    @property
    def _listen(self) -> str:
        return f"{self.address}#{self.port}"

    def _check_zone(self, zone: str, text: str) -> None:
        soa_serial_of(zone, text)
        checker = find_program("named-checkzone", BIND_INSTALL_HINT)
        self._check_with([checker, *_CHECKZONE_RELAXED], zone, text)

    def _apply_zone_list(self) -> None:
        self._rndc("reconfig")

    def _reload_zone(self, zone: str) -> None:
        self._rndc("reload", zone)

    def _rndc(self, *args: str) -> None:
        rndc = find_program("rndc", BIND_INSTALL_HINT)
        command = [rndc, "-c", str(self.workdir / "rndc.conf"), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"`rndc {' '.join(args)}` failed ({result.returncode}): "
                f"{result.stdout}{result.stderr}\n{self._log()}"
            )
