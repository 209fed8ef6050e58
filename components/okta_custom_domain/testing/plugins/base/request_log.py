"""The request log of a double: one JSON line per call, never holding a secret.

A test reads it to see what the engine asked and what the double did; the double runs in the
plugin process, so a file is the only channel back, and every entry is redacted on the way in.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okta_custom_domain.testing.plugins.base.wire import UNKNOWN

REDACTED = "<redacted>"
UNKNOWN_IN_LOG = "<unknown>"
SECRET_FIELDS = frozenset(
    {"apiToken", "accessToken", "privateKey", "access_token", "client_assertion", "Authorization"}
)
"""Log keys whose values are replaced by ``REDACTED`` whatever they hold."""
_MIN_NEEDLE = 8
_LOG_LOCK = threading.Lock()  # one per process: a double may name its log anew on every call


def redact(value: Any, secrets: Iterable[str], fields: frozenset[str] = SECRET_FIELDS) -> Any:
    """``value`` with secret fields blanked and every known secret string cut out, at any depth.

    A secret shorter than ``_MIN_NEEDLE`` is blanked only where it is the whole string: cut
    out of text, a one-letter test value would mangle every word (real credentials are long).
    """
    known = {s for s in secrets if s}
    needles = sorted((s for s in known if len(s) >= _MIN_NEEDLE), key=len, reverse=True)

    def clean(item: Any) -> Any:
        if isinstance(item, str):
            if item in known:
                return REDACTED
            for needle in needles:
                item = item.replace(needle, REDACTED)
            return item
        if isinstance(item, Mapping):
            return {k: REDACTED if k in fields else clean(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [clean(v) for v in item]
        return item

    return clean(value)


def loggable(value: Any) -> Any:
    """``value`` as a log shows it: unknowns marked, whole numbers as ints (Structs hold floats)."""
    if value == UNKNOWN:
        return UNKNOWN_IN_LOG
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: loggable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [loggable(v) for v in value]
    return value


class RequestLog:
    """One JSON line per call, appended to ``path`` (an env var's or a config's; None: no log).

    A test reads it to see what the engine asked and what the double did; it runs in the
    plugin process, so a file is the only channel back.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @classmethod
    def from_env(cls, env_var: str, environ: Mapping[str, str]) -> RequestLog:
        value = environ.get(env_var, "").strip()
        return cls(Path(value) if value else None)

    def append(self, entry: Mapping[str, Any], secrets: Iterable[str] = ()) -> None:
        if self.path is None:
            return
        line = json.dumps(loggable(redact(dict(entry), secrets)), sort_keys=True, default=str)
        with _LOG_LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")


def read_request_log(path: Path) -> list[dict[str, Any]]:
    """The entries of a request log (none when the file does not exist yet)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class CallRecord:
    """What one gRPC call did, for the request log (``notes`` may replace ``type``).

    It holds names, statuses and the values a test must see; ``RequestLog`` redacts secrets.
    """

    method: str
    type: str = ""
    urn: str = ""
    http: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"method": self.method, "type": self.type, "urn": self.urn}
        entry.update(self.notes)
        entry["http"] = self.http
        if self.error is not None:
            entry["error"] = self.error
        return entry
