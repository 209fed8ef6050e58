"""Pulumi dynamic provider for one RRset written with RFC 2136 updates.

The provider is stateless: every method builds a ``TsigKey`` and an ``Rfc2136Writer`` from the
properties it is given, so the pickled provider is a reference to this class (no credentials
travel with it). The TSIG secret is an input and an output because ``delete`` and ``read``
only get the outputs; ``Rfc2136Record`` registers it in ``additional_secret_outputs`` and
wraps the input with ``Output.secret`` so it is encrypted in state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.output import Unknown
from pulumi.runtime import rpc

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

DEFAULT_PORT = 53
DEFAULT_TTL = 300
SECRET_OUTPUTS = ["key_secret"]
REPLACE_KEYS: tuple[str, ...] = ("server", "port", "zone", "fqdn", "type")
UPDATE_KEYS: tuple[str, ...] = ("values", "ttl", "key_name", "key_algorithm", "key_secret")
PROPERTY_KEYS: tuple[str, ...] = (*REPLACE_KEYS, *UPDATE_KEYS)


def _is_unknown(value: object) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


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


def normalize_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised properties; ``ValueError`` naming the field on bad input.

    Unknown values (preview) are kept as they are and not checked.
    """
    out: dict[str, Any] = {key: props.get(key) for key in PROPERTY_KEYS}
    if out["port"] is None:
        out["port"] = DEFAULT_PORT
    if out["ttl"] is None:
        out["ttl"] = DEFAULT_TTL
    if out["key_algorithm"] is None:
        out["key_algorithm"] = DEFAULT_ALGORITHM
    for key, value in out.items():
        if _is_unknown(value):
            continue
        if key == "server":
            if not isinstance(value, str) or not value.strip():
                raise ValueError(
                    "server: the IP address or host name of the DNS server is required"
                )
            out[key] = value.strip()
        elif key == "port":
            out[key] = _as_int(value, "port", 1, 65535, "use the server's DNS port (53)")
        elif key == "ttl":
            out[key] = _as_int(value, "ttl", 0, 2**31 - 1, "use seconds, e.g. 300")
        elif key == "zone":
            out[key] = normalize_fqdn(value, field="zone")
        elif key == "type":
            out[key] = normalize_rtype(value)
        elif key == "key_name":
            out[key] = normalize_key_name(value)
        elif key == "key_algorithm":
            out[key] = normalize_algorithm(value)
        elif key == "key_secret":
            decode_secret(value)
    if not _is_unknown(out["fqdn"]):
        out["fqdn"] = normalize_fqdn(out["fqdn"], field="fqdn")
        if not _is_unknown(out["zone"]):
            try:
                relative_label(out["fqdn"], out["zone"])
            except ValueError as exc:
                raise ValueError(f"fqdn: {exc}") from None
    if not _is_unknown(out["values"]):
        rtype = None if _is_unknown(out["type"]) else out["type"]
        out["values"] = _values(out["values"], rtype)
    return out


def _writer(props: Mapping[str, Any]) -> Rfc2136Writer:
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
        failures: list[pulumi.dynamic.CheckFailure] = []
        inputs = {key: value for key, value in news.items() if key in PROPERTY_KEYS}
        props = dict(news)
        # Check each field on its own so that one run reports every problem.
        while True:
            try:
                checked = normalize_props(props)
            except (ValueError, TsigKeyError) as exc:
                field = _field_of(exc)
                failures.append(pulumi.dynamic.CheckFailure(field, str(exc)))
                if field not in PROPERTY_KEYS or _is_unknown(props.get(field)):
                    break
                props[field] = Unknown()  # skip this field, look for the next problem
                continue
            break
        if not failures:
            inputs.update(checked)
        return pulumi.dynamic.CheckResult(inputs, failures)

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        changed = [
            key
            for key in PROPERTY_KEYS
            if _is_unknown(news.get(key)) or not _equal(key, olds.get(key), news.get(key))
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
        _writer(checked).replace(
            checked["fqdn"], checked["type"], checked["values"], checked["ttl"]
        )
        return pulumi.dynamic.CreateResult(record_id(checked), outs=checked)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        checked = normalize_props(props)
        found = _writer(checked).read_rrset(checked["fqdn"], checked["type"])
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
            _writer(old).delete(old["fqdn"], old["type"])
        _writer(new).replace(new["fqdn"], new["type"], new["values"], new["ttl"])
        return pulumi.dynamic.UpdateResult(outs=new)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        checked = normalize_props(props)
        _writer(checked).delete(checked["fqdn"], checked["type"])


def _field_of(exc: Exception) -> str:
    field = getattr(exc, "field", None)
    if isinstance(field, str):
        return field
    head = str(exc).partition(":")[0]
    return head if head in PROPERTY_KEYS else "values"


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
    "RECORD_TYPES",
    "REPLACE_KEYS",
    "SECRET_OUTPUTS",
    "Rfc2136Record",
    "Rfc2136RecordProvider",
    "normalize_props",
    "record_id",
]
