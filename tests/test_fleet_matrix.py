"""``fleet matrix``: the shards as a GitHub or GitLab workflow, parsed back with PyYAML."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from fleet_fixtures import tenants, write  # type: ignore[import-not-found]
from okta_custom_domain.cli import main
from okta_custom_domain.fleet.matrix import MatrixError, render
from okta_custom_domain.fleet.placement import place


def matrix(tmp_path: Path, *flags: str, count: int = 5) -> tuple[int, str, str]:
    path = write(tmp_path / "tenants.yaml", tenants(count))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["fleet", "matrix", "--tenants", str(path), *flags])
    return code, out.getvalue(), err.getvalue()


def test_github_workflow_has_one_job_per_tenant_each_running_its_shard(tmp_path: Path) -> None:
    code, text, _ = matrix(tmp_path, "--format", "github")
    assert code == 0
    workflow: dict[str, Any] = yaml.safe_load(text)
    job = workflow["jobs"]["fleet"]
    assert job["strategy"]["matrix"]["include"] == [
        {"shard": i, "stack": f"tenant-t{i:02d}"} for i in range(5)
    ]
    assert job["strategy"]["fail-fast"] is False
    runs = [step["run"] for step in job["steps"] if "run" in step]
    fleet = f"okta-custom-domain fleet up --tenants {tmp_path / 'tenants.yaml'} --shard ${{{{ matrix.shard }}}}"
    assert runs[-1] == fleet
    assert "on" in workflow and "workflow_dispatch" in workflow["on"]
    assert "00fleet-unit-token" not in text, "the tenants file's secrets come from a CI secret"


def test_github_workflow_with_shards_lists_only_non_empty_shards(tmp_path: Path) -> None:
    code, text, _ = matrix(tmp_path, "--format", "github", "--shards", "8", "--parallel", "3", count=5)
    assert code == 0
    job = yaml.safe_load(text)["jobs"]["fleet"]
    assert job["strategy"]["max-parallel"] == 3
    expected = [s for s in place(tenants(5), 8) if s.tenants]
    assert job["strategy"]["matrix"]["include"] == [{"shard": s.index, "stack": s.stack} for s in expected]
    assert "--shards 8 --shard ${{ matrix.shard }}" in job["steps"][-1]["run"]


def test_gitlab_pipeline_has_a_parallel_matrix_of_shards(tmp_path: Path) -> None:
    code, text, _ = matrix(tmp_path, "--format", "gitlab", "--shards", "3", count=9)
    assert code == 0
    pipeline = yaml.safe_load(text)
    job = pipeline["fleet-up"]
    expected = [str(s.index) for s in place(tenants(9), 3) if s.tenants]
    assert job["parallel"]["matrix"] == [{"SHARD": expected}]
    assert job["script"] == ['okta-custom-domain fleet up --tenants "$TENANTS_FILE" --shards 3 --shard "$SHARD"']
    assert pipeline["stages"] == ["fleet"] and job["stage"] == "fleet"


def test_more_shards_than_the_ci_takes_is_refused_with_the_fix() -> None:
    with pytest.raises(MatrixError, match="--shards 200"):
        render("gitlab", place(tenants(201)), "t.yaml", None)


def test_matrix_needs_a_format(tmp_path: Path) -> None:
    code, text, err = matrix(tmp_path)
    assert code == 2 and text == ""
    assert "--format github or --format gitlab" in err
