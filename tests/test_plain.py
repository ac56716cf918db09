"""Plain mode end to end: ``triagebot chat FLOW --plain`` through a real pipe."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui_support import EVERY_TYPE, FIXTURES, every_type
from triagebot.plain import run_plain

ROOT = Path(__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    """The subprocess's environment: our source, and the test's own data folder (conftest)."""
    return {"PYTHONPATH": str(ROOT / "src"), "TRIAGEBOT_DATA_DIR": os.environ["TRIAGEBOT_DATA_DIR"]}


def chat(
    flow: str, lines: list[str] | None, *, close: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run plain mode in a subprocess, writing ``lines`` to its stdin through a pipe."""
    text = None if lines is None else "".join(line + "\n" for line in lines)
    return subprocess.run(
        [sys.executable, "-m", "triagebot", "chat", flow, "--plain"],
        input=text,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
        check=False,
    )


# (answers typed, outcome line printed) through every question type of the fixture flow
RUNS = [
    (["1", "", "3"], "OUTCOME: EMERGENCY — Severe — send to the emergency department"),  # numbers
    (["no", "", "moderate", "1 3", "39,5"], "OUTCOME: URGENT — High temperature — see today"),
    (
        ["u", "", "1", "fever, rash", "unknown"],
        "OUTCOME: SOON — Several symptoms — review within a week",
    ),
    (["n", "", "1", "0", "37"], "OUTCOME: ROUTINE — First presentation — routine follow-up"),
    (
        ["y", "", "1", "none", "37"],
        "OUTCOME: NO ACTION FROM THIS SCREEN — Nothing further from this screen",
    ),
]


@pytest.mark.parametrize(("lines", "outcome"), RUNS)
def test_plain_mode_reaches_each_outcome(lines: list[str], outcome: str) -> None:
    """Typed answers (numbers, words, ids, decimal comma) reach the outcome; exit code 0."""
    done = chat(str(EVERY_TYPE), lines)
    assert (done.returncode, done.stderr) == (0, "")
    assert outcome in done.stdout.splitlines()


def test_plain_mode_refuses_bad_answers_and_asks_again() -> None:
    """A bad number is refused with what is accepted; the question is asked again."""
    done = chat(str(EVERY_TYPE), ["1", "", "1", "0", "abc", "50", "38"])
    assert done.returncode == 0
    out = done.stdout.splitlines()
    assert "'abc' is not a number: enter a number from 30 to 45 °C, or unknown" in out
    assert "50 is out of range: enter a number from 30 to 45 °C, or unknown" in out
    assert sum(line == "Q4. Body temperature?" for line in out) == 3


def test_plain_mode_why_and_back() -> None:
    """``why`` prints the reason and source; ``back`` re-asks the previous question."""
    done = chat(str(EVERY_TYPE), ["why", "y", "", "back", "n", "", "3"])
    out = done.stdout.splitlines()
    assert "Tells a first presentation from a recurrence." in out
    assert "The fixture's own made-up source, Section 1" in out
    assert "The fixture's own made-up source (guideline; 2025, review 1 January 2099)." in out
    assert (
        sum(line == "Q1. Has the patient been seen for this before?" for line in out) == 3
    )  # asked, after why, after back
    assert done.returncode == 0


def test_plain_mode_end_of_input_is_a_message_not_a_traceback() -> None:
    """Input ending before an outcome prints one line and exits 1."""
    done = chat("cauda-equina", ["y"])
    assert (done.returncode, done.stderr) == (1, "")
    assert (
        done.stdout.splitlines()[-1]
        == "input ended before an outcome was reached; nothing was decided."
    )


def test_plain_mode_quit() -> None:
    """``quit`` stops without an outcome; exit code 1."""
    done = chat("cauda-equina", ["quit"])
    assert done.returncode == 1
    assert (
        done.stdout.splitlines()[-1]
        == "stopped before an outcome was reached; nothing was decided."
    )


