"""CI workflows held against the vendors' published schemas, offline.

``check-jsonschema`` (a test dependency) ships copies of the GitHub-workflow and GitLab-CI
schemas (``--builtin-schema vendor.github-workflows`` / ``vendor.gitlab-ci``); its CLI is run
on the files, so what is checked is what a user running that tool would see. Every test of a
workflow the project prints or shows goes through ``assert_valid``.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from okta_custom_domain.fleet import install_source

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


ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```ya?ml\n(.*?)^```", re.MULTILINE | re.DOTALL)


def workflow_kind(document: object) -> str | None:
    """``github`` for a GitHub workflow, ``gitlab`` for a GitLab pipeline, else None (a
    Pulumi YAML program, a config example)."""
    if not isinstance(document, dict):
        return None
    if "jobs" in document and ("on" in document or True in document):  # YAML 1.1: on -> True
        return "github"
    jobs = [value for value in document.values() if isinstance(value, dict)]
    if "stages" in document or any("script" in job for job in jobs):
        return "gitlab"
    return None


def documented_workflows(paths: Sequence[Path] | None = None) -> dict[str, list[str]]:
    """Every CI workflow shown in README.md and docs/*.md, by kind, as written."""
    if paths is None:
        paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found: dict[str, list[str]] = {"github": [], "gitlab": []}
    for path in paths:
        for block in FENCE.findall(path.read_text()):
            kind = workflow_kind(yaml.safe_load(block))
            if kind is not None:
                found[kind].append(block)
    return found


def shell_lines(workflow: dict[str, Any]) -> list[str]:
    """Every shell line of every job: GitHub ``run`` steps, GitLab ``before_script``/``script``."""
    lines: list[str] = []
    for job in (workflow.get("jobs") or workflow).values():
        if not isinstance(job, dict):
            continue
        lines += [step["run"] for step in job.get("steps", []) if "run" in step]
        lines += job.get("before_script", []) + job.get("script", [])
    return lines


def unpublished_installs(workflow: dict[str, Any]) -> list[str]:
    """The ``pip install`` lines that install the bare, unpublished project name."""
    found = []
    for line in shell_lines(workflow):
        words = shlex.split(line)
        pip = "pip" in words and "install" in words
        if pip and install_source._bare_names(words) and not {"-i", "--index-url"} & set(words):
            found.append(line)
    return found
