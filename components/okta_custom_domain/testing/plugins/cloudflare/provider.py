"""A stand-in ``pulumi-resource-cloudflare`` 6.23.1 plugin: the real engine launches it, it writes
``DnsRecord``s into a real Knot zone by RFC 2136 and answers ``getZone`` from its config.

The real plugin cannot be built offline, and engine tests need real DNS behind a real
``pulumi up``. Wire protocol, serving and the request log are ``base``'s; this module maps
the calls onto the zones. Configure it with ``CloudflareDoubleConfig`` (``config``); install
it with ``install_plugin_dir`` + ``pulumi plugin install resource cloudflare 6.23.1 --file DIR``.

Like the real provider (bridged by pulumi-terraform-bridge's plugin-framework bridge),
Configure answers ``acceptSecrets=False``, ``acceptResources=True`` and ``supportsPreview=True``,
and Handshake is unimplemented: the engine sends plain values and marks outputs secret itself.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2

from okta_custom_domain.rfc2136.errors import Rfc2136Error
from okta_custom_domain.testing.plugins import base
from okta_custom_domain.testing.plugins.base import (
    REDACTED,
    CallRecord,
    DoubleError,
    PluginDouble,
    Props,
    RequestLog,
    check_response,
    contains_unknown,
    diff_response,
    rpc,
    serve,
    to_struct,
)
from okta_custom_domain.testing.plugins.cloudflare import dns_record as record
from okta_custom_domain.testing.plugins.cloudflare.config import (
    ENV_VAR,
    CloudflareDoubleConfig,
    DoubleConfigError,
    DoubleZone,
    load_config,
)
from okta_custom_domain.testing.plugins.cloudflare.record_ids import KnownRecord, RecordIds
from okta_custom_domain.testing.plugins.cloudflare.zone import ZoneRecord, ZoneWriter, zone_values

PLUGIN_NAME = "cloudflare"
PLUGIN_VERSION = "6.23.1"
MODULE = "okta_custom_domain.testing.plugins.cloudflare"
CONFIG_ENV = ENV_VAR
"""Names the double's config file (zones, TSIG keys, where the request log goes)."""
GET_ZONE = "cloudflare:index/getZone:getZone"
GET_DNS_RECORDS = "cloudflare:index/getDnsRecords:getDnsRecords"
LOGGED_FIELDS = ("zoneId", "name", "type", "content", "ttl", "proxied")
CREDENTIALS = ("apiToken", "apiKey", "apiUserServiceKey")
API_TOKEN = re.compile(r"[0-9A-Za-z\-_]{40,80}")
API_KEY = re.compile(r"[0-9A-Za-z\-_]{37,60}")
"""The provider schema's patterns (terraform-provider-cloudflare v5 ``provider.go``), checked at
``CheckConfig``: a malformed credential stops ``preview`` before any call to Cloudflare. Go's
``^...$`` spans the whole value (a final newline included), hence ``fullmatch``."""


def credential_failures(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, reason) for a credential the schema refuses; the value is never shown."""
    failures = []
    token, key = config.get("apiToken"), config.get("apiKey")
    if isinstance(token, str) and not contains_unknown(token) and not API_TOKEN.fullmatch(token):
        failures.append(
            (
                "apiToken",
                "Invalid Attribute Value Match: Attribute api_token API tokens must be 40 to 80 "
                "characters long and only contain characters a-z, A-Z, 0-9, hyphens and "
                f"underscores (this one has {len(token)} characters); copy the whole token from "
                "the Cloudflare dashboard (My Profile > API Tokens)",
            )
        )
    if isinstance(key, str) and not contains_unknown(key):
        if not API_KEY.fullmatch(key):
            failures.append(
                (
                    "apiKey",
                    "Invalid Attribute Value Match: Attribute api_key API keys must be 37 to 60 "
                    "characters long and only contain characters a-z, A-Z, 0-9, hyphens and "
                    "underscores",
                )
            )
        if not config.get("email"):
            failures.append(("apiKey", 'Attribute "email" must be specified when "api_key" is'))
    return failures


def _zone(config: CloudflareDoubleConfig, props: Mapping[str, Any]) -> DoubleZone:
    """The configured zone of ``props['zoneId']``; unknown ids fail like Cloudflare's 7003."""
    zone_id = str(props.get("zoneId"))
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


