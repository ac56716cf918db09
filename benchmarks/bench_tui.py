"""TUI speed, measured against baselines taken in the same run.

1. Launch to first question on screen. A fresh interpreter runs ``triagebot
   cauda-equina`` through the real entry point (``triagebot.cli.entry_point``) on an
   80x24 pseudo-terminal with Textual's real driver, and reports the first frame after
   which the first question's input is in place and nothing is left to lay out or
   repaint. Against: a minimal Textual app (one Static) started the same way (target:
   within 1.5x of it), and a "floor" that imports the core a flow needs and loads the
   flow, then runs that minimal app: what any Textual front end on this core pays.
   triagebot reads a flow opened before from its compiled-flow cache; "the flow not
   cached" is the first open of a flow file (or of a new triagebot), which parses and
   checks it.
2. Answer key to next question drawn, over every answer key of whole scripted walks: the
   fixture flow (every question type in turn, so the input changes shape at every answer:
   the worst case), then every bundled flow's test scripts (``BUNDLED_SCRIPTS``; e.g.
   cauda-equina, a run of yes/no questions; heparin, yes/no questions then a run of
   numbers; spinal-referral, ticks then yes/no questions). Per answer, from the key reaching
   the app: ``input in place`` (``ChatScreen.show`` returned), ``first frame`` (the first
   frame drawn that shows the next question: its message in the transcript, wholly in
   view, and every part of its input; for an outcome, the card's top line), ``settled``
   (the first frame after which nothing is left to lay out or repaint). Target: median
   under 16 ms (one frame). The count of answers whose first frame after ``show`` did not
   show the question yet is printed too. Times are those of the frames themselves (when
   the compositor drew them), not of the checks that run after them. Each app starts
   with the cycle collector paused and frozen after its first frame, as ``triagebot
   FLOW`` does (``triagebot.startup``): without that, collections of the bench's own
   start-up objects (25-60 ms) landed in answers at random.

   The chat mounts its hidden spare inputs (one per kind of input the flow asks) 0.1 s
   after the frame that draws the first question (the chat screen's ``_prepare_spares``): at
   100 ms idle they are ready from the second answer on; back to back, their mount lands
   in one of the first answers (its p90), and answers before it mount their input anew.

   Baselines: a key that updates one Static, and a key that appends one Static to a
   scrolling list that follows it (a chat message). Textual draws on a 60 fps grid: a
   refresh asked for within a frame of the last one waits for the next tick, one asked
   for after an idle spell is drawn at once. So the walks run twice: keys sent as soon as
   the last answer has settled (the one-Static baseline is then a frame: the floor of that
   measure, not work), and keys sent after 100 ms idle, as a clinician types. And Textual
   lays out a newly mounted widget a second time, on a later tick (16-33 ms on), which
   is the mount baseline's floor for ``settled``. A last pass (not timed) counts answers
   whose settled frame looks different from their first.

Run: ``python benchmarks/bench_tui.py [launch] [keys]`` (both by default).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 9
IDLE = 0.1
"""Seconds of idle before each key at a clinician's pace."""
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.tui_support import (  # noqa: E402
    BUNDLED_SCRIPTS,
    FIXTURE_SCRIPTS,
    every_type,
    fixture_app,
    question_drawn,
)
from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import Static  # noqa: E402

from triagebot import startup  # noqa: E402
from triagebot.app.files import DATA_DIR_VARIABLE  # noqa: E402
from triagebot.app.library import resolve  # noqa: E402
from triagebot.flows.compiler import CompiledFlow  # noqa: E402
from triagebot.tui.screens.chat import ChatScreen  # noqa: E402

SETTLED = """
import os, time
def settled(screen):
    return not (screen._layout_required or screen._repaint_required or screen._dirty_widgets)
def report(app):
    # Stop the clock at the first refresh after which nothing is left to draw.
    def check():
        if settled(app.screen):
            os.write(int(os.environ["BENCH_FD"]), f"{time.time()}\\n".encode())
            app.exit()
        else:
            app.call_after_refresh(check)
    app.call_after_refresh(check)
"""

