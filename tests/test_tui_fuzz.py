"""Random bursts of keys, each delivered in one read as a terminal sends them, on every
screen: the start screen, questions of each type, an outcome, the edit and why screens.
Whatever they do, the app never crashes and runs on.

``TRIAGEBOT_KEY_BURSTS`` sets how many bursts are sent in all (default 40; the issue's
check is 1,000). ctrl+q (quit) and ctrl+p (the palette, which can quit or save a
screenshot) are left out: every other key of the keyboard's kinds is in.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual._xterm_parser import XTermParser

from tests.tui_support import every_type, fixture_app
from triagebot.app import library
from triagebot.tui.app import TriageApp

SIZE = (80, 24)
BURSTS = int(os.environ.get("TRIAGEBOT_KEY_BURSTS", "40"))
PER_RUN = 5
"""Bursts sent to one app, one after the other (each on what the last left)."""

KEYS = {
    **{f"f{n}": code for n, code in enumerate(["\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS"], 1)},
    **{f"f{n}": f"\x1b[{code}~" for n, code in [(5, 15), (6, 17), (7, 18), (8, 19), (9, 20)]},
    "enter": "\r",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "delete": "\x1b[3~",
    "backspace": "\x7f",
    "escape": "\x1b",
    "space": " ",
    "ctrl+c": "\x03",
    **{key: key for key in "ynuocdx0123456789,.-"},
}
"""Key names → the bytes an xterm sends for them."""

# Where a run starts: (how the app is made, keys pressed one by one to get there).
STARTS: dict[str, tuple[Callable[[], TriageApp], list[str]]] = {
    "start screen": (fixture_app, []),
    "yes/no": (lambda: fixture_app(every_type()), []),
    "ticks": (lambda: fixture_app(every_type()), ["n", "enter", "1"]),
    "number": (lambda: fixture_app(every_type()), ["n", "enter", "1", "c"]),
    "outcome": (lambda: fixture_app(every_type()), ["y", "enter", "3"]),
    "edit": (lambda: fixture_app(every_type()), ["y", "enter", "f3", "up", "enter"]),
    "why": (lambda: fixture_app(every_type()), ["f1"]),
    "rounds, French": (lambda: TriageApp(library.resolve("septic-cardiomyopathy")), []),
    "group rounds": (lambda: TriageApp(library.resolve("crt-lead")), []),
}

LEAVING = [f"f{n}" for n in range(1, 10)] + ["escape", "enter", "down", "up", "tab"]
"""Keys that change the screen or act on it: drawn three times as often as the others."""
bursts = st.lists(st.sampled_from(sorted(KEYS) + LEAVING * 2), min_size=1, max_size=8)


def send(app: TriageApp, keys: list[str]) -> None:
    """Deliver ``keys`` as one read: parsed as the driver parses them, posted at once (a
    lone Escape at the end is flushed, as the driver does when no more bytes come)."""
    parser = XTermParser()
    for message in [*parser.feed("".join(KEYS[key] for key in keys)), *parser.feed("")]:
        app.post_message(message)


async def run(start: str, sent: list[list[str]]) -> int | None:
    """Send the bursts to an app brought to ``start``; its return code (None: running)."""
    make, keys = STARTS[start]
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        for burst in sent:
            send(app, burst)
            await pilot.pause()
            await pilot.pause()
        return app.return_code


@settings(
    max_examples=math.ceil(BURSTS / PER_RUN),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.sampled_from(sorted(STARTS)), sent=st.lists(bursts, min_size=PER_RUN, max_size=PER_RUN)
)
# The bursts the adversarial campaign found (issue 18), always tried first.
@example(start="yes/no", sent=[["f8", "down", "f8"]] * PER_RUN)
@example(start="number", sent=[["3", "7", "enter", "f8"], ["enter", "down"], *[["f7"]] * 3])
@example(start="start screen", sent=[["enter", "down"], ["f8", "enter", "f8"], *[["f2"]] * 3])
def test_random_key_bursts_never_crash_the_app(start: str, sent: list[list[str]]) -> None:
    """Random bursts of keys on any screen: no exception, and the app still runs."""
    assert run_code(start, sent) is None


def run_code(start: str, sent: list[list[str]]) -> int | None:
    return asyncio.run(run(start, sent))