def _find_zone(config: CloudflareDoubleConfig, zone_id: Any, name: Any) -> DoubleZone:
    """``getZone``'s answer: the zone with ``zone_id``, else the one named ``name``."""
    zone = config.zone_by_id(str(zone_id).lower()) if zone_id else None
    if zone is None and isinstance(name, str):
        zone = config.zone_by_name(name)
    if zone is not None:
        return zone
    asked = f"zoneId {zone_id!r}" if zone_id else f"filter.name {name!r}"
    raise DoubleError(
        f"getZone: no zone matches {asked} (Cloudflare: 'failed to find exactly one result'). "
        f"Zones in {ENV_VAR}: {config.describe_zones()}; fix the zone name or add the zone "
        "to the double's config",
        grpc.StatusCode.NOT_FOUND,
    )


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


def _logged(props: Props) -> dict[str, Any]:
    """The record fields a test asserts on; ``type`` is the record type, a secret is redacted."""
    return {
        key: REDACTED if key in props.secret_keys else props.values.get(key)
        for key in LOGGED_FIELDS
    }


def _refreshed(values: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with what DNS shows now (only the keys they already have)."""
    return {**values, **{k: v for k, v in observed.items() if k in values}}


class CloudflareDouble(PluginDouble):
    """The cloudflare provider's gRPC service: ``getZone`` and ``DnsRecord`` CRUD."""

    name = PLUGIN_NAME
    version = PLUGIN_VERSION
    accept_secrets = False
    accept_resources = True
    supports_autonaming = True
    always_secret = CREDENTIALS

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._environ = environ

    def _config(self) -> CloudflareDoubleConfig:
        """Read on every call, so a missing file fails the call that needs it; its TSIG secrets
        join the strings never logged."""
        config = load_config(self._environ)
        self.remember_secrets(zone.key_secret for zone in config.zones)
        return config

    # -- base hooks -------------------------------------------------------------------------
    def request_log(self) -> RequestLog:
        """The log the config names now (a test may point each case at a fresh one)."""
        try:
            return RequestLog(self._config().requests)
        except DoubleConfigError:
            return RequestLog(None)

    def translate(self, exc: Exception) -> DoubleError | None:
        if isinstance(exc, DoubleConfigError):
            return DoubleError(str(exc), grpc.StatusCode.FAILED_PRECONDITION)
        if isinstance(exc, Rfc2136Error):
            return DoubleError(f"cloudflare double: {exc}", grpc.StatusCode.UNAVAILABLE)
        if isinstance(exc, ValueError):
            return DoubleError(f"cloudflare double: {exc}", grpc.StatusCode.INVALID_ARGUMENT)
        return None

    def check_config(self, news: Props, urn: str) -> list[tuple[str, str]]:
        return credential_failures(news.values)

    def configure(self, config: Props, call: CallRecord) -> None:
        """Take credentials of the right shape (``check_config``); log only which kind came."""
        kind = next((key for key in CREDENTIALS if config.values.get(key)), "none")
        call.notes.update(auth=kind, baseUrl=config.values.get("baseUrl"))

    # -- getZone ----------------------------------------------------------------------------
    @rpc
    def Invoke(
        self, request: provider_pb2.InvokeRequest, call: CallRecord
    ) -> provider_pb2.InvokeResponse:
        """``getZone`` by ``zoneId`` or ``filter.name``, answered from the double's zones;
        ``getDnsRecords`` by ``zoneId``, ``name.exact`` and ``type``, from the zone's data."""
        call.notes.update(token=request.tok, preview=request.preview, found=False)
        if request.tok == GET_DNS_RECORDS:
            found = self._dns_records(self.props_of(request.args).values, call)
            return provider_pb2.InvokeResponse(**{"return": to_struct(found)})
        if request.tok != GET_ZONE:
            raise DoubleError(
                f"{request.tok}: the Cloudflare double serves only {GET_ZONE} and "
                f"{GET_DNS_RECORDS}",
                grpc.StatusCode.UNIMPLEMENTED,
            )
        args = self.props_of(request.args).values
        zone_id, name = args.get("zoneId"), (args.get("filter") or {}).get("name")
        call.notes.update(zoneId=zone_id, zoneName=name)
        zone = _find_zone(self._config(), zone_id, name)
        call.notes.update(zoneId=zone.id, zoneName=zone.name, found=True)
        return provider_pb2.InvokeResponse(**{"return": to_struct(_zone_result(zone, args))})

    def _dns_records(self, args: Mapping[str, Any], call: CallRecord) -> dict[str, Any]:
        """The records at ``name.exact`` of ``type``, each with its id (given one if new)."""
        config = self._config()
        zone = _zone(config, args)
        fqdn = str((args.get("name") or {}).get("exact") or "")
        rtype = str(args.get("type") or "").upper()
        if not fqdn or rtype not in record.CLOUDFLARE_TYPES:
            raise DoubleError(
                "getDnsRecords: the double answers only name.exact with a record type",
                grpc.StatusCode.UNIMPLEMENTED,
            )
        wanted = record.to_zone_record({"name": fqdn, "type": rtype, "ttl": 1}, zone.name)
        answer = ZoneWriter.for_zone(zone).query(wanted.fqdn, rtype)
        ids = RecordIds(config.record_ids)
        results = []
        for content in _contents(answer):
            known = KnownRecord(zone.id, wanted.fqdn, rtype, content)
            record_id, known = ids.id_for(known)
            results.append(
                {
                    "id": record_id, "name": wanted.fqdn, "type": rtype, "content": content,
                    "ttl": int(answer.ttl) if answer is not None else 1, "proxied": False,
                    "comment": known.comment, "zoneId": zone.id,
                }
            )  # fmt: skip
        call.notes.update(zoneId=zone.id, name=wanted.fqdn, found=len(results))
        return {"zoneId": zone.id, "type": rtype, "name": args.get("name"), "results": results}

    def _remember(self, record_id: str, values: Mapping[str, Any], zone: DoubleZone) -> None:
        """Keep the record's id (and comment) for ``getDnsRecords`` and import."""
        data = record.to_zone_record(values, zone.name)
        known = KnownRecord(zone.id, data.fqdn, data.rtype, data.content, values.get("comment"))
        RecordIds(self._config().record_ids).put(record_id, known)

    # -- DnsRecord --------------------------------------------------------------------------
    @rpc
    def Check(
        self, request: provider_pb2.CheckRequest, call: CallRecord
    ) -> provider_pb2.CheckResponse:
        if call.type and call.type != record.TOKEN:
            raise DoubleError(
                f"{call.type}: the Cloudflare double implements only {record.TOKEN}",
                grpc.StatusCode.UNIMPLEMENTED,
            )
        news = self.props_of(request.news)
        call.notes.update(_logged(news))
        return check_response(call, request.news, record.check_failures(news.values))

    @rpc
    def Diff(
        self, request: provider_pb2.DiffRequest, call: CallRecord
    ) -> provider_pb2.DiffResponse:
        olds, news = self.props_of(request.olds), self.props_of(request.news)
        changed, replaces = record.diff(olds.values, news.values)
        call.notes.update(_logged(news), id=request.id, changed=changed, replaces=replaces)
        return diff_response(olds.values, news.values, changed, replaces)

    @rpc
    def Create(
        self, request: provider_pb2.CreateRequest, call: CallRecord
    ) -> provider_pb2.CreateResponse:
        """In a preview, the planned outputs only: nothing is written."""
        props = self.props_of(request.properties)
        call.notes.update(_logged(props), preview=bool(request.preview))
        if request.preview:
            planned = record.preview_outputs(props.values)
            return provider_pb2.CreateResponse(properties=self.outputs(planned, props.secret_keys))
        record_id = call.notes["id"] = uuid.uuid4().hex
        zone = self._writable(props)
        new = record.to_zone_record(props.values, zone.name)
        problem = _name_conflict(ZoneWriter.for_zone(zone), new)
        if problem is not None:
            raise DoubleError(
                f"Cloudflare API (double) refused the record: {problem}",
                grpc.StatusCode.ALREADY_EXISTS,
            )
        ZoneWriter.for_zone(zone).change(None, new)
        self._remember(record_id, props.values, zone)
        outputs = record.outputs(props.values, record_id)
        return provider_pb2.CreateResponse(
            id=record_id, properties=self.outputs(outputs, props.secret_keys)
        )

    @rpc
    def Update(
        self, request: provider_pb2.UpdateRequest, call: CallRecord
    ) -> provider_pb2.UpdateResponse:
        olds, news = self.props_of(request.olds), self.props_of(request.news)
        call.notes.update(_logged(news), id=request.id, preview=bool(request.preview))
        if request.preview:
            planned = record.preview_outputs(news.values, olds.values)
            return provider_pb2.UpdateResponse(properties=self.outputs(planned, news.secret_keys))
        zone = self._writable(news)
        ZoneWriter.for_zone(zone).change(
            record.to_zone_record(olds.values, zone.name),
            record.to_zone_record(news.values, zone.name),
        )
        self._remember(request.id, news.values, zone)
        outputs = record.outputs(news.values, request.id, olds.values)
        return provider_pb2.UpdateResponse(properties=self.outputs(outputs, news.secret_keys))

    def _writable(self, props: Props) -> DoubleZone:
        """The record's zone, once the rules only the Cloudflare API applies have passed."""
        zone = _zone(self._config(), props.values)
        problem = record.api_error(props.values, secret_content="content" in props.secret_keys)
        if problem is not None:
            raise DoubleError(
                f"Cloudflare API (double) refused the record: {problem}",
                grpc.StatusCode.INVALID_ARGUMENT,
            )
        return zone

    @rpc
    def Delete(self, request: provider_pb2.DeleteRequest, call: CallRecord) -> empty_pb2.Empty:
        props = self.props_of(request.properties)
        call.notes.update(_logged(props), id=request.id, preview=False)
        zone = _zone(self._config(), props.values)
        ZoneWriter.for_zone(zone).change(record.to_zone_record(props.values, zone.name), None)
        RecordIds(self._config().record_ids).remove(request.id)
        return empty_pb2.Empty()

    @rpc
    def Read(
        self, request: provider_pb2.ReadRequest, call: CallRecord
    ) -> provider_pb2.ReadResponse:
        """Refresh: read the record back from DNS; gone from the zone means gone (no id)."""
        props, inputs = self.props_of(request.properties), self.props_of(request.inputs)
        if not props.values:
            return self._import(request.id, call)
        call.notes.update(_logged(props), id=request.id)
        zone = _zone(self._config(), props.values)
        seen = ZoneWriter.for_zone(zone).observe(record.to_zone_record(props.values, zone.name))
        call.notes["found"] = seen is not None
        if seen is None:
            return provider_pb2.ReadResponse()
        observed = {"content": seen.content, "ttl": seen.ttl, "proxied": seen.proxied}
        secret = props.secret_keys | inputs.secret_keys
        return provider_pb2.ReadResponse(
            id=request.id,
            properties=self.outputs(_refreshed(props.values, observed), secret),
            inputs=self.outputs(_refreshed(inputs.values, observed), secret)
            if inputs.values
            else None,
        )


    def _import(self, import_id: str, call: CallRecord) -> provider_pb2.ReadResponse:
        """Import by ``zoneId/recordId``, as the real resource: the record as the zone serves
        it now; an id the double never gave (or a record gone) is not found."""
        zone_id, _, record_id = import_id.rpartition("/")
        call.notes.update(id=import_id, imported=True, found=False)
        config = self._config()
        known = RecordIds(config.record_ids).get(record_id)
        if not zone_id or known is None or known.zone_id != zone_id.lower():
            return provider_pb2.ReadResponse()
        zone = _zone(config, {"zoneId": known.zone_id})
        wanted = ZoneRecord(known.fqdn, known.rtype, known.content, ttl=0)  # 0: the served TTL
        seen = ZoneWriter.for_zone(zone).observe(wanted)
        if seen is None or seen.content != known.content:
            return provider_pb2.ReadResponse()
        values: dict[str, Any] = {
            "zoneId": zone.id, "name": known.fqdn, "type": known.rtype,
            "content": known.content, "ttl": seen.ttl, "proxied": seen.proxied,
        }  # fmt: skip
        if known.comment:
            values["comment"] = known.comment
        call.notes.update(_logged(Props(values)), found=True)
        return provider_pb2.ReadResponse(
            id=record_id,
            properties=self.outputs(record.outputs(values, record_id)),
            inputs=self.outputs(values),
        )


def _name_conflict(writer: ZoneWriter, new: ZoneRecord) -> str | None:
    """What Cloudflare's create refuses at a name already in use (its codes and words): a
    record is never doubled (81058), and a CNAME shares its name with nothing (81053, 81054)."""

    def held(rtype: str) -> list[str]:
        return _contents(writer.query(new.fqdn, rtype))

    wanted = new.content.lower().rstrip(".") if new.rtype == "CNAME" else new.content
    if wanted in held(new.rtype):
        return f"{new.fqdn}: An identical record already exists. (81058)"
    cname = held("CNAME")
    if new.rtype in ("A", "AAAA", "CNAME") and (
        cname or (new.rtype == "CNAME" and (held("A") or held("AAAA")))
    ):
        return (
            f"{new.fqdn}: An A, AAAA, or CNAME record with that host already exists. (81053) "
            "Import the existing record (adopt) or delete it first"
        )
    if cname:
        return f"{new.fqdn}: A CNAME record with that host already exists. (81054)"
    return None


def _contents(answer: Any) -> list[str]:
    """Record contents as Cloudflare lists them (TXT joined, names without the final dot)."""
    if answer is None:
        return []
    return zone_values(answer)


def install_plugin_dir(dest: Path, python: str = sys.executable) -> Path:
    """A plugin folder with ``pulumi-resource-cloudflare`` that runs this double; returns
    ``dest`` (for ``pulumi plugin install resource cloudflare 6.23.1 --file DEST`` or PATH)."""
    return base.install_plugin_dir(dest, PLUGIN_NAME, MODULE, python)


def main() -> None:
    serve(CloudflareDouble())
