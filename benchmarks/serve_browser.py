"""``triagebot serve`` in headless Chromium, against a minimal Textual app served the same
way (textual-serve, a process per websocket): ratios in one run, not promises.

- Page load to the first thing drawn (the start screen's flows; then Enter to cauda
  equina's first question), against the minimal app's page load to its first text.
- Memory per session: the session process's resident and proportional size (RSS, PSS),
  against the minimal app's process.
- Key to the next question drawn (y on the first question; F2 back), against a key to a
  redrawn line in the minimal app, and against the same key in a terminal (the TUI on a
  pty: what the browser path adds).
- Sessions held: N browser sessions open at once, keys pressed round-robin; the median key
  latency at each N up to ``--max``, those over the 100 ms budget marked.

Chromium runs on the same machine and takes its share of the CPU (headless, it draws the
terminal's WebGL canvas in software): the figures are an upper bound for a server whose
browsers are elsewhere. The load average is printed: on a shared machine, read the
ratios. Needs Debian's chromium and the playwright package (``pip install -e '.[test]'``).

Run: ``python benchmarks/serve_browser.py [--max 24] [--keys 20]``.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serve_support import (  # noqa: E402 (the repository's root, added above)
    ESCAPES,
    _wait_listening,
    browser_missing,
    focus_terminal,
    free_port,
    launch,
    mark,
    open_app,
    serving,
    wait_for,
)

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("minimal ready", id="line")

    def on_key(self, event):
        self.query_one("#line", Static).update(f"pressed {event.key} {id(event)}")

Minimal().run()
"""

SERVE_MINIMAL = """
import sys
from textual_serve.server import Server
Server(sys.argv[1], host="127.0.0.1", port=int(sys.argv[2])).serve()
"""

TERMINAL_ESCAPES = ESCAPES.pattern
FIRST_QUESTION = "back pain and/or leg pain"
SECOND_QUESTION = "micturition"


