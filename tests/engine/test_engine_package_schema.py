"""The component package's schema, as ``pulumi package get-schema`` reads it, is reviewed.

A change in the schema (a new input, a renamed type, a description) changes every language's
SDK: it must show up as a diff of ``tests/snapshots/okta-custom-domain.schema.json``. To accept
a change deliberately: ``UPDATE_SCHEMA_SNAPSHOT=1 .venv/bin/pytest tests/engine/test_engine_package_schema.py``
and review the file's diff.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.testing.consumers import package_schema
from okta_custom_domain.testing.engine import OfflineEngine

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "okta-custom-domain.schema.json"
SECRETS = {
    "okta-custom-domain:index:Rfc2136Dns": "keySecret",
    "okta-custom-domain:index:ManualCertificate": "privateKey",
}

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def schema(pulumi_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("schema")
    engine = OfflineEngine(root, pulumi_bin, root / "unused.py", Path(sys.prefix))
    return package_schema(engine, root / "consumer")


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def test_the_schema_matches_the_reviewed_snapshot(schema: dict[str, Any]) -> None:
    if os.environ.get("UPDATE_SCHEMA_SNAPSHOT") == "1":
        SNAPSHOT.write_text(_text(schema))
    expected = SNAPSHOT.read_text()
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            _text(schema).splitlines(keepends=True),
            fromfile=str(SNAPSHOT),
            tofile="pulumi package get-schema",
        )
    )
    assert not diff, (
        "the component package's schema changed; if deliberate, run "
        "UPDATE_SCHEMA_SNAPSHOT=1 .venv/bin/pytest tests/engine/test_engine_package_schema.py "
        f"and commit the snapshot:\n{diff}"
    )


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for token, resource in schema["resources"].items():
        for group in ("inputProperties", "properties"):
            for name, prop in resource[group].items():
                yield token, name, prop
    for token, spec in schema["types"].items():
        for name, prop in spec["properties"].items():
            yield token, name, prop


def test_every_input_output_and_type_is_described(schema: dict[str, Any]) -> None:
    undescribed = [f"{t}.{n}" for t, n, p in _properties(schema) if not p.get("description")]
    untyped = [t for t, spec in schema["types"].items() if not spec.get("description")]
    assert undescribed == [] and untyped == []


def test_exactly_the_credentials_are_secret(schema: dict[str, Any]) -> None:
    secret = {(t, n) for t, n, p in _properties(schema) if p.get("secret")}
    assert secret == set(SECRETS.items())


def test_the_python_only_dns_target_is_not_offered(schema: dict[str, Any]) -> None:
    choice = schema["types"]["okta-custom-domain:index:DnsTargetChoice"]["properties"]
    assert set(choice) == {"cloudflare", "rfc2136", "manual"}
    assert not any("CustomDns" in token for token in schema["types"])
