"""What a verdict is: a ``VerdictCode``, one sentence, one next step.

Apart from the rules (``verdict``, ``dns_verdict``) so that both can build verdicts and the
CLI can read them without importing any rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class VerdictCode(StrEnum):
    """The doctor's conclusions; the values are the ``verdict.code`` strings of ``--json``."""

    DOMAIN_NOT_FOUND = "domain_not_found"
    COMPLETED = "completed"
    COMPLETED_CNAME_BROKEN = "completed_cname_broken"
    UPLOAD_CERTIFICATE = "upload_certificate"
    CERTIFICATE_PENDING = "certificate_pending"
    DNS_NOT_FOUND = "dns_not_found"
    LAME_SERVER = "lame_server"
    REGISTRAR_APPENDED_ZONE = "registrar_appended_zone"
    WILDCARD_IN_PLACE = "wildcard_in_place"
    CNAME_LOOP = "cname_loop"
    CNAME_CHAIN_TOO_LONG = "cname_chain_too_long"
    CNAME_TARGET_NOT_READY = "cname_target_not_ready"
    NAME_IN_USE = "name_in_use"
    PROXIED_CNAME = "proxied_cname"
    QUOTED_TXT = "quoted_txt"
    TXT_WHITESPACE = "txt_whitespace"
    TXT_REGENERATED = "txt_regenerated"
    WRONG_TXT = "wrong_txt"
    MULTIPLE_TXT = "multiple_txt"
    WRONG_CNAME = "wrong_cname"
    RECORD_MISSING = "record_missing"
    WAIT_FOR_SERVER = "wait_for_server"
    SERVERS_DISAGREE = "servers_disagree"
    CAA_FORBIDS = "caa_forbids"
    DNSSEC_BROKEN = "dnssec_broken"
    NOT_READY = "not_ready"
    VERIFICATION_IN_PROGRESS = "verification_in_progress"
    READY_TO_VERIFY = "ready_to_verify"
    RECREATE_DOMAIN = "recreate_domain"


#: Every verdict code string (derived from the enum, for ``--json`` consumers and tests).
VERDICT_CODES: tuple[str, ...] = tuple(code.value for code in VerdictCode)


@dataclass(frozen=True)
class Verdict:
    """The doctor's conclusion: a stable ``code``, one sentence, one next step."""

    code: VerdictCode
    summary: str
    next_step: str
    healthy: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 healthy or completed, 1 action needed (or only time) before the domain works."""
        return 0 if self.healthy else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "healthy": self.healthy,
            "summary": self.summary,
            "next_step": self.next_step,
            "details": self.details,
        }


__all__ = ["VERDICT_CODES", "Verdict", "VerdictCode"]
