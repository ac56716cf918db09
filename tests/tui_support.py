"""Shared by the TUI tests, snapshots and benchmark: fixture paths, key scripts, app factory."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static

from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.conversation import Entry
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
    ChoiceQuestion,
    GroupNode,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    YesNoQuestion,
)
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.widgets.chat_log import ChatLog, message_text
from triagebot.tui.widgets.option_lists import Ticks
from triagebot.tui.widgets.outcome import OutcomeCard
from triagebot.tui.widgets.transcript import TranscriptPane

FIXTURES = Path(__file__).parent / "data" / "tui"
EVERY_TYPE = FIXTURES / "every-type.yaml"
TODAY = date(2025, 6, 1)


def fixed_clock() -> datetime:
    return datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def every_type() -> CompiledFlow:
    return load_flow(EVERY_TYPE)


def fixture_app(flow: CompiledFlow | None = None, export_dir: Path | None = None) -> TriageApp:
    """The app as the CLI builds it, on the fixture folder only, with a fixed clock and date."""
    return TriageApp(
        flow, [FIXTURES], bundled=False, clock=fixed_clock, today=TODAY, export_dir=export_dir
    )


# Keys that walk a flow to an outcome: (keys, outcome id). The bundled flows' scripts are
# keyed by flow id; every bundled flow must have at least one (see test_tui.py).
BUNDLED_SCRIPTS: dict[str, list[tuple[list[str], str]]] = {
    "cauda-equina": [
        # no back or leg pain and every core symptom no: the screen does not apply
        (["n", "n", "n", "n", "n", "n"], "out_of_scope"),
        # unsure about a core symptom routes like yes
        (["y", "u"], "emergency_mri"),
        # no pain, but saddle anaesthesia: CES can be painless
        (["n", "n", "y"], "emergency_mri"),
        # every core symptom no, bilateral radicular pain yes
        (["y", "n", "n", "n", "n", "n", "n", "y"], "urgent_msk_2ww"),
        # sexual dysfunction only
        (["y", "n", "n", "n", "n", "n", "y", "n"], "ces_unlikely_review"),
        # nothing at all
        (["y", "n", "n", "n", "n", "n", "n", "n"], "no_ces_features"),
    ],
    "spinal-referral": [
        # a red flag ticked by its number, then confirmed
        (["1", "c"], "red_flag_pathway"),
        # suspected cauda equina syndrome (the sixth flag): an emergency
        (["6", "c"], "suspected_ces"),
        # the CES warning sign (the seventh flag)
        (["7", "c"], "ces_warning_sign"),
        # no red flag, a GP referral
        (["c", "1"], "gp_referral_excluded"),
        # an MSK clinician referring a non-degenerative condition
        (["c", "2", "y"], "out_of_scope_non_degenerative"),
        # every criterion met without the waiver
        (["c", "2", "n", "y", "y", "n", "y", "y"], "eligible"),
        # no MRI target and unwilling, under the waiver
        (["c", "2", "n", "n", "y", "y", "y", "n"], "not_yet_eligible"),
    ],
    "ecpr": [
        # no arrest and no ROSC with low output
        (["n", "n"], "not_indicated"),
        # in arrest, CPR not efficient
        (["y", "n"], "optimise_cpr"),
        # a contraindication ends the check at once
        (["y", "y", "y"], "no_go"),
        # witnessed cardiac arrest on PICU, low score: CPR 10 min, lactate 2, pH 7.3, 20 kg
        (
            [
                "y",
                "y",
                "n",
                "y",
                "1",
                "1",
                "n",
                "y",
                "y",
                *"10",
                "enter",
                *"2",
                "enter",
                *"7,3",
                "enter",
                *"20",
                "enter",
            ],
            "go",
        ),
        # the same arrest unwitnessed
        (
            [
                "y",
                "y",
                "n",
                "y",
                "1",
                "1",
                "n",
                "n",
                "y",
                *"10",
                "enter",
                *"2",
                "enter",
                *"7,3",
                "enter",
                *"20",
                "enter",
            ],
            "consider",
        ),
    ],
    "heparin": [
        # history of HIT
        (["y"], "withhold_all"),
        # IV thrombolysis given (ASPECTS 7)
        (["n", "y", *"7", "enter", "n", "n", "n", "n"], "withhold_flush"),
        # the survey's median: 3 bags x 90 mL/h x 2000 IU/L, no bolus (option 1), 1 h
        (
            [
                "n",
                "n",
                *"7",
                "enter",
                "n",
                "n",
                "n",
                "n",
                *"3",
                "enter",
                *"90",
                "enter",
                *"2000",
                "enter",
                "1",
                *"1",
                "enter",
            ],
            "proceed",
        ),
        # 5000 IU/L gives 1350 IU/h, above the upper quartile
        (
            [
                "n",
                "n",
                *"7",
                "enter",
                "n",
                "n",
                "n",
                "n",
                *"3",
                "enter",
                *"90",
                "enter",
                *"5000",
                "enter",
                "1",
                *"1",
                "enter",
            ],
            "proceed_high_dose",
        ),
    ],
    "septic-cardiomyopathy": [
        # no septic shock
        (["n"], "not_applicable"),
        # fluid responsiveness not assessed, MAP target reached: assess it first
        (["y", "3", "y"], "assess_fluid_responsiveness"),
        # fluid responsive, MAP target reached
        (["y", "1", "y"], "correct_hypovolaemia"),
        # MAP target not reached
        (["y", "2", "n"], "correct_hypotension"),
        # no indication for an inotrope: LVEF 47,5 % at 85 mmHg
        (["y", "2", "y", *"47,5", "enter", *"85", "enter", "n", "n"], "no_inotrope"),
        # low output with high filling pressures, dobutamine not yet tested
        (["y", "2", "y", *"30", "enter", *"100", "enter", "y", "n", "1"], "dobutamine_trial"),
        (["y", "2", "y", *"30", "enter", *"100", "enter", "n", "y", "2"], "continue_dobutamine"),
        (["y", "2", "y", *"30", "enter", *"100", "enter", "y", "y", "3"], "stop_dobutamine"),
    ],
    "crt-lead": [
        # not in sinus rhythm: not a candidate (every criterion still asked)
        (["n", *"25", "enter", "y", *"160", "enter", "3", "y", "y", "n"], "not_candidate"),
        # a candidate; posterior 150 ms, then posterolateral 138 ms: place the lead
        (
            [
                *["y", *"25", "enter", "y", *"160", "enter", "3", "y", "y", "n"],
                *["1", *"150", "enter", "n", "y"],
                *["2", *"138", "enter", "n", "n"],
            ],
            "place_lead",
        ),
        # a candidate whose only branch without stimulation, 165 ms, is longer than 160 ms
        (
            [
                *["y", *"25", "enter", "y", *"160", "enter", "3", "y", "y", "n"],
                *["1", *"165", "enter", "n", "n"],
            ],
            "no_qrs_shortening",
        ),
        # a candidate whose only branch stimulates the diaphragm
        (
            [
                *["y", *"25", "enter", "y", *"160", "enter", "3", "y", "y", "n"],
                *["3", *"130", "enter", "y", "n"],
            ],
            "no_suitable_branch",
        ),
    ],
}

CRT_CANDIDATE = ["y", *"25", "enter", "y", *"160", "enter", "3", "y", "y", "n"]
"""crt-lead's candidacy questions with every criterion met: the next question is round 1's."""

SEPTIC_FRENCH_KEYS = ["o", "2", "o", *"47,5", "enter", *"85", "enter", "n", "n"]
"""septic-cardiomyopathy answered with the French letters (o for oui): LVEF 47,5 % at
85 mmHg, no low output, no hypoperfusion: no_inotrope."""

FIXTURE_SCRIPTS: list[tuple[list[str], str]] = [
    # choice by its number: severe
    (["y", "enter", "3"], "emergency"),
    # choice by arrows and Enter (nothing highlighted before the first arrow), two symptoms
    # ticked, 39,5 typed with a decimal comma
    (["n", "enter", "down", "down", "enter", "1", "3", "c", *"39,5", "enter"], "urgent"),
    # two symptoms, temperature unknown typed
    (["u", "enter", "1", "1", "2", "c", *"unknown", "enter"], "soon"),
    # first presentation, one symptom, 37 typed
    (["n", "enter", "1", "2", "c", *"37", "enter"], "routine"),
    # nothing ticked (confirm with the button), the first suggestion picked from the list
    (["y", "enter", "1", "tab", "enter", "tab", "down", "enter"], "nothing"),
]


def send_bytes(app: App[object], data: str) -> None:
    """Deliver ``data`` as the terminal driver does when it arrives in one read.

    The driver feeds what it read to Textual's xterm parser and posts every resulting
    event to the app at once, without waiting for any of them to be handled (Pilot's
    ``press`` waits after each key, so it cannot show what a burst of keys does).
    """
    for message in XTermParser().feed(data):
        app.post_message(message)


def said(app: App[Any], kind: str) -> list[Entry]:
    """The transcript's messages of one ``kind`` (``answer``, ``superseded`` …), in order."""
    entries = app.screen.query_one(TranscriptPane).chat_log.entries
    return [entry for entry in entries if entry.kind == kind]