TRIAGEBOT_CHILD = (
    SETTLED
    + """
import importlib.machinery, sys

class Hook:
    # Patch App.run once the TUI imports textual.app (importing it here would move
    # textual's import out of the start-up being measured). A plain finder: importlib.abc
    # would import importlib.resources, pathlib, tempfile... ahead of the program.
    def find_spec(self, name, path, target=None):
        if name != "textual.app":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run_module = spec.loader.exec_module
        def exec_module(module):
            run_module(module)
            run = module.App.run
            def patched(app, *args, **kwargs):
                from triagebot.tui.widgets.inputs import QuestionInput
                def poll():
                    if app.screen.query(QuestionInput):
                        report(app)
                    else:
                        app.set_timer(0.001, poll)
                app.call_later(poll)
                return run(app, *args, **kwargs)
            module.App.run = patched
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Hook())
# The patient reference given on the command line: the first question is then the first
# screen (without it, the optional patient prompt comes first and waits for a person).
sys.argv = ["triagebot", "cauda-equina", "--patient", "benchmark"]
from triagebot.cli import entry_point
entry_point()
"""
)

FLOOR_CHILD = (
    SETTLED
    + """
from triagebot import startup
startup.pause_collector()
from triagebot.app.library import resolve
startup.resume_collector()
flow = resolve("cauda-equina")
startup.pause_collector()
from textual.app import App
from textual.widgets import Static
class Floor(App):
    def compose(self):
        yield Static(flow.flow.nodes[flow.flow.start].prompt)
    def on_mount(self):
        report(self)
Floor().run()
"""
)
"""What any TUI on this core pays: the minimal app, after importing the core a flow needs
(with the cycle collector paused, as the command line does) and compiling the flow."""

MINIMAL_CHILD = (
    SETTLED
    + """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("Does the patient present with back pain and/or leg pain?")
    def on_mount(self):
        report(self)
Minimal().run()
"""
)


def launch_seconds(code: str, data_home: str, extra_env: dict[str, str] | None = None) -> float:
    """Seconds from spawning a fresh interpreter on a terminal to its first settled frame."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    report_read, report_write = os.pipe()
    drained = threading.Thread(target=_drain, args=(primary,), daemon=True)
    drained.start()
    env = {
        "PYTHONPATH": str(ROOT / "src"),
        "TERM": "xterm-256color",
        "HOME": data_home,
        "XDG_DATA_HOME": data_home,
        "BENCH_FD": str(report_write),
        **(extra_env or {}),
    }
    start = time.time()
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=secondary,
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
        pass_fds=(report_write,),
    )
    os.close(report_write)
    with os.fdopen(report_read) as report:
        line = report.readline()
    _, errors = child.communicate(timeout=30)
    os.close(secondary)
    os.close(primary)
    if not line:
        raise RuntimeError(f"the child did not report a frame:\n{errors.decode()}")
    return float(line) - start


def _drain(fd: int) -> None:
    """Read what the child draws, so its terminal never blocks it."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


WALKS = ["fixture", *BUNDLED_SCRIPTS]
"""The walks timed, in order: the fixture flow's, then each bundled flow's."""
WALK_KEYS = set("ynu123c") | {"enter"}
"""Keys that answer in the fixture and bundled scripts; the others move or type."""


def _settled(screen: Screen[object]) -> bool:
    return not (screen._layout_required or screen._repaint_required or screen._dirty_widgets)


def _picture(screen: Screen[object]) -> list[tuple[tuple[str, str], ...]]:
    """What the screen shows: every line's text and styles."""
    strips = screen._compositor.render_strips()
    return [tuple((seg.text, str(seg.style)) for seg in strip) for strip in strips]


FRAME_DRAWN = [0.0]
"""When the compositor last drew a frame (``Screen._compositor_refresh`` returned): the
stamps use it, not the time a check runs, since callbacks run after the frame in turn and
may start late."""


def _stamp_frames() -> Callable[[], None]:
    """Record every frame's time in FRAME_DRAWN; returns the undo."""
    original = Screen._compositor_refresh

    def drawn(screen: Screen[object]) -> None:
        original(screen)
        FRAME_DRAWN[0] = time.perf_counter()

    Screen._compositor_refresh = drawn  # type: ignore[method-assign]

    def undo() -> None:
        Screen._compositor_refresh = original  # type: ignore[method-assign]

    return undo


