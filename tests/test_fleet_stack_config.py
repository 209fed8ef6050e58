"""A stack's config is written with every secret through stdin, never on a command line.

A stand-in ``pulumi`` records each call's argv and stdin; the real CLI's handling of the same
calls (values encrypted in ``Pulumi.<stack>.yaml``) is checked in tests/engine/test_engine_fleet.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from fleet_fixtures import tenant  # type: ignore[import-not-found]
from okta_custom_domain.fleet.source import from_stack
from okta_custom_domain.fleet.stack_config import flatten_config, write_tenants

RECORDER = """#!{python}
import json, sys
with open({log!r}, "a") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "stdin": sys.stdin.read()}}) + "\\n")
"""
KEY_SECRET = "c2VjcmV0LXRzaWcta2V5LW9mLXRoZS10ZXN0"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def recorded_calls(tmp_path: Path, tenants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "pulumi"
    fake.write_text(RECORDER.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    write_tenants("tenant-a", tenants, str(fake), str(tmp_path), {"PATH": "/usr/bin:/bin"})
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_secrets_go_through_stdin_and_plain_values_in_one_set_all(tmp_path: Path) -> None:
    entry = tenant("a")
    entry["domains"][0]["dns"] = {"type": "rfc2136", "server": "127.0.0.1", "zone": "a.test",
                                  "keyName": "k", "keySecret": KEY_SECRET}
    entry["domains"][0]["certificate"] = {"certificate": "C", "certificateChain": "CC", "privateKey": PEM}
    calls = recorded_calls(tmp_path, [entry])
    assert calls[0]["argv"][:5] == ["config", "set-all", "--path", "--stack", "tenant-a"]
    assert "--plaintext" in calls[0]["argv"]
    assert "okta-custom-domain:tenants[0].okta.orgName=a" in calls[0]["argv"]
    secret_calls = {c["argv"][5]: c["stdin"] for c in calls[1:]}
    assert all(c["argv"][:5] == ["config", "set", "--path", "--secret", "--raw"] for c in calls[1:])
    assert secret_calls == {
        "okta-custom-domain:tenants[0].okta.apiToken": "00fleet-unit-token-a",
        "okta-custom-domain:tenants[0].domains[0].dns.keySecret": KEY_SECRET,
        "okta-custom-domain:tenants[0].domains[0].certificate.privateKey": PEM,
    }
    every_argv = json.dumps([c["argv"] for c in calls])
    for secret in ("00fleet-unit-token-a", KEY_SECRET, PEM.splitlines()[1]):
        assert secret not in every_argv


def test_the_old_list_is_dropped_from_the_stack_file_and_the_rest_kept(tmp_path: Path) -> None:
    """Without a ``pulumi config rm`` run: a key dropped from the list must not linger."""
    stack_file = tmp_path / "Pulumi.tenant-a.yaml"
    stack_file.write_text(
        "encryptionsalt: v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy\n"
        "config:\n"
        "  okta:httpProxy: http://127.0.0.1:3128\n"
        "  okta-custom-domain:tenants:\n"
        "    - name: old\n"
        "      okta:\n"
        "        apiToken:\n"
        "          secure: v1:b2xkLXNlY3JldA==\n"
    )
    calls = recorded_calls(tmp_path, [tenant("a")])
    assert [c["argv"][:2] for c in calls] == [["config", "set-all"], ["config", "set"]]
    left = yaml.safe_load(stack_file.read_text())
    assert left == {
        "encryptionsalt": "v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy",
        "config": {"okta:httpProxy": "http://127.0.0.1:3128"},
    }


def test_a_new_stack_has_no_old_list_to_remove(tmp_path: Path) -> None:
    calls = recorded_calls(tmp_path, [tenant("a")])
    assert [c["argv"][:2] for c in calls] == [["config", "set-all"], ["config", "set"]]


def test_flatten_config_marks_exactly_the_secret_keys() -> None:
    values = flatten_config("p", [{"okta": {"apiToken": "t", "orgName": "o"}, "n": 1, "b": True}])
    assert {k: (v.value, v.secret) for k, v in values.items()} == {
        "p[0].okta.apiToken": ("t", True),
        "p[0].okta.orgName": ("o", False),
        "p[0].n": ("1", False),
        "p[0].b": ("true", False),
    }


PRINTER = """#!{python}
import sys
sys.stdout.write({answer!r})
"""


def test_from_stack_reads_what_pulumi_config_get_json_prints(tmp_path: Path) -> None:
    """The answer's objectValue, else its value parsed (the same reader as the doctor's
    OKTA_CUSTOM_DOMAIN_TENANTS: ``parsers.pulumi_config_value``)."""
    listed = [tenant("a")]
    text = json.dumps(listed, separators=(",", ":"))
    for answer in ({"value": text, "objectValue": listed, "secret": True}, {"value": text}):
        fake = tmp_path / "pulumi"
        fake.write_text(PRINTER.format(python=sys.executable, answer=json.dumps(answer)))
        fake.chmod(0o755)
        assert from_stack("dev", str(fake), tmp_path, {"PATH": "/usr/bin:/bin"}) == listed
