"""``triagebot serve`` as a browser sees it: the server run by its CLI, and Debian's
Chromium driven by Playwright (never a browser of Playwright's own).

The page draws the terminal on a canvas, so what the app shows is read from the bytes the
websocket brought (an init script keeps them): escape sequences stripped, a text drawn in
one style is found whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

RECORD_OUTPUT = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__triagebot = { text: "", url: "" };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__triagebot.url = String(args[0]);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
          window.__triagebot.text += decoder.decode(new Uint8Array(event.data), { stream: true });
        }
      });
    }
  };
})();
"""
"""Keeps every byte the app sent to the page, decoded, in ``window.__triagebot.text``."""

ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A running ``triagebot serve``."""

    url: str
    data_dir: Path
    process: subprocess.Popen[str]
    said: list[str] = field(default_factory=list)


@contextlib.contextmanager
def serving(tmp_path: Path, *options: str, token: str | None = None) -> Iterator[Served]:
    """``triagebot serve`` on a free port, its journals under ``tmp_path``, until the end."""
    port = free_port()
    data_dir = tmp_path / "serve-data"
    environment = dict(os.environ, TRIAGEBOT_DATA_DIR=str(tmp_path / "data"))
    environment.pop("TRIAGEBOT_SERVE_TOKEN", None)
    if token is not None:
        environment["TRIAGEBOT_SERVE_TOKEN"] = token
    command = [sys.executable, "-m", "triagebot", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir), *options]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    served = Served(f"http://127.0.0.1:{port}", data_dir, process)
    try:
        _wait_listening(port, process)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(port: int, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"triagebot serve stopped: {output}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise AssertionError("triagebot serve did not listen")


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless; Playwright gives it a fresh profile of its own."""
    assert CHROMIUM is not None
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def shown(page: Any) -> str:
    """Everything the app has drawn on this page so far, escape sequences stripped."""
    return ESCAPES.sub("", page.evaluate("() => window.__triagebot.text"))


def drawn_since(page: Any, mark: int) -> str:
    return ESCAPES.sub("", page.evaluate("() => window.__triagebot.text")[mark:])


def mark(page: Any) -> int:
    """Where the app's output stands now (for :func:`wait_for`)."""
    return int(page.evaluate("() => window.__triagebot.text.length"))


DRAWN = r"""
([at, text]) => window.__triagebot.text.slice(at)
  .replace(/\x1b(\[[0-9;?<>=]*[ -\/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])/g, "")
  .includes(text)
"""
"""True once the app has drawn ``text`` after ``at`` (:data:`ESCAPES`, in JavaScript)."""


def wait_for(page: Any, text: str, since: int = 0, timeout: float = 30) -> float:
    """Wait until the app draws ``text`` (after ``since``); the seconds it took.

    Checked in the page every 5 ms, so a wait adds little to what it times."""
    started = time.monotonic()
    try:
        page.wait_for_function(DRAWN, arg=[since, text], polling=5, timeout=timeout * 1000)
    except Exception as error:
        if type(error).__name__ != "TimeoutError":
            raise
        drawn = drawn_since(page, since)[-600:]
        raise AssertionError(f"{text!r} was not drawn; the app drew: {drawn!r}") from None
    return time.monotonic() - started


def cells(page: Any) -> tuple[int, int]:
    """The terminal's columns and rows, as the page asked the server for them."""
    url = page.evaluate("() => window.__triagebot.url")
    query = dict(part.split("=") for part in url.partition("?")[2].split("&"))
    return int(query["width"]), int(query["height"])


def open_app(browser: Any, url: str, width: int = 1000, height: int = 700) -> Any:
    """A new browser context (its own cookies: another user) on the app's page, keys to it."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    context.add_init_script(RECORD_OUTPUT)
    page = context.new_page()
    page.goto(url)
    return page


def focus_terminal(page: Any) -> None:
    page.wait_for_selector(".xterm-helper-textarea", state="attached")
    page.focus(".xterm-helper-textarea")


def press(page: Any, *keys: str) -> None:
    """Press each key in turn, as a user would (the terminal has the focus)."""
    for key in keys:
        page.keyboard.press(key)
        page.wait_for_timeout(60)
