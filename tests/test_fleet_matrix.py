"""``fleet matrix``: the shards as a GitHub or GitLab workflow, parsed back with PyYAML and held
against the vendors' schemas; what the jobs install, pin, lock and how long they may run."""

from __future__ import annotations

import base64
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_schemas import (  # type: ignore[import-not-found]
    assert_valid,
    documented_workflows,
    schema_errors,
    shell_lines,
    unpublished_installs,
)
from fleet_fixtures import tenants, write  # type: ignore[import-not-found]
from okta_custom_domain.cli import main
from okta_custom_domain.fleet import install_source
from okta_custom_domain.fleet.install_source import InstallError, InstallStep
from okta_custom_domain.fleet.matrix import MatrixError, render
from okta_custom_domain.fleet.placement import place
from okta_custom_domain.toolchain import pinned_cli_version

ROOT = Path(__file__).resolve().parents[1]
CHECKOUT_INSTALL = "python -m pip install -c .ci/constraints.txt ."
GIT_TAG = "okta-custom-domain @ git+https://github.com/example/okta-custom-domain@v0.1.0"


def matrix(tmp_path: Path, *flags: str, count: int = 5, cwd: Path = ROOT) -> tuple[int, str, str]:
    path = write(tmp_path / "tenants.yaml", tenants(count))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["fleet", "matrix", "--tenants", str(path), *flags])
    return code, out.getvalue(), err.getvalue()


def test_the_unpublished_name_check_can_fail() -> None:
    old = {"fleet-up": {"before_script": ["pip install okta-custom-domain"], "script": ["true"]}}
    assert unpublished_installs(old) == ["pip install okta-custom-domain"]
    gh = {"jobs": {"j": {"steps": [{"run": "python -m pip install 'okta_custom_domain>=0.1'"}]}}}
    assert unpublished_installs(gh) != []
    assert unpublished_installs({"jobs": {"j": {"steps": [{"run": CHECKOUT_INSTALL}]}}}) == []


def test_github_workflow_has_one_job_per_tenant_each_running_its_shard(tmp_path: Path) -> None:
    code, text, _ = matrix(tmp_path, "--format", "github")
    assert code == 0
    workflow: dict[str, Any] = yaml.safe_load(text)
    job = workflow["jobs"]["fleet"]
    assert [(e["shard"], e["stack"]) for e in job["strategy"]["matrix"]["include"]] == [
        (i, f"tenant-t{i:02d}") for i in range(5)
    ]
    assert job["strategy"]["fail-fast"] is False
    runs = [step["run"] for step in job["steps"] if "run" in step]
    fleet = f"okta-custom-domain fleet up --tenants {tmp_path / 'tenants.yaml'} --shard ${{{{ matrix.shard }}}}"
    assert runs[-1] == fleet
    assert "on" in workflow and "workflow_dispatch" in workflow["on"]
    assert "00fleet-unit-token" not in text, "the tenants file's secrets come from a CI secret"


