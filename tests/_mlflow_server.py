"""A real ``mlflow server`` on 127.0.0.1 for the tests, in its own process group."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

STARTUP_SECONDS = 120


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    """Whether the server at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(root: Path, port: int) -> subprocess.Popen:
    """``mlflow server`` with a SQLite store and artifacts under ``root``, once it is healthy."""
    log_path = root / f"server-{port}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
             f"sqlite:///{root / 'backend.db'}", "--artifacts-destination", str(root / "artifacts"),
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=root)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not healthy(f"http://127.0.0.1:{port}"):
        if process.poll() is not None or time.monotonic() > deadline:
            kill_group(process)
            raise RuntimeError(f"mlflow server did not start: {log_path.read_text()[-2000:]}")
        time.sleep(0.5)
    return process


def kill_group(process: subprocess.Popen) -> None:
    """End the server and its workers at once (SIGKILL to the group), then reap."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(30)


def stop_server(process: subprocess.Popen) -> None:
    """End the server's process group politely (SIGTERM), then by force; reap."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 15)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    try:  # workers left behind by a server that already exited
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
