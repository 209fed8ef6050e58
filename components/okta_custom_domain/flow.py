"""The whole flow of ``OktaCustomDomain`` as plain steps, without the Pulumi engine.

The offline demo and the end-to-end tests must exercise the real code, not a copy of it: this
module calls the same provider methods the dynamic resources run
(``Rfc2136PreflightProvider``, ``Rfc2136RecordProvider``, ``DnsReadinessProvider``,
``OktaDomainVerificationProvider``) in the same graph as ``component.py`` ([RFC 2136
preflight ->] domain -> records -> readiness -> verification [-> certificate -> certificate
issued]). ``okta.Domain`` and ``okta.DomainCertificate`` are bridged Terraform resources, so
they are modelled by two small providers on ``OktaDomainsClient``.

A tiny engine keeps a state like Pulumi's (inputs and outputs per resource, secrets marked):
``up`` runs ``check`` then ``create``, or ``diff`` and ``update``/replace only on changes;
``refresh`` runs ``read``; ``destroy`` runs ``delete`` in reverse order. Nothing more.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, cast

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime import settings as pulumi_settings

from okta_custom_domain.args import OktaCustomDomainArgs
from okta_custom_domain.okta.client import OktaDomainsClient, org_url_from
from okta_custom_domain.okta.credentials import resolve_credentials
from okta_custom_domain.okta.errors import OktaApiError
from okta_custom_domain.okta.verification_provider import OktaDomainVerificationProvider
from okta_custom_domain.readiness.provider import DnsReadinessProvider
from okta_custom_domain.records import expected_names, plain_okta_records, record_values
from okta_custom_domain.registrar import registrar_rows, rows_text
from okta_custom_domain.rfc2136.preflight import Rfc2136PreflightProvider
from okta_custom_domain.rfc2136.provider import SECRET_OUTPUTS, Rfc2136RecordProvider
from okta_custom_domain.targets import ManualDns, Rfc2136Dns

SECRET_MARK = "[secret]"


# -- secrets and state ---------------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """A value Pulumi would encrypt in state (``Output.secret``); never shown in a repr."""

    value: Any = field(repr=False)

    def __repr__(self) -> str:
        return f"Secret({SECRET_MARK})"

    __str__ = __repr__


def reveal(value: Any) -> Any:
    """The plain value, as a provider receives it (Pulumi decrypts secrets for providers)."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, Mapping):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [reveal(v) for v in value]
    return value


def conceal(props: Mapping[str, Any], secret_keys: set[str]) -> dict[str, Any]:
    """``props`` with the values of ``secret_keys`` marked secret."""
    return {k: Secret(v) if k in secret_keys and v is not None else v for k, v in props.items()}


def _secret_keys(inputs: Mapping[str, Any]) -> set[str]:
    return {key for key, value in inputs.items() if isinstance(value, Secret)}


@dataclass
class ResourceState:
    """One resource in the state: what Pulumi keeps in the checkpoint file."""

    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_keys: set[str]
    provider: ResourceProvider = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "inputs": _jsonable(self.inputs),
            "outputs": _jsonable(self.outputs),
        }


@dataclass
class FlowState:
    """Resources in creation order (destroy walks it backwards) and the stack outputs."""

    resources: dict[str, ResourceState] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The state as a checkpoint file would show it: every secret value replaced."""
        body = {
            "resources": {name: res.to_dict() for name, res in self.resources.items()},
            "outputs": _jsonable(self.outputs),
        }
        return json.dumps(body, indent=2, sort_keys=True, default=str)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Secret):
        return {"secret": SECRET_MARK}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# -- events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowEvent:
    """One thing the engine did or a provider said: ``action`` is what a progress display shows.

    Actions: ``check``, ``create``, ``update``, ``replace``, ``same``, ``read``, ``delete``,
    ``gone`` (refresh found it deleted), ``log`` (a provider's progress line), ``done``,
    ``failed``.
    """

    resource: str
    action: str
    message: str = ""


EventSink = Callable[[FlowEvent], None]


class FlowError(Exception):
    """A step failed; the message names the resource and carries the provider's message."""

    def __init__(self, resource: str, action: str, cause: BaseException | str) -> None:
        self.resource = resource
        self.action = action
        self.cause = cause if isinstance(cause, BaseException) else None
        text = cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}"
        super().__init__(f"{resource}: {action} failed: {text}")


