"""RFC 2136 (dynamic DNS update) target: TSIG credentials, a writer, and a Pulumi provider.

``tsig`` and ``writer`` do not import Pulumi (the offline demo uses them directly);
``provider`` holds the dynamic resource ``Rfc2136Record`` and ``preflight`` the dynamic
resource ``Rfc2136Preflight`` (the key and zone proved before the Okta domain is created).
"""

from okta_custom_domain.rfc2136.errors import Rfc2136Error
from okta_custom_domain.rfc2136.tsig import TsigKey, TsigKeyError
from okta_custom_domain.rfc2136.writer import Rfc2136Writer

__all__ = ["Rfc2136Error", "Rfc2136Writer", "TsigKey", "TsigKeyError"]