class Stamps:
    """Times of the first frame that shows a change, and of the frame that settles it."""

    def __init__(self, compare: bool = False) -> None:
        self.first: list[float] = []
        self.settled: list[float] = []
        self.shown: list[float] = []
        self.compare = compare
        self.changed_after_first = 0
        """Changes whose settled frame looked different from their first frame."""
        self.late = 0
        """Changes whose first frame after ``ChatScreen.show`` did not show the question yet."""

    def after_change(self, widget: App[None] | Screen[object]) -> None:
        """Stamp the first frame that shows the change, then the first frame that leaves
        nothing to draw."""
        shown_at = time.perf_counter()
        self.shown.append(shown_at)
        seen: list[list[tuple[tuple[str, str], ...]]] = []
        frames = [0]
        waited = [0]

        def check() -> None:
            # The frame this check looks at: the last one the compositor drew. A callback
            # after refresh runs at once when the screen is not dirty yet: no frame yet.
            now = FRAME_DRAWN[0]
            waited[0] += now < shown_at
            if now < shown_at and waited[0] < 1000:
                widget.call_after_refresh(check)
                return
            now = max(now, shown_at)  # (after 1000 checks: nothing to draw)
            frames[0] += 1
            screen = widget if isinstance(widget, Screen) else widget.screen
            settled = _settled(screen)
            if len(self.first) < len(self.shown) and (question_drawn(screen) or settled):
                self.first.append(now)
                self.late += frames[0] > 1
                if self.compare:
                    seen.append(_picture(screen))
            if not settled:
                widget.call_after_refresh(check)
                return
            self.settled.append(now)
            if self.compare and seen and seen[0] != _picture(screen):
                self.changed_after_first += 1

        widget.call_after_refresh(check)


Timings = dict[str, list[float]]


async def key_latencies(idle: float, compare: bool = False) -> tuple[Timings, Stamps]:
    """Seconds from an answer key to the next question drawn, over whole scripted walks.

    ``idle``: seconds to wait before each answer key (0: as soon as the last one is
    settled). The key is posted to the app as the terminal driver does. Per answer:
    ``shown``, ``ChatScreen.show`` has returned with the input in place; ``first``, the
    first frame after that which shows the question (``question_drawn``); ``settled``,
    the first frame after which nothing is left to lay out or repaint (Textual lays a
    newly mounted widget out a second time, a frame later). ``compare`` also checks
    whether the settled frame looks different from the first one (slower: not for
    timing).
    """
    stamps = Stamps(compare)
    original = ChatScreen.show

    async def timed_show(self: ChatScreen, session: object) -> None:
        await original(self, session)  # type: ignore[arg-type]
        stamps.after_change(self)

    ChatScreen.show = timed_show  # type: ignore[method-assign]
    unstamp = _stamp_frames()

    async def press(app: App[None], key: str) -> tuple[float, float, float] | None:
        await asyncio.sleep(idle)
        before = len(stamps.settled)
        char = key if len(key) == 1 else ("\r" if key == "enter" else None)
        start = time.perf_counter()
        app.post_message(events.Key(key, char))
        for _ in range(2000):
            await asyncio.sleep(0.0005)
            if len(stamps.settled) > before:
                return tuple(  # type: ignore[return-value]
                    getattr(stamps, kind)[-1] - start for kind in ("shown", "first", "settled")
                )
        return None  # a typing key: no new question

    result: Timings = {}

    def add(name: str, took: tuple[float, float, float]) -> None:
        for kind, seconds in zip(("shown", "first", "settled"), took, strict=True):
            result.setdefault(f"{name}/{kind}", []).append(seconds)

    async def walk(name: str, flow: CompiledFlow, scripts: list[list[str]]) -> None:
        for keys in scripts:
            startup.pause_collector()  # as the command line does: the chat resumes it, frozen
            app = fixture_app(flow)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                for key in keys:
                    if key not in WALK_KEYS:
                        await pilot.press(key)  # moving or typing, not answering
                        continue
                    took = await press(app, key)
                    if took is not None:
                        add(name, took)
                await pilot.pause()

    # The walks journal their sessions as the app does: into a folder of their own, not
    # the user's (they left unfinished sessions in the real resume list).
    data_home = tempfile.mkdtemp(prefix="triagebot-bench-")
    os.environ[DATA_DIR_VARIABLE] = data_home
    try:
        await walk("fixture", every_type(), [keys for keys, _ in FIXTURE_SCRIPTS])
        for flow_id, walks in BUNDLED_SCRIPTS.items():
            await walk(flow_id, resolve(flow_id), [keys for keys, _ in walks])
    finally:
        ChatScreen.show = original  # type: ignore[method-assign]
        del os.environ[DATA_DIR_VARIABLE]
        shutil.rmtree(data_home, ignore_errors=True)
    answers = sum(len(result[f"{name}/first"]) for name in WALKS)

    class UpdateOne(App[None]):
        """A key updates one Static."""

        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("baseline")

        def on_key(self, event: events.Key) -> None:
            self.query_one(Static).update(event.key)
            stamps.after_change(self)

    class MountOne(App[None]):
        """A key appends one Static to a scrolling list that follows it, as a chat does."""

        def compose(self):  # type: ignore[no-untyped-def]
            yield VerticalScroll()

        def on_mount(self) -> None:
            self.query_one(VerticalScroll).anchor()

        async def on_key(self, event: events.Key) -> None:
            await self.query_one(VerticalScroll).mount(Static(f"message {event.key}"))
            stamps.after_change(self)

    for name, baseline in (("update one Static", UpdateOne()), ("mount one Static", MountOne())):
        startup.pause_collector()
        async with baseline.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            startup.resume_collector()
            for _ in range(answers):
                took = await press(baseline, "x")
                assert took is not None
                add(name, took)
    unstamp()
    return result, stamps


