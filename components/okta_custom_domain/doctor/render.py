"""Show findings and the verdict: a compact terminal view and a stable JSON report.

The terminal view is for a person in an incident: who (domain, Okta status), what Okta expects,
what each authoritative server answers (a records x servers table), what the System Log says,
then the verdict and the one next step. Nothing here ever holds a credential: the findings carry
only public data (DNS records are public by nature).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from okta_custom_domain.doctor.findings import LOG_WINDOW, Findings
from okta_custom_domain.doctor.verdict import Verdict
from okta_custom_domain.readiness.report import ServerAnswer

SCHEMA_VERSION = 1
CELL_WIDTH = 28


def _short(text: str, width: int = CELL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def answer_cell(answer: ServerAnswer) -> str:
    """One table cell: ``ok``, ``missing (NXDOMAIN)``, ``REFUSED``, ``other: 'x'``..."""
    if answer.matches:
        return "ok"
    if answer.error is not None:
        return "no answer"
    if answer.rcode in ("REFUSED", "SERVFAIL", "FORMERR", "NOTIMP"):
        return str(answer.rcode)
    if not answer.authoritative:
        return f"{answer.rcode} without AA"
    if answer.answer:
        return "wrong: " + _short(", ".join(answer.answer), CELL_WIDTH - 7)
    if answer.other:
        return _short("instead: " + ", ".join(o.split(" ", 1)[-1] for o in answer.other))
    return "missing" + (f" ({answer.rcode})" if answer.rcode == "NXDOMAIN" else "")


def _records_table(findings: Findings) -> Table | None:
    report = findings.readiness
    if report is None or not report.records:
        return None
    servers: dict[str, int | None] = {}
    for record in report.records:
        for answer in record.servers:
            servers.setdefault(answer.label(), answer.soa_serial)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("record", no_wrap=True)
    for label, serial in servers.items():
        name, _, endpoint = label.partition(" ")
        heading = f"{name}\n{endpoint}" if endpoint else name
        heading += "\nserial " + (str(serial) if serial is not None else "?")
        table.add_column(Text(heading), no_wrap=True)
    for record in report.records:
        name = record.record.fqdn
        if record.zone and name.endswith("." + record.zone):
            name = name[: -len(record.zone) - 1]
        cells = {a.label(): answer_cell(a) for a in record.servers}
        table.add_row(
            Text(f"{record.record.rtype} {name}"),
            *(Text(cells.get(label, "-")) for label in servers),
        )
    return table


def render(findings: Findings, verdict: Verdict, console: Console) -> None:
    """Print one domain's findings and verdict on ``console``."""
    okta = findings.okta

    def line(text: str = "", style: str | None = None) -> None:
        console.print(Text(text, style=style or ""), soft_wrap=True)

    if okta is None:
        line(f"{findings.domain}: not found at Okta", style="bold")
    else:
        line(
            f"{findings.domain}  Okta {okta.id}  {okta.validation_status or '?'}  "
            f"{okta.certificate_source_type or '?'}",
            style="bold",
        )
        if findings.expected:
            line("Okta expects:")
            width = max(len(record.fqdn) for record in findings.expected)
            for record in findings.expected:
                line(f"  {record.rtype:<5} {record.fqdn:<{width}}  {record.value}")
    table = _records_table(findings)
    if table is not None:
        console.print(table)
    report = findings.readiness
    facts = []
    if report is not None:
        if report.negative_cache_seconds is not None:
            facts.append(f"negative caching {report.negative_cache_seconds} s")
        caa = next((r.probes["caa"] for r in report.records if r.probes.get("caa")), None)
        facts.append(f"CAA at {caa['name']}: {'; '.join(caa['records'])}" if caa else "CAA: none")
    for timing in findings.zone_timings:
        facts.append(f"{timing.zone} SOA refresh {timing.refresh} s, retry {timing.retry} s")
    if facts:
        line("  " + " · ".join(facts))
    hours = int(LOG_WINDOW.total_seconds() // 3600)
    if findings.events_read:
        if findings.events:
            line(f"System Log (last {hours} h):")
            for event in findings.events[-8:]:
                action = event.event_type.rsplit(".", 1)[-1]
                reason = f"  {event.reason}" if event.reason else ""
                line(f"  {event.published}  {action} {event.outcome or ''}{reason}")
        else:
            line(f"System Log (last {hours} h): no custom-domain events")
    for note in findings.notes:
        line(f"note: {note}", style="yellow")
    line(f"Verdict [{verdict.code}]: {verdict.summary}", style="bold")
    line(f"Next step: {verdict.next_step}", style="bold green" if verdict.healthy else "bold")


def render_text(
    results: Sequence[tuple[Findings, Verdict]], *, width: int = 110, color: bool = False
) -> str:
    """The terminal view of several domains as plain text (tests, README, non-tty output)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
    )
    for index, (findings, verdict) in enumerate(results):
        if index:
            console.print()
        render(findings, verdict, console)
    return buffer.getvalue()


def domain_dict(
    findings: Findings, verdict: Verdict, verification: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One domain's entry of the JSON report."""
    okta = findings.okta
    return {
        "domain": findings.domain,
        "checked_at": findings.checked_at.isoformat(timespec="seconds"),
        "okta": None
        if okta is None
        else {
            "id": okta.id,
            "validation_status": okta.validation_status,
            "certificate_source_type": okta.certificate_source_type,
            "brand_id": okta.brand_id,
            "dns_records": [
                {
                    "type": r.record_type,
                    "fqdn": r.fqdn,
                    "values": list(r.values),
                    "expiration": r.expiration,
                }
                for r in okta.dns_records
            ],
            "public_certificate": None
            if okta.public_certificate is None
            else {
                "subject": okta.public_certificate.subject,
                "fingerprint": okta.public_certificate.fingerprint,
                "expiration": okta.public_certificate.expiration,
            },
        },
        "expected_records": [r.to_dict() for r in findings.expected],
        "dns": findings.readiness.to_dict() if findings.readiness else None,
        "zone_timings": [t.to_dict() for t in findings.zone_timings],
        "system_log": {
            "read": findings.events_read,
            "window_hours": int(LOG_WINDOW.total_seconds() // 3600),
            "events": [
                {
                    "published": e.published,
                    "event_type": e.event_type,
                    "outcome": e.outcome,
                    "reason": e.reason,
                }
                for e in findings.events
            ],
        },
        "notes": list(findings.notes),
        "verdict": verdict.to_dict(),
        "verification": verification,
        "exit_code": verdict.exit_code,
    }


def report_dict(
    org_url: str,
    entries: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The whole JSON report: ``schema_version``, the org, one entry per domain, the exit code."""
    return {
        "schema_version": SCHEMA_VERSION,
        "org_url": org_url,
        "exit_code": max((int(e["exit_code"]) for e in entries), default=0),
        "domains": list(entries),
    }


__all__ = [
    "SCHEMA_VERSION",
    "answer_cell",
    "domain_dict",
    "render",
    "render_text",
    "report_dict",
]
