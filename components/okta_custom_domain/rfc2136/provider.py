"""Pulumi dynamic provider for one RRset written with RFC 2136 updates.

The provider is stateless: every method builds a ``TsigKey`` and an ``Rfc2136Writer`` from the
properties it is given, so the pickled provider is a reference to this class (no credentials
travel with it). The TSIG secret is an input and an output because ``delete`` and ``read``
only get the outputs; ``Rfc2136Record`` registers it in ``additional_secret_outputs`` and
wraps the input with ``Output.secret`` so it is encrypted in state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.output import Unknown

from okta_custom_domain.names import normalize_fqdn, relative_label
from okta_custom_domain.rfc2136.tsig import (
    DEFAULT_ALGORITHM,
    TsigKey,
    TsigKeyError,
    decode_secret,
    normalize_algorithm,
    normalize_key_name,
)
from okta_custom_domain.rfc2136.writer import RECORD_TYPES, Rfc2136Writer, normalize_rtype
from okta_custom_domain.unknowns import is_unknown

DEFAULT_PORT = 53
DEFAULT_TTL = 300
SECRET_OUTPUTS = ["key_secret"]
REPLACE_KEYS: tuple[str, ...] = ("server", "port", "zone", "fqdn", "type")
UPDATE_KEYS: tuple[str, ...] = ("values", "ttl", "key_name", "key_algorithm", "key_secret")
PROPERTY_KEYS: tuple[str, ...] = (*REPLACE_KEYS, *UPDATE_KEYS)


def _as_int(value: object, field: str, low: int, high: int, hint: str) -> int:
    """Pulumi numbers arrive as floats: accept 53.0, refuse 53.5, '53' and out-of-range values."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{field}: {value!r} is not a number; {hint}")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{field}: {value!r} is not a whole number; {hint}")
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"{field}: {number} is out of range {low}-{high}; {hint}")
    return number


def _values(value: object, rtype: str | None) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"values: give a list of strings, got {type(value).__name__}")
    values = list(value)
    if not values:
        raise ValueError("values: at least one value is required")
    if not all(isinstance(item, str) for item in values):
        raise ValueError("values: every value must be a string")
    if rtype == "CNAME":
        if len(values) != 1:
            raise ValueError(
                f"values: a CNAME has exactly one target, got {len(values)}; "
                "give only the target Okta lists for the domain"
            )
        return [normalize_fqdn(values[0], field="values")]
    if rtype == "TXT":
        for item in values:
            if len(item) >= 2 and item[0] == item[-1] == '"':
                raise ValueError(
                    "values: a TXT value is wrapped in quote characters; give the plain value "
                    "(the writer quotes and splits it), or the record will hold literal quotes"
                )
    return values


CONNECTION_KEYS: tuple[str, ...] = (
    "server",
    "port",
    "zone",
    "key_name",
    "key_algorithm",
    "key_secret",
)


def _normalize_field(key: str, value: Any) -> Any:
    """One validated, normalised property; ``ValueError`` naming the field on bad input."""
    if key == "server":
        if not isinstance(value, str) or not value.strip():
            raise ValueError("server: the IP address or host name of the DNS server is required")
        return value.strip()
    if key == "port":
        return _as_int(value, "port", 1, 65535, "use the server's DNS port (53)")
    if key == "ttl":
        return _as_int(value, "ttl", 0, 2**31 - 1, "use seconds, e.g. 300")
    if key == "zone":
        return normalize_fqdn(value, field="zone")
    if key == "type":
        return normalize_rtype(value)
    if key == "key_name":
        return normalize_key_name(value)
    if key == "key_algorithm":
        return normalize_algorithm(value)
    if key == "key_secret":
        decode_secret(value)
    return value


def normalize_connection(props: Mapping[str, Any]) -> dict[str, Any]:
    """Server, port, zone and TSIG key of ``props``, validated and normalised (defaults filled).

    Unknown values (preview) are kept as they are and not checked.
    """
    out: dict[str, Any] = {key: props.get(key) for key in CONNECTION_KEYS}
    if out["port"] is None:
        out["port"] = DEFAULT_PORT
    if out["key_algorithm"] is None:
        out["key_algorithm"] = DEFAULT_ALGORITHM
    return {
        key: value if is_unknown(value) else _normalize_field(key, value)
        for key, value in out.items()
    }


