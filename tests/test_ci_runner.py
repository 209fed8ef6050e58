"""The CI runner stand-in refuses what it does not provide (tests/ci_runner.py), so a workflow
cannot pass its engine test by leaning on an action, expression, rule or version it fakes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from ci_runner import RunnerError, RunnerStandIn  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[1]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def runner(tmp_path: Path) -> RunnerStandIn:
    fake_pulumi = tmp_path / "pulumi-bin"
    fake_pulumi.mkdir(exist_ok=True)
    (fake_pulumi / "pulumi").write_text("#!/bin/sh\necho v3.277.0\n")
    (fake_pulumi / "pulumi").chmod(0o755)
    return RunnerStandIn(ROOT, tmp_path / "runs", Path(sys.executable).parent, fake_pulumi,
                         tmp_path / "host", {}, {"TOKEN": "s3cr3t"})  # fmt: skip


def workflow(*steps: dict[str, Any], **job: Any) -> dict[str, Any]:
    return {"on": {"push": {}}, "jobs": {"j": {"runs-on": "ubuntu-24.04", **job, "steps": list(steps)}}}


def test_run_steps_see_secrets_matrix_and_the_provided_tools(tmp_path: Path) -> None:
    stand_in = runner(tmp_path)
    flow = workflow(
        {"uses": "actions/setup-python@v5.6.0", "with": {"python-version": PYTHON}},
        {"uses": "pulumi/actions@v6.6.1", "with": {"pulumi-version": "3.277.0"}},
        {"run": 'echo "$T ${{ matrix.k }} $(pulumi version)" > out.txt', "env": {"T": "${{ secrets.TOKEN }}"}},
        {"if": "github.event_name == 'pull_request'", "run": "false"},
    )
    workspace = stand_in.github(flow, "j", event="push", matrix={"k": 7})
    assert (workspace / "out.txt").read_text() == "s3cr3t 7 v3.277.0\n"
    assert [t.label for t in stand_in.timings][-1] == "run: echo \"$T 7 $(pulumi version)\" > out.txt"


@pytest.mark.parametrize(("step", "error"), [
    ({"uses": "actions/cache@v4.2.0"}, "does not provide it"),
    ({"uses": "pulumi/actions@v6.6.1", "with": {"command": "up", "pulumi-version": "3.277.0"}}, "does not provide it"),
    ({"uses": "pulumi/actions@v6.6.1", "with": {"pulumi-version": "3.200.0"}}, "the toolchain is 3.277.0"),
    ({"uses": "actions/setup-python@v5.6.0", "with": {"python-version": "2.7"}}, "wants Python 2.7"),
    ({"run": "echo ${{ github.sha }}"}, "not an expression"),
    ({"if": "always()", "run": "true"}, "not a condition"),
    ({"run": "exit 3"}, "exit 3"),
])  # fmt: skip
def test_what_it_does_not_provide_fails_the_job(tmp_path: Path, step: dict[str, Any], error: str) -> None:
    with pytest.raises(RunnerError, match=error):
        runner(tmp_path).github(workflow(step), "j", event="push")


def test_gitlab_rules_images_and_the_installer_line(tmp_path: Path) -> None:
    pipeline: dict[str, Any] = {".base": {"image": f"python:{PYTHON}", "before_script": [
        "curl -fsSL https://get.pulumi.com | sh -s -- --version 3.277.0"]},
        "job": {"extends": ".base", "rules": [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}],
                "script": ['pulumi version > out.txt', 'echo "$TOKEN" >> out.txt']}}  # fmt: skip
    main = {"CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    workspace = runner(tmp_path).gitlab(pipeline, "job", predefined=main)
    assert (workspace / "out.txt").read_text() == "v3.277.0\ns3cr3t\n"
    with pytest.raises(RunnerError, match="no rule matches"):
        runner(tmp_path).gitlab(pipeline, "job", predefined={**main, "CI_COMMIT_BRANCH": "feature"})
    with pytest.raises(RunnerError, match=r"provides python:X\.Y only"):
        runner(tmp_path).gitlab({**pipeline, "job": {**pipeline["job"], "image": "node:22"}}, "job", predefined=main)
    with pytest.raises(RunnerError, match="not a rule"):
        runner(tmp_path).gitlab({**pipeline, "job": {**pipeline["job"], "rules": [{"if": "$A =~ /x/"}]}},
                                "job", predefined=main)
