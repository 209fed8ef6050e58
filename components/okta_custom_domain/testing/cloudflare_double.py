"""A stand-in ``pulumi-resource-cloudflare`` 6.23.1 plugin: the real engine launches it, it writes
``DnsRecord``s into a real Knot zone by RFC 2136 and answers ``getZone`` from its config.

The real plugin cannot be built offline, and engine tests need real DNS behind a real
``pulumi up``. Like ``pulumi/dynamic/__main__.py`` it is a gRPC ResourceProvider on
127.0.0.1:0 that prints its port and serves (the engine passes its own address as argv[1]).
Configure it with ``CloudflareDoubleConfig`` (``cloudflare_double_config``); install it with
``install_plugin_dir`` + ``pulumi plugin install resource cloudflare 6.23.1 --file DIR``.
"""

from __future__ import annotations

import functools
import json
import shlex
import sys
import uuid
from collections.abc import Callable, Mapping
from concurrent import futures
from pathlib import Path
from typing import Any, TypeVar

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from okta_custom_domain.rfc2136.writer import Rfc2136Error
from okta_custom_domain.testing import cloudflare_double_dns_record as record
from okta_custom_domain.testing.cloudflare_double_config import (
    ENV_VAR,
    CloudflareDoubleConfig,
    DoubleConfigError,
    DoubleZone,
    append_request,
    load_config,
    read_requests,
    writes,
)
from okta_custom_domain.testing.cloudflare_double_wire import (
    from_struct,
    loggable,
    plain,
    to_struct,
)
from okta_custom_domain.testing.cloudflare_double_zone import ZoneWriter

__all__ = [
    "CONFIG_ENV",
    "ENV_VAR",
    "CloudflareDouble",
    "CloudflareDoubleConfig",
    "DoubleZone",
    "install_plugin_dir",
    "read_requests",
    "serve",
    "writes",
]

CONFIG_ENV = ENV_VAR  # the name engine_lab uses
VERSION = "6.23.1"
GET_ZONE = "cloudflare:index/getZone:getZone"
PLUGIN_NAME = "pulumi-resource-cloudflare"
LOGGED_FIELDS = ("zoneId", "name", "type", "content", "ttl", "proxied")
_Req = TypeVar("_Req")
_Resp = TypeVar("_Resp")


class DoubleError(Exception):
    """A call the double refuses, as the real provider/API would; ``code`` is the gRPC status."""

    def __init__(self, message: str, code: Any = grpc.StatusCode.INVALID_ARGUMENT) -> None:
        super().__init__(message)
        self.code = code


def _rpc(
    fn: Callable[[CloudflareDouble, _Req, Any], _Resp],
) -> Callable[[CloudflareDouble, _Req, Any], _Resp]:
    """Turn the double's errors into gRPC errors whose message is the whole diagnosis."""

    @functools.wraps(fn)
    def wrapper(self: CloudflareDouble, request: _Req, context: Any) -> _Resp:
        try:
            return fn(self, request, context)
        except DoubleConfigError as exc:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        except Rfc2136Error as exc:
            context.abort(grpc.StatusCode.UNAVAILABLE, f"cloudflare double: {exc}")
        except DoubleError as exc:
            context.abort(exc.code, str(exc))
        except ValueError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"cloudflare double: {exc}")
        raise AssertionError("unreachable: context.abort raises")

    return wrapper