@contextmanager
def serving_minimal(folder: Path) -> Iterator[str]:
    """The minimal app on textual-serve's own server: its URL."""
    app = folder / "minimal_app.py"
    app.write_text(MINIMAL_APP, encoding="utf-8")
    port = free_port()
    command = f"{sys.executable} {app}"
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE_MINIMAL, command, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, process)  # type: ignore[arg-type]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def memory_of(marker: str) -> list[tuple[int, int]]:
    """(RSS, PSS) in KiB of every process whose command line holds ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if marker not in command or "-c" in command.split()[1:2]:
                continue
            fields = dict(
                line.split(":", 1)
                for line in (proc / "smaps_rollup").read_text().splitlines()[1:]
                if ":" in line
            )
        except OSError:
            continue
        found.append((int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])))
    return found


def key_latency(page: Any, key: str, expect: str) -> float:
    at = mark(page)
    started = time.perf_counter()
    page.keyboard.press(key)
    wait_for(page, expect, at, timeout=30)
    return time.perf_counter() - started


def terminal_key_latency(keys: int, folder: Path) -> float:
    """Median seconds from y to the second question drawn, the TUI on a pty (111x33)."""
    import fcntl  # noqa: PLC0415 (POSIX only)
    import pty  # noqa: PLC0415
    import struct  # noqa: PLC0415
    import termios  # noqa: PLC0415

    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TRIAGEBOT_DATA_DIR"] = str(folder / "terminal-data")
        os.execv(sys.executable, [sys.executable, "-m", "triagebot", "cauda-equina"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
    escapes = re.compile(TERMINAL_ESCAPES)

    def until(text: str) -> float:
        started, seen = time.perf_counter(), ""
        while time.perf_counter() - started < 30:
            if select.select([fd], [], [], 0.005)[0]:
                seen += os.read(fd, 65536).decode("utf-8", "replace")
                if text in escapes.sub("", seen):
                    return time.perf_counter() - started
        raise AssertionError(f"{text!r} not drawn in the terminal")

    until(FIRST_QUESTION)
    latencies = []
    for _ in range(keys):
        started = time.perf_counter()
        os.write(fd, b"y")
        until(SECOND_QUESTION)
        latencies.append(time.perf_counter() - started)
        os.write(fd, b"\x1bOQ")  # F2: back
        until(FIRST_QUESTION)
    os.write(fd, b"\x11")  # ctrl+q
    os.waitpid(pid, 0)
    os.close(fd)
    return statistics.median(latencies)


def first_draw(browser: Any, url: str, text: str) -> tuple[Any, float]:
    started = time.perf_counter()
    page = open_app(browser, url)
    wait_for(page, text, timeout=60)
    return page, time.perf_counter() - started


def answer_and_back(page: Any) -> float:
    """y on the first question (timed to the second drawn), then F2 back to it."""
    taken = key_latency(page, "y", SECOND_QUESTION)
    key_latency(page, "F2", FIRST_QUESTION)
    return taken


def measure(browser: Any, tmp: Path, keys: int, most: int) -> None:
    with serving_minimal(tmp) as minimal_url:
        loads, latencies = [], []
        for _ in range(3):
            page, seconds = first_draw(browser, minimal_url, "minimal ready")
            loads.append(seconds)
            focus_terminal(page)
            latencies += [key_latency(page, "x", "pressed x") for _ in range(keys)]
            memory = memory_of(str(tmp / "minimal_app.py"))
            page.context.close()
        minimal_load, minimal_key = statistics.median(loads), statistics.median(latencies)
        minimal_memory = memory[0] if memory else (0, 0)

    with serving(tmp, "--max-sessions", str(most + 4)) as served:
        loads, questions, latencies = [], [], []
        for _ in range(3):
            page, seconds = first_draw(browser, served.url, "cauda equina")
            focus_terminal(page)
            started = time.perf_counter()
            at = mark(page)
            page.keyboard.press("Enter")
            wait_for(page, FIRST_QUESTION, at)
            loads.append(seconds)
            questions.append(seconds + time.perf_counter() - started)
            latencies += [answer_and_back(page) for _ in range(keys)]
            memory = memory_of("triagebot.serve.session")
            page.context.close()
        load, question, key = (statistics.median(x) for x in (loads, questions, latencies))
        session_memory = memory[0] if memory else (0, 0)
        terminal_key = terminal_key_latency(keys, tmp)

        print(f"{'':38}{'triagebot':>12}{'minimal':>12}{'ratio':>8}")
        row = "{:38}{:>12}{:>12}{:>8.2f}"
        print(
            row.format(
                "page load to first drawn (ms)",
                f"{load * 1000:.0f}",
                f"{minimal_load * 1000:.0f}",
                load / minimal_load,
            )
        )
        print(
            row.format(
                "page load to first question (ms)",
                f"{question * 1000:.0f}",
                f"{minimal_load * 1000:.0f}",
                question / minimal_load,
            )
        )
        print(
            row.format(
                "key to next drawn, median (ms)",
                f"{key * 1000:.0f}",
                f"{minimal_key * 1000:.0f}",
                key / minimal_key,
            )
        )
        print(f"{'  the same key in a terminal (ms)':38}{terminal_key * 1000:>12.0f}", end="")
        print(f"{'':>12}{key / terminal_key:>8.2f}  (browser / terminal)")
        print(
            row.format(
                "session process RSS (MiB)",
                f"{session_memory[0] / 1024:.0f}",
                f"{minimal_memory[0] / 1024:.0f}",
                session_memory[0] / max(1, minimal_memory[0]),
            )
        )
        print(
            row.format(
                "session process PSS (MiB)",
                f"{session_memory[1] / 1024:.0f}",
                f"{minimal_memory[1] / 1024:.0f}",
                session_memory[1] / max(1, minimal_memory[1]),
            )
        )
        held(browser, served.url, keys, most)


def held(browser: Any, url: str, keys: int, most: int) -> None:
    """Open sessions in steps; press keys round-robin; median latency at each count."""
    print("\nsessions  median key (ms)  p90 (ms)  session PSS total (MiB)")
    pages: list[Any] = []
    count = 1
    while count <= most:
        while len(pages) < count:
            page, _ = first_draw(browser, url, "cauda equina")
            focus_terminal(page)
            at = mark(page)
            page.keyboard.press("Enter")
            wait_for(page, FIRST_QUESTION, at)
            pages.append(page)
        latencies = [answer_and_back(page) for _ in range(max(2, keys // count)) for page in pages]
        median = statistics.median(latencies)
        p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else median
        pss = sum(p for _, p in memory_of("triagebot.serve.session")) / 1024
        over = "  (over the 100 ms budget)" if median >= 0.1 else ""
        print(f"{count:8}  {median * 1000:14.0f}  {p90 * 1000:8.0f}  {pss:22.0f}{over}")
        count = count * 2 if count < 8 else count + 4
    for page in pages:
        page.context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=24, help="most sessions held (24)")
    parser.add_argument("--keys", type=int, default=20, help="keys timed per measure (20)")
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        print(f"cannot run: {missing}")
        return 1
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = launch(playwright)
        try:
            measure(browser, Path(folder), args.keys, args.max)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