class _LineSink(io.TextIOBase):
    """A text stream that hands each complete line to a callback (for ``pulumi.log`` output)."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._buffer = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._emit(line)
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip():
            self._emit(self._buffer)
        self._buffer = ""


# -- the engine ------------------------------------------------------------------------------


@dataclass
class StepResult:
    """What ``up``/``refresh``/``destroy`` did to each resource (``same`` = diff said no change)."""

    actions: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> list[str]:
        return [name for name, action in self.actions.items() if action != "same"]


class Engine:
    """What the Pulumi engine does with one resource at a time, against a ``FlowState``."""

    def __init__(self, state: FlowState, on_event: EventSink | None = None) -> None:
        self.state = state
        self.on_event: EventSink = on_event or (lambda _event: None)

    def emit(self, resource: str, action: str, message: str = "") -> None:
        self.on_event(FlowEvent(resource, action, message))

    @contextlib.contextmanager
    def _provider_logs(self, resource: str) -> Iterator[None]:
        """Providers log with ``pulumi.log``, which prints to stderr outside an engine."""
        sink = _LineSink(lambda line: self.emit(resource, "log", line.removeprefix("info: ")))
        with contextlib.redirect_stderr(sink):
            try:
                yield
            finally:
                sink.flush()

    def _call(self, resource: str, action: str, fn: Callable[[], Any]) -> Any:
        """Run a provider method as the plugin process would: in a context with no Pulumi
        engine (so ``pulumi.log`` prints, even where a program or mocks set one up)."""
        with self._provider_logs(resource):
            try:
                return _run_as_plugin(fn)
            except Exception as exc:
                self.emit(resource, "failed", str(exc))
                raise FlowError(resource, action, exc) from exc

    def register(
        self,
        name: str,
        type_: str,
        provider: ResourceProvider,
        inputs: Mapping[str, Any],
        *,
        secret_outputs: tuple[str, ...] = (),
        result: StepResult | None = None,
    ) -> dict[str, Any]:
        """Check, then create, or diff and update/replace; return the plain outputs."""
        old = self.state.resources.get(name)
        secret_keys = _secret_keys(inputs) | set(secret_outputs)
        news = reveal(dict(inputs))
        olds_in = reveal(old.inputs) if old else {}
        checked: CheckResult = self._call(name, "check", lambda: provider.check(olds_in, news))
        if checked.failures:
            text = "; ".join(_failure_text(f) for f in checked.failures)
            self.emit(name, "failed", text)
            raise FlowError(name, "check", text)
        news = dict(checked.inputs)
        action = "create"
        delete_first = False
        if old is not None:
            olds_out = reveal(old.outputs)
            diff: DiffResult = self._call(
                name, "diff", lambda: provider.diff(old.id, olds_out, news)
            )
            changes = diff.changes if diff.changes is not None else olds_in != news
            if not changes:
                self.emit(name, "same")
                if result is not None:
                    result.actions[name] = "same"
                return cast(dict[str, Any], olds_out)
            action = "replace" if diff.replaces else "update"
            delete_first = bool(diff.delete_before_replace)
        self.emit(name, action, "started")
        if action == "create":
            created: CreateResult = self._call(name, "create", lambda: provider.create(news))
            res_id, outs = created.id, created.outs or {}
        elif action == "update":
            assert old is not None
            updated: UpdateResult = self._call(
                name, "update", lambda: provider.update(old.id, reveal(old.outputs), news)
            )
            res_id, outs = old.id, updated.outs or {}
        else:
            assert old is not None
            delete_old = partial(old.provider.delete, old.id, reveal(old.outputs))
            if delete_first:
                self._call(name, "delete", delete_old)
                del self.state.resources[name]
            created = self._call(name, "create", lambda: provider.create(news))
            res_id, outs = created.id, created.outs or {}
            if not delete_first:
                self._call(name, "delete", delete_old)
        self.state.resources[name] = ResourceState(
            type=type_,
            id=str(res_id),
            inputs=conceal(news, secret_keys),
            outputs=conceal(outs, secret_keys),
            secret_keys=secret_keys,
            provider=provider,
        )
        self.emit(name, "done", action)
        if result is not None:
            result.actions[name] = action
        return dict(outs)

    def refresh(self) -> StepResult:
        """``read`` every resource; one found gone leaves the state (and is created again)."""
        result = StepResult()
        for name, res in list(self.state.resources.items()):
            read: ReadResult = self._call(
                name, "read", partial(res.provider.read, res.id, reveal(res.outputs))
            )
            if not read.id:
                del self.state.resources[name]
                self.emit(name, "gone", "no longer exists; the next up creates it again")
                result.actions[name] = "gone"
                continue
            outs = read.outs or {}
            changed = reveal(res.outputs) != outs
            res.outputs = conceal(outs, res.secret_keys)
            res.id = str(read.id)
            result.actions[name] = "update" if changed else "same"
            self.emit(name, "read", "changed" if changed else "unchanged")
        return result

    def destroy(self) -> StepResult:
        """``delete`` every resource, last created first."""
        result = StepResult()
        for name in reversed(list(self.state.resources)):
            res = self.state.resources[name]
            self.emit(name, "delete", "started")
            self._call(name, "delete", partial(res.provider.delete, res.id, reveal(res.outputs)))
            del self.state.resources[name]
            result.actions[name] = "delete"
            self.emit(name, "done", "delete")
        self.state.outputs = {}
        return result


def _run_as_plugin(fn: Callable[[], Any]) -> Any:
    """Call ``fn`` in a copy of the context whose Pulumi engine is unset, as in the plugin."""
    context = contextvars.copy_context()
    context.run(_detach_engine)
    return context.run(fn)


def _detach_engine() -> None:
    if pulumi_settings.get_engine() is not None:
        setattr(pulumi_settings.SETTINGS, "engine", None)  # noqa: B010 (a context property)


def _failure_text(failure: CheckFailure) -> str:
    reason = str(failure.reason)
    return reason if reason.startswith(f"{failure.property}:") else f"{failure.property}: {reason}"


# -- stack config and the two bridged Okta resources -------------------------------------


class StackConfig:
    """Stack config as ``ConfigureRequest.config`` exposes it (secrets already unwrapped)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def __repr__(self) -> str:
        return f"StackConfig(keys={sorted(self._values)})"

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def request(self) -> ConfigureRequest:
        """What the dynamic-provider plugin passes to ``configure``."""
        return ConfigureRequest(cast(Any, self))


