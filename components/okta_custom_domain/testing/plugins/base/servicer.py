"""The servicer half of a double: defaults for the plugin and config calls, and call handling.

Every call is logged with its HTTP trace and a failure answered as a scrubbed gRPC error; what
the real providers answer differently (Configure's flags, always-secret inputs) is a class
option of ``PluginDouble``, and a double adds its resources.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from okta_custom_domain.testing.plugins.base.request_log import CallRecord, RequestLog, redact
from okta_custom_domain.testing.plugins.base.wire import UNKNOWN, Props, to_struct, type_of_urn


class DoubleError(Exception):
    """A failure the engine should show: answered as a gRPC error carrying this message."""

    def __init__(self, message: str, code: grpc.StatusCode = grpc.StatusCode.UNKNOWN) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


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

    def check_config(self, news: Props, urn: str) -> list[tuple[str, str]]:
        """(property, reason) failures for the provider config of the provider ``urn``; none by
        default."""
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
        failures = self.check_config(self.props_of(request.news), request.urn)
        return check_response(call, request.news, failures)

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