def test_inside_this_checkout_the_jobs_install_the_checkout(tmp_path: Path) -> None:
    for fmt in ("github", "gitlab"):
        code, text, _ = matrix(tmp_path, "--format", fmt)
        assert code == 0
        workflow = yaml.safe_load(text)
        assert CHECKOUT_INSTALL in shell_lines(workflow)
        assert unpublished_installs(workflow) == []
    steps = yaml.safe_load(matrix(tmp_path, "--format", "github")[1])["jobs"]["fleet"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4.2.2"}, "the checkout is there to install"


def test_outside_a_checkout_without_install_is_refused_naming_install(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for fmt in ("github", "gitlab"):
        code, text, err = matrix(tmp_path, "--format", fmt, cwd=elsewhere)
        assert code == 2 and text == ""
        assert "--install" in err and "not run inside a checkout of okta-custom-domain" in err


def test_install_is_used_as_given_outside_a_checkout(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for fmt in ("github", "gitlab"):
        code, text, err = matrix(tmp_path, "--format", fmt, "--install", GIT_TAG, cwd=elsewhere)
        assert code == 0, err
        workflow = yaml.safe_load(text)
        assert f"python -m pip install '{GIT_TAG}'" in shell_lines(workflow)
        assert unpublished_installs(workflow) == []
        assert_valid(fmt, [text], tmp_path / "schemas")


@pytest.mark.parametrize("given", ["okta-custom-domain", "okta_custom_domain==0.1.0",
                                   "--extra-index-url https://pypi.example.test/simple okta-custom-domain"])  # fmt: skip
def test_the_bare_unpublished_name_is_refused(tmp_path: Path, given: str) -> None:
    code, text, err = matrix(tmp_path, "--format", "github", "--install", given)
    assert code == 2 and text == ""
    assert "--install: " in err and "no package of that name is published" in err
    with pytest.raises(InstallError) as raised:
        install_source.from_requirement(given)
    assert raised.value.field == "--install"


def test_the_name_from_an_index_of_ones_own_wheels_and_paths_are_accepted() -> None:
    own = install_source.from_requirement("--index-url https://pypi.example.test/simple okta-custom-domain==0.1.0")
    assert own.command == "python -m pip install --index-url https://pypi.example.test/simple okta-custom-domain==0.1.0"
    wheel = "https://example.test/okta_custom_domain-0.1.0-py3-none-any.whl"
    assert install_source.from_requirement(wheel).command == f"python -m pip install {wheel}"
    assert install_source.from_requirement("/tmp/x/okta_custom_domain-0.1.0-py3-none-any.whl")


def test_a_checkout_in_a_subdirectory_of_a_repository_installs_that_directory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "infra" / "okta"
    (project / ".ci").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "Okta_Custom.Domain"\n')
    (project / ".ci" / "constraints.txt").write_text("pulumi==3.272.0\n")
    step = install_source.resolve(None, project / ".ci")
    assert step.command == "python -m pip install -c infra/okta/.ci/constraints.txt ./infra/okta"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    with pytest.raises(InstallError, match="--install"):
        install_source.resolve(None, tmp_path / "other")


def test_actions_python_and_the_pulumi_cli_are_pinned(tmp_path: Path) -> None:
    steps = yaml.safe_load(matrix(tmp_path, "--format", "github")[1])["jobs"]["fleet"]["steps"]
    uses = [step for step in steps if "uses" in step]
    assert [step["uses"].split("@")[0] for step in uses] == ["actions/checkout", "actions/setup-python", "pulumi/actions"]
    assert all(re.fullmatch(r"[\w/-]+@v\d+\.\d+\.\d+", step["uses"]) for step in uses), uses
    assert uses[1]["with"] == {"python-version": "3.11"}
    assert uses[2]["with"] == {"pulumi-version": pinned_cli_version()}
    assert pinned_cli_version() == "3.277.0"  # the pin at the top of scripts/pulumi-toolchain
    job = yaml.safe_load(matrix(tmp_path, "--format", "gitlab")[1])["fleet-up"]
    assert job["image"] == "python:3.11"
    assert job["before_script"][0] == f"curl -fsSL https://get.pulumi.com | sh -s -- --version {pinned_cli_version()}"


def test_one_run_per_stack_at_a_time(tmp_path: Path) -> None:
    job = yaml.safe_load(matrix(tmp_path, "--format", "github")[1])["jobs"]["fleet"]
    assert job["concurrency"] == {"group": "okta-custom-domain-${{ matrix.stack }}", "cancel-in-progress": False}
    lab = yaml.safe_load(matrix(tmp_path, "--format", "gitlab", "--shards", "3", count=9)[1])["fleet-up"]
    assert lab["resource_group"] == "okta-custom-domain-$STACK"
    expected = [{"SHARD": str(s.index), "STACK": s.stack} for s in place(tenants(9), 3) if s.tenants]
    assert lab["parallel"]["matrix"] == expected


def with_waits(entries: list[dict[str, Any]], readiness: float, verification: float) -> list[dict[str, Any]]:
    for entry in entries:
        for domain in entry["domains"]:
            domain["dns"] = {"type": "rfc2136", "server": "127.0.0.1", "zone": domain["dns"]["zone"],
                             "keyName": "ci-key", "keySecret": base64.b64encode(bytes(range(32))).decode()}
            domain["readiness"] = {"timeout": readiness}
            domain["verification"] = {"timeout": verification}
    return entries


def test_job_timeouts_follow_the_configured_waits(tmp_path: Path) -> None:
    job = yaml.safe_load(matrix(tmp_path, "--format", "github")[1])["jobs"]["fleet"]
    assert job["timeout-minutes"] == "${{ matrix.timeout }}"
    # registrar rows: 4 h of readiness + 30 min of verification + 15 min margin
    assert {e["timeout"] for e in job["strategy"]["matrix"]["include"]} == {285}
    assert yaml.safe_load(matrix(tmp_path, "--format", "gitlab")[1])["fleet-up"]["timeout"] == "4h 45m"
    quick = with_waits(tenants(3), readiness=600, verification=900)
    shards = place(quick)
    one = InstallStep("install", CHECKOUT_INSTALL)
    text = render("github", shards, "t.yaml", None, install=one)
    include = yaml.safe_load(text)["jobs"]["fleet"]["strategy"]["matrix"]["include"]
    assert [e["timeout"] for e in include] == [40, 40, 40]  # 10 + 15 + 15
    assert yaml.safe_load(render("gitlab", shards, "t.yaml", None, install=one))["fleet-up"]["timeout"] == "40m"


def test_github_workflow_with_shards_lists_only_non_empty_shards(tmp_path: Path) -> None:
    code, text, _ = matrix(tmp_path, "--format", "github", "--shards", "8", "--parallel", "3", count=5)
    assert code == 0
    job = yaml.safe_load(text)["jobs"]["fleet"]
    assert job["strategy"]["max-parallel"] == 3
    expected = [s for s in place(tenants(5), 8) if s.tenants]
    assert [(e["shard"], e["stack"]) for e in job["strategy"]["matrix"]["include"]] == [(s.index, s.stack) for s in expected]
    assert "--shards 8 --shard ${{ matrix.shard }}" in job["steps"][-1]["run"]


def test_gitlab_pipeline_has_a_parallel_matrix_of_shards(tmp_path: Path) -> None:
    code, text, _ = matrix(tmp_path, "--format", "gitlab", "--shards", "3", count=9)
    assert code == 0
    pipeline = yaml.safe_load(text)
    job = pipeline["fleet-up"]
    assert job["script"] == ['okta-custom-domain fleet up --tenants "$TENANTS_FILE" --shards 3 --shard "$SHARD"']
    assert pipeline["stages"] == ["fleet"] and job["stage"] == "fleet"


def test_every_printed_workflow_validates_against_the_vendors_schema(tmp_path: Path) -> None:
    for fmt in ("github", "gitlab"):
        texts = [matrix(tmp_path, "--format", fmt, *flags)[1] for flags in ([], ["--shards", "3"])]
        assert all(texts)
        assert_valid(fmt, texts, tmp_path / "schemas")


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    text = matrix(tmp_path, "--format", "github")[1]
    broken = text.replace("runs-on:", "runs_on:")
    assert "runs_on" in schema_errors("github", [broken], tmp_path / "a")
    lab = matrix(tmp_path, "--format", "gitlab")[1].replace("resource_group: okta", "resource_group:\n    - okta")
    assert schema_errors("gitlab", [lab], tmp_path / "c") != ""


def test_more_shards_than_the_ci_takes_is_refused_with_the_fix() -> None:
    with pytest.raises(MatrixError, match="--shards 200"):
        render("gitlab", place(tenants(201)), "t.yaml", None, install=InstallStep("i", CHECKOUT_INSTALL))


def test_matrix_needs_a_format(tmp_path: Path) -> None:
    code, text, err = matrix(tmp_path)
    assert code == 2 and text == ""
    assert "--format github or --format gitlab" in err


def test_the_examples_in_docs_fleet_md_are_what_it_prints(tmp_path: Path) -> None:
    """docs/fleet.md shows the output for acme (registrar rows) and globex (Cloudflare)."""
    examples = [
        {"name": "acme", "okta": {"orgName": "acme", "apiToken": "00" + "a" * 40},
         "domains": [{"domain": "login.acme.com", "dns": {"type": "manual", "zone": "acme.com"}}]},
        {"name": "globex", "okta": {"orgName": "globex", "apiToken": "00" + "b" * 40}, "cloudflare": {"apiToken": "c" * 40},
         "domains": [{"domain": "login.globex.com", "dns": {"type": "cloudflare", "zoneName": "globex.com"}}]},
    ]  # fmt: skip
    write(tmp_path / "tenants.yaml", examples)
    shown = documented_workflows([ROOT / "docs" / "fleet.md"])
    for fmt in ("github", "gitlab"):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.chdir(tmp_path), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["fleet", "matrix", "--format", fmt, "--tenants", "tenants.yaml", "--install", GIT_TAG.replace("example", "ORG")])
        assert code == 0, err.getvalue()
        assert shown[fmt] == [out.getvalue()]
