"""The outcome of every stack's last operation, kept in ``WORK/results.json``.

``--only-failed`` reads it to re-run just the stacks that failed. It lives in the work dir,
beside the stacks' config, because it describes this machine's runs; in CI each job runs one
shard and the CI's own "re-run failed jobs" plays this part. The file holds no secret: stack
and tenant names, results, durations, change counts and the first error line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from okta_custom_domain.fleet.protocol import StackResult

SCHEMA_VERSION = 1
_NOISE = frozenset({
    *(f"{word} failed" for word in ("update", "preview", "refresh", "destroy")),
    "Resource monitor has terminated, shutting down",
})  # fmt: skip
"""Pulumi's closing lines after the real error."""
_EXCEPTION = re.compile(r"^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*(?:Error|Exception)): (.+)$")


class ResultsError(ValueError):
    """``--only-failed`` without usable previous results; the message says what to run."""


def load(path: Path) -> dict[str, StackResult]:
    """The stored results by stack name; empty when there is no file yet."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
        return {name: StackResult.from_dict(item) for name, item in data["stacks"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise ResultsError(f"{path}: unreadable previous results ({exc}); delete it") from None


def save(path: Path, results: Iterable[StackResult]) -> None:
    """Merge ``results`` into the file (other stacks keep their last result); atomic write."""
    stored = load(path)
    for result in results:
        stored[result.stack] = result
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "stacks": {name: stored[name].to_dict() for name in sorted(stored)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(document, indent=2) + "\n")
    os.replace(partial, path)


def failed_stacks(path: Path) -> set[str]:
    """Stacks whose last operation failed; refused when nothing was recorded yet."""
    stored = load(path)
    if not stored:
        raise ResultsError(
            f"--only-failed: no previous results in {path}; run the same command without "
            "--only-failed first (or pass the --work-dir of that run)"
        )
    return {name for name, result in stored.items() if not result.ok}


def _exception_after(lines: list[str], start: int) -> str | None:
    """The ``SomeError: message`` line that ends a Python traceback begun at ``start``."""
    for line in lines[start + 1 :]:
        found = _EXCEPTION.match(line)
        if found:
            return f"{found.group(1)}: {found.group(2)}"
    return None


def first_error_line(text: str) -> str:
    """The line that says what went wrong: the first ``error:`` line that is not one of
    Pulumi's closing words ("update failed"...); for a dynamic provider's traceback, the
    exception at its end. Else the last non-empty line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if "error:" not in line:
            continue
        message = line.split("error:", 1)[1].strip()
        if message in _NOISE:
            continue
        if message.startswith("Traceback (most recent call last)"):
            exception = _exception_after(lines, index)
            if exception:
                return exception
            continue
        return message
    return lines[-1] if lines else ""
