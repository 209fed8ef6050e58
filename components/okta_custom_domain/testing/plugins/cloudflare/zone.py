"""How the Cloudflare double's records show up in a real (Knot) zone, written by RFC 2136.

A Cloudflare record is one resource record; several records may share a name (two TXT values),
so creating adds one RR and deleting removes that RR only. A CNAME owns its name, so creating
one replaces the name's CNAME. ``proxied`` makes Cloudflare answer its own addresses instead of
the record: the double publishes A 192.0.2.1 and AAAA 2001:db8::1 (documentation addresses,
zone data only) so a readiness check sees what a proxied CNAME looks like from outside.
Transport, TSIG and error wording come from ``Rfc2136Writer``; this module only decides RRs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset

from okta_custom_domain.names import normalize_fqdn
from okta_custom_domain.rfc2136.rdata import build_rdataset, join_txt_strings
from okta_custom_domain.rfc2136.writer import Rfc2136Writer
from okta_custom_domain.testing.plugins.cloudflare.config import DoubleZone

SUPPORTED_TYPES: tuple[str, ...] = ("A", "AAAA", "CNAME", "TXT")
PROXIABLE_TYPES: tuple[str, ...] = ("A", "AAAA", "CNAME")
PROXY_ADDRESSES: dict[str, str] = {"A": "192.0.2.1", "AAAA": "2001:db8::1"}
AUTO_TTL = 300  # what Cloudflare serves for ttl=1 ("automatic") and for proxied records


@dataclass(frozen=True)
class ZoneRecord:
    """One Cloudflare record as DNS data: full name, type, content, TTL, proxied."""

    fqdn: str
    rtype: str
    content: str
    ttl: int
    proxied: bool = False

    def published(self) -> list[dns.rdataset.Rdataset]:
        """The RRs this record puts in the zone (proxy addresses when proxied)."""
        ttl = AUTO_TTL if self.proxied or self.ttl == 1 else self.ttl
        if self.proxied:
            return [_rdataset(kind, address, ttl) for kind, address in PROXY_ADDRESSES.items()]
        if self.rtype in ("CNAME", "TXT"):
            return [build_rdataset(self.rtype, [self.content], ttl)]
        return [_rdataset(self.rtype, self.content, ttl)]


def _rdataset(rtype: str, text: str, ttl: int) -> dns.rdataset.Rdataset:
    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), text)
    return dns.rdataset.from_rdata_list(ttl, [rdata])


def record_fqdn(name: str, zone: str) -> str:
    """Cloudflare's reading of ``name``: ``@`` is the apex, a name outside the zone is relative.

    A full name inside the zone is taken as is (even one that carries the zone twice, exactly
    as the API does), so a wrong name from the program lands in DNS where a check can see it.
    """
    text = name.strip()
    if text == "@":
        return zone
    fqdn = normalize_fqdn(text, field="name")
    if fqdn == zone or fqdn.endswith("." + zone):
        return fqdn
    return f"{fqdn}.{zone}"


class ZoneWriter(Rfc2136Writer):
    """Publish, change, withdraw and observe double records in one zone (TCP, TSIG)."""

    @classmethod
    def for_zone(cls, zone: DoubleZone) -> ZoneWriter:
        return cls(zone.server, zone.name, zone.tsig_key(), port=zone.port, timeout=3.0)

    def _relative(self, fqdn: str) -> dns.name.Name:
        return dns.name.from_text(fqdn).relativize(dns.name.from_text(self.zone))

    def change(self, old: ZoneRecord | None, new: ZoneRecord | None) -> None:
        """One signed UPDATE: remove ``old``'s RRs, then add ``new``'s (a CNAME replaces)."""
        update = self._update()
        if old is not None:
            for rdataset in old.published():
                update.delete(self._relative(old.fqdn), rdataset)
        if new is not None:
            for rdataset in new.published():
                if rdataset.rdtype == dns.rdatatype.CNAME:
                    update.delete(self._relative(new.fqdn), dns.rdatatype.CNAME)
                update.add(self._relative(new.fqdn), rdataset)
        target = new or old
        if target is None:
            return
        self._send_update(update, f"update {target.rtype} {target.fqdn}")

    def query(self, fqdn: str, rtype: str) -> dns.rrset.RRset | None:
        """The ``rtype`` RRset the server answers at ``fqdn`` (None when there is none)."""
        name = dns.name.from_text(fqdn)
        query = dns.message.make_query(name, rtype)
        action = f"query {rtype} {fqdn}"
        reply = self._parse_plain(self._exchange(query.to_wire(), action), query, action)
        rdtype = dns.rdatatype.from_text(rtype)
        return next((r for r in reply.answer if r.name == name and r.rdtype == rdtype), None)

    def observe(self, record: ZoneRecord) -> ZoneRecord | None:
        """What the zone says about ``record`` now, for a refresh; None when it is gone."""
        if record.rtype in PROXIABLE_TYPES:
            proxy = self.query(record.fqdn, "A")
            if proxy is not None and PROXY_ADDRESSES["A"] in zone_values(proxy):
                return replace(record, proxied=True)
        answer = self.query(record.fqdn, record.rtype)
        if answer is None:
            return None
        values = zone_values(answer)
        same = {v.lower() for v in values} if record.rtype == "CNAME" else set(values)
        wanted = record.content.lower() if record.rtype == "CNAME" else record.content
        ttl = record.ttl if record.ttl == 1 else int(answer.ttl)
        if wanted in same:
            return replace(record, proxied=False, ttl=ttl)
        if len(values) == 1:  # edited out of band: this record's content changed
            return replace(record, content=values[0], proxied=False, ttl=ttl)
        return None


def zone_values(rrset: dns.rrset.RRset) -> list[str]:
    """Record contents as Cloudflare shows them (TXT joined, names without the final dot)."""
    if rrset.rdtype == dns.rdatatype.TXT:
        return [join_txt_strings(rd.strings) for rd in rrset]
    if rrset.rdtype == dns.rdatatype.CNAME:
        return [rd.target.to_text(omit_final_dot=True) for rd in rrset]
    return [rd.to_text() for rd in rrset]
