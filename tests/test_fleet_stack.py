"""A fleet stack reads its outputs and change counts from its own engine events.

A stand-in CLI records every command; opening a listed stack runs none, and the outputs and
counts come from the events as the CLI streams them (shapes as ``--event-log`` writes them),
falling back to ``stack output``/``stack history`` when an event is missing. The same stack
against the real CLI is exercised by tests/engine/test_engine_fleet.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from okta_custom_domain.fleet.project import project_yaml
from okta_custom_domain.fleet.stack import FleetStack, FleetWorkspace
from okta_custom_domain.pulumi_internals import StackInitMode
from pulumi.automation import CommandResult
from pulumi.automation.events import EngineEvent

STATUSES = {"t0": {"login.t0.test": {"validation_status": "COMPLETED", "domain_id": "[secret]"}}}


class RecordingCommand:
    """Answers ``stack output`` with ``STATUSES``; keeps each command's arguments."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def run(self, args: list[str], *_: Any, **__: Any) -> CommandResult:
        self.calls.append(list(args))
        if args[:2] == ["stack", "output"]:
            return CommandResult(stdout=json.dumps(STATUSES), stderr="", code=0)
        return CommandResult(stdout="[]", stderr="", code=0)


def listed_stack(tmp_path: Path) -> tuple[FleetStack, RecordingCommand]:
    (tmp_path / "Pulumi.yaml").write_text(project_yaml())
    command = RecordingCommand()
    workspace = FleetWorkspace(work_dir=str(tmp_path), pulumi_command=command)  # type: ignore[arg-type]
    return FleetStack("tenant-t0", workspace, StackInitMode.SELECT), command


def events() -> list[EngineEvent]:
    stack_urn = "urn:pulumi:tenant-t0::okta-custom-domain::pulumi:pulumi:Stack::x"
    raw = [
        {"sequence": 1, "resOutputsEvent": {"metadata": {
            "op": "create", "urn": "urn:...:okta:index/domain:Domain::d", "type":
            "okta:index/domain:Domain", "new": {"outputs": {"validationStatus": "NOT_STARTED"}}}}},
        {"sequence": 2, "resOutputsEvent": {"metadata": {
            "op": "create", "urn": stack_urn, "type": "pulumi:pulumi:Stack",
            "new": {"type": "pulumi:pulumi:Stack", "urn": stack_urn, "outputs": STATUSES}}}},
        {"sequence": 3, "summaryEvent": {"maybeCorrupt": False, "durationSeconds": 3,
                                         "resourceChanges": {"create": 9}}},
    ]  # fmt: skip
    return [EngineEvent.from_json(item) for item in raw]


def test_a_listed_stack_opens_without_a_pulumi_run(tmp_path: Path) -> None:
    _, command = listed_stack(tmp_path)
    assert command.calls == []


def test_outputs_and_counts_come_from_the_operations_events(tmp_path: Path) -> None:
    stack, command = listed_stack(tmp_path)
    seen: list[EngineEvent] = []
    record = stack.recorder(seen.append)
    for event in events():
        record(event)
    outputs = stack.outputs()
    assert {key: value.value for key, value in outputs.items()} == STATUSES
    summary = stack.info()
    assert summary is not None and summary.resource_changes == {"create": 9}
    assert len(seen) == 3, "the caller's own on_event still sees every event"
    assert command.calls == [], "no stack output, no stack history"


def test_without_the_events_it_reads_them_from_the_cli(tmp_path: Path) -> None:
    stack, command = listed_stack(tmp_path)
    stack.recorder()  # an operation that failed before the engine said anything
    outputs = stack.outputs()
    assert outputs["t0"].value == STATUSES["t0"]
    assert [call[:2] for call in command.calls] == [["stack", "output"], ["stack", "output"]]


def test_a_new_recording_forgets_the_last_operations_events(tmp_path: Path) -> None:
    stack, command = listed_stack(tmp_path)
    record = stack.recorder()
    for event in events():
        record(event)
    stack.recorder()
    stack.outputs()
    assert command.calls, "the outputs of an earlier operation are not this one's"
