"""What keeps records from being ready: a cause code (an enum) and a cause (facts + next step).

One definition shared by the readiness check, its CLI and the doctor, so a code, its priority
and its wording exist in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CauseCode(StrEnum):
    """Why records are not ready. Declaration order is the priority: most blocking first.

    The values are the stable strings of ``--json`` and of the doctor's details.
    """

    DISCOVERY_FAILED = "discovery_failed"
    REFUSED = "refused"
    NOT_AUTHORITATIVE = "not_authoritative"
    SERVFAIL = "servfail"
    CONNECTION_REFUSED = "connection_refused"
    TIMEOUT = "timeout"
    NAMESERVER_UNRESOLVABLE = "nameserver_unresolvable"
    CNAME_LOOP = "cname_loop"
    CNAME_CHAIN_TOO_LONG = "cname_chain_too_long"
    CNAME_TARGET_NOT_READY = "cname_target_not_ready"
    ZONE_APPENDED_TWICE = "zone_appended_twice"
    WILDCARD_IN_PLACE = "wildcard_in_place"
    NAME_IN_USE = "name_in_use"
    PROXIED_CNAME = "proxied_cname"
    QUOTED_TXT = "quoted_txt"
    TXT_WHITESPACE = "txt_whitespace"
    WRONG_VALUE = "wrong_value"
    MULTIPLE_TXT = "multiple_txt"
    MISSING_EVERYWHERE = "missing_everywhere"
    LAGGING_SERVER = "lagging_server"
    CAA_FORBIDS = "caa_forbids"
    DNSSEC_BROKEN = "dnssec_broken"
    NOT_READY = "not_ready"

    @property
    def priority(self) -> int:
        """0 for the most blocking cause; derived from the declaration order."""
        return list(CauseCode).index(self)

    @property
    def lame_server(self) -> bool:
        """A name server does not serve the zone: every other check on it is meaningless."""
        return self in _LAME


_LAME = frozenset(
    {
        CauseCode.REFUSED,
        CauseCode.NOT_AUTHORITATIVE,
        CauseCode.SERVFAIL,
        CauseCode.CONNECTION_REFUSED,
        CauseCode.TIMEOUT,
        CauseCode.NAMESERVER_UNRESOLVABLE,
    }
)


@dataclass(init=False)
class Cause:
    """One reason the records are not ready: its facts (``summary``) and its ``next_step``.

    ``next_step`` is an imperative without a final period (the doctor shows it as is);
    ``message`` joins both into the sentence the readiness check prints.
    """

    code: CauseCode
    summary: str
    next_step: str = ""
    record: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        code: CauseCode | str,
        summary: str,
        next_step: str = "",
        record: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.code = CauseCode(code)  # a bare string still works, but must be a known code
        self.summary = summary
        self.next_step = next_step
        self.record = record
        self.details = {} if details is None else details

    @property
    def message(self) -> str:
        """The facts, then the next step as a sentence."""
        if not self.next_step:
            return self.summary
        return f"{self.summary} {self.next_step[0].upper()}{self.next_step[1:]}."

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a cause (unchanged keys: ``code``, ``message``, ...)."""
        return {
            "code": self.code.value,
            "message": self.message,
            "record": self.record,
            "details": self.details,
        }


def by_priority(causes: list[Cause]) -> Cause | None:
    """The most blocking of ``causes`` (the first one among equals), or None."""
    return min(causes, key=lambda cause: cause.code.priority, default=None)


__all__ = ["Cause", "CauseCode", "by_priority"]
