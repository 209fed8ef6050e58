"""What a failed RFC 2136 update means for the user, from its rcode and TSIG error.

Servers answer a wrong key, a wrong zone and a missing update ACL with terse, overlapping rcodes
(NOTAUTH means either); the wording here names the one setting to change.
"""

from __future__ import annotations

from collections.abc import Callable

import dns.exception
import dns.rcode
import dns.tsig

from okta_custom_domain.rfc2136.tsig import TsigKey


def _key_fix(key: TsigKey) -> str:
    return (
        f"the server does not accept key {key.name}: check key name, algorithm "
        f"({key.algorithm}) and secret against the server's key definition"
    )


def _tsig_problem(
    name: str, tsig_failure: dns.exception.DNSException | None, key: TsigKey
) -> str | None:
    """The fix for a TSIG error the server reported (BADKEY, BADSIG, BADTIME), if any."""
    if isinstance(tsig_failure, dns.tsig.PeerBadKey):
        return f"{name}/BADKEY: {_key_fix(key)}"
    if isinstance(tsig_failure, dns.tsig.PeerBadSignature):
        return (
            f"{name}/BADSIG: the server knows key {key.name} but the signature does not verify: "
            "key_secret (or key_algorithm) differs from the server's key"
        )
    if isinstance(tsig_failure, dns.tsig.PeerBadTime):
        return (
            f"{name}/BADTIME: the clocks of this machine and the server differ by more "
            "than the TSIG fudge (300 s): fix the clock"
        )
    return None


def _refusal_problem(
    rcode: dns.rcode.Rcode, zone: str, key: TsigKey, serves_zone: Callable[[], bool | None]
) -> str:
    """NOTAUTH, NOTZONE or REFUSED: a zone the server does not serve, or a key it refuses."""
    name = dns.rcode.to_text(rcode)
    if serves_zone() is False:
        return (
            f"{name}: server does not serve zone {zone}: check zone (the zone apex as configured "
            "on the server, not a sub-domain) and that server is its primary"
        )
    if rcode == dns.rcode.REFUSED:
        return (
            f"REFUSED: the server serves zone {zone} but refuses updates signed "
            f"with key {key.name}: allow this key to update the zone (BIND: update-policy / "
            "allow-update; Knot: an acl with action update)"
        )
    if rcode == dns.rcode.NOTZONE:
        return f"NOTZONE: the record name is outside zone {zone} as the server sees it"
    return f"NOTAUTH: {_key_fix(key)}, and that the key may update zone {zone}"


def rcode_problem(
    rcode: dns.rcode.Rcode,
    tsig_failure: dns.exception.DNSException | None,
    *,
    zone: str,
    key: TsigKey,
    serves_zone: Callable[[], bool | None],
) -> str:
    """The problem and its fix for a refused update; ``serves_zone`` is asked only when an
    rcode could mean either a wrong zone or a refused key."""
    name = dns.rcode.to_text(rcode)
    tsig = _tsig_problem(name, tsig_failure, key)
    if tsig is not None:
        return tsig
    if rcode in (dns.rcode.NOTAUTH, dns.rcode.NOTZONE, dns.rcode.REFUSED):
        return _refusal_problem(rcode, zone, key, serves_zone)
    if rcode == dns.rcode.SERVFAIL:
        return (
            "SERVFAIL: the server could not apply the update; look at its log (zone "
            "loaded? journal or zone file writable?)"
        )
    return f"the server answered {name}"


__all__ = ["rcode_problem"]
