"""CI workflows held against the vendors' published schemas, offline.

``check-jsonschema`` (a test dependency) ships copies of the GitHub-workflow and GitLab-CI
schemas (``--builtin-schema vendor.github-workflows`` / ``vendor.gitlab-ci``); its CLI is run
on the files, so what is checked is what a user running that tool would see. Every test of a
workflow the project prints or shows goes through ``assert_valid``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}


def schema_errors(kind: str, texts: Sequence[str], work: Path) -> str:
    """What check-jsonschema says of ``texts`` (YAML documents) against the ``kind`` schema:
    ``""`` when every one is valid."""
    work.mkdir(parents=True, exist_ok=True)
    files = []
    for index, text in enumerate(texts):
        path = work / f"{kind}-{index}.yaml"
        path.write_text(text)
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", SCHEMAS[kind], *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return "" if done.returncode == 0 else done.stdout + done.stderr


def assert_valid(kind: str, texts: Sequence[str], work: Path) -> None:
    errors = schema_errors(kind, texts, work)
    assert errors == "", f"not a valid {kind} workflow:\n{errors}"
