"""The org's one admin user: who owns the API token and acts in the System Log."""

from __future__ import annotations

import hashlib
from typing import Any

from okta_custom_domain.testing.fake_okta.common import Org, iso

ADMIN_USER_ID = "00ufake"
ADMIN_LOGIN = "admin@example.com"


def current_user(org: Org) -> dict[str, Any]:
    """``GET /api/v1/users/me``: the admin who owns the API token (terraform-provider-okta
    calls it at configure to validate an API token)."""
    created = iso(org.now() - 30 * 86400)
    return {
        "id": ADMIN_USER_ID,
        "status": "ACTIVE",
        "created": created,
        "activated": created,
        "statusChanged": created,
        "lastLogin": iso(org.now()),
        "lastUpdated": created,
        "passwordChanged": created,
        "type": {"id": "oty" + hashlib.sha256(org.org_name.encode()).hexdigest()[:17]},
        "profile": {
            "firstName": "Fake",
            "lastName": "Admin",
            "mobilePhone": None,
            "secondEmail": None,
            "login": ADMIN_LOGIN,
            "email": ADMIN_LOGIN,
        },
        "credentials": {
            "password": {},
            "provider": {"type": "OKTA", "name": "OKTA"},
        },
        "_links": {"self": {"href": f"{org.url}/api/v1/users/{ADMIN_USER_ID}"}},
    }
