"""Marks on argument fields that every reader of the arguments honours.

``SECRET`` is dataclass field metadata: the value is a credential. The component keeps it in a
secret Output, and the component package's schema (``okta_custom_domain.package``) marks the
property ``secret``, so generated SDKs and the engine treat it as one in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field
from types import MappingProxyType
from typing import Any

SECRET: Mapping[str, bool] = MappingProxyType({"secret": True})


def is_secret(field: Field[Any]) -> bool:
    """Whether a dataclass field carries the ``SECRET`` mark."""
    return bool(field.metadata.get("secret"))
