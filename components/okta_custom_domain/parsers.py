"""The typed parsers every input boundary builds on: port, TTL, seconds, host[:port], choices.

Like dnspython's ``RdataType.make``, each parser takes what a user or the engine hands over
(Pulumi numbers arrive as floats) and returns the one typed value the code trusts afterwards;
a value that is already parsed comes back unchanged. Errors are ``InputError``, which carries
the field, so callers locate a mistake without reading the message. No Pulumi import: the CLI
uses these too.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from okta_custom_domain import defaults

PORT_HINT = f"use a port number from 1-65535 ({defaults.DNS_PORT} for DNS)"
TTL_HINT = f"use seconds, e.g. {defaults.TTL}"
WAIT_FOR_CHOICES = ("COMPLETED", "VERIFIED")


class InputError(ValueError):
    """A bad input: ``field`` names it (``readiness.dns_port``), ``reason`` says the fix.

    Every input error of the package is one (``CertificateError``, ``TsigKeyError``,
    ``CredentialsError`` and ``TenantConfigError`` are subclasses), built with its field as
    data, so a caller relocates it (``within``, ``in_config``) without reading the message.

    ``owner`` is the class the field belongs to when the user built that class directly
    (``CloudflareDns`` in ``CloudflareDns.zone_id``); ``local_field`` is the field without it.
    ``mentions`` are other fields the reason names, written ``{zone_name}`` in ``reason``, so
    the stack-config reader can say them in config spelling (``zoneName``).
    """

    def __init__(
        self, field: str, reason: str, *, owner: str = "", mentions: Sequence[str] = ()
    ) -> None:
        self.local_field = field
        self.owner = owner
        self.mentions = tuple(mentions)
        self.template = reason
        super().__init__(f"{self.field}: {self.reason}")

    @property
    def field(self) -> str:
        """The field as the user wrote it: ``CloudflareDns.zone_id``, ``readiness.dns_port``."""
        return ".".join(part for part in (self.owner, self.local_field) if part)

    @property
    def reason(self) -> str:
        """What is wrong and the fix, naming other fields in Python spelling."""
        return self.spelled(lambda name: name)

    def spelled(self, spell: Callable[[str], str]) -> str:
        """The reason with each mentioned field written by ``spell``."""
        if not self.mentions:
            return self.template
        return self.template.format_map({name: spell(name) for name in self.mentions})

    def within(self, prefix: str) -> InputError:
        """The same error, its field under ``prefix`` (``certificate`` + ``private_key``)."""
        field = join_field(prefix, self.local_field)
        return self._moved(field, "")

    def owned_by(self, owner: str) -> InputError:
        """The same error, said to belong to ``owner`` (unless it already names one)."""
        return self if self.owner else self._moved(self.local_field, owner)

    def _moved(self, field: str, owner: str) -> InputError:
        moved = type(self).__new__(type(self))
        moved.__dict__.update(vars(self), local_field=field, owner=owner)
        ValueError.__init__(moved, f"{moved.field}: {moved.reason}")
        return moved

    @property
    def key(self) -> str:
        """The top-level input the field belongs to (``records[0].fqdn`` -> ``records``)."""
        return self.field.split("[", 1)[0].split(".", 1)[0]


@contextmanager
def owned(owner: str) -> Iterator[None]:
    """Every ``InputError`` raised inside belongs to ``owner`` (a class's ``__post_init__``
    names its fields plainly; the error then reads ``CloudflareDns.ttl``)."""
    try:
        yield
    except InputError as exc:
        raise exc.owned_by(owner) from None


def join_field(prefix: str, field: str) -> str:
    """``prefix.field``; ``prefix[0]`` for an index; either part may be empty."""
    if not prefix or not field:
        return prefix or field
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


def whole_number(value: object, field: str, *, low: int, high: int, hint: str) -> int:
    """An int from ``low`` to ``high``; accepts 53.0 (Pulumi's numbers), refuses 53.5 and '53'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"{value!r} is not a number; {hint}")
    if isinstance(value, float) and not value.is_integer():
        raise InputError(field, f"{value!r} is not a whole number; {hint}")
    number = int(value)
    if not low <= number <= high:
        raise InputError(field, f"{number} is out of range {low}-{high}; {hint}")
    return number


def port(value: object, field: str) -> int:
    """A TCP/UDP port, 1-65535."""
    return whole_number(value, field, low=1, high=65535, hint=PORT_HINT)


def ttl(value: object, field: str, *, low: int = 1, high: int = 86400) -> int:
    """A record TTL in seconds; DNS targets differ in the range they accept."""
    return whole_number(value, field, low=low, high=high, hint=TTL_HINT)


def seconds(value: object, field: str) -> float:
    """A positive duration in seconds (timeouts, poll intervals)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"{value!r} is not a number; give seconds, e.g. 30")
    if not math.isfinite(value) or value <= 0:
        raise InputError(field, f"{value!r} must be a positive number of seconds")
    return float(value)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def duration(value: object, field: str) -> float:
    """A positive duration: seconds as a number, or text with a unit (``90s``, ``30m``,
    ``2h``, ``1d``); returned in seconds."""
    if isinstance(value, str):
        found = _DURATION.match(value.lower())
        if found is None:
            raise InputError(
                field, f"{value!r} is not a duration; give a number with s, m, h or d, e.g. 2h"
            )
        value = float(found.group(1)) * _DURATION_UNITS[found.group(2)]
    return seconds(value, field)


def text(value: object, field: str, missing: str) -> str:
    """Non-blank text, stripped; ``missing`` says what to give."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, missing)
    return value.strip()


def choice(value: object, field: str, choices: Iterable[str], hint: str) -> str:
    """One of ``choices``, spelled exactly; ``hint`` explains each."""
    if not isinstance(value, str) or value not in tuple(choices):
        raise InputError(field, f"{value!r} is not known; {hint}")
    return value


def wait_for(value: object, field: str) -> str:
    """What the verification waits for: the certificate, or only DNS verification."""
    return choice(
        value,
        field,
        WAIT_FOR_CHOICES,
        "use 'COMPLETED' to wait for the certificate (issued) or 'VERIFIED' to stop once DNS "
        "is verified",
    )


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PRIVATE_KEY_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----\s*[A-Za-z0-9+/=:,\-\s]+?\s*"
    r"-----END \1PRIVATE KEY-----"
)


