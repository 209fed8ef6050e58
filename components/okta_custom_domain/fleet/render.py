"""What a person sees: live progress per stack, then a summary table; or one JSON document.

On a terminal the progress is a live table (state, time, the CLI's latest line per stack); in
a log (CI, a pipe) it is one line per stack start, phase and end, so parallel stacks do not
interleave hundreds of lines. The full output of each stack is in its log file.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from okta_custom_domain.fleet.protocol import StackResult

SCHEMA_VERSION = 1
ERROR_WIDTH = 120


@dataclass
class _Row:
    tenants: str
    state: str = "queued"
    started: float | None = None
    ended: float | None = None
    last: str = ""


@dataclass
class Progress:
    """Receives the runner's events (from its threads) and shows them."""

    console: Console
    rows: dict[str, _Row] = field(default_factory=dict)
    live: Live | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, stack: str, tenants: Sequence[str]) -> None:
        self.rows[stack] = _Row(", ".join(tenants) or "(pruned)")

    def __call__(self, stack: str, event: dict[str, Any]) -> None:
        with self._lock:
            row = self.rows.setdefault(stack, _Row(""))
            kind = event["event"]
            if kind == "start":
                row.state, row.started = "starting", time.time()
            elif kind == "phase":
                row.state = str(event["text"])
            elif kind in ("line", "note") and str(event.get("text", "")).strip():
                row.last = str(event["text"]).strip()
            elif kind == "done":
                row.state, row.ended = str(event["result"]["result"]), time.time()
            self._show(stack, row, kind)

    def _show(self, stack: str, row: _Row, kind: str) -> None:
        if kind == "note":  # said once, above the live table or in the log
            self.console.print(escape(row.last))
        if self.live is not None:
            self.live.update(self.table())
        elif kind in ("start", "phase", "done"):
            self.console.print(f"{escape(stack)}: {escape(row.state)}{_took(row)}")

    def table(self) -> Table:
        table = Table(box=None, pad_edge=False)
        for column in ("stack", "tenants", "state", "time", "latest"):
            table.add_column(column, no_wrap=column != "latest", overflow="ellipsis")
        for stack, row in self.rows.items():
            table.add_row(stack, row.tenants, row.state, _took(row).strip(" ()"), row.last[:100])
        return table


def _took(row: _Row) -> str:
    if row.started is None:
        return ""
    return f" ({(row.ended or time.time()) - row.started:.0f} s)"


def _changes(changes: dict[str, int]) -> str:
    shown = {k: v for k, v in sorted(changes.items()) if v and k != "same"}
    return ", ".join(f"{k} {v}" for k, v in shown.items()) or "none"


def summary(results: Sequence[StackResult], orphans: Sequence[str]) -> Table:
    """stack, tenants, result, duration, changes, the first error line."""
    table = Table(title="fleet summary", title_justify="left")
    for column in ("stack", "tenants", "result", "duration", "changes", "error"):
        table.add_column(column, overflow="fold")
    for r in results:
        style = "green" if r.ok else "red"
        table.add_row(
            r.stack, ", ".join(r.tenants) or "(pruned)", f"[{style}]{r.result}[/]",
            f"{r.duration:.1f} s", _changes(r.changes), escape(r.error[:ERROR_WIDTH]),
        )  # fmt: skip
    for stack in orphans:
        table.add_row(
            stack, "(none)", "[yellow]orphaned[/]", "", "",
            "no listed tenant maps to this stack; --prune destroys it",
        )  # fmt: skip
    return table


def document(
    operation: str, parallel: int, results: Sequence[StackResult], orphans: Sequence[str],
    results_file: str,
) -> dict[str, Any]:  # fmt: skip
    """The ``--json`` document (``schema_version`` 1)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "operation": operation,
        "parallel": parallel,
        "exit_code": exit_code(results),
        "stacks": [r.to_dict() for r in results],
        "orphans": list(orphans),
        "results_file": results_file,
    }


def exit_code(results: Sequence[StackResult]) -> int:
    """0 when every stack succeeded (or none ran), 1 when any failed."""
    return 0 if all(r.ok for r in results) else 1


def print_json(data: dict[str, Any]) -> None:
    """Plain ``json.dumps`` on stdout (no colour codes, so a pipe gets valid JSON)."""
    print(json.dumps(data, indent=2))
