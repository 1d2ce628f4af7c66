"""A minimal headless-Chromium driver for tests: the DevTools protocol over ``--remote-debugging-pipe``.

Standard library only: Chromium reads NUL-terminated JSON commands on fd 3 and writes replies and events on
fd 4, so no port, no websocket and no extra package are needed. The page under test is loaded unmodified;
console messages, uncaught exceptions and browser log entries (failed loads, security-policy violations)
are collected as they arrive.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--remote-debugging-pipe")
_PROBLEM_EVENTS = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")


def find_chromium() -> str | None:
    """The path of a Chromium/Chrome executable on PATH, or None."""
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


@dataclass
class PageLoad:
    """What a page did while loading: every console, exception and log event, in order."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def messages(self) -> list[str]:
        """One readable line per console call, uncaught exception or browser log entry."""
        lines = []
        for event in self.events:
            params = event["params"]
            if event["method"] == "Runtime.consoleAPICalled":
                text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"])
                lines.append(f"console.{params['type']}: {text}")
            elif event["method"] == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                lines.append(f"exception: {details.get('exception', {}).get('description', details['text'])}")
            else:
                entry = params["entry"]
                lines.append(f"log {entry['level']} ({entry['source']}): {entry['text']}")
        return lines


class Chromium:
    """One headless browser process; use as a context manager."""

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self._timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="marketalign-chromium-")
        ours_read, chrome_write = os.pipe()
        chrome_read, ours_write = os.pipe()

        def use_pipes_as_fd3_fd4() -> None:  # runs in the child before exec
            read_copy, write_copy = os.dup(chrome_read), os.dup(chrome_write)
            os.dup2(read_copy, 3)
            os.dup2(write_copy, 4)

        self._process = subprocess.Popen(
            [executable, *_FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=use_pipes_as_fd3_fd4, close_fds=False,
        )
        os.close(chrome_read)
        os.close(chrome_write)
        self._reader, self._writer = ours_read, ours_write
        self._buffer = b""
        self._next_id = 0
        self._pending: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Ask the browser to quit, then make sure it has, and remove its profile."""
        try:
            self.call("Browser.close")
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._reader, self._writer):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict:
        """Send one protocol command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self._pending.append(reply)

    def open(self, url: str, *, width: int, height: int, mobile: bool) -> Tab:
        """A new tab at the given viewport size (``mobile`` emulates a phone) that has loaded ``url``."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(method, session=session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session=session)
        self._pending.clear()
        self.call("Page.navigate", {"url": url}, session=session)
        tab = Tab(self, session, PageLoad())
        while not tab.collect():
            self._pending.append(self._read())
        return tab

    def take_events(self, session: str) -> list[dict[str, Any]]:
        """Remove and return the events received so far for ``session``."""
        mine = [event for event in self._pending if event.get("sessionId") == session]
        self._pending = [event for event in self._pending if event.get("sessionId") != session]
        return mine

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self._timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._reader], [], [], left)[0]:
                raise TimeoutError(f"Chromium sent nothing for {self._timeout:.0f} s")
            chunk = os.read(self._reader, 1 << 16)
            if not chunk:
                raise OSError("Chromium closed the DevTools pipe (it exited)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)


@dataclass
class Tab:
    """A loaded page: evaluate expressions, take screenshots, read what happened while it loaded."""

    browser: Chromium
    session: str
    load: PageLoad

    def collect(self) -> bool:
        """Keep the problem events received so far; True once the page's load event has been seen."""
        loaded = False
        for event in self.browser.take_events(self.session):
            loaded = loaded or event.get("method") == "Page.loadEventFired"
            if event.get("method") in _PROBLEM_EVENTS:
                self.load.events.append(event)
        return loaded

    def messages(self) -> list[str]:
        """Every console message, exception and browser log entry of this page so far."""
        self.collect()
        return self.load.messages()

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (awaited if it is a promise) in the page."""
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, session=self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """Save a PNG of the viewport (or of the whole page) to ``path``."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        shot = self.browser.call("Page.captureScreenshot", params, session=self.session)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