def _split_host_port(spec: str, value: object, field: str) -> tuple[str, str | None]:
    """``spec`` split at its port separator; ``None`` when no port was written."""
    if spec.startswith("["):
        end = spec.find("]")
        if end < 0:
            raise InputError(field, f"{value!r} has '[' without ']'; write [2001:db8::1]:53")
        rest = spec[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InputError(field, f"{value!r}: after ']' only ':port' may follow")
        return spec[1:end], rest[1:] if rest else None
    if spec.count(":") == 1:
        host, port_text = spec.split(":")
        return host, port_text
    return spec, None


def _checked_host(host: str, value: object, field: str) -> str:
    """An IP address or a host name (letters, digits, '-'; IDN and a final dot accepted)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    name = host.rstrip(".").lower()
    try:
        labels = name.encode("idna").decode("ascii").split(".") if name else []
    except UnicodeError:
        labels = []
    numeric = bool(labels) and all(label.isdigit() for label in labels)
    if not labels or numeric or not all(_HOST_LABEL.match(label) for label in labels):
        raise InputError(
            field,
            f"{value!r} is not an IP address or a host name; write HOST or HOST:PORT, e.g. "
            "ns1.example.com, 192.0.2.53:5353 or [2001:db8::53]:53",
        )
    return ".".join(labels)


def host_port(value: object, field: str, default_port: int = defaults.DNS_PORT) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address into (host, port)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"a host or host:port is required, got {value!r}")
    host, port_text = _split_host_port(value.strip(), value, field)
    if not host:
        raise InputError(field, f"{value!r} has no host; write HOST or HOST:PORT")
    if port_text is not None and (not port_text.isdigit() or not 0 < int(port_text) < 65536):
        raise InputError(field, f"{value!r} has a bad port; use a number from 1 to 65535")
    checked = _checked_host(host, value, field)
    return checked, int(port_text) if port_text else default_port


def resolver(value: object, field: str) -> str | None:
    """An optional resolver ``IP[:port]`` (a name would need a resolver to find it)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} must be a string HOST[:PORT] or unset")
    host, _ = host_port(value, field)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise InputError(field, f"{value!r} must be an IP address, optional :port") from None
    return value.strip()


