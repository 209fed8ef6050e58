"""A stand-in for Pulumi's Python language host, so a plain ``pulumi up`` runs offline.

A pipeline runs ``pulumi up`` in the project directory, and the CLI starts
``pulumi-language-python`` to run the program. That host is the one piece the toolchain cannot
build here (``scripts/pulumi-toolchain``: the module proxy serves none of its versions), so the
CI runner stand-in (``tests/ci_runner.py``) puts this in its place on PATH, through a launcher
script (``install_launcher``). It serves the same LanguageRuntime gRPC service with the SDK's
own language server, the one every Automation API inline program (the engine tests, the
fleet) already runs under, and runs the project's program file as the real host does: in the
interpreter of the project's virtualenv (``runtime.options.virtualenv`` of ``Pulumi.yaml``),
with ``__name__ == "__main__"``. The CLI prints ``using pulumi-language-python from $PATH``
when it picks it up, so a log shows the stand-in was used.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import yaml
from pulumi.automation._server import LanguageServer
from pulumi.runtime.proto import language_pb2_grpc

MODULE = "okta_custom_domain.testing.language_host"
PARENT_ENV = "OKTA_CUSTOM_DOMAIN_LANGUAGE_HOST_PARENT"
"""The CLI's pid, as the launcher saw it: the CLI may be gone before our imports are done."""
_MAX_MESSAGE = 400 * 1024 * 1024


def project_python(project: Path) -> Path | None:
    """The interpreter of the virtualenv ``Pulumi.yaml`` in ``project`` names, if any."""
    settings = yaml.safe_load((project / "Pulumi.yaml").read_text()) or {}
    runtime = settings.get("runtime")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    return (project / str(venv) / "bin" / "python") if venv else None


class ProgramFileServer(LanguageServer):
    """The SDK's language server, running the program file the ``Run`` request names."""

    def __init__(self) -> None:
        super().__init__(self._run_program)
        self._path = Path("__main__.py")

    def Run(self, request: Any, context: Any) -> Any:
        directory = Path(request.info.program_directory or request.pwd)
        path = directory / (request.info.entry_point or ".")
        self._path = path / "__main__.py" if path.is_dir() else path
        os.chdir(request.pwd or directory)
        sys.path.insert(0, str(self._path.parent))
        return super().Run(request, context)

    def _run_program(self) -> None:
        runpy.run_path(str(self._path), run_name="__main__")


def _end_with_parent(server: grpc.Server, interval: float = 1.0) -> None:
    """Stop serving once the CLI that started us is gone (killed with a job, say)."""
    parent = int(os.environ.get(PARENT_ENV, os.getppid()))
    while os.getppid() == parent:
        time.sleep(interval)
    server.stop(grace=0)
    os._exit(1)  # the program's thread may be mid-call to an engine that is no more


def serve() -> None:
    """Print the port (what the CLI reads from a plugin), then serve until the CLI ends us or
    goes away."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[
            ("grpc.max_send_message_length", _MAX_MESSAGE),
            ("grpc.max_receive_message_length", _MAX_MESSAGE),
        ],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(ProgramFileServer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    threading.Thread(target=_end_with_parent, args=(server,), daemon=True).start()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:  # how the CLI ends its plugins when the operation is done
        server.stop(grace=0)


def install_launcher(bin_dir: Path, python: Path) -> Path:
    """``bin_dir/pulumi-language-python``: starts this module with ``python``, which moves to
    the project's virtualenv interpreter when ``Pulumi.yaml`` names one."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    launcher = bin_dir / "pulumi-language-python"
    launcher.write_text(f'#!/bin/sh\n{PARENT_ENV}=$PPID exec "{python}" -m {MODULE} "$@"\n')
    launcher.chmod(0o755)
    return launcher


def main() -> None:
    """Started by the CLI in the project directory with the engine's address as argument."""
    wanted = project_python(Path.cwd())
    if wanted is not None and Path(sys.prefix) != wanted.parent.parent.resolve():
        if not wanted.exists():
            sys.exit(f"pulumi-language-python (stand-in): no virtualenv at {wanted.parent.parent}")
        os.execv(str(wanted), [str(wanted), "-m", MODULE, *sys.argv[1:]])
    serve()


if __name__ == "__main__":
    main()
