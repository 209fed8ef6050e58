"""``fleet matrix --health``: a scheduled job running ``health``, parsed back with PyYAML, its
command parsed by the CLI's own parser (so the job cannot call a flag that does not exist)."""

from __future__ import annotations

import contextlib
import io
import shlex
from pathlib import Path
from typing import Any

import yaml
from ci_schemas import assert_valid, unpublished_installs  # type: ignore[import-not-found]
from fleet_fixtures import tenants, write  # type: ignore[import-not-found]
from okta_custom_domain.cli import build_parser, main


def workflow(tmp_path: Path, *flags: str) -> tuple[int, str, str]:
    path = write(tmp_path / "tenants.yaml", tenants(3))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["fleet", "matrix", "--health", "--tenants", str(path), *flags])
    return code, out.getvalue(), err.getvalue()


def parsed_command(run: str) -> Any:
    words = shlex.split(run)
    assert words[0] == "okta-custom-domain"
    return build_parser().parse_args(words[1:])


def test_github_health_job_runs_daily_over_the_tenants_file(tmp_path: Path) -> None:
    code, text, _ = workflow(tmp_path, "--format", "github", "--warn-days", "30")
    assert code == 0
    document: dict[str, Any] = yaml.safe_load(text)
    assert document["on"]["schedule"] == [{"cron": "17 6 * * *"}]
    assert "workflow_dispatch" in document["on"]
    runs = [step["run"] for step in document["jobs"]["health"]["steps"] if "run" in step]
    args = parsed_command(runs[-1])
    assert (args.command, args.tenants, args.warn_days) == (
        "health", tmp_path / "tenants.yaml", 30
    )  # fmt: skip
    assert "00fleet-unit-token" not in text, "the tenants file's secrets come from a CI secret"


def test_gitlab_health_job_runs_in_scheduled_pipelines(tmp_path: Path) -> None:
    code, text, _ = workflow(tmp_path, "--format", "gitlab")
    assert code == 0
    job = yaml.safe_load(text)["health"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    args = parsed_command(job["script"][-1].replace('"$TENANTS_FILE"', "tenants.yaml"))
    assert (args.command, args.warn_days) == ("health", 21)


def test_a_schedule_that_is_not_cron_is_refused(tmp_path: Path) -> None:
    code, text, err = workflow(tmp_path, "--format", "github", "--schedule", "daily")
    assert code == 2 and text == ""
    assert "--schedule 'daily': give a cron line of 5 fields" in err


def test_health_jobs_are_valid_and_install_what_exists(tmp_path: Path) -> None:
    for fmt in ("github", "gitlab"):
        code, text, _ = workflow(tmp_path, "--format", fmt)
        assert code == 0
        assert unpublished_installs(yaml.safe_load(text)) == [], text
        assert "python -m pip install -c .ci/constraints.txt ." in text  # this checkout
        assert_valid(fmt, [text], tmp_path / "schemas")


def test_health_job_outside_a_checkout_needs_install(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with contextlib.chdir(elsewhere):
        code, text, err = workflow(tmp_path, "--format", "github")
    assert code == 2 and text == "" and "--install" in err
