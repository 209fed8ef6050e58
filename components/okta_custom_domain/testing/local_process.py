"""What every loopback helper process shares: finding its binary, ending it, ``with`` lifecycle.

``knotd``, ``unbound`` and the offline demo lab are started and stopped the same way; one copy
of that logic keeps their cleanup identical (terminate, then kill after 3 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from types import TracebackType
from typing import TypeVar

_Started = TypeVar("_Started", bound="StartStop")


def find_program(name: str, install_hint: str) -> str:
    """Path of ``name`` on PATH or in the sbin directories; a RuntimeError naming the fix."""
    for candidate in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/local/sbin/{name}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(f"{name} was not found on PATH or in /usr/sbin: {install_hint}")


def end_process(process: subprocess.Popen[bytes] | None) -> None:
    """Terminate ``process`` if it still runs, killing it when it ignores that for 3 s."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=3)


class StartStop:
    """``with`` calls ``start``, then always ``stop``; subclasses define both."""

    def start(self) -> object:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Started) -> _Started:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
