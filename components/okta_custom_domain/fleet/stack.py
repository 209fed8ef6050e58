"""A fleet stack driven through the Automation API with only the ``pulumi`` runs the work needs.

The Automation API's ``Stack`` pays for conveniences the fleet does not use, each a ``pulumi``
process of its own (measured with ``strace -f -e execve``: about ten per stack): ``stack
select`` before anything (every command names ``--stack`` anyway), ``stack output`` twice and
``stack history`` after ``up`` (the outputs and the change counts), ``stack history`` after
``refresh`` and ``destroy``. Here:

- a stack the fleet listed in the backend (``orphans.existing_stacks``, read once per run) is
  used as it is; a new one is created (``stack init``, which also selects it);
- the outputs and the change counts come from the operation's own engine events (the
  ``--event-log`` stream the Automation API already reads for ``preview``): the root stack's
  outputs event and the summary event. When an event is missing (an old CLI, an operation that
  failed early) it falls back to the Automation API's own reads.

Only public classes and methods of the Automation API are overridden; the one private name
used (``StackInitMode``, the constructor's ``mode``) is in ``pulumi_internals``.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

from pulumi import automation as auto
from pulumi.automation import events

from okta_custom_domain.pulumi_internals import StackInitMode

STACK_TYPE = "pulumi:pulumi:Stack"


class FleetWorkspace(auto.LocalWorkspace):
    """A stack's project dir; selecting a stack runs nothing (each command names ``--stack``)."""

    def select_stack(self, stack_name: str) -> None:
        """Nothing to do: the stack is known to exist and every command names it."""


class FleetStack(auto.Stack):
    """A stack whose operation results are read from its own event stream."""

    def __init__(self, name: str, workspace: auto.Workspace, mode: StackInitMode) -> None:
        self._events: list[events.EngineEvent] = []
        self._lock = threading.Lock()
        self._started = datetime.datetime.now(datetime.UTC)
        super().__init__(name, workspace, mode)

    def recorder(self, then: Callable[[events.EngineEvent], None] | None = None) -> Any:
        """An ``on_event`` that keeps the events of the coming operation (and calls ``then``)."""
        with self._lock:
            self._events = []
            self._started = datetime.datetime.now(datetime.UTC)

        def record(event: events.EngineEvent) -> None:
            if event.summary_event is not None or event.res_outputs_event is not None:
                with self._lock:
                    self._events.append(event)
            if then is not None:
                then(event)

        return record

    def _summary(self) -> events.SummaryEvent | None:
        with self._lock:
            found = [e.summary_event for e in self._events if e.summary_event is not None]
        return found[-1] if found else None

    def _stack_outputs(self) -> dict[str, Any] | None:
        with self._lock:
            seen = [e.res_outputs_event for e in self._events if e.res_outputs_event is not None]
        for event in reversed(seen):
            new = event.metadata.new
            if event.metadata.type == STACK_TYPE and new is not None:
                return dict(new.outputs or {})
        return None

    def outputs(self) -> auto.OutputMap:
        """The stack's outputs as the last operation's events showed them (secrets masked)."""
        found = self._stack_outputs()
        if found is None or self._summary() is None:
            return super().outputs()
        return {
            key: auto.OutputValue(value=value, secret=value == "[secret]")
            for key, value in found.items()
        }

    def info(self, show_secrets: bool = True) -> auto.UpdateSummary | None:
        """The last operation's summary, from its summary event (else ``stack history``)."""
        summary = self._summary()
        if summary is None:
            return super().info(show_secrets)
        return auto.UpdateSummary(
            kind="", start_time=self._started, message="", environment={}, config={},
            result="succeeded", end_time=datetime.datetime.now(datetime.UTC),
            resource_changes=dict(summary.resource_changes),
        )  # fmt: skip
