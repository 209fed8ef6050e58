"""How records, servers and values are written in causes: one wording for every rule module.

The record rules (``diagnosis``, ``txt_rules``, ``delegation_rules``) and the doctor quote
records the same way, so a person sees the same row in a cause, a registrar form and a verdict.
"""

from __future__ import annotations

from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.report import RecordReport, ServerAnswer


def relative_or_fqdn(fqdn: str, zone: str | None) -> str:
    """``fqdn`` relative to ``zone`` (what a registrar form wants), or unchanged outside it."""
    if zone and fqdn.endswith("." + zone):
        return fqdn[: -len(zone) - 1]
    return fqdn


def record_row(record: RecordReport) -> str:
    """The record as a person types it: ``TXT `label` = `value```, ``CNAME `label` -> `t```."""
    arrow = "->" if record.record.rtype == "CNAME" else "="
    relative = relative_or_fqdn(record.record.fqdn, record.zone)
    return f"{record.record.rtype} `{relative}` {arrow} `{record.record.value}`"


def with_serials(answers: list[ServerAnswer]) -> str:
    return ", ".join(answer.label_with_serial() for answer in answers)


def hosts(answers: list[ServerAnswer]) -> str:
    return ", ".join(answer.label().split(" ", 1)[0] for answer in answers)


def show(values: list[str]) -> str:
    return ", ".join(repr(value) for value in values) if values else "nothing"


def found_values(bad: list[ServerAnswer]) -> list[str]:
    """Every distinct value the servers without the record answered instead."""
    return sorted({value for a in bad for value in a.answer})


def value_cause(
    code: CauseCode, record: RecordReport, bad: list[ServerAnswer], summary: str, step: str
) -> Cause:
    """A cause about the value a record has: what was expected, what was found."""
    details = {"expected": record.record.value, "found": found_values(bad)}
    return Cause(code, summary, step, record=record.record.label(), details=details)


__all__ = [
    "found_values",
    "hosts",
    "record_row",
    "relative_or_fqdn",
    "show",
    "value_cause",
    "with_serials",
]
