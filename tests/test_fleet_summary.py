"""The fleet's summary, --json document, results file, and input errors refused up front."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from fleet_fixtures import tenants, write  # type: ignore[import-not-found]
from okta_custom_domain.cli import main
from okta_custom_domain.fleet import results
from okta_custom_domain.fleet.protocol import FAILED, SUCCEEDED, StackResult
from okta_custom_domain.fleet.render import Progress, document, exit_code, summary
from rich.console import Console

PULUMI_FAILURE = """\
Updating (tenant-t05):
    pulumi:pulumi:Stack okta-custom-domain-tenant-t05  error: update failed
Diagnostics:
  okta-custom-domain:index:OktaCustomDomain (t05-login):
    error: RFC 2136 preflight of zone fleet.test on 127.0.0.1:53 with key okta-lab-key: BADSIG
  pulumi:pulumi:Stack (okta-custom-domain-tenant-t05):
    error: update failed
"""

TRACEBACK = """\
 +  pulumi:pulumi:Stack okta-custom-domain-tenant-t05 creating (1s) error: update failed
 +  pulumi:pulumi:Stack okta-custom-domain-tenant-t05 creating (1s) error: Resource monitor has terminated, shutting down
  pulumi-python:dynamic/okta-custom-domain:Rfc2136Preflight (t05-login-dns-preflight):
    error: Traceback (most recent call last):
      File "/venv/lib/python3.11/site-packages/pulumi/dynamic/__main__.py", line 84, in wrapper
        return fn(self, request, context)
    okta_custom_domain.rfc2136.errors.Rfc2136Error: RFC 2136 preflight at 127.0.0.1:5353 (zone fleet.test, TSIG key k) failed: NOTAUTH/BADSIG
"""


def result(stack: str, ok: bool = True, **kwargs: object) -> StackResult:
    return StackResult(stack, "up", [stack.removeprefix("tenant-")], SUCCEEDED if ok else FAILED, 12.34, **kwargs)  # type: ignore[arg-type]


def rendered(table: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text()


def test_first_error_line_skips_pulumis_closing_update_failed() -> None:
    assert results.first_error_line(PULUMI_FAILURE) == (
        "RFC 2136 preflight of zone fleet.test on 127.0.0.1:53 with key okta-lab-key: BADSIG"
    )
    assert results.first_error_line(TRACEBACK) == (
        "Rfc2136Error: RFC 2136 preflight at 127.0.0.1:5353 (zone fleet.test, TSIG key k) failed: NOTAUTH/BADSIG"
    )
    assert results.first_error_line("a\nlast words\n") == "last words"


def test_summary_shows_stack_tenants_result_duration_changes_and_error() -> None:
    ok = result("tenant-t01", changes={"create": 9, "same": 0})
    bad = result("tenant-t05", ok=False, error="BADSIG from 127.0.0.1")
    text = rendered(summary([ok, bad], ["tenant-gone"]))
    for column in ("stack", "tenants", "result", "duration", "changes", "error"):
        assert column in text
    assert "tenant-t01" in text and "succeeded" in text and "12.3 s" in text and "create 9" in text
    assert "tenant-t05" in text and "failed" in text and "BADSIG from 127.0.0.1" in text
    assert "tenant-gone" in text and "orphaned" in text and "--prune" in text


def test_json_document_and_exit_code() -> None:
    ok, bad = result("tenant-a"), result("tenant-b", ok=False, error="boom")
    data = document("up", 4, [ok, bad], ["tenant-gone"], "/w/results.json")
    assert json.loads(json.dumps(data)) == data
    assert data["schema_version"] == 1 and data["exit_code"] == 1
    assert [s["result"] for s in data["stacks"]] == ["succeeded", "failed"]
    assert data["orphans"] == ["tenant-gone"]
    assert exit_code([ok]) == 0 and exit_code([]) == 0


def test_results_file_merges_runs_and_names_the_failed(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    with pytest.raises(results.ResultsError, match="--only-failed: no previous results"):
        results.failed_stacks(path)
    results.save(path, [result("tenant-a"), result("tenant-b", ok=False)])
    assert results.failed_stacks(path) == {"tenant-b"}
    results.save(path, [result("tenant-b")])
    assert results.failed_stacks(path) == set()
    assert set(results.load(path)) == {"tenant-a", "tenant-b"}


def test_progress_in_a_log_is_one_line_per_start_phase_and_end() -> None:
    out = io.StringIO()
    progress = Progress(Console(file=out, width=200))
    progress.add("tenant-a", ["a"])
    progress("tenant-a", {"event": "start"})
    progress("tenant-a", {"event": "line", "text": "+ creating"})
    progress("tenant-a", {"event": "phase", "text": "up"})
    progress("tenant-a", {"event": "done", "result": result("tenant-a").to_dict()})
    assert [line.split(" (")[0] for line in out.getvalue().splitlines()] == [
        "tenant-a: starting", "tenant-a: up", "tenant-a: succeeded"
    ]


def fleet(tmp_path: Path, *argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["fleet", *argv, "--work-dir", str(tmp_path / "work")])
    return code, err.getvalue()


@pytest.mark.parametrize(
    ("content", "flags", "message"),
    [
        (tenants(3), ["--shard", "7"], "--shard 7: there are 3 shards (0 to 2)"),
        ("- name: [a\n", [], "does not parse at line 2, column 1: expected ',' or ']'"),
        ([{**tenants(1)[0], "domain": []}], [], "tenants[0].domain: unknown key; did you mean `domains`?"),
        ({"tennants": []}, [], "expected a list of tenants, or a mapping with `tenants`"),
        (tenants(2), ["--prune"], "--prune destroys orphaned stacks: use it with up or destroy, not refresh"),
        (tenants(2), ["--only-failed"], "--only-failed: no previous results in"),
    ],
)
def test_bad_input_exits_2_before_any_stack_exists(
    tmp_path: Path, content: object, flags: list[str], message: str
) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text(content) if isinstance(content, str) else write(path, content)
    operation = "refresh" if "--prune" in flags else "up"
    code, err = fleet(tmp_path, operation, "--tenants", str(path), *flags)
    assert code == 2, err
    assert message in err
    assert "00fleet-unit-token" not in err
    assert not (tmp_path / "work" / "stacks").exists()


def test_the_tenants_list_is_required_once(tmp_path: Path) -> None:
    code, err = fleet(tmp_path, "up")
    assert code == 2 and "--tenants FILE or --from-stack STACK" in err
