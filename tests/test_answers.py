"""Checking typed answers: what is accepted, and what the refusal says."""

from __future__ import annotations

import pytest

from triagebot.flows.answers import AnswerError, parse_answer
from triagebot.flows.schema import (
    ChoiceQuestion,
    Citation,
    MultiChoiceQuestion,
    NumberQuestion,
    Option,
    YesNoQuestion,
)

CITE = Citation(doc="src", section="s")
COMMON = {"prompt": "Q?", "why": "w", "source": CITE, "next": "x"}
YES_NO = YesNoQuestion(type="yes_no", allow_unsure=True, **COMMON)
CHOICE = ChoiceQuestion(
    type="choice", options=[Option(id="a", label="A"), Option(id="b", label="B")], **COMMON
)
MULTI = MultiChoiceQuestion(
    type="multi_choice", options=[Option(id="a", label="A"), Option(id="b", label="B")], **COMMON
)
PH = NumberQuestion(type="number", min=6.3, max=7.8, allow_unknown=True, **COMMON)
BAGS = NumberQuestion(type="number", unit="bags", min=1, max=6, integer=True, **COMMON)
CONC = NumberQuestion(type="number", unit="IU/L", min=0, max=25000, **COMMON)


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (YES_NO, " Yes ", "yes"),  # case and spaces forgiven
        (YES_NO, "unsure", "unsure"),
        (CHOICE, "b", "b"),
        (MULTI, ["b", "a"], ("a", "b")),  # kept in the flow's order
        (MULTI, [], ()),  # none is an answer
        (PH, "7,1", 7.1),  # decimal comma
        (PH, "7.10", 7.1),
        (PH, 6.3, 6.3),  # range ends are inclusive
        (PH, "unknown", "unknown"),
        (BAGS, "3", 3),
        (BAGS, 3.0, 3),
        (CONC, "2000", 2000.0),
        (CONC, "0,125", 0.125),  # a leading zero is unambiguous
    ],
)
def test_accepted(question: object, raw: object, expected: object) -> None:
    """Valid answers are normalised."""
    assert expected == parse_answer(question, raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (YES_NO, "maybe", "'maybe' is not accepted: answer yes, no or unsure"),
        (YES_NO, True, "True is not accepted: answer yes, no or unsure"),  # JSON true is not 'yes'
        (CHOICE, "c", "'c' is not accepted: answer one of: a, b"),
        (MULTI, "a", "'a' is not accepted: answer a list of any of: a, b (or an empty list)"),
        (MULTI, ["a", "a"], "'a' is listed twice"),
        (PH, "abc", "'abc' is not a number: enter a number from 6.3 to 7.8, or unknown"),
        (PH, "8", "8 is out of range: enter a number from 6.3 to 7.8, or unknown"),
        (PH, "", "no value entered: enter a number from 6.3 to 7.8, or unknown"),
        (PH, "nan", "'nan' is not a number: enter a number from 6.3 to 7.8, or unknown"),
        (PH, "7,1,2", "'7,1,2' is not a number: enter a number from 6.3 to 7.8, or unknown"),
        (BAGS, "2.5", "2.5 is not a whole number: enter a whole number from 1 to 6 bags"),
        (BAGS, "unknown", "'unknown' is not a number: enter a whole number from 1 to 6 bags"),
        (CONC, "1,000", "'1,000' is ambiguous: type 1000 (or use a point for decimals)"),
        (CONC, "9" * 100_000, "that is 100000 characters, too long for a number"),
    ],
)
def test_refused_with_what_is_accepted(question: object, raw: object, message: str) -> None:
    """A refusal says what was wrong and what is accepted."""
    with pytest.raises(AnswerError) as caught:
        parse_answer(question, raw)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message), str(caught.value)


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        # a 400-digit integer from an answers file, a journal or a transcript: no float
        # holds it, and converting it was an OverflowError (an internal error)
        pytest.param(BAGS, 10**400, "100000000000000000000000000000… is out of range", id="400"),
        pytest.param(PH, -(10**400), "-10000000000000000000000000000… is out", id="-400"),
        # more digits than Python writes out (int max str digits)
        pytest.param(PH, 10**5000, "~10^5000 is out of range", id="5000"),
        # inside a list: shown in part
        pytest.param(YES_NO, [10**5000], "[~10^5000] is not accepted", id="listed"),
        pytest.param(PH, float("inf"), "inf is out of range", id="inf"),  # 1e400 from JSON
        pytest.param(PH, float("nan"), "nan is out of range", id="nan"),  # NaN, hostile
    ],
)
def test_numbers_beyond_any_float_are_refused_not_crashed_on(
    question: object, raw: object, message: str
) -> None:
    """Huge and non-finite numbers are refused saying what is accepted, never a crash."""
    with pytest.raises(AnswerError) as caught:
        parse_answer(question, raw)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_deeply_nested_answer_is_shown_in_part() -> None:
    """A list nested hundreds deep is refused with a short picture of it, never a crash."""
    nested: list[object] = []
    for _ in range(900):
        nested = [nested]
    with pytest.raises(AnswerError) as caught:
        parse_answer(YES_NO, nested)
    expected = "[[[...]]] is not accepted: answer yes, no or unsure"
    assert expected == str(caught.value)
