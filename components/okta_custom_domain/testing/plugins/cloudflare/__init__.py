"""The ``cloudflare`` 6.23.1 plugin double: what a test needs to configure it, install it and
read what it wrote."""

from okta_custom_domain.testing.plugins.cloudflare.config import (
    ENV_VAR,
    CloudflareDoubleConfig,
    DoubleConfigError,
    DoubleZone,
    load_config,
    writes,
)
from okta_custom_domain.testing.plugins.cloudflare.provider import (
    CONFIG_ENV,
    PLUGIN_NAME,
    PLUGIN_VERSION,
    CloudflareDouble,
    install_plugin_dir,
)

__all__ = [
    "CONFIG_ENV",
    "ENV_VAR",
    "PLUGIN_NAME",
    "PLUGIN_VERSION",
    "CloudflareDouble",
    "CloudflareDoubleConfig",
    "DoubleConfigError",
    "DoubleZone",
    "install_plugin_dir",
    "load_config",
    "writes",
]
