"""A question of the same type as the one before reuses its input: as if mounted anew.

Reusing saves the mount (several milliseconds and a frame per answer), but nothing of the
last question may carry over: not a typed value, a tick, a highlight, a refusal, a range.
The tests walk a fixture of same-type runs twice, reusing and mounting every input anew,
and compare what the input shows and does at every step.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui_support import FIXTURES, fixture_app
from tests.tui_support import input_state as state
from triagebot.flows.compiler import load_flow
from triagebot.tui.app import TriageApp
from triagebot.tui.widgets.inputs import QuestionInput

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)
RUNS = FIXTURES / "reuse" / "runs.yaml"

# Keys through runs.yaml: each run tries what could leak into the next question.
WALK = [
    "3",  # colour: blue, by its number
    "down",  # size: move to small (nothing is highlighted before)
    "down",  # size: move the highlight to large (must not carry into pets)
    "enter",  # size: large
    "1",  # pets: tick cat (must not stay ticked for foods)
    "c",  # pets: confirm
    "2",  # foods: tick rice
    "3",  # foods: tick beans
    "c",  # foods: confirm
    *"abc",  # weight: letters, refused as typed (the refusal must not carry into age)
    *["backspace"] * 3,
    *"80",
    "enter",  # weight: 80
    *"150",  # age: within weight's range, refused as typed by age's own (0 to 120)
    *["backspace"] * 3,
    *"40",
    "enter",  # age: 40
    *"180",
    "enter",  # height: 180 (no suggestions: the list hidden)
]


async def walk(
    app: TriageApp, keys: list[str] = WALK
) -> tuple[list[dict[str, Any]], list[QuestionInput]]:
    """Press ``keys``, noting the input's state and the input widget after each key."""
    states, widgets = [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys:
            if app.session is not None and app.session.finished:
                break
            states.append(state(app))
            widgets.append(app.screen.query_one(QuestionInput))
            await pilot.press(key)
            await pilot.pause()
        assert app.session is not None
        answers = dict(app.session.answers)
        states.append({"outcome": app.session.current, "answers": answers})
    return states, widgets


async def test_a_reused_input_is_indistinguishable_from_a_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Walking runs of one type with reuse shows and answers exactly as mounting anew."""
    reused, _ = await walk(fixture_app(load_flow(RUNS)))
    for kind in (QuestionInput, *QuestionInput.__subclasses__()):
        monkeypatch.setattr(kind, "reuse_for", lambda *_: False)
    fresh, widgets = await walk(fixture_app(load_flow(RUNS)))
    new_per_question = len({id(w) for w in widgets}) == len({s["node"] for s in fresh[:-1]})
    assert (True, fresh) == (new_per_question, reused)


async def test_runs_of_one_type_keep_one_input() -> None:
    """Each run of one type is answered in one input; the walk reaches its outcome."""
    states, widgets = await walk(fixture_app(load_flow(RUNS)))
    per_node: dict[str, set[int]] = {}
    for shown, widget in zip(states, widgets, strict=False):
        per_node.setdefault(shown["node"], set()).add(id(widget))
    inputs = [
        len({*per_node["colour"], *per_node["size"]}),
        len({*per_node["pets"], *per_node["foods"]}),
        len({*per_node["weight"], *per_node["age"]}),
        len({*per_node["age"], *per_node["height"]}),  # no suggestions: the same input
    ]
    expected_answers = {
        "colour": "blue",
        "size": "large",
        "pets": ("cat",),
        "foods": ("rice", "beans"),
        "weight": 80.0,
        "age": 40.0,
        "height": 180.0,
    }
    assert ([1, 1, 1, 1], "done", expected_answers) == (
        inputs,
        states[-1]["outcome"],
        states[-1]["answers"],
    )


YES_NO = FIXTURES / "reuse" / "yes_no.yaml"
YES_NO_WALK = [
    "u",  # first: Unsure is not an answer here (nothing happens)
    "y",  # first: yes
    "u",  # second: unsure
    "u",  # third: not an answer again
    "n",  # third: no
]


async def test_yes_no_questions_with_and_without_unsure_share_one_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One input shows a run of yes/no questions whether or not they allow Unsure (its
    button and key only where allowed), exactly as new inputs would."""
    reused, reused_widgets = await walk(fixture_app(load_flow(YES_NO)), YES_NO_WALK)
    for kind in (QuestionInput, *QuestionInput.__subclasses__()):
        monkeypatch.setattr(kind, "reuse_for", lambda *_: False)
    fresh, _ = await walk(fixture_app(load_flow(YES_NO)), YES_NO_WALK)
    answers = {"first": "yes", "second": "unsure", "third": "no"}
    inputs = len({id(widget) for widget in reused_widgets})
    assert (fresh, 1, answers) == (reused, inputs, reused[-1]["answers"])
