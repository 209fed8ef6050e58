"""``cloudflare:index/dnsRecord:DnsRecord`` as pulumi-cloudflare 6.23.1 presents it: check rules,
which changes replace, and the outputs, with the camelCase names of the Python SDK.

Replacement rules were read from terraform-provider-cloudflare (the upstream pulumi-cloudflare 6.x
bridges): ``internal/services/dns_record/schema.go`` gives ``zone_id`` and ``type``
``RequiresReplace`` in every tag from v5.0.0 to v5.22.0; everything else updates in place
(``custom.go`` ModifyPlan), and a CNAME target differing only in case is no change. Schema rules
fail at ``Check``; what only the Cloudflare API rejects (TTL range, proxying a TXT, an unknown
zone id) fails at ``Create``/``Update``, as with the real provider. Values are plain (secrets
unwrapped, unknowns the engine's sentinel): which keys were secret is the servicer's business.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import dns.exception

from okta_custom_domain.testing.plugins.base import REDACTED, UNKNOWN, contains_unknown
from okta_custom_domain.testing.plugins.cloudflare.zone import (
    PROXIABLE_TYPES,
    SUPPORTED_TYPES,
    ZoneRecord,
    record_fqdn,
)

TOKEN = "cloudflare:index/dnsRecord:DnsRecord"
CLOUDFLARE_TYPES: tuple[str, ...] = (
    "A", "AAAA", "CNAME", "MX", "NS", "OPENPGPKEY", "PTR", "TXT", "CAA", "CERT", "DNSKEY",
    "DS", "HTTPS", "LOC", "NAPTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "URI",
)  # fmt: skip
REQUIRED: tuple[str, ...] = ("zoneId", "name", "type", "ttl")
REPLACE_KEYS: tuple[str, ...] = ("zoneId", "type")
INPUT_KEYS: tuple[str, ...] = (
    "zoneId", "name", "type", "content", "ttl", "proxied", "comment", "priority", "tags",
    "settings", "data", "privateRouting", "includeShadowMetadata",
)  # fmt: skip
COMPUTED_KEYS: tuple[str, ...] = (
    "createdOn", "modifiedOn", "proxiable", "commentModifiedOn", "tagsModifiedOn", "meta",
)  # fmt: skip
KEEP_WHEN_ABSENT: tuple[str, ...] = ("content", "tags", "settings", "data")  # optional + computed
DEFAULT_SETTINGS = {"flattenCname": False, "ipv4Only": False, "ipv6Only": False}
TXT_CONTENT_MAX = 2048


def _known(props: Mapping[str, Any], key: str) -> Any:
    """The value of ``key``, or None when absent or unknown (nothing to check yet)."""
    value = props.get(key)
    return None if contains_unknown(value) else value


def check_failures(news: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, reason) for every schema rule ``news`` breaks; unknown values pass."""
    failures = [
        (key, f"{key} is required: the DnsRecord needs {key} (see the pulumi_cloudflare docs)")
        for key in REQUIRED
        if news.get(key) is None
    ]
    rtype = _known(news, "type")
    if isinstance(rtype, str) and rtype.upper() not in CLOUDFLARE_TYPES:
        failures.append(("type", f"{rtype!r} is not a Cloudflare record type; use e.g. CNAME"))
    elif isinstance(rtype, str) and rtype.upper() not in SUPPORTED_TYPES:
        failures.append(("type", f"the test double writes only {', '.join(SUPPORTED_TYPES)}"))
    content = news.get("content")
    if isinstance(rtype, str) and content is None and news.get("data") is None:
        failures.append(("content", f"content is required for a {rtype.upper()} record"))
    if content is not None and news.get("data") is not None:
        failures.append(("content", "content conflicts with data; give only one of them"))
    ttl = _known(news, "ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float))):
        failures.append(("ttl", f"ttl must be a number of seconds (or 1 = automatic), not {ttl!r}"))
    proxied = _known(news, "proxied")
    if proxied is not None and not isinstance(proxied, bool):
        failures.append(("proxied", f"proxied must be true or false, not {proxied!r}"))
    priority = _known(news, "priority")
    if priority is not None and not (isinstance(priority, (int, float)) and 0 <= priority <= 65535):
        failures.append(("priority", "priority must be between 0 and 65535"))
    return failures


def api_error(props: Mapping[str, Any], secret_content: bool = False) -> str | None:
    """What the Cloudflare API would refuse in a create/update, or None (content not shown
    when it is secret)."""
    rtype = str(props["type"]).upper()
    ttl = props["ttl"]
    if ttl != 1 and not 30 <= ttl <= 86400:
        return f"ttl: {ttl:g} is out of range: use 60..86400 seconds (30 on Enterprise) or 1 = auto"
    if props.get("proxied") and rtype not in PROXIABLE_TYPES:
        return f"proxied: a {rtype} record cannot be proxied (only A, AAAA, CNAME); set it false"
    content = str(props.get("content", ""))
    if rtype == "TXT" and len(content) > TXT_CONTENT_MAX:
        return f"content: a TXT record's content is at most {TXT_CONTENT_MAX} characters"
    try:
        record = to_zone_record(props, "example.invalid")
    except ValueError as exc:
        return f"name: {exc}; give the record's full name, e.g. login.example.com"
    try:
        record.published()
    except (ValueError, dns.exception.DNSException) as exc:
        shown = REDACTED if secret_content else repr(content)
        return f"content: {shown} is not valid {rtype} content ({exc})"
    return None


def to_zone_record(props: Mapping[str, Any], zone: str) -> ZoneRecord:
    """The zone data of a record whose inputs are all known."""
    return ZoneRecord(
        fqdn=record_fqdn(str(props["name"]), zone),
        rtype=str(props["type"]).upper(),
        content=str(props.get("content", "")),
        ttl=int(props["ttl"]),
        proxied=bool(props.get("proxied", False)),
    )


def _comparable(key: str, value: Any, rtype: str) -> Any:
    """Values the real provider treats as equal compare equal (defaults, empties, CNAME case)."""
    if key == "proxied" and value is None:
        return False
    if key in ("comment", "tags", "settings") and value in (None, "", [], {}):
        return None
    if key == "settings" and isinstance(value, Mapping):
        merged = {**DEFAULT_SETTINGS, **value}
        return None if merged == DEFAULT_SETTINGS else merged
    if key == "content" and rtype == "CNAME" and isinstance(value, str):
        return value.lower().rstrip(".")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(changed keys, keys that force replacement) between stored outputs and new inputs."""
    rtype = str(news.get("type") or olds.get("type") or "").upper()
    changed = []
    for key in INPUT_KEYS:
        if key not in news and key in KEEP_WHEN_ABSENT:
            continue  # absent means "keep what the API has"
        new = news.get(key)
        if contains_unknown(new) or _comparable(key, olds.get(key), rtype) != _comparable(
            key, new, rtype
        ):
            changed.append(key)
    return changed, [key for key in changed if key in REPLACE_KEYS]


def timestamp() -> str:
    """Now as Cloudflare writes it (RFC 3339, microseconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def outputs(
    inputs: Mapping[str, Any], record_id: str, olds: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Inputs echoed plus the computed outputs of the real resource."""
    now = timestamp()
    old = olds or {}
    out: dict[str, Any] = {key: inputs[key] for key in INPUT_KEYS if key in inputs}
    rtype = str(inputs.get("type", "")).upper()
    out.update(
        id=record_id,
        proxied=inputs.get("proxied", False),
        settings=inputs.get("settings") or dict(DEFAULT_SETTINGS),
        tags=inputs.get("tags") or [],
        createdOn=old.get("createdOn") or now,
        modifiedOn=now,
        proxiable=rtype in PROXIABLE_TYPES,
        meta=json.dumps({}),
    )
    if inputs.get("comment"):
        unchanged = old.get("comment") == inputs["comment"]
        out["commentModifiedOn"] = (old.get("commentModifiedOn") if unchanged else None) or now
    if inputs.get("tags"):
        out["tagsModifiedOn"] = old.get("tagsModifiedOn") or now
    return out


def preview_outputs(
    inputs: Mapping[str, Any], olds: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Outputs during preview: inputs as planned, computed values unknown."""
    out = {key: inputs[key] for key in INPUT_KEYS if key in inputs}
    out.update({key: UNKNOWN for key in ("id", *COMPUTED_KEYS)})
    if olds:
        out.update(id=olds.get("id", UNKNOWN), createdOn=olds.get("createdOn", UNKNOWN))
    return out
