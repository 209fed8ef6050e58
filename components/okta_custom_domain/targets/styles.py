"""The record-name styles a target may take (``label``, ``fqdn``, ``fqdn-dot``), checked once."""

from __future__ import annotations

from okta_custom_domain.names import RECORD_NAME_STYLES
from okta_custom_domain.parsers import InputError


def checked_style(value: object, hint: str) -> str:
    """``value`` when it is a known style; else ``InputError`` on ``style``."""
    if value not in RECORD_NAME_STYLES:
        raise InputError("style", f"{value!r} is not known; {hint}")
    return str(value)
