"""The org URL every Okta call goes to, checked so a token is only ever sent to an Okta org.

A name (``dev-123456``) becomes ``https://dev-123456.okta.com``; a full URL must be https (plain
http only for a local fake on loopback) and carry no path. Errors are ``InputError``: the
field is data, named by the caller as the user wrote it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from okta_custom_domain.parsers import InputError


def org_url_from(
    org_name: str,
    base_url: str = "okta.com",
    *,
    field: str = "orgUrl",
    name_field: str = "orgName",
    base_field: str = "baseUrl",
) -> str:
    """``https://<org>.<base>``; a full URL is accepted as it is (``http://`` only on loopback).

    Each error's field is the one of the value at fault: ``field`` for a full URL,
    ``name_field`` for an org name, ``base_field`` for the base domain.
    """
    if not isinstance(org_name, str) or not org_name.strip():
        raise InputError(name_field, "the Okta org name is required (e.g. dev-123456)")
    name = org_name.strip().rstrip("/")
    if "://" in name:
        return _checked_url(name, field)
    base = (base_url or "okta.com").strip().strip(".").lower()
    if "://" in base or "/" in base:
        raise InputError(
            base_field, f"{base_url!r} must be a domain such as okta.com or oktapreview.com"
        )
    if "." in name or "/" in name or any(ch.isspace() for ch in name):
        raise InputError(
            name_field,
            f"{org_name!r} must be the org's name only (e.g. dev-123456 for "
            "dev-123456.okta.com); put the domain in baseUrl or give a full orgUrl",
        )
    return f"https://{name.lower()}.{base}"


def _checked_url(url: str, field: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError(field, f"{url!r} is not an https:// URL of an Okta org")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(field, f"{url!r} must be the org's base URL only (no path)")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise InputError(
            field,
            f"{url!r} uses plain http; Okta orgs need https (http is accepted only "
            "for a local fake on 127.0.0.1)",
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


__all__ = ["org_url_from"]
