"""The Okta org URL from the settings the Okta provider takes (``orgName`` + ``baseUrl``)."""

from __future__ import annotations

import re

_ORG_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$", re.IGNORECASE)


def org_url_from(org_name: str, base_url: str = "okta.com") -> str:
    """``("acme", "okta.com")`` -> ``https://acme.okta.com``; a full URL passes through."""
    if org_name.startswith(("https://", "http://")):
        return org_name.rstrip("/")
    if not _ORG_NAME.match(org_name):
        raise ValueError(
            f"orgName: {org_name!r} is not an Okta org name; give the first label of the org's "
            "host (acme for https://acme.okta.com) or a full URL"
        )
    base = base_url.strip().strip(".").lower()
    if not base or "/" in base:
        raise ValueError(
            f"baseUrl: {base_url!r} must be a domain such as okta.com or oktapreview.com"
        )
    return f"https://{org_name.lower()}.{base}"
