"""The package's lazy exports: every name resolves, and provider modules stay light."""

from __future__ import annotations

import subprocess
import sys

import okta_custom_domain


def test_every_exported_name_resolves() -> None:
    assert set(okta_custom_domain.__all__) == set(okta_custom_domain._EXPORTS)
    for name in okta_custom_domain.__all__:
        assert getattr(okta_custom_domain, name) is not None


def test_dynamic_providers_load_without_the_okta_and_cloudflare_sdks() -> None:
    """The dynamic-provider host imports these modules; the SDKs would cost seconds."""
    code = (
        "import sys, okta_custom_domain.readiness.provider, "
        "okta_custom_domain.okta.verification_provider, okta_custom_domain.rfc2136.provider; "
        "print(sorted(m for m in ('pulumi_okta', 'pulumi_cloudflare') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
