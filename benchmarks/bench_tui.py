"""TUI speed, measured against baselines taken in the same run.

1. Launch to first question on screen: a fresh interpreter starts ``triagebot``'s app
   headless on cauda-equina and reports when the first question's input is mounted and a
   frame has been drawn; a minimal Textual app (one Static) is started the same way.
   Target: within 1.5x of the minimal app.
2. Answer key to next question rendered: every answer key of whole scripted walks (the
   fixture flow, every question type in turn; cauda-equina, a run of yes/no questions),
   timed from the key press until the next question's input is in place and a frame has
   been drawn, against the same pilot round trip on a minimal app (a key that updates
   one Static). Target: median under 16 ms. Frames are drawn on a 60 fps tick, so the
   baseline itself is about one frame; the time until the input is in place (before the
   tick) is printed too.

Run: ``python benchmarks/bench_tui.py``.
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
sys.path.insert(0, str(ROOT / "src"))

from tests.tui_support import (  # noqa: E402
    BUNDLED_SCRIPTS,
    FIXTURE_SCRIPTS,
    every_type,
    fixture_app,
)
from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.widgets import Static  # noqa: E402

from triagebot.flows.compiler import CompiledFlow  # noqa: E402
from triagebot.flows.library import resolve  # noqa: E402
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


WALK_KEYS = set("ynu123c") | {"enter"}
"""Keys that answer in the fixture and bundled scripts; the others move or type."""


async def key_latencies() -> dict[str, list[float]]:
    """Seconds from an answer key to the next question drawn, over whole scripted walks.

    The key is posted to the app as the terminal driver would; the clock stops at the
    first refresh after the chat screen has shown the next question (``drawn``), and,
    for reference, when ``ChatScreen.show`` has returned with the input in place
    (``shown``: the work done before waiting for the next frame tick). Walks: the
    fixture flow's scripts (every question type in turn) and cauda-equina's (a run of
    yes/no questions, as most clinical flows are). The baseline is the same
    key-to-refresh round trip on a minimal app whose key handler updates one Static.
    """

    stamps: list[float] = []
    shown: list[float] = []
    original = ChatScreen.show

    async def timed_show(self: ChatScreen, session: object) -> None:
        await original(self, session)  # type: ignore[arg-type]
        shown.append(time.perf_counter())
        self.call_after_refresh(lambda: stamps.append(time.perf_counter()))

    ChatScreen.show = timed_show  # type: ignore[method-assign]

    async def press(app: App[None], key: str) -> tuple[float, float] | None:
        before = len(stamps)
        char = key if len(key) == 1 else ("\r" if key == "enter" else None)
        start = time.perf_counter()
        app.post_message(events.Key(key, char))
        for _ in range(2000):
            await asyncio.sleep(0.0005)
            if len(stamps) > before:
                return stamps[-1] - start, shown[-1] - start
        return None  # a typing key: no new question

    result: dict[str, list[float]] = {}

    async def walk(name: str, flow: CompiledFlow, scripts: list[list[str]]) -> None:
        drawn, ready = result.setdefault(name, []), result.setdefault(f"{name}/shown", [])
        for keys in scripts:
            app = fixture_app(flow)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                for key in keys:
                    if key not in WALK_KEYS:
                        await pilot.press(key)  # moving or typing, not answering
                        continue
                    took = await press(app, key)
                    if took is not None:
                        drawn.append(took[0])
                        ready.append(took[1])
                await pilot.pause()

    await walk("fixture", every_type(), [keys for keys, _ in FIXTURE_SCRIPTS])
    cauda = resolve("cauda-equina")
    await walk("cauda-equina", cauda, [keys for keys, _ in BUNDLED_SCRIPTS["cauda-equina"]])

    baseline: list[float] = []

    class Minimal(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("baseline")

        def on_key(self, event: events.Key) -> None:
            self.query_one(Static).update(event.key)
            shown.append(time.perf_counter())
            self.call_after_refresh(lambda: stamps.append(time.perf_counter()))

    minimal = Minimal()
    async with minimal.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(len(result["fixture"]) + len(result["cauda-equina"])):
            took = await press(minimal, "x")
            assert took is not None
            baseline.append(took[0])
    result["baseline"] = baseline
    return result


def _ms(values: list[float]) -> str:
    median = statistics.median(values) * 1000
    p90 = statistics.quantiles(values, n=10)[-1] * 1000
    return f"median {median:6.2f} ms, p90 {p90:6.2f} ms, max {max(values) * 1000:6.2f} ms"


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

    timings = asyncio.run(key_latencies())
    b = statistics.median(timings["baseline"])
    print("answer key to next question rendered (pilot, headless 80x24, 60 fps frame tick)")
    print(f"  minimal app key->refresh : median {b * 1000:6.2f} ms")
    for name in ("fixture", "cauda-equina"):
        drawn, ready = timings[name], timings[f"{name}/shown"]
        w = statistics.median(drawn)
        print(f"  {name} ({len(drawn)} answers)")
        print(f"    key -> drawn           : {_ms(drawn)}   ratio {w / b:.2f}x")
        print(f"    key -> input in place  : {_ms(ready)}   (before the frame tick)")
    print("  target: median key -> drawn under 16 ms (one frame)")


if __name__ == "__main__":
    main()