def nameservers(value: object, field: str, dns_port: int) -> tuple[str, ...] | None:
    """Optional fixed name servers: a non-empty list of ``host[:port]``, each checked."""
    if value is None:
        return None
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InputError(field, "give a list of HOST[:PORT] strings, or leave it unset")
    items = tuple(value)
    if not items:
        raise InputError(field, "give a non-empty list of HOST[:PORT], or leave it unset")
    if not all(isinstance(item, str) for item in items):
        raise InputError(field, "every entry must be a HOST[:PORT] string")
    for index, item in enumerate(items):
        host_port(item, f"{field}[{index}]", dns_port)
    return tuple(item.strip() for item in items)


def pem_private_key(value: object, field: str) -> str:
    """A PEM private key (shape only), or the path of a file holding one; never echoed."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, "a PEM private key is required (as a secret)")
    text = value.strip().replace("\\n", "\n")
    if _PRIVATE_KEY_PEM.search(text):
        return value
    if "-----BEGIN" not in text and "\n" not in text and os.path.isfile(text):
        return value
    raise InputError(
        field,
        "is not a PEM private key (the value is not shown): give the whole key from "
        "'-----BEGIN PRIVATE KEY-----' to '-----END PRIVATE KEY-----', or the path of a file "
        "holding it",
    )


def known_keys(value: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    """Refuse a key not in ``known``, suggesting the closest one (a typo keeps no default)."""
    names = tuple(known)
    for key in value:
        if key in names:
            continue
        by_lower = {name.lower(): name for name in names}
        close = difflib.get_close_matches(str(key).lower(), list(by_lower), n=1, cutoff=0.6)
        hint = f"did you mean `{by_lower[close[0]]}`?" if close else "remove it"
        raise InputError(
            f"{where}.{key}", f"unknown key; {hint} (known keys: {', '.join(names)})"
        )


def pulumi_config_value(answer: Any) -> Any:
    """The value in what ``pulumi config get --json KEY`` prints, or ``answer`` unchanged.

    Pulumi prints ``{"value": "<the value as JSON text>", "objectValue": <the value>,
    "secret": ...}`` for an object or list (``objectValue`` only for those): take
    ``objectValue``, else parse ``value`` as JSON (``ValueError`` when it is not JSON). Any
    other ``answer`` is already the value (a list of tenants, say) and comes back as it is.
    """
    if isinstance(answer, Mapping) and "objectValue" in answer:
        return answer["objectValue"]
    if isinstance(answer, Mapping) and isinstance(answer.get("value"), str):
        return json.loads(answer["value"])
    return answer


Parser = Callable[[Any], Any]


def parse_fields(
    props: Mapping[str, Any],
    field_parsers: Mapping[str, Parser],
    *,
    skip: Callable[[Any], bool] = lambda _value: False,
) -> tuple[dict[str, Any], dict[str, ValueError]]:
    """Each field parsed on its own, so a ``check`` reports every bad input in one run.

    Returns the parsed values (bad and ``skip``ped ones as given) and each bad field's error,
    keyed by the field: a caller never needs the message to know which input failed.
    """
    parsed: dict[str, Any] = {}
    errors: dict[str, ValueError] = {}
    for key, parse in field_parsers.items():
        value = props.get(key)
        if skip(value):
            parsed[key] = value
            continue
        try:
            parsed[key] = parse(value)
        except ValueError as exc:  # InputError, and the TSIG/certificate errors that name a field
            parsed[key] = value
            errors[key] = exc
    return parsed, errors