def _entry(method: str, urn: str, props: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """One request-log line: the record fields that matter, secrets redacted."""
    entry: dict[str, Any] = {"method": method, "urn": urn}
    entry.update({key: loggable(props.get(key)) for key in LOGGED_FIELDS})
    entry.update(extra)
    return entry


def _zone(config: CloudflareDoubleConfig, props: Mapping[str, Any]) -> DoubleZone:
    """The configured zone of ``props['zoneId']``; unknown ids fail like Cloudflare's 7003."""
    zone_id = str(plain(props.get("zoneId")))
    zone = config.zone_by_id(zone_id.lower())
    if zone is None:
        raise DoubleError(
            f"zoneId: {zone_id!r} is not a zone of the Cloudflare double (Cloudflare: 'Could not "
            f"route to /zones/{zone_id}/dns_records, perhaps your object identifier is invalid? "
            f"(7003)'). Zones in {ENV_VAR}: {config.describe_zones()}; use one of those ids "
            "or add the zone to the double's config",
            grpc.StatusCode.NOT_FOUND,
        )
    return zone


def _expect_record_type(type_token: str, urn: str) -> None:
    """Only DnsRecord is served; the type comes in the request or, from older engines, the URN."""
    parts = urn.split("::")
    token = type_token or (parts[2].split("$")[-1] if len(parts) > 3 else "")
    if token and token != record.TOKEN:
        raise DoubleError(
            f"{token}: the Cloudflare double implements only {record.TOKEN}",
            grpc.StatusCode.UNIMPLEMENTED,
        )


def _property_diffs(
    olds: Mapping[str, Any], news: Mapping[str, Any], changed: list[str], replaces: list[str]
) -> dict[str, provider_pb2.PropertyDiff]:
    """Per-property kinds, so the CLI shows ``~content`` / ``+-type`` like the real provider."""
    kinds = provider_pb2.PropertyDiff
    result = {}
    for key in changed:
        if olds.get(key) is None:
            kind = kinds.ADD_REPLACE if key in replaces else kinds.ADD
        elif news.get(key) is None:
            kind = kinds.DELETE_REPLACE if key in replaces else kinds.DELETE
        else:
            kind = kinds.UPDATE_REPLACE if key in replaces else kinds.UPDATE
        result[key] = provider_pb2.PropertyDiff(kind=kind, inputDiff=True)
    return result


def _zone_result(zone: DoubleZone, args: Mapping[str, Any]) -> dict[str, Any]:
    """The ``getZone`` outputs the component and a person would look at."""
    return {
        "id": zone.id,
        "zoneId": zone.id,
        "name": zone.name,
        "status": "active",
        "type": "full",
        "paused": False,
        "developmentMode": 0,
        "nameServers": [f"ns1.{zone.name}"],
        "account": {"id": "0" * 32, "name": "Cloudflare double"},
        "filter": args.get("filter"),
    }


class CloudflareDouble(provider_pb2_grpc.ResourceProviderServicer):
    """The ResourceProvider service: provider config, ``getZone`` and ``DnsRecord`` CRUD."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def _config(self) -> CloudflareDoubleConfig:
        """Read on every call, so a missing file is a clear error at the call that needs it."""
        return load_config(self._environ)

    def _log(self, entry: Mapping[str, Any]) -> None:
        append_request(self._config().requests, entry)

    # -- plugin and provider configuration --------------------------------------------------
    def Handshake(
        self, request: provider_pb2.ProviderHandshakeRequest, context: Any
    ) -> provider_pb2.ProviderHandshakeResponse:
        """The engine takes these flags (not Configure's) when Handshake succeeds."""
        return provider_pb2.ProviderHandshakeResponse(accept_secrets=True, accept_resources=True)

    def GetPluginInfo(self, request: empty_pb2.Empty, context: Any) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=VERSION)

    def GetSchema(
        self, request: provider_pb2.GetSchemaRequest, context: Any
    ) -> provider_pb2.GetSchemaResponse:
        """The engine does not need the schema for up/preview/refresh/destroy."""
        schema = {"name": "cloudflare", "version": VERSION, "resources": {}, "functions": {}}
        return provider_pb2.GetSchemaResponse(schema=json.dumps(schema))

    def CheckConfig(
        self, request: provider_pb2.CheckRequest, context: Any
    ) -> provider_pb2.CheckResponse:
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(
        self, request: provider_pb2.DiffRequest, context: Any
    ) -> provider_pb2.DiffResponse:
        same = plain(from_struct(request.olds)) == plain(from_struct(request.news))
        changes = (
            provider_pb2.DiffResponse.DIFF_NONE if same else provider_pb2.DiffResponse.DIFF_SOME
        )
        return provider_pb2.DiffResponse(changes=changes)

    @_rpc
    def Configure(
        self, request: provider_pb2.ConfigureRequest, context: Any
    ) -> provider_pb2.ConfigureResponse:
        """Accept any credentials; log only whether a token came (never the token)."""
        args = from_struct(request.args)
        token = args.get("apiToken") or request.variables.get("cloudflare:config:apiToken")
        base_url = loggable(args.get("baseUrl"))
        self._log(
            {
                "method": "Configure",
                "urn": request.urn,
                "apiToken": bool(token),
                "baseUrl": base_url,
            }
        )
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=True
        )

    def Attach(self, request: plugin_pb2.PluginAttach, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def Cancel(self, request: empty_pb2.Empty, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    # -- functions ---------------------------------------------------------------------------
    @_rpc
    def Invoke(
        self, request: provider_pb2.InvokeRequest, context: Any
    ) -> provider_pb2.InvokeResponse:
        """``getZone`` by ``filter.name`` or ``zoneId``, answered from the double's zones."""
        if request.tok != GET_ZONE:
            raise DoubleError(
                f"{request.tok}: the Cloudflare double serves only {GET_ZONE}",
                grpc.StatusCode.UNIMPLEMENTED,
            )
        config = self._config()
        args = plain(from_struct(request.args))
        zone: DoubleZone | None = None
        try:
            zone = self._find_zone(config, args)
        finally:
            self._log(
                {
                    "method": "Invoke",
                    "token": request.tok,
                    "urn": "",
                    "zoneName": zone.name if zone else (args.get("filter") or {}).get("name"),
                    "zoneId": zone.id if zone else args.get("zoneId"),
                    "found": zone is not None,
                    "preview": request.preview,
                }
            )
        result = struct_pb2.Struct()
        result.update(_zone_result(zone, args))
        return provider_pb2.InvokeResponse(**{"return": result})

    @staticmethod
    def _find_zone(config: CloudflareDoubleConfig, args: Mapping[str, Any]) -> DoubleZone:
        wanted_id = args.get("zoneId")
        name = (args.get("filter") or {}).get("name")
        zone = config.zone_by_id(str(wanted_id).lower()) if wanted_id else None
        if zone is None and isinstance(name, str):
            zone = config.zone_by_name(name)
        if zone is not None:
            return zone
        asked = f"zoneId {wanted_id!r}" if wanted_id else f"filter.name {name!r}"
        raise DoubleError(
            f"getZone: no zone matches {asked} (Cloudflare: 'failed to find exactly one result'). "
            f"Zones in {ENV_VAR}: {config.describe_zones()}; fix the zone name or add the zone "
            "to the double's config",
            grpc.StatusCode.NOT_FOUND,
        )

    # -- DnsRecord ---------------------------------------------------------------------------
    @_rpc
    def Check(self, request: provider_pb2.CheckRequest, context: Any) -> provider_pb2.CheckResponse:
        _expect_record_type(request.type, request.urn)
        news = from_struct(request.news)
        failures = record.check_failures(news)
        self._log(_entry("Check", request.urn, news, failures=[p for p, _ in failures]))
        return provider_pb2.CheckResponse(
            inputs=request.news,
            failures=[provider_pb2.CheckFailure(property=p, reason=r) for p, r in failures],
        )

    @_rpc
    def Diff(self, request: provider_pb2.DiffRequest, context: Any) -> provider_pb2.DiffResponse:
        olds, news = from_struct(request.olds), from_struct(request.news)
        changed, replaces = record.diff(olds, news)
        self._log(
            _entry("Diff", request.urn, news, id=request.id, changed=changed, replaces=replaces)
        )
        codes = provider_pb2.DiffResponse
        return provider_pb2.DiffResponse(
            changes=codes.DIFF_SOME if changed else codes.DIFF_NONE,
            replaces=replaces,
            diffs=changed,
            detailedDiff=_property_diffs(olds, news, changed, replaces),
            hasDetailedDiff=True,
            deleteBeforeReplace=False,
        )

    @_rpc
    def Create(
        self, request: provider_pb2.CreateRequest, context: Any
    ) -> provider_pb2.CreateResponse:
        props = from_struct(request.properties)
        if request.preview:
            self._log(_entry("Create", request.urn, props, preview=True))
            return provider_pb2.CreateResponse(properties=to_struct(record.preview_outputs(props)))
        record_id = uuid.uuid4().hex
        self._log(_entry("Create", request.urn, props, id=record_id, preview=False))
        zone = _zone(self._config(), props)
        self._refuse_api_errors(props)
        ZoneWriter.for_zone(zone).change(None, record.to_zone_record(props, zone.name))
        return provider_pb2.CreateResponse(
            id=record_id, properties=to_struct(record.outputs(props, record_id))
        )

    @staticmethod
    def _refuse_api_errors(props: Mapping[str, Any]) -> None:
        problem = record.api_error(props)
        if problem is not None:
            raise DoubleError(f"Cloudflare API (double) refused the record: {problem}")

    @_rpc
    def Update(
        self, request: provider_pb2.UpdateRequest, context: Any
    ) -> provider_pb2.UpdateResponse:
        olds, news = from_struct(request.olds), from_struct(request.news)
        entry = _entry("Update", request.urn, news, id=request.id, preview=request.preview)
        self._log(entry)
        if request.preview:
            return provider_pb2.UpdateResponse(
                properties=to_struct(record.preview_outputs(news, olds))
            )
        zone = _zone(self._config(), news)
        self._refuse_api_errors(news)
        ZoneWriter.for_zone(zone).change(
            record.to_zone_record(olds, zone.name), record.to_zone_record(news, zone.name)
        )
        return provider_pb2.UpdateResponse(
            properties=to_struct(record.outputs(news, request.id, olds))
        )

    @_rpc
    def Delete(self, request: provider_pb2.DeleteRequest, context: Any) -> empty_pb2.Empty:
        props = from_struct(request.properties)
        self._log(_entry("Delete", request.urn, props, id=request.id, preview=False))
        zone = _zone(self._config(), props)
        ZoneWriter.for_zone(zone).change(record.to_zone_record(props, zone.name), None)
        return empty_pb2.Empty()

    @_rpc
    def Read(self, request: provider_pb2.ReadRequest, context: Any) -> provider_pb2.ReadResponse:
        """Refresh: read the record back from DNS; gone from the zone means gone (empty id)."""
        props, inputs = from_struct(request.properties), from_struct(request.inputs)
        if not props:
            raise DoubleError(
                f"{request.id}: the Cloudflare double cannot import or get a record by id alone; "
                "create it with pulumi up instead",
                grpc.StatusCode.UNIMPLEMENTED,
            )
        zone = _zone(self._config(), props)
        seen = ZoneWriter.for_zone(zone).observe(record.to_zone_record(props, zone.name))
        self._log(_entry("Read", request.urn, props, id=request.id, found=seen is not None))
        if seen is None:
            return provider_pb2.ReadResponse(id="")
        observed = {"content": seen.content, "ttl": seen.ttl, "proxied": seen.proxied}
        return provider_pb2.ReadResponse(
            id=request.id,
            properties=to_struct(_refreshed(props, observed)),
            inputs=to_struct(_refreshed(inputs, observed)) if inputs else None,
        )


def _refreshed(values: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with what DNS shows now; an unchanged value keeps its (secret) wrapping."""
    result = dict(values)
    for key, seen in observed.items():
        if key in result and plain(result[key]) != seen:
            result[key] = seen
    return result


def serve() -> None:
    """Start the gRPC server, print its port for the engine, serve until killed."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(CloudflareDouble(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)


def install_plugin_dir(dest: Path, python: str = sys.executable) -> Path:
    """Write ``dest/pulumi-resource-cloudflare`` (a shell script running this module); returns
    ``dest`` for ``pulumi plugin install resource cloudflare 6.23.1 --file DEST`` or PATH."""
    dest.mkdir(parents=True, exist_ok=True)
    script = dest / PLUGIN_NAME
    module = "okta_custom_domain.testing.cloudflare_double"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(python)} -u -m {module} "$@"\n')
    script.chmod(0o755)
    return dest


if __name__ == "__main__":
    serve()
