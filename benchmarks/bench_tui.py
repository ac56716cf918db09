"""TUI speed, measured against baselines taken in the same run.

1. Launch to first question on screen: a fresh interpreter starts ``triagebot``'s app
   headless on cauda-equina and reports when the first question's input is mounted and a
   frame has been drawn; a minimal Textual app (one Static) is started the same way.
   Target: within 1.5x of the minimal app.
2. Answer key to next question rendered: every key of a whole fixture flow walk, timed
   from the key press until the next question is mounted and the screen is idle, against
   the same pilot round trip on the minimal app (a key that does nothing). Target: median
   under 16 ms.

Run: ``PYTHONPATH=src python benchmarks/bench_tui.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
sys.path.insert(0, str(ROOT))

from tests.tui_support import FIXTURE_SCRIPTS, every_type, fixture_app  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.widgets import Static  # noqa: E402

from triagebot.tui.screens.chat import ChatScreen  # noqa: E402

TRIAGEBOT_CHILD = """
import time, sys
from triagebot.flows.library import resolve
from triagebot.tui.app import make_app
from triagebot.tui.widgets.inputs import QuestionInput
app = make_app(resolve("cauda-equina"))
def shown():
    print(time.time(), flush=True)
    app.exit()
def poll():
    if app.screen.query(QuestionInput):
        app.call_after_refresh(shown)
    else:
        app.set_timer(0.001, poll)
app.call_later(poll)
app.run(headless=True, size=(80, 24))
"""

MINIMAL_CHILD = """
import time
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("Does the patient present with back pain and/or leg pain?")
    def on_mount(self):
        self.call_after_refresh(self.shown)
    def shown(self):
        print(time.time(), flush=True)
        self.exit()
Minimal().run(headless=True, size=(80, 24))
"""


def launch_seconds(code: str) -> float:
    """Seconds from spawning a fresh interpreter to its first frame on screen."""
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    return float(done.stdout.split()[0]) - start


async def key_latencies() -> tuple[list[float], list[float]]:
    """Seconds from an answer key to the next question drawn, over whole fixture walks.

    The key is posted to the app as the terminal driver would; the clock stops at the
    first refresh after the chat screen has mounted the next question's input. The
    baseline is the same key-to-refresh round trip on a minimal app whose key handler
    updates one Static.
    """

    stamps: list[float] = []
    original = ChatScreen.show

    async def timed_show(self: ChatScreen, session: object) -> None:
        await original(self, session)  # type: ignore[arg-type]
        self.call_after_refresh(lambda: stamps.append(time.perf_counter()))

    ChatScreen.show = timed_show  # type: ignore[method-assign]

    async def press(app: App[None], key: str) -> float | None:
        before = len(stamps)
        char = key if len(key) == 1 else ("\r" if key == "enter" else None)
        start = time.perf_counter()
        app.post_message(events.Key(key, char))
        for _ in range(2000):
            await asyncio.sleep(0.0005)
            if len(stamps) > before:
                return stamps[-1] - start
        return None  # a typing key: no new question

    walk: list[float] = []
    for keys, _ in FIXTURE_SCRIPTS:
        app = fixture_app(every_type())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for key in keys:
                if key in ("tab", "down") or (len(key) == 1 and key not in "ynu123c"):
                    await pilot.press(key)  # moving or typing, not answering
                    continue
                took = await press(app, key)
                if took is not None:
                    walk.append(took)
            await pilot.pause()

    baseline: list[float] = []

    class Minimal(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("baseline")

        def on_key(self, event: events.Key) -> None:
            self.query_one(Static).update(event.key)
            self.call_after_refresh(lambda: stamps.append(time.perf_counter()))

    minimal = Minimal()
    async with minimal.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(len(walk)):
            took = await press(minimal, "x")
            assert took is not None
            baseline.append(took)
    return walk, baseline


def main() -> None:
    launch_seconds(MINIMAL_CHILD)  # warm the file cache for both
    launch_seconds(TRIAGEBOT_CHILD)
    minimal, triagebot = [], []
    for _ in range(RUNS):
        minimal.append(launch_seconds(MINIMAL_CHILD))
        triagebot.append(launch_seconds(TRIAGEBOT_CHILD))
    m, t = statistics.median(minimal), statistics.median(triagebot)
    print(f"launch to first question (median of {RUNS}, fresh interpreter, headless 80x24)")
    print(f"  minimal Textual app : {m * 1000:7.1f} ms")
    print(f"  triagebot           : {t * 1000:7.1f} ms   ratio {t / m:.2f}x (target <= 1.5x)")

    walk, baseline = asyncio.run(key_latencies())
    w, b = statistics.median(walk), statistics.median(baseline)
    print(f"answer key to next question rendered ({len(walk)} answers over 5 fixture walks)")
    print(f"  minimal app key->refresh: median {b * 1000:6.2f} ms")
    print(
        f"  triagebot answer key     : median {w * 1000:6.2f} ms, "
        f"p90 {statistics.quantiles(walk, n=10)[-1] * 1000:6.2f} ms, "
        f"max {max(walk) * 1000:6.2f} ms (target median < 16 ms)"
    )
    print(f"  ratio to baseline        : {w / b:.2f}x")


if __name__ == "__main__":
    main()
