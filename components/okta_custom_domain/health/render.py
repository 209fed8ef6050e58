"""What ``health`` prints: a table for people, then one line per problem; or one JSON document."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from okta_custom_domain.health.checks import CHECK_NAMES, Level
from okta_custom_domain.health.watch import DomainHealth

SCHEMA_VERSION = 1
_MARK = {Level.OK: "ok", Level.WARNING: "WARN", Level.FAILING: "FAIL"}


def overall(results: Sequence[DomainHealth]) -> Level:
    """The worst level of all domains: the command's exit code."""
    return max((r.level for r in results), default=Level.OK)


def _cell(result: DomainHealth, name: str) -> str:
    check = next((c for c in result.checks if c.name == name), None)
    if check is None:
        return "-"
    days = check.details.get("days_left")
    if name == "certificate" and days is not None:
        return f"{days} days left" if check.level == Level.OK else f"{_MARK[check.level]} {days} d"
    if check.level == Level.OK:
        return check.summary if name == "okta_status" else "ok"
    return _MARK[check.level]


def render_text(results: Sequence[DomainHealth], *, width: int = 120) -> str:
    """The table (one row per domain, one column per check), then each problem in a line."""
    table = Table(box=None, pad_edge=False)
    for column in ("tenant", "domain", *CHECK_NAMES, "health"):
        table.add_column(column, no_wrap=True)
    for result in results:
        cells = [_cell(result, name) for name in CHECK_NAMES]
        table.add_row(result.tenant, result.domain, *cells, result.level.word)
    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False, color_system=None).print(table)
    problems = [
        f"{r.domain}: {c.name}: {_MARK[c.level]}: {c.summary}"
        for r in results
        for c in r.checks
        if c.level != Level.OK
    ]
    verdict = overall(results)
    count = f"{len(results)} domain{'' if len(results) == 1 else 's'}"
    tail = f"{count}: {verdict.word} (exit {int(verdict)})"
    return "\n".join([buffer.getvalue().rstrip(), *problems, tail])


def report_dict(
    results: Sequence[DomainHealth], *, checked_at: datetime, warn_days: int
) -> dict[str, Any]:
    """The JSON document: ``schema_version``, the overall level and exit code, each domain."""
    verdict = overall(results)
    return {
        "schema_version": SCHEMA_VERSION,
        "checked_at": checked_at.isoformat(timespec="seconds"),
        "warn_days": warn_days,
        "level": verdict.word,
        "exit_code": int(verdict),
        "domains": [r.to_dict() for r in results],
    }


__all__ = ["SCHEMA_VERSION", "overall", "render_text", "report_dict"]
