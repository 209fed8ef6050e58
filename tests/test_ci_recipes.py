"""The single-stack CI recipes of docs/ci.md: valid for the vendors' schemas, pinned as the
generated workflows are, with the timeout, concurrency and ``--parallel`` they claim.
(``tests/engine/test_engine_ci_runner.py`` runs them.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from ci_schemas import ROOT, assert_valid, documented_workflows, schema_errors  # type: ignore[import-not-found]
from okta_custom_domain.fleet import matrix
from okta_custom_domain.fleet.job_timeout import gitlab_duration, job_minutes
from okta_custom_domain.toolchain import pinned_cli_version

RECIPES = ROOT / "docs" / "ci.md"
DEFAULT_DOMAIN = {"name": "acme", "okta": {"orgName": "acme", "apiToken": "00" + "a" * 40},
                  "domains": [{"domain": "login.acme.test", "dns": {"type": "cloudflare", "zoneId": "0" * 32}}],
                  "cloudflare": {"apiToken": "c" * 40}}  # fmt: skip


def recipes() -> dict[str, dict[Any, Any]]:
    found = documented_workflows([RECIPES])
    assert [len(found["github"]), len(found["gitlab"])] == [1, 1], found
    return {kind: yaml.safe_load(texts[0]) for kind, texts in found.items()}


def test_every_workflow_in_the_readme_and_docs_validates(tmp_path: Path) -> None:
    found = documented_workflows()
    assert found["github"] and found["gitlab"]
    for kind, texts in found.items():
        assert_valid(kind, texts, tmp_path / kind)


def test_a_broken_recipe_fails_validation(tmp_path: Path) -> None:
    github = documented_workflows([RECIPES])["github"][0].replace("timeout-minutes: 75", "timeout-minutes: soon")
    assert "timeout-minutes" in github and schema_errors("github", [github], tmp_path) != ""


def test_the_github_recipe_is_pinned_as_the_generated_workflows_are() -> None:
    jobs = recipes()["github"]["jobs"]
    for job in jobs.values():
        uses = {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}
        assert uses["actions/checkout"]["uses"] == matrix.CHECKOUT_ACTION
        assert uses["actions/setup-python"] == {"uses": matrix.SETUP_PYTHON_ACTION, "with": {"python-version": matrix.PYTHON_VERSION}}
        assert uses["pulumi/actions"] == {"uses": matrix.PULUMI_ACTION, "with": {"pulumi-version": pinned_cli_version()}}
        assert job["runs-on"] == matrix.GITHUB_RUNNER


def test_the_gitlab_recipe_is_pinned_as_the_generated_pipeline_is() -> None:
    job = recipes()["gitlab"][".pulumi"]
    assert job["image"] == matrix.GITLAB_IMAGE
    assert job["before_script"][0] == f"{matrix.PULUMI_INSTALLER} {pinned_cli_version()}"


def test_preview_on_requests_up_on_main_with_parallel_64_and_one_up_at_a_time() -> None:
    github, gitlab = recipes()["github"], recipes()["gitlab"]
    assert github[True] == {"pull_request": {"branches": ["main"]}, "push": {"branches": ["main"]}}
    jobs = github["jobs"]
    assert jobs["preview"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["up"]["if"] == "github.event_name == 'push'"
    assert jobs["up"]["concurrency"] == {"group": "okta-custom-domain-prod", "cancel-in-progress": False}
    assert jobs["up"]["steps"][-1]["run"] == "pulumi up --stack prod --yes --parallel 64"
    assert jobs["preview"]["steps"][-1]["run"].startswith("pulumi preview --stack prod")
    assert gitlab["preview"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert gitlab["up"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert gitlab["up"]["resource_group"] == "okta-custom-domain-prod"
    assert gitlab["up"]["script"] == ['pulumi up --stack "$STACK" --yes --parallel 64']
    for env in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN"):
        assert github["env"][env] == f"${{{{ secrets.{env} }}}}"


def test_the_timeouts_are_the_default_waits_plus_the_margin() -> None:
    minutes = job_minutes([DEFAULT_DOMAIN])
    assert minutes == 75
    assert {job["timeout-minutes"] for job in recipes()["github"]["jobs"].values()} == {minutes}
    assert recipes()["gitlab"][".pulumi"]["timeout"] == gitlab_duration(minutes) == "1h 15m"
    registrar = {**DEFAULT_DOMAIN, "domains": [{"domain": "login.acme.test", "dns": {"type": "manual", "zone": "acme.test"}}]}
    text = RECIPES.read_text()
    assert f"**{job_minutes([registrar])} minutes**" in text and gitlab_duration(job_minutes([registrar])) in text


def test_the_recipes_install_the_checkout_and_say_what_to_do_after_a_killed_job() -> None:
    text = RECIPES.read_text()
    install = ".venv/bin/python -m pip install -c .ci/constraints.txt ."
    assert install in recipes()["gitlab"][".pulumi"]["before_script"]
    assert all(install in job["steps"][3]["run"] for job in recipes()["github"]["jobs"].values())
    after = text[text.index("## After a killed job"):]
    assert re.search(r"pulumi cancel --stack prod --yes", after)
    assert "pulumi up --stack prod --refresh --yes" in after