def shown_text(app: App[Any], kind: str) -> list[str]:
    """What the transcript's messages of one ``kind`` say, as drawn (labels included)."""
    return [message_text(entry).plain for entry in said(app, kind)]


def footer_keys(app: App[Any]) -> list[tuple[str, str]]:
    """What the footer shows: (key, description) of each of its keys, in order.

    Read from Textual's FooterKey widgets, found by their type name: textual.widgets does
    not export the class (its module is private).
    """
    keys: Iterable[Any] = app.screen.query("FooterKey")
    return [(key.key, key.description) for key in keys]


def picked(app: App[Any]) -> tuple[str, int | None] | None:
    """The answer picked to change (question, round): None unless the transcript has the
    focus."""
    focused = app.focused
    return focused.selected if isinstance(focused, ChatLog) else None


def question_drawn(screen: Screen[object]) -> bool:
    """Whether the last frame drawn shows the current question: its message in the
    transcript wholly in view (an outcome card: its top line), and every part of its input
    laid out. True for a screen other than the chat."""
    if not isinstance(screen, ChatScreen):
        return True
    visible = screen._compositor.visible_widgets
    transcript = screen.query_one(TranscriptPane)
    cards = transcript.query(OutcomeCard)
    if cards:
        card = cards.last()
        if card not in visible:
            return False
        region, clip = visible[card]
        in_view = clip.contains(region.x, region.y)
    else:
        chat_log = transcript.chat_log
        said = chat_log.entries
        if not said or said[-1].kind not in ("question", "info") or chat_log not in visible:
            return False
        region, clip = visible[chat_log]
        first, end = chat_log.span(len(said) - 1)
        lines = Region(region.x, region.y + first, region.width, end - first)
        in_view = end <= region.height and clip.contains_region(lines)
    parts = list(_displayed(screen.query_one("#answer-area")))
    shown = screen.current_input()
    session = getattr(screen.app, "session", None)
    current = session is None or shown is None or shown.node_id == session.current
    return in_view and bool(parts) and all(w in visible for w in parts) and current


