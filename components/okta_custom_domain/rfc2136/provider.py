"""Pulumi dynamic provider for one RRset written with RFC 2136 updates.

The provider is stateless: every method builds a ``TsigKey`` and an ``Rfc2136Writer`` from the
properties it is given, so the pickled provider is a reference to this class (no credentials
travel with it). The TSIG secret is an input and an output because ``delete`` and ``read``
only get the outputs; ``Rfc2136Record`` registers it in ``additional_secret_outputs`` and
wraps the input with ``Output.secret`` so it is encrypted in state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic

from okta_custom_domain import defaults, parsers
from okta_custom_domain.names import label_in_zone, normalize_fqdn
from okta_custom_domain.parsers import InputError
from okta_custom_domain.rfc2136.rdata import normalize_rtype
from okta_custom_domain.rfc2136.tsig import (
    TsigKey,
    decode_secret,
    normalize_algorithm,
    normalize_key_name,
)
from okta_custom_domain.rfc2136.writer import Rfc2136Writer
from okta_custom_domain.unknowns import is_unknown

SECRET_OUTPUTS = ["key_secret"]
REPLACE_KEYS: tuple[str, ...] = ("server", "port", "zone", "fqdn", "type")
UPDATE_KEYS: tuple[str, ...] = ("values", "ttl", "key_name", "key_algorithm", "key_secret")
PROPERTY_KEYS: tuple[str, ...] = (*REPLACE_KEYS, *UPDATE_KEYS)
CONNECTION_KEYS: tuple[str, ...] = (
    "server",
    "port",
    "zone",
    "key_name",
    "key_algorithm",
    "key_secret",
)
_DEFAULTS: dict[str, Any] = {
    "port": defaults.DNS_PORT,
    "ttl": defaults.TTL,
    "key_algorithm": defaults.TSIG_ALGORITHM,
}


def _secret(value: str) -> str:
    decode_secret(value)  # checked, never transformed: the state keeps what the user gave
    return value


_FIELD_PARSERS: dict[str, parsers.Parser] = {
    "server": lambda v: parsers.text(
        v, "server", "the IP address or host name of the DNS server is required"
    ),
    "port": lambda v: parsers.port(v, "port"),
    "zone": lambda v: normalize_fqdn(v, field="zone"),
    "fqdn": lambda v: normalize_fqdn(v, field="fqdn"),
    "type": normalize_rtype,
    "ttl": lambda v: parsers.ttl(v, "ttl", low=0, high=2**31 - 1),
    "key_name": normalize_key_name,
    "key_algorithm": normalize_algorithm,
    "key_secret": _secret,
}


def _values(value: object, rtype: str | None) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InputError("values", f"give a list of strings, got {type(value).__name__}")
    values = list(value)
    if not values:
        raise InputError("values", "at least one value is required")
    if not all(isinstance(item, str) for item in values):
        raise InputError("values", "every value must be a string")
    if rtype == "CNAME":
        if len(values) != 1:
            raise InputError(
                "values",
                f"a CNAME has exactly one target, got {len(values)}; give only the target Okta "
                "lists for the domain",
            )
        return [normalize_fqdn(values[0], field="values")]
    if rtype == "TXT" and any(len(v) >= 2 and v[0] == v[-1] == '"' for v in values):
        raise InputError(
            "values",
            "a TXT value is wrapped in quote characters; give the plain value (the writer "
            "quotes and splits it), or the record will hold literal quotes",
        )
    return values


def _known(parsed: Mapping[str, Any], errors: Mapping[str, ValueError], key: str) -> bool:
    return key not in errors and not is_unknown(parsed[key])


def parse_props(
    props: Mapping[str, Any], keys: Sequence[str]
) -> tuple[dict[str, Any], dict[str, ValueError]]:
    """``keys`` of ``props`` parsed one by one (defaults filled, preview's unknowns kept as
    they are), then ``fqdn`` against ``zone`` and ``values`` against ``type``."""
    given = {key: _DEFAULTS.get(key) if props.get(key) is None else props[key] for key in keys}
    field_parsers = {key: _FIELD_PARSERS[key] for key in keys if key in _FIELD_PARSERS}
    parsed, errors = parsers.parse_fields(given, field_parsers, skip=is_unknown)
    parsed = {**given, **parsed}
    if "fqdn" in keys and _known(parsed, errors, "fqdn") and _known(parsed, errors, "zone"):
        try:
            label_in_zone(parsed["fqdn"], parsed["zone"], field="fqdn")
        except InputError as exc:
            errors["fqdn"] = exc
    if "values" in keys and not is_unknown(parsed["values"]):
        rtype = parsed["type"] if _known(parsed, errors, "type") else None
        try:
            parsed["values"] = _values(parsed["values"], rtype)
        except InputError as exc:
            errors["values"] = exc
    return parsed, errors


def _parsed_or_raise(props: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    parsed, errors = parse_props(props, keys)
    for error in errors.values():
        raise error
    return parsed


def normalize_connection(props: Mapping[str, Any]) -> dict[str, Any]:
    """Server, port, zone and TSIG key of ``props``, parsed (defaults filled); unknowns kept."""
    return _parsed_or_raise(props, CONNECTION_KEYS)


def normalize_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """All properties of ``props``, parsed (defaults filled); unknowns kept as they are."""
    return _parsed_or_raise(props, PROPERTY_KEYS)


def writer_from_props(props: Mapping[str, Any]) -> Rfc2136Writer:
    """The writer for normalised connection properties (server, port, zone, TSIG key)."""
    key = TsigKey(
        name=props["key_name"], secret=props["key_secret"], algorithm=props["key_algorithm"]
    )
    return Rfc2136Writer(props["server"], props["zone"], key, port=int(props["port"]))


def record_id(props: Mapping[str, Any]) -> str:
    """Where the RRset lives: ``server:port/zone/fqdn/TYPE``."""
    return f"{props['server']}:{props['port']}/{props['zone']}/{props['fqdn']}/{props['type']}"


def _same_values(a: Sequence[str], b: Sequence[str]) -> bool:
    """RRsets are unordered: the same values in another order are the same record."""
    return sorted(a) == sorted(b)


def _same_rrset(found: tuple[list[str], int], values: Sequence[str], ttl: int) -> bool:
    """The server's RRset (values, TTL) is the one to write."""
    return found[1] == ttl and _same_values(found[0], values)


