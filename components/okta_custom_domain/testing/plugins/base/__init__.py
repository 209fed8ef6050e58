"""The generic half of a Pulumi resource-plugin double: the engine's wire protocol, nothing more.

A double is a small gRPC ``ResourceProvider`` the real engine starts instead of a provider
plugin that cannot be built here (same plugin name, type tokens and properties), so a real
``pulumi up`` runs offline. Every double needs the same plumbing, kept here: ``wire`` (Structs
as plain dicts with the engine's unknown and secret encodings), ``request_log`` (a JSON-lines
log that never holds a secret), ``servicer`` (defaults for the plugin and config calls) and
``launcher`` (serving on loopback, the port on stdout, and the script the engine executes).
What the real providers answer differently is a class option of ``PluginDouble``.
"""

from okta_custom_domain.testing.plugins.base.launcher import install_plugin_dir, serve
from okta_custom_domain.testing.plugins.base.request_log import (
    REDACTED,
    SECRET_FIELDS,
    UNKNOWN_IN_LOG,
    CallRecord,
    RequestLog,
    loggable,
    read_request_log,
    redact,
)
from okta_custom_domain.testing.plugins.base.servicer import (
    DoubleError,
    InitFailed,
    PluginDouble,
    check_response,
    diff_response,
    rpc,
)
from okta_custom_domain.testing.plugins.base.wire import (
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    Props,
    contains_unknown,
    name_of_urn,
    strings_in,
    struct_to_dict,
    to_struct,
    type_of_urn,
    unwrap_secrets,
    wrap_secret,
)

__all__ = [
    "REDACTED",
    "SECRET_FIELDS",
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "UNKNOWN_IN_LOG",
    "CallRecord",
    "DoubleError",
    "InitFailed",
    "PluginDouble",
    "Props",
    "RequestLog",
    "check_response",
    "contains_unknown",
    "diff_response",
    "install_plugin_dir",
    "loggable",
    "name_of_urn",
    "read_request_log",
    "redact",
    "rpc",
    "serve",
    "strings_in",
    "struct_to_dict",
    "to_struct",
    "type_of_urn",
    "unwrap_secrets",
    "wrap_secret",
]
