"""``okta-custom-domain fleet`` through the real CLI: 12 tenants on 12 fake Okta orgs.

Each tenant is its own stack (``tenant-tNN``) with one RFC 2136 domain; the fleet runs them
four at a time. t05's TSIG key is wrong: its stack fails alone while the others reach
COMPLETED; the key is fixed in the tenants file and ``--only-failed`` finishes it. Then t11
leaves the list (its stack is reported, not destroyed), and ``destroy --prune --remove``
leaves nothing at Okta, in DNS or in the backend. Each test is one step and relies on the
ones before it. The fleet runs as a user runs it: the console script, in the environment the
offline harness gives the CLI (file backend, passphrase, Pulumi home with the plugin doubles).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from okta_custom_domain.testing.engine import flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab

ZONE = "fleet.test"
COUNT = 12
BAD = "t05"
GONE = "t11"
FLEET = str(Path(sys.executable).parent / "okta-custom-domain")

pytestmark = pytest.mark.timeout(900)


def name(i: int) -> str:
    return f"t{i:02d}"


def domain(tenant: str) -> str:
    return f"login-{tenant}.{ZONE}"


@dataclass
class Fleet:
    """The lab, the tenants file, the work dir, and everything the fleet printed."""

    lab: EngineLab
    root: Path
    wrong_key: str
    printed: list[str] = field(default_factory=list)

    @property
    def tenants_file(self) -> Path:
        return self.root / "tenants.yaml"

    @property
    def work(self) -> Path:
        return self.root / "work"

    def tenants(self, *, fixed: bool, without: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        entries = []
        for i in range(COUNT):
            if name(i) in without:
                continue
            dns = self.lab.rfc2136_dns(ZONE)
            if name(i) == BAD and not fixed:
                dns["keySecret"] = self.wrong_key
            entries.append({
                "name": name(i),
                "okta": self.lab.okta_with_token(f"org{i:02d}"),
                "domains": [{"domain": domain(name(i)), "dns": dns,
                             "readiness": self.lab.readiness(timeout=60)}],
            })  # fmt: skip
        return entries

    def write(self, entries: list[dict[str, Any]]) -> None:
        self.tenants_file.write_text(yaml.safe_dump(entries, sort_keys=False))

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        source = [] if "--from-stack" in argv else ["--tenants", str(self.tenants_file)]
        args = [FLEET, "fleet", argv[0], *source, "--work-dir", str(self.work), *argv[1:]]
        env = {**os.environ, **self.lab.engine.environment()}
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
        self.printed += [done.stdout, done.stderr]
        return done

    def run_json(self, *argv: str) -> tuple[int, dict[str, Any]]:
        done = self.run(*argv, "--json")
        assert done.stdout.strip(), done.stderr
        return done.returncode, json.loads(done.stdout)

    def okta_writes(self, org: str) -> int:
        return sum(1 for r in self.lab.okta[org].requests if r.method in ("POST", "PUT", "DELETE"))

    def secrets(self) -> list[str]:
        tokens = [fake.api_token for fake in self.lab.okta.values()]
        return [*tokens, self.lab.key_secret, self.wrong_key]


@pytest.fixture(scope="module")
def fleet(
    pulumi_bin: Path, program: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp("fleet")
    lab = EngineLab(
        root / "lab", pulumi_bin, program, zones=[ZONE], orgs=[f"org{i:02d}" for i in range(COUNT)]
    )
    with lab:
        wrong = base64.b64encode(secrets.token_bytes(32)).decode()
        state = Fleet(lab, root, wrong)
        state.write(state.tenants(fixed=False))
        yield state


def overlap(stacks: list[dict[str, Any]]) -> int:
    """The most stacks that were running at one moment (from their start and end times)."""
    edges = sorted([(s["started_at"], 1) for s in stacks] + [(s["finished_at"], -1) for s in stacks])
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return most


def test_a_wrong_tsig_key_fails_its_stack_alone_the_others_complete(fleet: Fleet) -> None:
    code, report = fleet.run_json("up", "--parallel", "4")
    assert code == 1, report
    by_stack = {s["stack"]: s for s in report["stacks"]}
    assert sorted(by_stack) == [f"tenant-{name(i)}" for i in range(COUNT)]
    bad = by_stack.pop(f"tenant-{BAD}")
    assert bad["result"] == "failed" and bad["tenants"] == [BAD]
    assert "okta-lab-key" in bad["error"], bad["error"]
    for stack, entry in by_stack.items():
        tenant = stack.removeprefix("tenant-")
        assert entry["result"] == "succeeded", entry
        assert entry["statuses"] == {domain(tenant): "COMPLETED"}
        assert entry["changes"].get("create", 0) >= 5
    for i in range(COUNT):
        expected = [] if name(i) == BAD else [domain(name(i))]
        assert fleet.lab.okta_domains(f"org{i:02d}") == expected
    assert 2 <= overlap(report["stacks"]) <= 4, "--parallel 4: more than one, at most four"
    assert fleet.lab.served(domain(BAD), "CNAME") == []


def test_no_secret_in_config_state_output_logs_or_results(fleet: Fleet) -> None:
    files = sorted(fleet.work.rglob("*.yaml")) + sorted(fleet.work.rglob("*.log"))
    files.append(fleet.work / "results.json")
    assert any(f.name == "Pulumi.tenant-t00.yaml" for f in files)
    config = (fleet.work / "stacks" / "tenant-t00" / "Pulumi.tenant-t00.yaml").read_text()
    assert "apiToken:\n" in config and "secure: v1:" in config, config
    exports = [
        fleet.lab.engine.cli("stack", "export", "--stack", f"tenant-{name(i)}").stdout
        for i in range(COUNT)
    ]
    assert '"ciphertext"' in exports[0]
    texts = [f.read_text() for f in files] + exports + fleet.printed
    for secret in fleet.secrets():
        leaks = [i for i, text in enumerate(texts) if secret in text]
        assert not leaks, f"a secret in {[(files + ['export'] * 99)[i] for i in leaks]}"


def test_only_failed_after_fixing_the_key_runs_that_stack_alone(fleet: Fleet) -> None:
    fleet.write(fleet.tenants(fixed=True))
    writes = {org: fleet.okta_writes(org) for org in fleet.lab.okta}
    done = fleet.run("up", "--only-failed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"tenant-{BAD}" in done.stdout and "succeeded" in done.stdout
    assert "tenant-t00" not in done.stdout, "only the failed stack runs"
    stored = json.loads((fleet.work / "results.json").read_text())["stacks"]
    assert all(entry["result"] == "succeeded" for entry in stored.values())
    assert stored[f"tenant-{BAD}"]["statuses"] == {domain(BAD): "COMPLETED"}
    assert fleet.lab.okta_domains(f"org{BAD[1:]}") == [domain(BAD)]
    changed = {org for org in fleet.lab.okta if fleet.okta_writes(org) != writes[org]}
    assert changed == {f"org{BAD[1:]}"}


def test_refresh_of_one_shard_reads_back_what_up_wrote(fleet: Fleet) -> None:
    code, report = fleet.run_json("refresh", "--shard", "3")
    assert code == 0, report
    assert [(s["stack"], s["operation"], s["result"]) for s in report["stacks"]] == [
        ("tenant-t03", "refresh", "succeeded")
    ]
    assert set(report["stacks"][0]["changes"]) <= {"same"}, report["stacks"][0]["changes"]


def test_a_fresh_work_dir_as_in_a_ci_job_sees_no_change(fleet: Fleet) -> None:
    # a CI job starts without the stacks' Pulumi.<stack>.yaml (new passphrase salt)
    fresh = fleet.root / "fresh-work"
    code, report = fleet.run_json("preview", "--shard", "2", "--work-dir", str(fresh))
    assert code == 0, report
    assert [(s["stack"], s["changes"]) for s in report["stacks"]] == [("tenant-t02", {"same": 9})]
    assert (fresh / "stacks" / "tenant-t02" / "Pulumi.tenant-t02.yaml").exists()


def test_a_tenant_removed_from_the_list_is_reported_never_destroyed(fleet: Fleet) -> None:
    fleet.write(fleet.tenants(fixed=True, without=(GONE,)))
    code, report = fleet.run_json("preview", "--shard", "0")
    assert code == 0, report
    assert [s["stack"] for s in report["stacks"]] == ["tenant-t00"]
    assert report["orphans"] == [f"tenant-{GONE}"]
    assert fleet.lab.okta_domains(f"org{GONE[1:]}") == [domain(GONE)]
    human = fleet.run("preview", "--shard", "0")
    assert f"tenant-{GONE}" in human.stdout and "orphaned" in human.stdout


def test_the_list_can_come_from_an_existing_stacks_config(fleet: Fleet) -> None:
    entries = fleet.tenants(fixed=True, without=(GONE,))
    config = flatten_config("okta-custom-domain:tenants", entries)
    fleet.lab.engine.stack("fleet-source", config)
    project = fleet.lab.engine.root / "project"
    try:
        code, report = fleet.run_json(
            "preview", "--from-stack", "fleet-source", "--from-stack-dir", str(project),
            "--shard", "1",
        )  # fmt: skip
    finally:
        fleet.lab.engine.cli("stack", "rm", "fleet-source", "--yes", "--force")
    assert code == 0, report
    assert [(s["stack"], s["tenants"]) for s in report["stacks"]] == [("tenant-t01", ["t01"])]
    assert report["stacks"][0]["changes"] == {"same": 9}, "the same config as the file's"
    assert report["orphans"] == [f"tenant-{GONE}"]


def test_destroy_with_prune_and_remove_leaves_nothing(fleet: Fleet) -> None:
    code, report = fleet.run_json("destroy", "--prune", "--remove", "--parallel", "4")
    assert code == 0, report
    assert report["orphans"] == []
    assert [s["stack"] for s in report["stacks"] if s["pruned"]] == [f"tenant-{GONE}"]
    assert len(report["stacks"]) == COUNT
    for i in range(COUNT):
        assert fleet.lab.okta_domains(f"org{i:02d}") == []
        assert fleet.lab.served(domain(name(i)), "CNAME") == []
        assert fleet.lab.served(f"_acme-challenge.{domain(name(i))}", "TXT") == []
    listed = fleet.lab.engine.cli("stack", "ls", "--json").stdout
    assert json.loads(listed) == []