def test_chat_without_a_terminal_falls_back_to_plain() -> None:
    """``triagebot FLOW`` on a pipe (no terminal) runs plain mode instead of the TUI."""
    done = subprocess.run(
        [sys.executable, "-m", "triagebot", "cauda-equina"],
        input="n\n" * 6,  # no pain, then every core symptom no
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert (
        "OUTCOME: NO ACTION FROM THIS SCREEN — Outside this screen: no back or leg pain and no "
        "core CES symptom today" in done.stdout.splitlines()
    )


def test_plain_mode_numbers_the_rounds_of_a_repeated_group() -> None:
    """crt-lead through a pipe: each branch is a numbered round; back crosses rounds."""
    candidacy = ["y", "25", "y", "160", "3", "y", "y", "n"]
    first = ["1", "150", "n", "y"]
    second = ["back", "y", "2", "138", "n", "n"]
    done = chat("crt-lead", [*candidacy, *first, *second])
    out = done.stdout.splitlines()
    # round 1: four questions, and 'another' again after back; round 2: shown before the
    # back, then its four questions
    expected = (0, 5, 5)
    actual = (
        done.returncode,
        out.count("[Branch 1 of up to 6]"),
        out.count("[Branch 2 of up to 6]"),
    )
    assert expected == actual
    assert "OUTCOME: ROUTINE — Place the LV lead in the proposed branch" in out


# (answers typed before the empty line, the question it is typed at, what is said)
EMPTY_LINES = [
    ([], "Q1. Has the patient been seen for this before?", "type 1–3, or yes, no or unsure"),
    (["y", ""], "Q2. How severe is it?", "type 1–3, or one of: mild, moderate, severe"),  # choice
    (
        ["y", "", "1"],
        "Q3. Which of these symptoms are present?",  # ticks
        "type the numbers of every option that applies (e.g. 1 3), or 0 for None of these",
    ),
    (["y", "", "1", "1"], "Q4. Body temperature?", "enter a number from 30 to 45 °C, or unknown"),
]


@pytest.mark.parametrize(("before", "question", "accepted"), EMPTY_LINES)
def test_an_empty_line_is_never_an_answer(before: list[str], question: str, accepted: str) -> None:
    """An empty line (or spaces) at a question answers nothing: it says what to type and
    asks the same question again; input then ends with nothing decided."""
    done = chat(str(EVERY_TYPE), [*before, "", "   "])
    said = f"An empty line is not an answer: {accepted}."
    lines = done.stdout.splitlines()
    asked = [line for line in lines if line.startswith("Q")][-3:]
    assert (1, 2, [question] * 3) == (done.returncode, lines.count(said), asked)


def test_an_empty_line_at_a_yes_no_without_unsure_offers_two() -> None:
    """A yes/no question without unsure: the empty line names 1 to 2, yes or no."""
    done = chat(str(FIXTURES / "reuse" / "yes_no.yaml"), [""])
    assert "An empty line is not an answer: type 1–2, or yes or no." in done.stdout.splitlines()


def test_an_empty_line_at_an_info_message_goes_on() -> None:
    """At an info message Enter (an empty line) is the acknowledgement, not an answer."""
    done = chat(str(EVERY_TYPE), ["y", "", "3"])
    lines = done.stdout.splitlines()
    assert (done.returncode, any(line.startswith("OUTCOME:") for line in lines)) == (0, True)


@pytest.mark.parametrize(
    "typed",
    [
        "¹",  # superscript one: str.isdigit() says a digit, int() refuses it
        "٣",  # Arabic-Indic three: int() reads 3, which answered unsure (shown as 3)
        "①",  # circled one
    ],
)
def test_a_digit_that_is_not_an_option_number_is_refused_not_a_crash(typed: str) -> None:
    """Typing a character Python counts as a digit is refused like any wrong answer; the
    session stays at the question (it crashed plain mode with a ValueError)."""
    said = io.StringIO()
    code = run_plain(every_type(), io.StringIO(f"{typed}\nquit\n"), said, offer=False)
    lines = said.getvalue().splitlines()
    expected = (1, 2)
    assert expected == (code, sum(line.startswith("Q1. ") for line in lines))