class _OktaProvider(ResourceProvider):
    """Okta credentials come from stack config, as for the verification provider."""

    def __init__(self, config: StackConfig) -> None:
        super().__init__()
        self._config = config

    def _client(self, org_url: str) -> OktaDomainsClient:
        credentials = resolve_credentials(self._config.get, {}, tenant=None, org_url=org_url)
        return OktaDomainsClient(credentials.org_url, credentials.auth)


class OktaDomainModel(_OktaProvider):
    """What ``okta.Domain`` does: create, read (refresh), delete; name and type force a new one."""

    REPLACE_KEYS = ("name", "certificate_source_type", "org_url")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(dict(news), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in self.REPLACE_KEYS if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self._client(props["org_url"]) as client:
            created = client.create_domain(props["name"], props["certificate_source_type"])
            domain = client.get_domain(created.id)
        return CreateResult(domain.id, self._outs(props, domain))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self._client(props["org_url"]) as client:
            try:
                domain = client.get_domain(id_)
            except OktaApiError as exc:
                if exc.is_not_found:
                    return ReadResult("", {})
                raise
        return ReadResult(id_, self._outs(props, domain))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self._client(props["org_url"]) as client:
            try:
                client.delete_domain(id_)
            except OktaApiError as exc:
                if not exc.is_not_found:
                    raise

    @staticmethod
    def _outs(props: Mapping[str, Any], domain: Any) -> dict[str, Any]:
        return {
            "name": props["name"],
            "certificate_source_type": props["certificate_source_type"],
            "org_url": props["org_url"],
            "validation_status": domain.validation_status,
            "dns_records": [
                {"record_type": r.record_type, "fqdn": r.fqdn, "values": list(r.values)}
                for r in domain.dns_records
            ],
        }


class OktaDomainCertificateModel(_OktaProvider):
    """What ``okta.DomainCertificate`` does: upload on create and on any change (renewal)."""

    KEYS = ("domain_id", "type", "certificate", "certificate_chain", "private_key")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(dict(news), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in self.KEYS if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def _upload(self, props: dict[str, Any]) -> dict[str, Any]:
        with self._client(props["org_url"]) as client:
            client.upload_certificate(
                props["domain_id"],
                props["certificate"],
                props["certificate_chain"],
                props["private_key"],
            )
        return dict(props)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["domain_id"]), self._upload(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._upload(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, dict(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Okta has no certificate delete; the certificate goes with the domain."""


# -- the program -----------------------------------------------------------------------------


class RegistrarPerson(Protocol):
    """Whoever types ``ManualDns`` rows into the registrar's web form (a person, or a fake)."""

    def enter_rows(self, domain: str, rows: list[dict[str, Any]]) -> None: ...

    def remove_rows(self, domain: str, rows: list[dict[str, Any]]) -> None: ...


class CustomDomainFlow:
    """``OktaCustomDomain`` for one domain and one DNS target (``Rfc2136Dns`` or ``ManualDns``).

    ``config`` is the stack config (``okta:apiToken`` lives there, never in state). ``person``
    receives the registrar rows of a ``ManualDns`` target when they change (as the component
    logs them) and is asked to remove them on destroy.
    """

    def __init__(
        self,
        name: str,
        args: OktaCustomDomainArgs,
        config: StackConfig,
        *,
        person: RegistrarPerson | None = None,
        state: FlowState | None = None,
        on_event: EventSink | None = None,
    ) -> None:
        if not isinstance(args.dns, Rfc2136Dns | ManualDns):
            raise ValueError(
                f"dns: the offline flow supports Rfc2136Dns and ManualDns, not "
                f"{type(args.dns).__name__}"
            )
        if isinstance(args.dns, ManualDns) and person is None:
            raise ValueError("person: a ManualDns target needs someone to enter the rows")
        self.name = name
        self.args = args
        self.config = config
        self.person = person
        self.state = state or FlowState()
        self.engine = Engine(self.state, on_event)
        self.org_url = _org_url(args, config)

    def __repr__(self) -> str:
        return f"CustomDomainFlow({self.name!r}, domain={self.args.domain!r})"

    # -- the graph, as component.py builds it ------------------------------------------------

    def up(self) -> StepResult:
        """One ``pulumi up``: every resource checked, and changed only where its diff says so."""
        result = StepResult()
        args, name, engine = self.args, self.name, self.engine
        names = expected_names(args.domain, args.certificate_source_type)
        self._preflight(result)
        domain = engine.register(
            f"{name}-domain",
            "okta:index/domain:Domain",
            OktaDomainModel(self.config),
            {
                "name": args.domain,
                "certificate_source_type": args.certificate_source_type,
                "org_url": self.org_url,
            },
            result=result,
        )
        try:
            values = record_values(plain_okta_records(domain["dns_records"]), names, args.domain)
        except ValueError as exc:
            raise FlowError(f"{name}-domain", "record values", exc) from exc
        records = [
            {"type": "CNAME", "fqdn": names.cname, "value": values["CNAME"]},
            {"type": "TXT", "fqdn": names.txt, "value": values["TXT"]},
        ]
        self._write_records(records, result)
        ready = engine.register(
            f"{name}-dns-ready",
            "okta-custom-domain:readiness:DnsReadiness",
            DnsReadinessProvider(),
            {
                "records": records,
                "timeout": args.readiness_timeout,
                "interval": args.readiness.interval,
                "resolver": args.readiness.resolver,
                "dns_port": args.readiness.dns_port,
                "nameservers": list(args.readiness.nameservers)
                if args.readiness.nameservers
                else None,
                "validating_resolver": args.readiness.validating_resolver,
            },
            result=result,
        )
        final = self._verify(domain, ready["records"], result)
        result.outputs = {
            "domain_id": self.state.resources[f"{name}-domain"].id,
            "validation_status": final["validation_status"],
            "cname_target": values["CNAME"],
            "dns_records": records,
            "registrar_rows": self.state.outputs.get("registrar_rows", []),
        }
        self.state.outputs = dict(result.outputs)
        return result

    def _preflight(self, result: StepResult) -> None:
        """An RFC 2136 target proves its key and zone first: nothing exists if they are wrong."""
        target = self.args.dns
        if not isinstance(target, Rfc2136Dns):
            return
        self.engine.register(
            f"{self.name}-dns-preflight",
            "okta-custom-domain:rfc2136:Rfc2136Preflight",
            Rfc2136PreflightProvider(),
            {
                "server": target.server,
                "port": target.port,
                "zone": target.zone,
                "key_name": target.key_name,
                "key_algorithm": target.key_algorithm,
                "key_secret": Secret(target.key_secret),
            },
            secret_outputs=tuple(SECRET_OUTPUTS),
            result=result,
        )

    def _write_records(self, records: list[dict[str, str]], result: StepResult) -> None:
        target = self.args.dns
        if isinstance(target, Rfc2136Dns):
            for record in records:
                self.engine.register(
                    f"{self.name}-{record['type'].lower()}",
                    "okta-custom-domain:rfc2136:Rfc2136Record",
                    Rfc2136RecordProvider(),
                    {
                        "server": target.server,
                        "port": target.port,
                        "zone": target.zone,
                        "fqdn": record["fqdn"],
                        "type": record["type"],
                        "values": [record["value"]],
                        "ttl": target.ttl,
                        "key_name": target.key_name,
                        "key_algorithm": target.key_algorithm,
                        "key_secret": Secret(target.key_secret),
                    },
                    secret_outputs=tuple(SECRET_OUTPUTS),
                    result=result,
                )
            return
        assert isinstance(target, ManualDns) and self.person is not None
        rows = registrar_rows(target, records)
        if rows != self.state.outputs.get("registrar_rows"):
            self.engine.emit(f"{self.name}-registrar", "log", rows_text(self.args.domain, rows))
            self.person.enter_rows(self.args.domain, rows)
        self.state.outputs["registrar_rows"] = rows

    def _verify(
        self, domain: Mapping[str, Any], records: list[dict[str, str]], result: StepResult
    ) -> dict[str, Any]:
        args, name = self.args, self.name
        domain_id = self.state.resources[f"{name}-domain"].id
        provider = OktaDomainVerificationProvider()
        provider.configure(self.config.request())

        def verification(resource: str, wait_for: str) -> dict[str, Any]:
            return self.engine.register(
                resource,
                "okta-custom-domain:okta:OktaDomainVerification",
                provider,
                {
                    "domain_id": domain_id,
                    "domain": args.domain,
                    "org_url": self.org_url,
                    "credentials_tenant": args.okta_org.credentials_tenant,
                    "records": records,
                    "wait_for": wait_for,
                    "timeout": args.verification.timeout,
                    "poll_interval": args.verification.poll_interval,
                },
                result=result,
            )

        if args.certificate is None:
            return verification(f"{name}-verification", args.verification.wait_for)
        dns_verified = verification(f"{name}-verification", "VERIFIED")
        if args.verification.wait_for == "VERIFIED":
            return dns_verified
        bundle = args.certificate
        self.engine.register(
            f"{name}-certificate",
            "okta:index/domainCertificate:DomainCertificate",
            OktaDomainCertificateModel(self.config),
            {
                "domain_id": domain_id,
                "org_url": self.org_url,
                "type": "PEM",
                "certificate": bundle.certificate,
                "certificate_chain": bundle.certificate_chain,
                "private_key": Secret(bundle.private_key),
            },
            secret_outputs=("private_key",),
            result=result,
        )
        return verification(f"{name}-certificate-issued", "COMPLETED")

    # -- the other two commands ------------------------------------------------------------

    def refresh(self) -> StepResult:
        """``pulumi refresh``: read every resource back (a regenerated TXT value shows here)."""
        return self.engine.refresh()

    def destroy(self) -> StepResult:
        """``pulumi destroy``: delete every resource; the person removes registrar rows."""
        rows = self.state.outputs.get("registrar_rows")
        result = self.engine.destroy()
        if rows and self.person is not None:
            self.engine.emit(f"{self.name}-registrar", "log", "remove the registrar rows")
            self.person.remove_rows(self.args.domain, rows)
        return result


def _org_url(args: OktaCustomDomainArgs, config: StackConfig) -> str:
    """As ``component.resolve_org_url``: given, else ``okta:orgName`` + ``okta:baseUrl``."""
    if args.okta_org.org_url:
        return org_url_from(args.okta_org.org_url)
    org_name = config.get("okta:orgName")
    if not org_name:
        raise ValueError(
            "okta_org.org_url: the flow needs the Okta org; set OktaOrg(org_url=...) or the "
            "okta:orgName stack config"
        )
    return org_url_from(org_name, config.get("okta:baseUrl") or "okta.com")


__all__ = [
    "CustomDomainFlow",
    "Engine",
    "FlowError",
    "FlowEvent",
    "FlowState",
    "OktaDomainCertificateModel",
    "OktaDomainModel",
    "RegistrarPerson",
    "ResourceState",
    "Secret",
    "StackConfig",
    "StepResult",
    "conceal",
    "reveal",
]
