"""One server's reply in the report's terms: the values found, anything else, and a verdict.

The checker's polls and its follow-up probes read replies the same way, so the reading lives
here once and the checker only decides what to ask.
"""

from __future__ import annotations

import dns.name
import dns.rcode
import dns.rdatatype

from okta_custom_domain.readiness.cname_chain import chain_in_reply
from okta_custom_domain.readiness.discovery import NameServer
from okta_custom_domain.readiness.query import QueryResult
from okta_custom_domain.readiness.records import ExpectedRecord
from okta_custom_domain.readiness.report import ServerAnswer


def _txt_values(result: QueryResult) -> list[str]:
    """The TXT strings at the query name, or at the end of the CNAME chain the reply shows."""
    if result.reply is None:
        return []
    qname = dns.name.from_text(chain_in_reply(result.reply, result.qname).target)
    values = []
    for rrset in result.reply.answer:
        if rrset.rdtype == dns.rdatatype.TXT and rrset.name == qname:
            for rdata in rrset:
                joined = b"".join(rdata.strings)
                values.append(joined.decode("utf-8", errors="backslashreplace"))
    return values


def _cname_values(result: QueryResult) -> list[str]:
    return [
        dns.name.from_text(text).to_text(omit_final_dot=True).lower()
        for text in result.answer_texts("CNAME")
    ]


def record_values(rtype: str, result: QueryResult) -> list[str]:
    """The CNAME targets or TXT strings of ``result``, normalised as records compare them."""
    return _cname_values(result) if rtype == "CNAME" else _txt_values(result)


def _other_answers(result: QueryResult, rdtype: str) -> list[str]:
    if result.reply is None:
        return []
    wanted = dns.rdatatype.from_text(rdtype)
    return [
        f"{rrset.name.to_text(omit_final_dot=True)} {dns.rdatatype.to_text(rrset.rdtype)} "
        f"{rdata.to_text()}"
        for rrset in result.reply.answer
        if rrset.rdtype != wanted
        for rdata in rrset
    ]


def server_answer(
    record: ExpectedRecord, server: NameServer, result: QueryResult, serial: int | None
) -> ServerAnswer:
    """Turn one query result into the report's view, deciding whether it matches."""
    values = record_values(record.rtype, result)
    chain = chain_in_reply(result.reply, record.fqdn) if record.rtype == "TXT" else None
    matches = (
        result.reply is not None
        and result.reply.rcode() == dns.rcode.NOERROR
        and result.authoritative
        and values == [record.value]
    )
    return ServerAnswer(
        nameserver=server.name,
        address=server.address,
        port=server.port,
        rcode=result.rcode,
        authoritative=result.authoritative,
        answer=values,
        other=_other_answers(result, record.rtype),
        soa_serial=serial,
        elapsed_ms=result.elapsed_ms,
        error=result.error,
        error_kind=result.error_kind,
        cname_chain=list(chain.names[1:]) if chain else [],
        tcp=result.tcp,
        matches=matches,
    )
