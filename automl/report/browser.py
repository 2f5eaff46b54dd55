"""Open a report in headless Chromium and see what a person would: tooling for tests and benchmarks.

Drives Chromium through the DevTools protocol (needs the ``websocket-client``
package, in the ``test`` extra): loads the page, records script exceptions,
console and log errors and any dialog (``alert``) the page opens, evaluates a
probe expression in the page, takes a screenshot, and times the load.

>>> from automl.report.browser import find_chromium, render_page      # doctest: +SKIP
>>> page = render_page("report.html")                                   # doctest: +SKIP
>>> page.errors, page.load_seconds                                      # doctest: +SKIP
([], 0.31)
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automl.errors import ConfigError

__all__ = ["CHROMIUM_FLAGS", "PageRender", "find_chromium", "render_page"]

#: Without the networking flags Chromium waits on services a closed network never answers.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars")
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_ERROR_EVENTS = ("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded")


@dataclass
class PageRender:
    """What the browser saw: ``load_seconds`` (navigation to the load event), ``errors``
    (script exceptions, console and log errors), ``dialogs`` (alert / confirm / prompt
    messages), ``probe`` (the probe expression's value) and ``screenshot`` (PNG bytes)."""

    load_seconds: float
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    probe: Any = None
    screenshot: bytes = b""


def find_chromium() -> str | None:
    """Chromium's binary: ``$CHROMIUM`` if set, else the first of the usual names on ``PATH``."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).exists() else shutil.which(named)
    return next((found for found in map(shutil.which, _NAMES) if found), None)


class _Session:
    """A DevTools connection to one page target (flattened session)."""

    def __init__(self, url: str, timeout: float):
        import websocket

        self.ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def call(self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False,
             timeout: float = 30.0) -> dict[str, Any]:
        message_id = next(self.ids)
        message = {"id": message_id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._receive()
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
        raise TimeoutError(f"DevTools {method}: no answer within {timeout:.0f} s")

    def _receive(self) -> dict[str, Any]:
        reply = json.loads(self.ws.recv())
        if "method" in reply:
            self.events.append(reply)
            if reply["method"] == "Page.javascriptDialogOpening":
                self.ws.send(json.dumps({"id": next(self.ids), "sessionId": self.session,
                                         "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}))
        return reply

    def wait_for(self, method: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if event["method"] == method:
                    return event
            self._receive()
        raise TimeoutError(f"the page did not fire {method} within {timeout:.0f} s")

    def close(self) -> None:
        self.ws.close()


def _describe(event: dict[str, Any]) -> str | None:
    """The error an event reports, or None."""
    params = event.get("params", {})
    if event["method"] == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        return "exception: " + str(details.get("exception", {}).get("description") or details.get("text"))
    if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        args = params.get("args", [])
        return "console.error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in args)
    if event["method"] == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
        entry = params["entry"]
        return f"log ({entry.get('source')}): {entry.get('text')}"
    return None


def _debugger_url(profile: Path, process: subprocess.Popen, timeout: float) -> str:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Chromium exited with code {process.returncode} before it listened")
        if marker.exists():
            lines = marker.read_text().split()
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    raise TimeoutError(f"Chromium did not open its DevTools port within {timeout:.0f} s")


def _open_page(session: _Session, width: int, height: int, media: str | None = None) -> None:
    target = session.call("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
    session.session = session.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                   browser=True)["sessionId"]
    for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
        session.call(domain)
    session.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    if media is not None:  # "print": the page as its print style sheet lays it out
        session.call("Emulation.setEmulatedMedia", {"media": media})


def _load(session: _Session, url: str, probe: str, timeout: float) -> PageRender:
    session.events.clear()
    started = time.perf_counter()
    session.call("Page.navigate", {"url": url})
    session.wait_for("Page.loadEventFired", timeout)
    load_seconds = time.perf_counter() - started
    value = session.call("Runtime.evaluate", {"expression": probe, "returnByValue": True,
                                              "awaitPromise": True})
    shot = session.call("Page.captureScreenshot", {"format": "png"}, timeout=timeout)
    errors = [e for e in map(_describe, session.events) if e]
    if "exceptionDetails" in value:
        errors.append("probe: " + str(value["exceptionDetails"].get("text")))
    dialogs = [e["params"].get("message", "") for e in session.events
               if e["method"] == "Page.javascriptDialogOpening"]
    return PageRender(load_seconds, errors, dialogs, value.get("result", {}).get("value"),
                      base64.b64decode(shot["data"]))


def render_page(path: str | Path, probe: str = "document.title", *, width: int = 1440, height: int = 900,
                timeout: float = 60.0, binary: str | None = None, media: str | None = None) -> PageRender:
    """Load the HTML file ``path`` in a fresh headless Chromium and report what happened.

    Parameters
    ----------
    path : str or Path
        The HTML file.
    probe : str
        JavaScript expression evaluated once the page has loaded; its JSON value is
        returned in ``PageRender.probe``.
    width, height : int
        Viewport size in CSS pixels (the screenshot's size).
    timeout : float
        Seconds to wait for Chromium to start and for the page to load.
    binary : str, optional
        Chromium's binary; default :func:`find_chromium`.
    media : {"print", "screen"}, optional
        CSS media to emulate; ``"print"`` renders the page as it prints.

    Raises
    ------
    ConfigError
        When no Chromium is installed (``apt-get install chromium``) or
        ``websocket-client`` is missing.
    """
    binary = binary or find_chromium()
    if binary is None:
        raise ConfigError("render_page needs Chromium: install it (Debian: apt-get install chromium) "
                          "or set CHROMIUM to its binary.")
    try:
        import websocket  # noqa: F401
    except ImportError:
        raise ConfigError("render_page needs the websocket-client package: "
                          "pip install 'automl-studio[test]'.") from None
    url = Path(path).resolve().as_uri()
    profile = Path(tempfile.mkdtemp(prefix="automl-chromium-"))
    with open(profile.parent / f"{profile.name}.log", "wb") as log:
        process = subprocess.Popen([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                    "--remote-debugging-port=0", "about:blank"],
                                   stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    session = None
    try:
        session = _Session(_debugger_url(profile, process, timeout), timeout)
        _open_page(session, width, height, media)
        return _load(session, url, probe, timeout)
    finally:
        if session is not None:
            try:
                session.call("Browser.close", browser=True, timeout=5)
            except Exception:  # the browser may close the socket before answering
                pass
            session.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
        Path(profile.parent / f"{profile.name}.log").unlink(missing_ok=True)