def _launch() -> None:
    with tempfile.TemporaryDirectory() as data_home:
        uncached = {"TRIAGEBOT_FLOW_CACHE": "off"}
        measures: dict[str, Callable[[], float]] = {
            "minimal": lambda: launch_seconds(MINIMAL_CHILD, data_home),
            "floor": lambda: launch_seconds(FLOOR_CHILD, data_home),
            "triagebot": lambda: launch_seconds(TRIAGEBOT_CHILD, data_home),
            "first open": lambda: launch_seconds(TRIAGEBOT_CHILD, data_home, uncached),
        }
        runs: dict[str, list[float]] = {name: [] for name in measures}
        for measure in measures.values():
            measure()  # warm the file cache (and fill the compiled-flow cache)
        for _ in range(RUNS):
            for name, measure in measures.items():
                runs[name].append(measure())
    m = statistics.median(runs["minimal"])
    print(f"launch to first question (median of {RUNS}; fresh interpreter on an 80x24 pty)")
    labels = {
        "minimal": "minimal Textual app",
        "floor": "floor: core + minimal",
        "triagebot": "triagebot FLOW",
        "first open": "  the flow not cached",
    }
    for name, label in labels.items():
        median, fastest = statistics.median(runs[name]), min(runs[name])
        print(
            f"  {label:22s}: {median * 1000:6.1f} ms (fastest {fastest * 1000:5.1f})"
            f"   ratio {median / m:.2f}x"
        )
    # Each round runs every measure once, back to back: the ratio within a round is not
    # moved by the machine's load drifting between rounds, as the ratio of medians can be.
    paired = [t / m for t, m in zip(runs["triagebot"], runs["minimal"], strict=True)]
    print(
        f"  triagebot FLOW / minimal, round by round: median {statistics.median(paired):.2f}x"
        f" (from {min(paired):.2f}x to {max(paired):.2f}x)"
    )
    print("  target: triagebot FLOW within 1.5x of the minimal app")


def _keys(idle: float, title: str) -> None:
    timings, stamps = asyncio.run(key_latencies(idle))
    print(title)
    print(f"  {'(median ms)':36s} first frame   settled   input in place")
    base = statistics.median(timings["update one Static/first"])
    for name in ("update one Static", "mount one Static", *WALKS):
        first, settled = timings[f"{name}/first"], timings[f"{name}/settled"]
        shown = timings[f"{name}/shown"]
        label = f"{name} ({len(first)} answers)" if "Static" not in name else f"baseline: {name}"
        print(
            f"  {label:36s} {_median(first):8.2f} {_median(settled):10.2f} {_median(shown):11.2f}"
            f"   first {_median(first) / (base * 1000):.2f}x, p90 {_p90(first):.1f}"
        )
    print(f"  answers whose first frame after show did not show the question yet: {stamps.late}")


def _median(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] * 1000


def _visual_check() -> None:
    _, stamps = asyncio.run(key_latencies(IDLE, compare=True))
    total = len(stamps.settled)
    print(
        f"  changes whose settled frame differs from their first: {stamps.changed_after_first}"
        f" of {total}"
    )


def main() -> None:
    parts = sys.argv[1:] or ["launch", "keys"]
    if "launch" in parts:
        _launch()
    if "keys" not in parts:
        return
    _keys(0, "answer key to next question drawn, keys back to back (pilot, headless 80x24)")
    _keys(IDLE, f"answer key to next question drawn, {IDLE * 1000:.0f} ms idle before each key")
    _visual_check()
    print("  target: median key -> drawn under 16 ms (one frame)")


if __name__ == "__main__":
    main()
