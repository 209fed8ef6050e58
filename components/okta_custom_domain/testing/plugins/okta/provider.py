"""A stand-in for the ``okta`` 7.0.1 resource plugin, for real-engine tests without the real one.

The real ``pulumi-resource-okta`` cannot be built here (the Go module proxy refuses its
modules), so the engine runs this instead: the same plugin name and version, the same type
tokens, property names and replace rules (``resources``), and the same HTTP calls the real
provider makes (``client``), sent to a fake Okta through ``okta:httpProxy``.

Run it as the engine does: ``python -u -m okta_custom_domain.testing.plugins.okta`` (see
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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2

from okta_custom_domain.testing.plugins import base
from okta_custom_domain.testing.plugins.base import (
    CallRecord,
    DoubleError,
    PluginDouble,
    Props,
    RequestLog,
    check_response,
    contains_unknown,
    diff_response,
    name_of_urn,
    rpc,
    serve,
)
from okta_custom_domain.testing.plugins.okta.client import (
    OktaHttp,
    OktaSettings,
    config_conflicts,
    failing,
    unknown_keys,
)
from okta_custom_domain.testing.plugins.okta.resources import (
    DOMAIN,
    DOMAIN_CERTIFICATE,
    RESOURCES,
    CheckInput,
    OktaResource,
)

PLUGIN_NAME = "okta"
PLUGIN_VERSION = "7.0.1"
MODULE = "okta_custom_domain.testing.plugins.okta"
REQUESTS_ENV = "OKTA_DOUBLE_REQUESTS"
"""Names the JSON-lines file each call is appended to (unset: no log)."""
USERS_ME_CHECKS = ("v3", "v2")
"""The real provider validates an API token with ``GET /api/v1/users/me`` once per SDK client."""


class OktaDouble(PluginDouble):
    """The okta provider's gRPC service for ``Domain`` and ``DomainCertificate``."""

    name = PLUGIN_NAME
    version = PLUGIN_VERSION
    accept_secrets = False
    supports_autonaming = True
    always_secret = ("privateKey",)

    def __init__(self, log: RequestLog, environ: Mapping[str, str]) -> None:
        super().__init__(log)
        self._environ = environ
        self._http: OktaHttp | None = None

    # -- provider config ----------------------------------------------------------------------
    def check_config(self, news: Props, urn: str) -> list[tuple[str, str]]:
        """An unknown key (a typo) stops ``preview``, as with the real provider; then the
        schema's conflicting pairs."""
        return unknown_keys(news.values, urn) + config_conflicts(news.values)

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

    @contextmanager
    def _okta(self) -> Iterator[OktaHttp]:
        """The configured client; an access token issued during the call stays out of the log."""
        http = self._http
        if http is None:
            raise DoubleError(
                "the okta provider is not configured: set okta:apiToken (or okta:clientId, "
                "okta:privateKey and okta:scopes) and okta:httpProxy for a fake Okta",
                grpc.StatusCode.FAILED_PRECONDITION,
            )
        try:
            yield http
        finally:
            self.remember_secrets(http.secrets())

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
        olds, news = self.props_of(request.olds), self.props_of(request.news)
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
        return check_response(
            call, self.outputs(checked.inputs, news.secret_keys), checked.failures
        )

    @rpc
    def Diff(
        self, request: provider_pb2.DiffRequest, call: CallRecord
    ) -> provider_pb2.DiffResponse:
        resource = self._resource(call.type)
        olds, news = self.props_of(request.olds), self.props_of(request.news)
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
        news = self.props_of(request.properties)
        call.notes["preview"] = bool(request.preview)
        if request.preview:
            planned = resource.preview(news.values, None)
            return provider_pb2.CreateResponse(properties=self.outputs(planned, news.secret_keys))
        with self._okta() as http:
            outputs = resource.create(http, news.values, call.http)
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
        state, old_inputs = self.props_of(request.properties), self.props_of(request.inputs)
        with self._okta() as http:
            outputs = resource.read(http, request.id, state.values, call.http)
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
        olds, news = self.props_of(request.olds), self.props_of(request.news)
        call.notes["preview"] = bool(request.preview)
        if request.preview:
            planned = resource.preview(news.values, olds.values)
            return provider_pb2.UpdateResponse(properties=self.outputs(planned, news.secret_keys))
        with self._okta() as http:
            outputs = resource.update(http, request.id, olds.values, news.values, call.http)
        return provider_pb2.UpdateResponse(properties=self.outputs(outputs, news.secret_keys))

    @rpc
    def Delete(self, request: provider_pb2.DeleteRequest, call: CallRecord) -> empty_pb2.Empty:
        resource = self._resource(call.type)
        self.props_of(request.properties)  # only for its secrets: Delete needs the id alone
        with self._okta() as http:
            resource.delete(http, request.id, call.http)
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
    return base.install_plugin_dir(dest, PLUGIN_NAME, MODULE, python)


def main() -> None:
    serve(OktaDouble(RequestLog.from_env(REQUESTS_ENV, os.environ), os.environ))