def _displayed(widget: Widget) -> Iterator[Widget]:
    """The children of ``widget`` that are displayed, and theirs (a hidden widget's
    descendants are not shown, whatever their own ``display``)."""
    for child in widget.children:
        if child.display:
            yield child
            yield from _displayed(child)


def input_state(app: App[object]) -> dict[str, Any]:
    """What the current question's input shows and where the keyboard focus is."""
    screen = app.screen
    assert isinstance(screen, ChatScreen)
    shown = screen.current_input()
    assert shown is not None
    area = screen.query_one("#answer-area")
    result: dict[str, Any] = {
        "type": type(shown).__name__,
        "node": shown.node_id,
        "classes": sorted(shown.classes),
        "texts": [str(s.content) for s in shown.query(Static) if s.parent is not None],
        "buttons": [str(b.label) for b in shown.query(Button)],
        "focus": type(app.focused).__name__,
        "focus in input": app.focused is not None and shown in app.focused.ancestors_with_self,
        "inputs shown": [type(w).__name__ for w in _displayed(area)].count(type(shown).__name__),
        # Their look too (the focus look comes from has_focus): a spare is styled as
        # focused ahead, while hidden, and must look as a newly focused field does.
        "widgets": [
            (type(w).__name__, sorted(w.classes), w.display, w.has_focus, str(w.rich_style))
            for w in shown.walk_children()
        ],
    }
    for listing in shown.query(OptionList):
        key = "selections" if isinstance(listing, Ticks) else "options"
        result[key] = [prompt_text(option.prompt) for option in listing.options]
        result[f"{key} highlighted"] = listing.highlighted
        if isinstance(listing, Ticks):
            result["ticked"] = listing.selected
    for field in shown.query(Input):
        classes = sorted(field.classes)
        result["input"] = (field.value, field.placeholder, field.cursor_position, classes)
    return result


