"""The content of the RRsets an Okta custom domain needs, as dnspython objects and back.

Only CNAME and TXT; TXT values are plain text split into 255-byte character-strings on the way
out and joined on the way back, so callers never see DNS quoting.
"""

from __future__ import annotations

from collections.abc import Sequence

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rdtypes.ANY.CNAME
import dns.rdtypes.ANY.TXT

from okta_custom_domain.names import normalize_fqdn

RECORD_TYPES: tuple[str, ...] = ("CNAME", "TXT")
TXT_STRING_MAX = 255


def split_txt_value(value: str) -> tuple[bytes, ...]:
    """A TXT value as the character-strings of one record: UTF-8, at most 255 bytes each.

    The value is the plain text (no surrounding quotes); an empty value is one empty string.
    """
    raw = value.encode("utf-8")
    if not raw:
        return (b"",)
    return tuple(raw[i : i + TXT_STRING_MAX] for i in range(0, len(raw), TXT_STRING_MAX))


def join_txt_strings(strings: Sequence[bytes]) -> str:
    """The plain value of a TXT record: its character-strings concatenated (RFC 7208 style)."""
    return b"".join(strings).decode("utf-8", errors="replace")


def normalize_rtype(rtype: str) -> str:
    """``cname`` -> ``CNAME``; only the types an Okta custom domain needs."""
    text = rtype.strip().upper() if isinstance(rtype, str) else ""
    if text not in RECORD_TYPES:
        raise ValueError(f"type: {rtype!r} is not supported; use one of {', '.join(RECORD_TYPES)}")
    return text


def build_rdataset(rtype: str, values: Sequence[str], ttl: int) -> dns.rdataset.Rdataset:
    """The RRset content for ``values`` (plain strings; CNAME targets as host names)."""
    kind = normalize_rtype(rtype)
    if not values:
        raise ValueError("values: at least one value is required")
    if kind == "CNAME" and len(values) != 1:
        raise ValueError(f"values: a CNAME has exactly one target, got {len(values)}")
    rdatas: list[dns.rdata.Rdata] = []
    for value in values:
        if kind == "TXT":
            rdatas.append(
                dns.rdtypes.ANY.TXT.TXT(
                    dns.rdataclass.IN, dns.rdatatype.TXT, split_txt_value(value)
                )
            )
        else:
            target = dns.name.from_text(normalize_fqdn(value, field="values"))
            rdatas.append(
                dns.rdtypes.ANY.CNAME.CNAME(dns.rdataclass.IN, dns.rdatatype.CNAME, target)
            )
    return dns.rdataset.from_rdata_list(ttl, rdatas)


__all__ = [
    "RECORD_TYPES",
    "TXT_STRING_MAX",
    "build_rdataset",
    "join_txt_strings",
    "normalize_rtype",
    "split_txt_value",
]
