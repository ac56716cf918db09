"""enableWhen derived from a flow's routing: on every path the exploration walks, a
renderer following the Questionnaire's enableWhen shows exactly the questions triagebot
asked (items it cannot gate say so, and are shown always)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fhir_support import answer_values, enabled, explored
from triagebot.app import fhir
from triagebot.app.library import bundled_dir
from triagebot.cli import main
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Session
from triagebot.flows.fhir_gates import NOT_GATED_URL, coverage
from triagebot.flows.schema import MultiChoiceQuestion, NumberQuestion, Question, YesNoQuestion

GATES = Path(__file__).parent / "data" / "fhir" / "gates.yaml"
FLOWS = [*sorted(bundled_dir().glob("*.yaml")), GATES]


def not_gated(form: dict) -> set[str]:
    """Items shown always though asked only on some paths (they say so)."""
    return {
        item["linkId"]
        for item in form["item"]
        if any(e["url"] == NOT_GATED_URL for e in item.get("extension", []))
    }


def thresholds(form: dict) -> dict[str, set[float]]:
    """The numbers each question is compared with in the Questionnaire's enableWhen."""
    found: dict[str, set[float]] = {}
    for item in form["item"]:
        for when in item.get("enableWhen", []):
            for key in ("answerInteger", "answerDecimal"):
                if key in when:
                    found.setdefault(when["question"], set()).add(when[key])
    return found


def near(node: NumberQuestion, at: float) -> list[float]:
    """``at`` and its neighbours on either side, within the question's range."""
    step = 1 if node.integer else 0.01
    return [v for v in (at - step, at, at + step) if node.min <= v <= node.max]


def default(node: Question) -> object:
    """Some answer to a question a changed answer leads to."""
    if isinstance(node, NumberQuestion):
        return node.min
    if isinstance(node, MultiChoiceQuestion):
        return []
    return "no" if isinstance(node, YesNoQuestion) else node.options[0].id


def along(flow: CompiledFlow, answers: dict[str, object]) -> dict[str, object]:
    """The top-level questions a session asks given ``answers`` (others answered by
    :func:`default`), up to the outcome or a repeated group (which counts as asked)."""
    session = Session(flow)
    asked: dict[str, object] = {}
    while not session.finished:
        question = session.question
        if question is None:
            session.answer()
            continue
        if session.round_info is not None:
            asked[session.round_info.group] = None
            break
        value = answers.get(session.current, default(question))
        asked[session.current] = value
        session.answer(value)
    return asked


def neighbours(flow: CompiledFlow, form: dict, asked: dict[str, object]) -> list[dict]:
    """Paths through each number answer moved to each threshold of the Questionnaire and
    either side of it (the explored paths take one value per class, not its edges)."""
    found = []
    for question, cuts in thresholds(form).items():
        node = flow.nodes[question]
        if question in asked and isinstance(node, NumberQuestion):
            for cut in cuts:
                for value in near(node, cut):
                    found.append(along(flow, {**asked, question: value}))
    return found


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
@pytest.mark.parametrize("release", ["R5", "R4B"])
def test_a_renderer_shows_exactly_the_questions_asked(path: Path, release: str) -> None:
    """On every explored path, and with each number moved to each enableWhen threshold
    and either side of it, the enabled items are the questions asked, plus only items
    marked as not gated."""
    flow = load_flow(path)
    form = fhir.questionnaire(flow, release)
    questions = {i["linkId"] for i in form["item"] if not i["linkId"].startswith("triagebot.")}
    free = not_gated(form)
    paths = explored(path)
    assert paths
    paths = paths + [moved for asked in paths for moved in neighbours(flow, form, asked)]
    wrong = []
    for asked in paths:
        answers = {q: v for q, v in asked.items() if q not in flow.groups}
        shown = enabled(form, answer_values(flow, answers)) & questions
        if set(asked) - shown or (shown - set(asked)) - free:
            wrong.append((asked, sorted(set(asked) ^ shown)))
    expected: list[object] = []
    assert expected == wrong[:3]


@pytest.mark.parametrize(
    ("link_id", "expected"),
    [
        # a strict threshold on a whole number
        ("high", [{"question": "score", "operator": ">", "answerInteger": 7}]),
        # a fractional threshold on a whole number: 4.5 <= score is score >= 5
        (
            "middle",
            [
                {"question": "score", "operator": ">=", "answerInteger": 5},
                {"question": "score", "operator": "<=", "answerInteger": 7},
            ],
        ),
        # after a number that may be unknown (no value): the same gate as that number
        (
            "after_middle",
            [
                {"question": "score", "operator": ">=", "answerInteger": 5},
                {"question": "score", "operator": "<=", "answerInteger": 7},
            ],
        ),
        # nothing ticked is an answer that can be compared with
        (
            "nothing",
            [
                {
                    "question": "low",
                    "operator": "=",
                    "answerCoding": {
                        "system": "http://snomed.info/sct",
                        "code": "260413007",
                        "display": "None of these",
                    },
                }
            ],
        ),
    ],
)
def test_enable_when_says_the_rule(link_id: str, expected: list[dict]) -> None:
    """Each item's enableWhen, in the gates test flow."""
    form = fhir.questionnaire(load_flow(GATES))
    item = next(i for i in form["item"] if i["linkId"] == link_id)
    assert expected == item["enableWhen"]


@pytest.mark.parametrize(
    ("link_id", "expected"),
    [
        ("ticks", "combination"),  # b or c, or a with middle unknown: not one box
        ("level", "after-not-gated"),  # reached from ticks, which is shown always
        # alpha yes or beta yes, but a path with alpha yes may end before beta
        ("delta", "combination"),
    ],
)
def test_an_item_enable_when_cannot_gate_says_why(link_id: str, expected: str) -> None:
    """No enableWhen, and the not-gated extension with the reason."""
    form = fhir.questionnaire(load_flow(GATES))
    item = next(i for i in form["item"] if i["linkId"] == link_id)
    reasons = [e["valueCode"] for e in item["extension"] if e["url"] == NOT_GATED_URL]
    assert ([expected], None) == (reasons, item.get("enableWhen"))


def test_coverage_counts_gated_always_and_all_items() -> None:
    """gates-test: 8 items gated, the first always asked, 13 items (4 not gated)."""
    expected = (8, 1, 13)
    assert expected == coverage(load_flow(GATES))


def test_verify_counts_enable_when_and_calculated_expressions(capsys) -> None:
    """``triagebot verify`` says how much of the flow the FHIR export gates and computes."""
    main(["verify", str(GATES)])
    text = [line.strip() for line in capsys.readouterr().out.splitlines()]
    main(["verify", str(GATES), "--format", "json"])
    data = json.loads(capsys.readouterr().out)[0]["fhir"]
    expected = (
        "FHIR: 8 of 13 items have enableWhen, 1 always asked; shown always: "
        "2 after-not-gated, 2 combination; 3 of 3 computed values have a calculatedExpression",
        {
            "items": 13,
            "enable_when": 8,
            "always_asked": 1,
            "not_gated": {"after-not-gated": 2, "combination": 2},
            "computed": 3,
            "calculated_expression": 3,
        },
    )
    assert expected == (next(line for line in text if line.startswith("FHIR:")), data)
