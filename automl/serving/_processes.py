"""The processes behind an endpoint: its router and one server per deployment.

Each runs detached from the command that started it (its own session, output to a log in the
endpoint's folder), from the endpoint's record: ``python -m automl.serving._processes router E``
and ``... deployment E D``. :func:`start` launches one, :func:`wait_until_answering` waits for its
probe, :func:`stop` ends it and :func:`alive` tells whether it still runs.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from automl.errors import AutoMLError
from automl.serving._endpoint_store import ENDPOINTS_HOME, EndpointStore

__all__ = ["alive", "free_port", "start", "stop", "wait_until_answering"]

#: How long a process may take to load its model and answer its probe.
STARTUP_SECONDS = 180


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(store: EndpointStore, log: Path, *args: str) -> int:
    """Launch ``python -m automl.serving._processes ARGS`` detached; its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "automl.serving._processes", *args],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, ENDPOINTS_HOME: str(store.root)})
    return process.pid


def alive(pid: int | None) -> bool:
    """Whether process ``pid`` runs (a finished but unreaped one does not)."""
    try:
        return pid is not None and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def wait_until_answering(url: str, pid: int, log: Path, what: str) -> None:
    """Wait until ``url`` answers 200. Raises :class:`AutoMLError` (with the log's end) when the
    process ends first or :data:`STARTUP_SECONDS` pass."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not alive(pid):
            break
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    stop(pid)
    tail = log.read_text(errors="replace")[-1500:] if log.is_file() else ""
    raise AutoMLError(f"{what} did not become ready ({'it stopped' if not alive(pid) else 'timed out'}); "
                      f"the end of its log ({log}):\n{tail}")


def stop(pid: int | None, grace: float = 5.0) -> None:
    """End process ``pid`` and its session (SIGTERM, then SIGKILL after ``grace`` seconds)."""
    if not alive(pid):
        return
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sent)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + grace
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not alive(pid):
            return


def _run_router(store: EndpointStore, endpoint: str) -> None:
    import uvicorn

    from automl.serving._router import create_router_app

    record = store.read(endpoint)
    uvicorn.run(create_router_app(store, endpoint), host=record["host"], port=record["port"], log_level="info")


def _run_deployment(store: EndpointStore, endpoint: str, deployment: str) -> None:
    from automl.serving._keys import EndpointKeys
    from automl.serving._scoring_app import RequestSettings
    from automl.serving._server import serve

    spec = store.read(endpoint)["deployments"][deployment]
    serve(spec["model"], host="127.0.0.1", port=spec["port"], instance_count=spec["instance_count"],
          settings=RequestSettings(**spec["request_settings"]), keys=EndpointKeys(**spec["keys"]),
          name=f"{endpoint}/{deployment}", announce=lambda _: None)  # the banner holds keys: not logged


def main(argv: list[str] | None = None) -> None:
    """``router ENDPOINT`` or ``deployment ENDPOINT DEPLOYMENT``."""
    parser = argparse.ArgumentParser(prog="python -m automl.serving._processes")
    parser.add_argument("role", choices=["router", "deployment"])
    parser.add_argument("endpoint")
    parser.add_argument("deployment", nargs="?")
    args = parser.parse_args(argv)
    store = EndpointStore()
    if args.role == "router":
        _run_router(store, args.endpoint)
    else:
        _run_deployment(store, args.endpoint, args.deployment)


if __name__ == "__main__":
    main()