class Rfc2136Provider(pulumi.dynamic.ResourceProvider):
    """The ``check`` the record and preflight providers share: every bad input of ``KEYS``."""

    KEYS: ClassVar[tuple[str, ...]]

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return check_inputs(news, self.KEYS)


class Rfc2136RecordProvider(Rfc2136Provider):
    """CRUD for one CNAME or TXT RRset at an RFC 2136 server; holds no state of its own."""

    KEYS = PROPERTY_KEYS

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        changed = [
            key
            for key in PROPERTY_KEYS
            if is_unknown(news.get(key)) or not _equal(key, olds.get(key), news.get(key))
        ]
        replaces = [key for key in changed if key in REPLACE_KEYS]
        return pulumi.dynamic.DiffResult(
            changes=bool(changed),
            replaces=replaces,
            # The new RRset may sit where the old one is (e.g. only zone changed): deleting the
            # old one after creating the new one would remove it. Delete first.
            delete_before_replace=True,
        )

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        """Write the RRset, unless the server already holds exactly it (values and TTL): a
        record that is already right (an adopted domain's) is left alone, not rewritten."""
        checked = normalize_props(props)
        writer = writer_from_props(checked)
        found = writer.read_rrset(checked["fqdn"], checked["type"])
        if found is None or not _same_rrset(found, checked["values"], checked["ttl"]):
            writer.replace(checked["fqdn"], checked["type"], checked["values"], checked["ttl"])
        return pulumi.dynamic.CreateResult(record_id(checked), outs=checked)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        checked = normalize_props(props)
        found = writer_from_props(checked).read_rrset(checked["fqdn"], checked["type"])
        if found is None:
            return pulumi.dynamic.ReadResult("", {})
        values, ttl = found
        if _same_values(values, checked["values"]):
            values = list(checked["values"])  # keep the user's order: no spurious diff
        return pulumi.dynamic.ReadResult(id_, {**checked, "values": values, "ttl": ttl})

    def update(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        old = normalize_props(olds)
        new = normalize_props(news)
        if any(old[key] != new[key] for key in REPLACE_KEYS):
            writer_from_props(old).delete(old["fqdn"], old["type"])
        writer_from_props(new).replace(new["fqdn"], new["type"], new["values"], new["ttl"])
        return pulumi.dynamic.UpdateResult(outs=new)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        checked = normalize_props(props)
        writer_from_props(checked).delete(checked["fqdn"], checked["type"])


def check_inputs(news: Mapping[str, Any], keys: Sequence[str]) -> pulumi.dynamic.CheckResult:
    """``check`` for a resource whose properties are ``keys``: every bad input in one run, so
    a user fixes all of them at once instead of one per ``pulumi preview``."""
    parsed, errors = parse_props(news, keys)
    failures = [pulumi.dynamic.CheckFailure(key, str(exc)) for key, exc in errors.items()]
    inputs = {key: value for key, value in news.items() if key in keys}
    if not failures:
        inputs.update(parsed)
    return pulumi.dynamic.CheckResult(inputs, failures)


def _equal(key: str, old: object, new: object) -> bool:
    if key == "values" and isinstance(old, list) and isinstance(new, list):
        return _same_values(old, new)
    return old == new


class Rfc2136Resource(pulumi.dynamic.Resource):
    """What ``Rfc2136Record`` and ``Rfc2136Preflight`` share: the connection outputs, and the
    TSIG secret wrapped as a secret and kept encrypted in state."""

    server: pulumi.Output[str]
    port: pulumi.Output[int]
    zone: pulumi.Output[str]
    key_name: pulumi.Output[str]
    key_algorithm: pulumi.Output[str]
    key_secret: pulumi.Output[str]

    def __init__(
        self,
        provider: pulumi.dynamic.ResourceProvider,
        resource_name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        props = {**props, "key_secret": pulumi.Output.secret(props["key_secret"])}
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_OUTPUTS))
        super().__init__(
            provider, resource_name, props, pulumi.ResourceOptions.merge(opts, secret_opts)
        )