def normalize_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised properties; ``ValueError`` naming the field on bad input.

    Unknown values (preview) are kept as they are and not checked.
    """
    out: dict[str, Any] = {key: props.get(key) for key in PROPERTY_KEYS}
    if out["ttl"] is None:
        out["ttl"] = DEFAULT_TTL
    out.update(normalize_connection(props))
    for key in ("ttl", "type"):
        if not is_unknown(out[key]):
            out[key] = _normalize_field(key, out[key])
    if not is_unknown(out["fqdn"]):
        out["fqdn"] = normalize_fqdn(out["fqdn"], field="fqdn")
        if not is_unknown(out["zone"]):
            try:
                relative_label(out["fqdn"], out["zone"])
            except ValueError as exc:
                raise ValueError(f"fqdn: {exc}") from None
    if not is_unknown(out["values"]):
        rtype = None if is_unknown(out["type"]) else out["type"]
        out["values"] = _values(out["values"], rtype)
    return out


def writer_for(props: Mapping[str, Any]) -> Rfc2136Writer:
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


class Rfc2136RecordProvider(pulumi.dynamic.ResourceProvider):
    """CRUD for one CNAME or TXT RRset at an RFC 2136 server; holds no state of its own."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return check_inputs(news, PROPERTY_KEYS, normalize_props)

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
        checked = normalize_props(props)
        writer_for(checked).replace(
            checked["fqdn"], checked["type"], checked["values"], checked["ttl"]
        )
        return pulumi.dynamic.CreateResult(record_id(checked), outs=checked)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        checked = normalize_props(props)
        found = writer_for(checked).read_rrset(checked["fqdn"], checked["type"])
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
            writer_for(old).delete(old["fqdn"], old["type"])
        writer_for(new).replace(new["fqdn"], new["type"], new["values"], new["ttl"])
        return pulumi.dynamic.UpdateResult(outs=new)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        checked = normalize_props(props)
        writer_for(checked).delete(checked["fqdn"], checked["type"])


def check_inputs(
    news: Mapping[str, Any],
    keys: Sequence[str],
    normalize: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> pulumi.dynamic.CheckResult:
    """``check`` for a resource whose properties are ``keys``: every problem in one run.

    Each failing field is set aside (made unknown) and the rest checked again, so a user
    fixes all inputs at once instead of one per ``pulumi preview``.
    """
    failures: list[pulumi.dynamic.CheckFailure] = []
    inputs = {key: value for key, value in news.items() if key in keys}
    props = dict(news)
    while True:
        try:
            checked = normalize(props)
        except (ValueError, TsigKeyError) as exc:
            field = _field_of(exc, keys)
            failures.append(pulumi.dynamic.CheckFailure(field, str(exc)))
            if field not in keys or is_unknown(props.get(field)):
                break
            props[field] = Unknown()  # skip this field, look for the next problem
            continue
        break
    if not failures:
        inputs.update(checked)
    return pulumi.dynamic.CheckResult(inputs, failures)


def _field_of(exc: Exception, keys: Sequence[str]) -> str:
    field = getattr(exc, "field", None)
    if isinstance(field, str):
        return field
    head = str(exc).partition(":")[0]
    if head in keys:
        return head
    return "values" if "values" in keys else keys[0]


def _equal(key: str, old: object, new: object) -> bool:
    if key == "values" and isinstance(old, list) and isinstance(new, list):
        return _same_values(old, new)
    return old == new


class Rfc2136Record(pulumi.dynamic.Resource, module="okta-custom-domain", name="Rfc2136Record"):
    """A CNAME or TXT RRset kept at an RFC 2136 server (BIND, Knot, PowerDNS) with TSIG."""

    server: pulumi.Output[str]
    port: pulumi.Output[int]
    zone: pulumi.Output[str]
    fqdn: pulumi.Output[str]
    type: pulumi.Output[str]
    values: pulumi.Output[list[str]]
    ttl: pulumi.Output[int]
    key_name: pulumi.Output[str]
    key_algorithm: pulumi.Output[str]
    key_secret: pulumi.Output[str]

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
        key_algorithm: pulumi.Input[str] = DEFAULT_ALGORITHM,
        port: pulumi.Input[int] = DEFAULT_PORT,
        ttl: pulumi.Input[int] = DEFAULT_TTL,
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
            "key_secret": pulumi.Output.secret(key_secret),
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_OUTPUTS))
        super().__init__(
            Rfc2136RecordProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )


__all__ = [
    "CONNECTION_KEYS",
    "RECORD_TYPES",
    "REPLACE_KEYS",
    "SECRET_OUTPUTS",
    "Rfc2136Record",
    "Rfc2136RecordProvider",
    "check_inputs",
    "normalize_connection",
    "normalize_props",
    "record_id",
    "writer_for",
]
