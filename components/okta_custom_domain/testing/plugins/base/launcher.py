"""Running a double: serving it the way the engine expects, and the launcher the engine executes."""

from __future__ import annotations

import shlex
import sys
from concurrent import futures
from pathlib import Path

import grpc  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2_grpc

from okta_custom_domain.testing.plugins.base.servicer import PluginDouble

_GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]


def serve(servicer: PluginDouble, workers: int = 8) -> None:
    """Serve on 127.0.0.1, print the port for the engine (its only stdout line), run until killed.

    The engine passes its own address as argv[1]; a double does not call back, so it is unused.
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), options=_GRPC_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)


def install_plugin_dir(dest: Path, name: str, module: str, python: str = sys.executable) -> Path:
    """Write ``dest/pulumi-resource-<name>`` (runs ``python -u -m module``); return ``dest``.

    The engine finds a resource plugin by that file name (on PATH, in a ``plugins:`` path of
    Pulumi.yaml, or installed with ``pulumi plugin install resource NAME VERSION --file``).
    ``python`` must be able to import ``module``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    script = dest / f"pulumi-resource-{name}"
    script.write_text(
        f'#!/bin/sh\nexec {shlex.quote(python)} -u -m {shlex.quote(module)} "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return dest
