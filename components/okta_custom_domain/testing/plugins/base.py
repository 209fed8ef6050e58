"""The generic half of a Pulumi resource-plugin double: the engine's wire protocol, nothing more.

A double is a small gRPC ``ResourceProvider`` the real engine starts instead of a provider
plugin that cannot be built here (same plugin name, type tokens and properties), so a real
``pulumi up`` runs offline. Every double needs the same plumbing, kept here: serving on
loopback the way the engine expects (the port on stdout), Structs as plain dicts with the
engine's unknown and secret encodings, a JSON-lines request log that never holds a secret,
the launcher script the engine executes, and defaults for the plugin and config calls.
What the real providers answer differently is a class option of ``PluginDouble``.
"""

from __future__ import annotations

import functools
import json
import shlex
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2, json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""What the engine sends for a value not known yet (preview)."""
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
REDACTED = "<redacted>"
UNKNOWN_IN_LOG = "<unknown>"
SECRET_FIELDS = frozenset(
    {"apiToken", "accessToken", "privateKey", "access_token", "client_assertion", "Authorization"}
)
"""Log keys whose values are replaced by ``REDACTED`` whatever they hold."""
_MIN_NEEDLE = 8
_GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
_LOG_LOCK = threading.Lock()  # one per process: a double may name its log anew on every call


class DoubleError(Exception):
    """A failure the engine should show: answered as a gRPC error carrying this message."""

    def __init__(self, message: str, code: grpc.StatusCode = grpc.StatusCode.UNKNOWN) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# -- values ---------------------------------------------------------------------------------


def struct_to_dict(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """A Struct as a dict; unknowns stay the ``UNKNOWN`` string, secrets stay wrapped."""
    if struct is None:
        return {}
    result = json_format.MessageToDict(struct)
    return result if isinstance(result, dict) else {}


def unwrap_secrets(value: Any) -> tuple[Any, bool]:
    """``value`` without secret wrappers at any depth, and whether it held one."""
    if isinstance(value, Mapping):
        if value.get(SIG_KEY) == SECRET_SIG:
            inner, _ = unwrap_secrets(value.get("value"))
            return inner, True
        pairs = {k: unwrap_secrets(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [unwrap_secrets(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def wrap_secret(value: Any) -> dict[str, Any]:
    """``value`` in the engine's secret envelope."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def contains_unknown(value: Any) -> bool:
    """Whether ``value`` is, or holds, an unknown (only during preview)."""
    if value == UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def strings_in(value: Any) -> list[str]:
    """Every string inside ``value`` (to scrub secret values from logs and messages)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


@dataclass(frozen=True)
class Props:
    """A property map as plain values, plus the top-level keys that arrived secret."""

    values: dict[str, Any]
    secret_keys: frozenset[str] = frozenset()

    @classmethod
    def from_struct(cls, struct: struct_pb2.Struct | None) -> Props:
        values: dict[str, Any] = {}
        secret: set[str] = set()
        for key, raw in struct_to_dict(struct).items():
            values[key], was_secret = unwrap_secrets(raw)
            if was_secret:
                secret.add(key)
        return cls(values, frozenset(secret))

    def secret_strings(self) -> list[str]:
        return [s for key in self.secret_keys for s in strings_in(self.values.get(key))]


def to_struct(
    values: Mapping[str, Any], secret_keys: Iterable[str] = (), *, wrap: bool = False
) -> struct_pb2.Struct:
    """``values`` as a Struct; with ``wrap``, the ``secret_keys`` go out secret again."""
    secret = set(secret_keys) if wrap else set()
    struct = struct_pb2.Struct()
    struct.update({k: wrap_secret(v) if k in secret else v for k, v in values.items()})
    return struct


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


# -- the request log ------------------------------------------------------------------------


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


def type_of_urn(urn: str) -> str:
    """The resource type token of a URN (``urn:pulumi:stack::project::parent$type::name``)."""
    parts = urn.split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else ""


def name_of_urn(urn: str) -> str:
    parts = urn.split("::")
    return parts[3] if len(parts) >= 4 else ""


# -- the servicer base ----------------------------------------------------------------------

D = TypeVar("D", bound="PluginDouble")
Req = TypeVar("Req")
Resp = TypeVar("Resp")


def rpc(
    handler: Callable[[D, Req, CallRecord], Resp],
) -> Callable[[D, Req, Any], Resp]:
    """Log every call (with its HTTP trace) and answer a failure as a gRPC error, scrubbed.

    A ``DoubleError``, or what the double's ``translate`` makes of an exception, is the answer;
    anything else is a bug in the double, answered INTERNAL with its type.
    """

    @functools.wraps(handler)
    def wrapper(self: D, request: Req, context: Any) -> Resp:
        urn = str(getattr(request, "urn", "") or "")
        kind = str(getattr(request, "type", "") or "") or type_of_urn(urn)
        call = CallRecord(handler.__name__, type=kind, urn=urn)
        try:
            response = handler(self, request, call)
        except Exception as exc:
            failure = exc if isinstance(exc, DoubleError) else self.translate(exc)
            if failure is None:
                failure = DoubleError(
                    f"{self.name} double: {type(exc).__name__}: {exc}", grpc.StatusCode.INTERNAL
                )
            call.error = self.scrub(failure.message)
            self.record(call)
            context.abort(failure.code, call.error)
            raise  # context.abort raises; this keeps type checkers and readers sure of it
        self.record(call)
        return response

    return wrapper


class PluginDouble(provider_pb2_grpc.ResourceProviderServicer):
    """Defaults for the plugin and config calls; a double adds its resources.

    The options are what Configure answers; set them as the real provider does (both bridges
    say ``accept_secrets`` False and let the engine mark outputs secret from secret inputs; the
    plugin-framework bridge also accepts resources). Handshake is left unimplemented, as both
    bridges leave it, so the engine takes these flags from Configure.
    ``always_secret`` names inputs kept out of logs and errors even when they arrive plain.
    """

    name: ClassVar[str] = "double"
    version: ClassVar[str] = "0.0.0"
    accept_secrets: ClassVar[bool] = False
    accept_resources: ClassVar[bool] = False
    supports_autonaming: ClassVar[bool] = False
    always_secret: ClassVar[tuple[str, ...]] = ()

    def __init__(self, log: RequestLog | None = None) -> None:
        self.log = log or RequestLog(None)
        self.engine_accepts_secrets = False
        self._secrets: set[str] = set()
        self._secrets_lock = threading.Lock()

    # -- secrets and logging ----------------------------------------------------------------
    def remember_secrets(self, values: Iterable[str]) -> None:
        """Strings never to be written to the log or put in an error message (an unknown is
        not one: the engine sends the same sentinel for every unknown value)."""
        with self._secrets_lock:
            self._secrets.update(v for v in values if v and v != UNKNOWN)

    def scrub(self, text: str) -> str:
        with self._secrets_lock:
            secrets = list(self._secrets)
        cleaned: str = redact(text, secrets)
        return cleaned

    def record(self, call: CallRecord) -> None:
        with self._secrets_lock:
            secrets = list(self._secrets)
        self.request_log().append(call.entry(), secrets)

    def remember(self, props: Props) -> Props:
        """``props``, its secrets (and ``always_secret`` inputs) remembered; returns ``props``."""
        self.remember_secrets(props.secret_strings())
        self.remember_secrets(
            str(props.values[k]) for k in self.always_secret if props.values.get(k)
        )
        return props

    def props_of(self, struct: struct_pb2.Struct | None) -> Props:
        """A request's property map, its secrets remembered before anything can log them."""
        return self.remember(Props.from_struct(struct))

    def outputs(self, values: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> Any:
        """Outputs as a Struct: secret keys re-wrapped only when both sides accept secrets."""
        return to_struct(
            values, secret_keys, wrap=self.accept_secrets and self.engine_accepts_secrets
        )

    # -- hooks a double overrides -------------------------------------------------------------
    def request_log(self) -> RequestLog:
        """Where this call is logged; a double whose log moves between calls overrides it."""
        return self.log

    def translate(self, exc: Exception) -> DoubleError | None:
        """The gRPC error the engine should show for one of the double's own exceptions;
        None: a bug in the double."""
        return None

    def check_config(self, news: Props) -> list[tuple[str, str]]:
        """(property, reason) failures for the provider config; none by default."""
        return []

    def configure(self, config: Props, call: CallRecord) -> None:
        """Take the provider config; raise ``DoubleError`` naming the key when it is unusable."""

    # -- plugin and provider-config calls -----------------------------------------------------
    def GetPluginInfo(self, request: empty_pb2.Empty, context: Any) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=self.version)

    def GetSchema(
        self, request: provider_pb2.GetSchemaRequest, context: Any
    ) -> provider_pb2.GetSchemaResponse:
        """up/preview/refresh/destroy never need the schema; codegen is not served."""
        schema = {"name": self.name, "version": self.version, "resources": {}, "functions": {}}
        return provider_pb2.GetSchemaResponse(schema=json.dumps(schema))

    @rpc
    def CheckConfig(
        self, request: provider_pb2.CheckRequest, call: CallRecord
    ) -> provider_pb2.CheckResponse:
        return check_response(call, request.news, self.check_config(self.props_of(request.news)))

    @rpc
    def DiffConfig(
        self, request: provider_pb2.DiffRequest, call: CallRecord
    ) -> provider_pb2.DiffResponse:
        old_struct = request.old_inputs if request.HasField("old_inputs") else request.olds
        olds = self.props_of(old_struct).values
        news = self.props_of(request.news).values
        changed = sorted(k for k in olds.keys() | news.keys() if olds.get(k) != news.get(k))
        call.notes["changed"] = changed
        return diff_response(olds, news, changed)

    @rpc
    def Configure(
        self, request: provider_pb2.ConfigureRequest, call: CallRecord
    ) -> provider_pb2.ConfigureResponse:
        self.engine_accepts_secrets = bool(request.acceptSecrets)
        args = Props.from_struct(request.args)
        variables = {k.rsplit(":", 1)[-1]: v for k, v in request.variables.items()}
        config = self.remember(Props({**variables, **args.values}, args.secret_keys))
        self.configure(config, call)
        return provider_pb2.ConfigureResponse(
            acceptSecrets=self.accept_secrets,
            acceptResources=self.accept_resources,
            supportsPreview=True,
            supports_autonaming_configuration=self.supports_autonaming,
        )

    def Attach(self, request: plugin_pb2.PluginAttach, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def Cancel(self, request: empty_pb2.Empty, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()


def check_response(
    call: CallRecord, inputs: struct_pb2.Struct, failures: Iterable[tuple[str, str]]
) -> provider_pb2.CheckResponse:
    """A CheckResponse keeping ``inputs``, with (property, reason) failures named in the log."""
    found = list(failures)
    call.notes["failures"] = [key for key, _ in found]
    return provider_pb2.CheckResponse(
        inputs=inputs,
        failures=[provider_pb2.CheckFailure(property=key, reason=reason) for key, reason in found],
    )


def diff_response(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    changed: Iterable[str],
    replaces: Iterable[str] = (),
    *,
    stables: Iterable[str] = (),
    delete_before_replace: bool = False,
) -> provider_pb2.DiffResponse:
    """A DiffResponse with a detailed diff, the way bridged providers answer."""
    kinds = provider_pb2.PropertyDiff
    replace = set(replaces)
    detailed = {}
    for key in changed:
        if key not in olds or olds[key] is None:
            kind = kinds.ADD_REPLACE if key in replace else kinds.ADD
        elif key not in news or news[key] is None:
            kind = kinds.DELETE_REPLACE if key in replace else kinds.DELETE
        else:
            kind = kinds.UPDATE_REPLACE if key in replace else kinds.UPDATE
        detailed[key] = provider_pb2.PropertyDiff(kind=kind)
    some = provider_pb2.DiffResponse.DIFF_SOME if detailed else provider_pb2.DiffResponse.DIFF_NONE
    return provider_pb2.DiffResponse(
        changes=some,
        replaces=sorted(replace),
        stables=sorted(set(stables) - replace),
        deleteBeforeReplace=delete_before_replace and bool(replace),
        diffs=sorted(detailed),
        detailedDiff=detailed,
        hasDetailedDiff=True,
    )


# -- running ----------------------------------------------------------------------------------


def serve(servicer: PluginDouble, workers: int = 8) -> None:
    """Serve on 127.0.0.1, print the port for the engine (its only stdout line), run until killed.

    The engine passes its own address as argv[1]; a double does not call back, so it is unused.
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), options=_GRPC_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)


def install_plugin_dir(dest: Path, name: str, module: str, python: str = sys.executable) -> Path:
    """Write ``dest/pulumi-resource-<name>`` (runs ``python -u -m module``); return ``dest``.

    The engine finds a resource plugin by that file name (on PATH, in a ``plugins:`` path of
    Pulumi.yaml, or installed with ``pulumi plugin install resource NAME VERSION --file``).
    ``python`` must be able to import ``module``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    script = dest / f"pulumi-resource-{name}"
    script.write_text(
        f'#!/bin/sh\nexec {shlex.quote(python)} -u -m {shlex.quote(module)} "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return dest
