"""A CI runner stand-in: a GitHub Actions job's ``run`` steps, or a GitLab job's
``before_script``/``script`` lines, executed in order in a fresh directory, as written.

What a hosted runner provides that cannot run here is replaced by what it provides, and
nothing else is: ``actions/checkout`` (and GitLab's implicit clone) is a copy of the
repository's files; ``actions/setup-python`` (and the ``python:X.Y`` image) is a virtualenv's
``bin`` on PATH, of that Python version; ``pulumi/actions`` (and GitLab's line running Pulumi's
install script) is the toolchain's ``pulumi`` on PATH, of the version the workflow pins, with
the stand-in Python language host next to it (``okta_custom_domain.testing.language_host``:
the toolchain cannot build the real one). Any other ``uses:``, expression or rule is refused,
so a workflow cannot pass by using something the stand-in does not know.
"""

from __future__ import annotations

import functools
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okta_custom_domain.fleet.matrix import PULUMI_INSTALLER

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def checkout(repository: Path, dest: Path) -> Path:
    """The repository's files as a checkout has them: tracked plus new, not ignored ones."""
    listed = subprocess.run(
        ["git", "-C", str(repository), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = repository / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    return dest


@dataclass(frozen=True)
class StepTime:
    """One step (or script line) the stand-in ran or provided, and how long it took."""

    label: str
    seconds: float


class RunnerError(AssertionError):
    """A step failed, or the workflow uses something the stand-in does not provide."""


@dataclass
class RunnerStandIn:
    """One job at a time, each in ``work/<job>/workspace`` (fresh)."""

    repository: Path
    """What the checkout provides."""
    work: Path
    python_bin: Path
    """A virtualenv's ``bin``: what setup-python or the ``python:X.Y`` image provides."""
    pulumi_bin: Path
    """The toolchain's bin dir: what ``pulumi/actions`` or Pulumi's install script provides."""
    host_bin: Path
    """Where the stand-in ``pulumi-language-python`` launcher is."""
    environment: Mapping[str, str]
    """The runner's own environment beyond PATH and HOME (caches, where plugins are)."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """GitHub secrets, or GitLab CI/CD variables (``TENANTS_FILE``: the file's content)."""
    timings: list[StepTime] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    # -- what both vendors share -------------------------------------------------------------

    def _fresh(self, job: str) -> tuple[Path, dict[str, str]]:
        root = self.work / job
        shutil.rmtree(root, ignore_errors=True)
        (root / "home").mkdir(parents=True)
        (root / "workspace").mkdir()  # a runner has it before any checkout
        env = {**self.environment, "HOME": str(root / "home"), "PATH": SYSTEM_PATH, "CI": "true"}
        return root, env

    def _timed(self, label: str, action: Callable[[], Any]) -> Any:
        started = time.monotonic()
        result = action()
        self.timings.append(StepTime(label, time.monotonic() - started))
        return result

    def _provide_checkout(self, root: Path) -> Path:
        return self._timed("checkout (copy of the repository)",
                           lambda: checkout(self.repository, root / "workspace"))  # fmt: skip

    def _provide_python(self, version: str, env: dict[str, str]) -> None:
        found = subprocess.run(
            [str(self.python_bin / "python"), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        if found != version:
            raise RunnerError(f"the workflow wants Python {version}; the stand-in has {found}")
        env["PATH"] = f"{self.python_bin}:{env['PATH']}"

    def _provide_pulumi(self, version: str, env: dict[str, str]) -> None:
        found = subprocess.run([str(self.pulumi_bin / "pulumi"), "version"], capture_output=True,
                               text=True, check=True).stdout.strip().removeprefix("v")  # fmt: skip
        if found != version:
            raise RunnerError(f"the workflow pins Pulumi CLI {version}; the toolchain is {found}")
        env["PATH"] = f"{self.pulumi_bin}:{self.host_bin}:{env['PATH']}"

    def _shell(self, script: str, cwd: Path, env: Mapping[str, str], timeout: float) -> str:
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        self.outputs.append(done.stdout + done.stderr)
        if done.returncode != 0:
            raise RunnerError(
                f"step failed (exit {done.returncode}):\n{script}\n--- output ---\n"
                + (done.stdout + done.stderr)[-6000:]
            )
        return done.stdout

    # -- GitHub Actions ----------------------------------------------------------------------

    def _github_value(self, expression: str, context: Mapping[str, Any]) -> str:
        head, _, key = expression.partition(".")
        if head == "secrets":
            return self.secrets.get(key, "")  # GitHub gives "" for an unset secret
        if head == "matrix" and key in context["matrix"]:
            return str(context["matrix"][key])
        if expression == "github.event_name":
            return str(context["event"])
        raise RunnerError(f"${{{{ {expression} }}}}: not an expression the stand-in knows")

    def _github_text(self, text: Any, context: Mapping[str, Any]) -> str:
        return EXPRESSION.sub(lambda m: self._github_value(m.group(1), context), str(text))

    def _github_if(self, condition: str | None, context: Mapping[str, Any]) -> bool:
        if condition is None:
            return True
        match = re.fullmatch(r"github\.event_name\s*==\s*'([^']*)'", condition.strip())
        if match is None:
            raise RunnerError(f"if: {condition}: not a condition the stand-in knows")
        return match.group(1) == context["event"]

    def _github_uses(self, step: Mapping[str, Any], root: Path, env: dict[str, str]) -> None:
        action, _, _tag = step["uses"].partition("@")
        given = step.get("with", {})
        if action == "actions/checkout":
            self._provide_checkout(root)
        elif action == "actions/setup-python":
            self._timed(step["uses"], lambda: self._provide_python(str(given["python-version"]), env))
        elif action == "pulumi/actions" and "command" not in given:
            self._timed(step["uses"], lambda: self._provide_pulumi(str(given["pulumi-version"]), env))
        else:
            raise RunnerError(f"uses: {step['uses']}: the stand-in does not provide it")

    def github(
        self, workflow: Mapping[Any, Any], job_id: str, *, event: str, matrix: Mapping[str, Any] | None = None
    ) -> Path:
        """Run job ``job_id`` for ``event`` (one ``matrix`` entry); return its workspace."""
        job = workflow["jobs"][job_id]
        context = {"event": event, "matrix": matrix or {}}
        if not self._github_if(job.get("if"), context):
            raise RunnerError(f"job {job_id} does not run on {event}")
        minutes = float(self._github_text(job.get("timeout-minutes", 360), context))
        root, env = self._fresh(job_id)
        scoped = {**workflow.get("env", {}), **job.get("env", {})}
        env.update({k: self._github_text(v, context) for k, v in scoped.items()})
        for step in job["steps"]:
            if not self._github_if(step.get("if"), context):
                continue
            if "uses" in step:
                self._github_uses(step, root, env)
                continue
            step_env = {**env, **{k: self._github_text(v, context) for k, v in step.get("env", {}).items()}}
            script = self._github_text(step["run"], context)
            label = step.get("name") or script.splitlines()[0]
            self._timed(f"run: {label}", functools.partial(self._shell, script, root / "workspace", step_env, minutes * 60))
        return root / "workspace"

    # -- GitLab CI ---------------------------------------------------------------------------

    @staticmethod
    def _gitlab_job(pipeline: Mapping[str, Any], name: str) -> dict[str, Any]:
        job = dict(pipeline[name])
        parent = job.pop("extends", None)
        if parent is not None:
            job = {**pipeline[parent], **job}
        return job

    @staticmethod
    def _gitlab_rule(rule: str, variables: Mapping[str, str]) -> bool:
        match = re.fullmatch(r'\$(\w+) == (?:\$(\w+)|"([^"]*)")', rule.strip())
        if match is None:
            raise RunnerError(f"rules: if: {rule}: not a rule the stand-in knows")
        right = variables.get(match.group(2), "") if match.group(2) else match.group(3)
        return variables.get(match.group(1), "") == right

    @staticmethod
    def _gitlab_seconds(timeout: str) -> float:
        parts = re.findall(r"(\d+)\s*([hm])", timeout)
        return sum(int(n) * (3600 if unit == "h" else 60) for n, unit in parts) or 3600.0

    def _gitlab_line(self, line: str, env: dict[str, str]) -> str:
        """The line as run; Pulumi's install script becomes the toolchain on PATH."""
        if not line.startswith(PULUMI_INSTALLER):
            return line
        version = shlex.split(line)[-1]
        self._timed(f"provided: {line}", lambda: self._provide_pulumi(version, env))
        return f'export PATH="{env["PATH"]}"'

    def gitlab(self, pipeline: Mapping[str, Any], name: str, *, predefined: Mapping[str, str],
               matrix: Mapping[str, str] | None = None) -> Path:  # fmt: skip
        """Run job ``name`` with the predefined CI variables (``CI_COMMIT_BRANCH``...), one
        ``matrix`` entry, and the CI/CD variables in ``secrets``; return its workspace."""
        job = self._gitlab_job(pipeline, name)
        root, env = self._fresh(name)
        variables = {**predefined, **pipeline.get("variables", {}), **job.get("variables", {}), **(matrix or {})}
        rules = job.get("rules", [])
        if rules and not any(self._gitlab_rule(rule["if"], variables) for rule in rules):
            raise RunnerError(f"job {name}: no rule matches {dict(predefined)}")
        image = re.fullmatch(r"python:(\d+\.\d+)", job["image"])
        if image is None:
            raise RunnerError(f"image: {job['image']}: the stand-in provides python:X.Y only")
        self._timed(f"image {job['image']}", lambda: self._provide_python(image.group(1), env))
        workspace = self._provide_checkout(root)
        env.update({k: str(v) for k, v in variables.items()})
        env.update(self._gitlab_secrets(root))
        lines = [self._gitlab_line(line, env) for line in job.get("before_script", []) + job["script"]]
        self._gitlab_script(lines, workspace, env, self._gitlab_seconds(job.get("timeout", "1h")))
        return workspace

    def _gitlab_secrets(self, root: Path) -> dict[str, str]:
        """CI/CD variables; a ``*_FILE`` one is a file variable: its value is the file's path."""
        values = {}
        for key, value in self.secrets.items():
            if key.endswith("_FILE"):
                path = root / "ci-variables" / key
                path.parent.mkdir(exist_ok=True)
                path.write_text(value)
                value = str(path)
            values[key] = value
        return values

    def _gitlab_script(self, lines: list[str], workspace: Path, env: dict[str, str], timeout: float) -> None:
        """All lines in one shell, as GitLab runs them; each line's duration from its marks."""
        marks = workspace.parent / "marks"
        body = ["set -eo pipefail"]
        for index, line in enumerate(lines):
            body += [f'echo "start {index} $(date +%s.%N)" >> {marks}', line,
                     f'echo "end {index} $(date +%s.%N)" >> {marks}']  # fmt: skip
        try:
            self._shell("\n".join(body), workspace, env, timeout)
        finally:
            self._gitlab_marks(marks, lines)

    def _gitlab_marks(self, marks: Path, lines: list[str]) -> None:
        seen: dict[tuple[str, int], float] = {}
        if marks.exists():
            for row in marks.read_text().splitlines():
                kind, number, at = row.split()
                seen[(kind, int(number))] = float(at)
        for index, line in enumerate(lines):
            if ("end", index) in seen:
                self.timings.append(StepTime(f"script: {line}", seen[("end", index)] - seen[("start", index)]))
            elif ("start", index) in seen:
                self.timings.append(StepTime(f"script (failed): {line}", time.time() - seen[("start", index)]))

    def report(self, title: str) -> str:
        """The steps with their times, as the closing note shows them."""
        rows = [f"{title}:"] + [f"  {t.seconds:7.1f} s  {t.label}" for t in self.timings]
        rows.append(f"  {sum(t.seconds for t in self.timings):7.1f} s  total")
        return "\n".join(rows)
