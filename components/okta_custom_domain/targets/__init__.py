"""Where the CNAME and TXT records are written: one module per DNS target.

Each module holds one target (its args dataclass, record-name style, writer, preflight,
registrar rows and default readiness timeout) behind the interface in ``base``; ``registry``
lists them. See the README, "Adding a DNS target".
"""

from okta_custom_domain.targets.base import DnsRecord, DnsTarget, RecordWriter
from okta_custom_domain.targets.cloudflare import CloudflareDns
from okta_custom_domain.targets.custom import CustomDns
from okta_custom_domain.targets.manual import ManualDns
from okta_custom_domain.targets.registry import TARGET_TYPES, config_targets
from okta_custom_domain.targets.rfc2136 import Rfc2136Dns

__all__ = [
    "TARGET_TYPES",
    "CloudflareDns",
    "CustomDns",
    "DnsRecord",
    "DnsTarget",
    "ManualDns",
    "RecordWriter",
    "Rfc2136Dns",
    "config_targets",
]
