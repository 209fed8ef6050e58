"""A stand-in for the ``okta`` 7.0.1 resource plugin, for real-engine tests without the real one.

The real ``pulumi-resource-okta`` cannot be built here (the Go module proxy refuses its
modules), so the engine runs this instead: the same plugin name and version, the same type
tokens, property names and replace rules (``okta_double_resources``), and the same HTTP calls
the real provider makes (``okta_double_client``), sent to a fake Okta through ``okta:httpProxy``.

Run it as the engine does: ``python -u -m okta_custom_domain.testing.okta_double`` (see
``install_plugin_dir``). Each call, with the HTTP requests it made (method, path, status), is
appended to the JSON-lines file named by ``OKTA_DOUBLE_REQUESTS``; no secret is ever written.

Like the real (bridged) provider, Configure answers ``acceptSecrets=False`` and
``supportsPreview=True``: the engine strips secret wrappers from inputs, marks outputs secret
from secret inputs itself, and calls Create/Update with ``preview=True`` during a preview,
which the double answers from the inputs alone (unknown where Okta would decide), calling nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2

from okta_custom_domain.testing import plugin_double
from okta_custom_domain.testing.okta_double_client import (
    OktaHttp,
    OktaSettings,
    config_conflicts,
    failing,
)
from okta_custom_domain.testing.okta_double_resources import (
    DOMAIN,
    DOMAIN_CERTIFICATE,
    RESOURCES,
    CheckInput,
    OktaResource,
)
from okta_custom_domain.testing.plugin_double import (
    CallRecord,
    DoubleError,
    PluginDouble,
    Props,
    RequestLog,
    contains_unknown,
    diff_response,
    name_of_urn,
    rpc,
    serve,
)

PLUGIN_NAME = "okta"
PLUGIN_VERSION = "7.0.1"
MODULE = "okta_custom_domain.testing.okta_double"
REQUESTS_ENV = "OKTA_DOUBLE_REQUESTS"
"""Names the JSON-lines file each call is appended to (unset: no log)."""
USERS_ME_CHECKS = ("v3", "v2")
"""The real provider validates an API token with ``GET /api/v1/users/me`` once per SDK client."""
ALWAYS_SECRET = ("privateKey",)
"""Inputs kept out of logs and messages even when the program did not mark them secret."""


class OktaDouble(PluginDouble):
    """The okta provider's gRPC service for ``Domain`` and ``DomainCertificate``."""

    name = PLUGIN_NAME
    version = PLUGIN_VERSION
    accept_secrets = False
    supports_autonaming = True

    def __init__(self, log: RequestLog, environ: Mapping[str, str]) -> None:
        super().__init__(log)
        self._environ = environ
        self._http: OktaHttp | None = None

    # -- provider config ----------------------------------------------------------------------
    def check_config(self, news: Props) -> list[tuple[str, str]]:
        return config_conflicts(news.values)

    def configure(self, config: Props, call: CallRecord) -> None:
        """Build the client and, with an API token, validate it the way the real one does."""
        self._http = None  # a failed Configure leaves the provider unusable, as the real one
        if any(contains_unknown(v) for v in config.values.values()):
            call.notes["configured"] = False  # the engine does not configure with unknowns
            return
        settings = OktaSettings.from_config(config.values, self._environ)
        http = OktaHttp(settings)
        self.remember_secrets(http.secrets())
        call.notes.update(auth=settings.auth_kind, orgUrl=settings.org_url)
        if settings.auth_kind == "api_token":
            for client in USERS_ME_CHECKS:
                action = f"[ERROR] failed validate configuration: error with {client} SDK client"
                with failing(action):
                    http.call("GET", "/api/v1/users/me", call.http)
        self._http = http

    def _client(self) -> OktaHttp:
        if self._http is None:
            raise DoubleError(
                "the okta provider is not configured: set okta:apiToken (or okta:clientId, "
                "okta:privateKey and okta:scopes) and okta:httpProxy for a fake Okta",
                grpc.StatusCode.FAILED_PRECONDITION,
            )
        return self._http

    def _remember(self, *props: Props) -> None:
        for p in props:
            self.remember_secrets(p.secret_strings())
            self.remember_secrets(str(p.values[k]) for k in ALWAYS_SECRET if p.values.get(k))

    def _client_secrets(self) -> None:
        """An access token issued during the call must not reach the log either."""
        if self._http is not None:
            self.remember_secrets(self._http.secrets())

    @staticmethod
    def _resource(token: str) -> OktaResource:
        resource = RESOURCES.get(token)
        if resource is None:
            raise DoubleError(
                f"{token}: the okta double serves only {DOMAIN} and {DOMAIN_CERTIFICATE}",
                grpc.StatusCode.UNIMPLEMENTED,
            )
        return resource

    # -- resources ----------------------------------------------------------------------------
    @rpc
    def Check(
        self, request: provider_pb2.CheckRequest, call: CallRecord
    ) -> provider_pb2.CheckResponse:
        """Defaults and auto-names filled in as the bridge does (listed under ``__defaults``)."""
        resource = self._resource(call.type)
        olds, news = Props.from_struct(request.olds), Props.from_struct(request.news)
        self._remember(olds, news)
        autonaming = None
        if request.HasField("autonaming"):
            autonaming = (request.autonaming.proposed_name, int(request.autonaming.mode))
        checked = resource.check(
            CheckInput(
                news.values,
                olds.values,
                name_of_urn(call.urn),
                bytes(request.randomSeed),
                autonaming,
            )
        )
        call.notes["failures"] = [key for key, _ in checked.failures]
        return provider_pb2.CheckResponse(
            inputs=self.outputs(checked.inputs, news.secret_keys),
            failures=[
                provider_pb2.CheckFailure(property=key, reason=reason)
                for key, reason in checked.failures
            ],
        )

    @rpc
    def Diff(
        self, request: provider_pb2.DiffRequest, call: CallRecord
    ) -> provider_pb2.DiffResponse:
        resource = self._resource(call.type)
        olds, news = Props.from_struct(request.olds), Props.from_struct(request.news)
        self._remember(olds, news)
        plan = resource.diff(olds.values, news.values, set(request.ignoreChanges))
        call.notes.update(
            changed=plan.changed,
            replaces=plan.replaces,
            deleteBeforeReplace=plan.delete_before_replace,
        )
        return diff_response(
            olds.values,
            news.values,
            plan.changed,
            plan.replaces,
            stables=plan.stables,
            delete_before_replace=plan.delete_before_replace,
        )

    @rpc
    def Create(
        self, request: provider_pb2.CreateRequest, call: CallRecord
    ) -> provider_pb2.CreateResponse:
        """In a preview (``supportsPreview``), the planned outputs only: no call to Okta."""
        resource = self._resource(call.type)
        news = Props.from_struct(request.properties)
        self._remember(news)
        call.notes["preview"] = bool(request.preview)
        if request.preview:
            planned = resource.preview(news.values, None)
            return provider_pb2.CreateResponse(properties=self.outputs(planned, news.secret_keys))
        try:
            outputs = resource.create(self._client(), news.values, call.http)
        finally:
            self._client_secrets()
        call.notes["id"] = outputs["id"]
        return provider_pb2.CreateResponse(
            id=outputs["id"], properties=self.outputs(outputs, news.secret_keys)
        )

    @rpc
    def Read(
        self, request: provider_pb2.ReadRequest, call: CallRecord
    ) -> provider_pb2.ReadResponse:
        """Refresh and import: an empty answer (no id) tells the engine the resource is gone."""
        resource = self._resource(call.type)
        state, old_inputs = Props.from_struct(request.properties), Props.from_struct(request.inputs)
        self._remember(state, old_inputs)
        try:
            outputs = resource.read(self._client(), request.id, state.values, call.http)
        finally:
            self._client_secrets()
        call.notes["found"] = outputs is not None
        if outputs is None:
            return provider_pb2.ReadResponse()
        secret = state.secret_keys | old_inputs.secret_keys
        return provider_pb2.ReadResponse(
            id=outputs.get("id") or request.id,
            properties=self.outputs(outputs, secret),
            inputs=self.outputs(resource.inputs_from(outputs, old_inputs.values), secret),
        )

    @rpc
    def Update(
        self, request: provider_pb2.UpdateRequest, call: CallRecord
    ) -> provider_pb2.UpdateResponse:
        resource = self._resource(call.type)
        olds, news = Props.from_struct(request.olds), Props.from_struct(request.news)
        self._remember(olds, news)
        call.notes["preview"] = bool(request.preview)
        if request.preview:
            planned = resource.preview(news.values, olds.values)
            return provider_pb2.UpdateResponse(properties=self.outputs(planned, news.secret_keys))
        try:
            outputs = resource.update(
                self._client(), request.id, olds.values, news.values, call.http
            )
        finally:
            self._client_secrets()
        return provider_pb2.UpdateResponse(properties=self.outputs(outputs, news.secret_keys))

    @rpc
    def Delete(self, request: provider_pb2.DeleteRequest, call: CallRecord) -> empty_pb2.Empty:
        resource = self._resource(call.type)
        self._remember(Props.from_struct(request.properties))
        try:
            resource.delete(self._client(), request.id, call.http)
        finally:
            self._client_secrets()
        return empty_pb2.Empty()

    @rpc
    def Invoke(
        self, request: provider_pb2.InvokeRequest, call: CallRecord
    ) -> provider_pb2.InvokeResponse:
        raise DoubleError(
            f"{request.tok}: the okta double serves no functions (data sources)",
            grpc.StatusCode.UNIMPLEMENTED,
        )


def install_plugin_dir(dest: Path, python: str = sys.executable) -> Path:
    """A plugin folder with ``pulumi-resource-okta`` that runs this module; returns ``dest``."""
    return plugin_double.install_plugin_dir(dest, PLUGIN_NAME, MODULE, python)


def main() -> None:
    serve(OktaDouble(RequestLog.from_env(REQUESTS_ENV, os.environ), os.environ))


if __name__ == "__main__":
    main()
