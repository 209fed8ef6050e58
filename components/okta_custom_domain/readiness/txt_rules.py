"""TXT values that are nearly right: quotes or spaces around the value, or several values.

Told apart from a stale value (``diagnosis._wrong_value``) because the fix differs: a stale
value needs Okta's new one, a pasted value with quotes or a stray space needs retyping only.
"""

from __future__ import annotations

from okta_custom_domain.readiness.cause import Cause, CauseCode
from okta_custom_domain.readiness.report import RecordReport, ServerAnswer
from okta_custom_domain.readiness.wording import found_values, relative_or_fqdn, show, value_cause

QUOTES = "\"'"


def _spaces(value: str) -> list[str]:
    """Where ``value`` has stray whitespace: ``["at the start", "at the end"]`` or fewer."""
    places = []
    if value != value.lstrip():
        places.append("at the start")
    if value != value.rstrip():
        places.append("at the end")
    return places


def _unwrapped(value: str) -> str:
    """``value`` without the spaces and quotes a paste can add around it."""
    return value.strip().strip(QUOTES).strip()


def _mistakes(value: str) -> list[str]:
    """What a paste added around the value: quote characters, a space at the start/end."""
    inner = value.strip().strip(QUOTES)
    mistakes = [f"a space {place}" for place in _spaces(value) + _spaces(inner)]
    if value.strip() != inner:
        mistakes.insert(0, "literal quote characters")
    return list(dict.fromkeys(mistakes))


def _what(mistakes: list[str]) -> str:
    """``quotes``, ``the space`` or ``quotes or spaces``: what to leave out when retyping."""
    quoted = "literal quote characters" in mistakes
    spaced = len(mistakes) > (1 if quoted else 0)
    if quoted and spaced:
        return "quotes or spaces"
    return "quotes" if quoted else "the space" if len(mistakes) == 1 else "the spaces"


def pasted_txt(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """The expected value wrapped in quotes and/or spaces: retype it, it is not stale."""
    expected = record.record.value
    wrapped = [v for v in found_values(bad) if v != expected and _unwrapped(v) == expected]
    if record.record.rtype != "TXT" or not wrapped:
        return None
    mistakes = _mistakes(wrapped[0])
    quoted = "literal quote characters" in mistakes
    return value_cause(
        CauseCode.QUOTED_TXT if quoted else CauseCode.TXT_WHITESPACE,
        record,
        bad,
        f"{record.record.label()} contains {' and '.join(mistakes)}: found {show(wrapped)}, "
        f"expected {expected!r}. The value is right otherwise; your DNS provider stored "
        "what was pasted around it.",
        f"enter the TXT value without {_what(mistakes)}: `{expected}`",
    )


def multiple_txt(
    record: RecordReport, good: list[ServerAnswer], bad: list[ServerAnswer]
) -> Cause | None:
    """Several TXT values at the name, the expected one among them or not."""
    found, expected = found_values(bad), record.record.value
    if record.record.rtype != "TXT" or len(found) < 2:
        return None
    among = (
        f"the expected {expected!r} is among them"
        if expected in found
        else f"none is the expected {expected!r}"
    )
    return value_cause(
        CauseCode.MULTIPLE_TXT,
        record,
        bad,
        f"{record.record.label()} has {len(found)} TXT values ({show(found)}); {among}.",
        f"delete the other TXT values at `{relative_or_fqdn(record.record.fqdn, record.zone)}`; "
        f"keep only `{expected}`",
    )


__all__ = ["multiple_txt", "pasted_txt"]
