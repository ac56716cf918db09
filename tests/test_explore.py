"""Answer classes: one value per class of behaviour, and no behaviour left untried."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triagebot.app import library
from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.explore import Exploration, Explorer
from triagebot.flows.explore_analysis import analyse
from triagebot.flows.explore_classes import ClassFinder
from triagebot.flows.explore_points import Classes, Entries, pieces
from triagebot.flows.schema import UNKNOWN

DATA = Path(__file__).parent / "data" / "verify"
CLASSES = load_flow(DATA / "classes.yaml")
ECPR = load_flow(library.bundled_dir() / "ecpr.yaml")
ECPR_BEFORE_NUMBERS: dict[str, AnswerValue] = {
    "in_arrest": "yes",
    "cpr_quality": "yes",
    "ecmo_contraindication": "no",
    "team_available": "yes",
    "location": "picu",
    "hypothermia": "no",
    "reversible_cause": "yes",
    "cause": "cardiac",
    "witnessed": "yes",
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("q_lt", (0, 10)),  # [0, 10) and [10, 100]: the cut point is in the upper class
        ("q_ge", (0, 10)),
        ("q_le", (0, 55)),  # [0, 10] and (10, 100]: the cut point is in the lower class
        ("q_gt", (0, 55)),
        ("q_eq", (0, 10, 55)),  # the cut point is a class of its own
        ("q_in", (0, 3, 4, 5, 6)),
        ("q_int", (0, 8)),  # whole numbers: 7.5 is no answer, 8 starts the upper class
    ],
)
def test_one_value_per_class(question: str, expected: tuple[int, ...]) -> None:
    """Each comparison operator puts its cut point in the right class; one value each."""
    assert expected == ClassFinder(analyse(CLASSES)).classes(question, {}).values


def test_number_read_with_a_later_answer_keeps_every_piece() -> None:
    """'q_later if later == 'yes' else 0 > 50': cut at 50 although 'later' comes after."""
    classes = ClassFinder(analyse(CLASSES)).classes("q_later", {})
    assert (classes.values, classes.sampled) == ((0, 50, 100), None)


def test_classes_fixture_reaches_every_outcome_exactly() -> None:
    """The fixture is explored exhaustively: 2*2*2*2*3*5*2 * 3 (q_later) * 2 (later) paths."""
    seen = Explorer(CLASSES).run()
    assert (seen.paths, seen.reached >= {"high", "done"}, seen.sampled) == (2880, True, {})


def test_ecpr_numbers_have_one_value_per_class() -> None:
    """De Mul bands: 4 CPR classes, 4 lactate and 4 pH classes (+ unknown), 2 weights."""
    finder = ClassFinder(analyse(ECPR))
    answers = dict(ECPR_BEFORE_NUMBERS)
    expected = {
        "cpr_minutes": (0, 40, 60, 105),
        "lactate": (0, 8, 14, 18, UNKNOWN),
        "ph": (6.3, 6.725, 6.85, 7.4, UNKNOWN),
        "weight_kg": (0.5, 15),
    }
    found = {}
    for question, value in (("cpr_minutes", 0), ("lactate", 0), ("ph", 7.4), ("weight_kg", 1)):
        found[question] = finder.classes(question, answers).values
        answers[question] = value
    assert expected == found


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["cpr_minutes", "lactate", "ph", "weight_kg"]),
    st.floats(min_value=0, max_value=1),
)
def test_every_ecpr_value_behaves_like_a_tried_value(question: str, fraction: float) -> None:
    """Any value of a number gives the same comparisons as one of the values tried."""
    finder = ClassFinder(analyse(ECPR))
    node = ECPR.question(question)
    low, high = node.min, node.max  # type: ignore[union-attr]
    value = round(low + (high - low) * fraction, 3)
    tried = finder.classes(question, ECPR_BEFORE_NUMBERS).values
    signatures = {finder.signature(question, ECPR_BEFORE_NUMBERS, v) for v in tried}
    assert finder.signature(question, ECPR_BEFORE_NUMBERS, value) in signatures


@pytest.mark.parametrize(
    ("cuts", "integer", "expected"),
    [
        ({10.0}, False, [0, 10, 55]),
        ({7.5}, False, [0, 7.5, 53]),
        ({7.5}, True, [0, 8]),
        ({0.0, 100.0}, False, [0, 50, 100]),
    ],
)
def test_pieces_are_cut_points_and_insides(
    cuts: set[float], integer: bool, expected: list[int | float]
) -> None:
    """Pieces of [0, 100]: each cut that is an answer, a value inside each interval (the
    range end where the interval reaches it), in order."""
    assert expected == pieces(0, 100, cuts, integer)


class _EveryPiece(ClassFinder):
    """The previous partition: every cut point and a value inside every interval."""

    def classes(
        self, question_id: str, answers: dict[str, AnswerValue], groups: Entries | None = None
    ) -> Classes:
        found = super().classes(question_id, answers, groups)
        return Classes(found.boundaries(), found.sampled)


def _findings(seen: Exploration) -> tuple[object, ...]:
    return (
        seen.reached,
        seen.fired,
        sorted(seen.violations),
        sorted(seen.faults),
        sorted(seen.overlaps),
        {outcome: len(answers) for outcome, answers in seen.shortest.items()},
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [("", ""), ("score >= 9", "score > 9"), ("flush_iu_h > 1080", "flush_iu_h > 1200")],
)
def test_one_value_per_class_finds_what_every_piece_finds(
    tmp_path: Path, old: str, new: str
) -> None:
    """The score fixture, intact and with planted faults: same outcomes, rules, violations."""
    path = tmp_path / "score.yaml"
    path.write_text((DATA / "score.yaml").read_text(encoding="utf-8").replace(old, new))
    flow: CompiledFlow = load_flow(path)
    fine = Explorer(flow, finder=_EveryPiece(analyse(flow))).run()
    coarse = Explorer(flow).run()
    assert _findings(fine) == _findings(coarse)
    assert coarse.paths < fine.paths