def prompt_text(prompt: object) -> str:
    """An option's prompt as plain text, its lines joined by " / " (wide: unwrapped)."""
    console = Console(width=200, color_system=None, record=True, file=io.StringIO())
    console.print(prompt)
    lines = console.export_text().splitlines()
    return " / ".join(line.rstrip() for line in lines if line.strip())


def screen_lines(app: App[Any]) -> list[str]:
    """The text of every row of the screen as last composed (what the terminal shows)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def paths_to_questions(flow: CompiledFlow, budget: int = 20_000) -> dict[str, list[object]]:
    """For each question and info node a new session of ``flow`` reaches (first found, in
    its first round), a shortest list of raw answers that brings it there.

    Found by trying answers breadth first (no, yes, unsure; each option; no tick and each
    tick; each suggestion, the range's ends and middle, unknown) until every node is found
    or ``budget`` sessions were tried. Robust to a flow's changes, unlike a script of keys.
    """
    wanted = {
        node_id
        for node_id, node in flow.flow.nodes.items()
        if not isinstance(node, OutcomeNode | GroupNode)
    }
    found: dict[str, list[object]] = {}
    seen: set[tuple[str, str]] = set()
    waiting: deque[list[object]] = deque([[]])
    while waiting and budget and set(found) != wanted:
        budget -= 1
        answers = waiting.popleft()
        session = replayed(flow, answers)
        if session is None or session.finished:
            continue
        state = (session.current, repr(sorted(session.answers.items())))
        if state in seen:
            continue
        seen.add(state)
        found.setdefault(session.current, answers)
        waiting.extend([*answers, raw] for raw in _tries(session.node))
    return found


def replayed(flow: CompiledFlow, answers: list[object]) -> Session | None:
    """A new session of ``flow`` given ``answers`` in turn; None if one is refused."""
    session = Session(flow, fixed_clock)
    try:
        for raw in answers:
            session.answer(raw)
    except (AnswerError, FlowRuntimeError):
        return None
    return session


def _tries(node: object) -> list[object]:
    if isinstance(node, YesNoQuestion):
        return ["no", "yes", *([UNSURE] if node.allow_unsure else [])]
    if isinstance(node, ChoiceQuestion):
        return [option.id for option in node.options]
    if isinstance(node, MultiChoiceQuestion):
        return [[], *([option.id] for option in node.options)]
    if isinstance(node, NumberQuestion):
        middle = (node.min + node.max) / 2
        values = [s.value for s in node.suggestions] + [node.min, node.max, middle]
        return [*values, *([UNKNOWN] if node.allow_unknown else [])]
    return [None]  # an info node: acknowledged


async def show_question(app: TriageApp, node_id: str, answers: list[object]) -> None:
    """Bring the app's running flow to ``node_id`` afresh by ``answers``, as if typed."""
    assert app.session is not None
    await app.start_flow(app.session.flow)
    assert app.session is not None
    for raw in answers:
        app.session.answer(raw)
    await app.refresh_chat()
    assert node_id == app.session.current
