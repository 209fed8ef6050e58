"""The ``okta`` 7.0.1 plugin double: what a test needs to install it and read its request log."""

from okta_custom_domain.testing.plugins.okta.provider import (
    PLUGIN_NAME,
    PLUGIN_VERSION,
    REQUESTS_ENV,
    OktaDouble,
    install_plugin_dir,
)

__all__ = ["PLUGIN_NAME", "PLUGIN_VERSION", "REQUESTS_ENV", "OktaDouble", "install_plugin_dir"]