class Rfc2136Record(Rfc2136Resource, module="okta-custom-domain", name="Rfc2136Record"):
    """A CNAME or TXT RRset kept at an RFC 2136 server (BIND, Knot, PowerDNS) with TSIG."""

    fqdn: pulumi.Output[str]
    type: pulumi.Output[str]
    values: pulumi.Output[list[str]]
    ttl: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        server: pulumi.Input[str],
        zone: pulumi.Input[str],
        fqdn: pulumi.Input[str],
        type: pulumi.Input[str],
        values: pulumi.Input[Sequence[pulumi.Input[str]]],
        key_name: pulumi.Input[str],
        key_secret: pulumi.Input[str],
        key_algorithm: pulumi.Input[str] = defaults.TSIG_ALGORITHM,
        port: pulumi.Input[int] = defaults.DNS_PORT,
        ttl: pulumi.Input[int] = defaults.TTL,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "server": server,
            "port": port,
            "zone": zone,
            "fqdn": fqdn,
            "type": type,
            "values": values,
            "ttl": ttl,
            "key_name": key_name,
            "key_algorithm": key_algorithm,
            "key_secret": key_secret,
        }
        super().__init__(Rfc2136RecordProvider(), resource_name, props, opts)


__all__ = [
    "CONNECTION_KEYS",
    "REPLACE_KEYS",
    "SECRET_OUTPUTS",
    "Rfc2136Provider",
    "Rfc2136Record",
    "Rfc2136RecordProvider",
    "Rfc2136Resource",
    "check_inputs",
    "normalize_connection",
    "normalize_props",
    "parse_props",
    "record_id",
    "writer_from_props",
]
