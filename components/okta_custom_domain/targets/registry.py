"""The built-in DNS targets, in one list: adding a target is a module plus one line here.

Everything else (the stack-config reader, the component package's schema, the README's config
table) reads this list; nothing outside ``targets/`` names a target type.
"""

from __future__ import annotations

from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets.base import DnsTarget
from okta_custom_domain.targets.cloudflare import CloudflareDns
from okta_custom_domain.targets.custom import CustomDns
from okta_custom_domain.targets.manual import ManualDns
from okta_custom_domain.targets.rfc2136 import Rfc2136Dns

TARGET_TYPES: tuple[type[DnsTarget], ...] = (CloudflareDns, Rfc2136Dns, ManualDns, CustomDns)
"""Every built-in target, in the order documentation lists them."""


def config_targets() -> dict[str, type[DnsTarget]]:
    """``dns.type`` in stack config -> the target class it selects."""
    return {t.config_type: t for t in TARGET_TYPES if t.config_type is not None}


def target_names() -> str:
    """The target classes as a reader lists them: ``CloudflareDns, CustomDns, ...``."""
    return ", ".join(sorted(t.__name__ for t in TARGET_TYPES))


def checked_target(value: object, field: str) -> DnsTarget:
    """``value`` when it is a DNS target; else ``InputError`` on ``field`` listing them."""
    if not isinstance(value, DnsTarget):
        raise InputError(
            field, f"{type(value).__name__} is not a DNS target; use {_or_list(target_names())}"
        )
    return value


def _or_list(names: str) -> str:
    head, _, last = names.rpartition(", ")
    return f"{head} or {last}" if head else last


def is_target_type(hint: object) -> bool:
    """Whether an annotation is a DNS target (the one union a config object picks by type)."""
    return isinstance(hint, type) and issubclass(hint, DnsTarget)
