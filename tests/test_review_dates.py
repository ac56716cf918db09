"""Review dates (spec principle 7) and the outcome's evidence section.

A source's review date is shown as the source states it, or as "none stated", never
invented; the flow's own content review is due at most 12 months after its sign-off; past
either date the flow still runs but says so at its start and in every export.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tests.transcript_helpers import ticking_clock
from triagebot.app import library
from triagebot.flows import exports
from triagebot.flows.compiler import CompiledFlow, compile_text
from triagebot.flows.documents import FlowError
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.transcript_build import from_session
from triagebot.flows.wording import overdue_line, source_line
from triagebot.plain import PlainChat

MINIMAL = Path(__file__).parent / "data" / "engine" / "minimal.yaml"
CONTENT_REVIEW = "content_review: {signed_off: 2025-01-01, due: 2025-12-31}"
STATED = '    review: "1 January 2030"\n'


def minimal(*replacements: tuple[str, str]) -> CompiledFlow:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    return compile_text(text, "m.yaml")


def problems(*replacements: tuple[str, str]) -> list[str]:
    with pytest.raises(FlowError) as caught:
        minimal(*replacements)
    return [str(problem) for problem in caught.value.problems]


def test_a_review_date_the_source_does_not_state_is_refused() -> None:
    """``review_date`` without ``review`` (the date as the source prints it) is an error."""
    expected = [
        "m.yaml:12:18: review_date needs 'review': the review date as the source prints it "
        "(a date the source does not state is never set)"
    ]
    assert expected == problems((STATED, "    review_date: 2030-01-01\n"))


@pytest.mark.parametrize(
    ("due", "accepted"),
    [
        ("2026-01-01", True),  # exactly 12 months after the sign-off
        ("2026-01-02", False),  # a day more
        ("2025-01-01", False),  # due on the day it was signed off
        ("2024-12-31", False),  # due before the sign-off
    ],
)
def test_the_content_review_is_due_within_a_year_of_its_sign_off(due: str, accepted: bool) -> None:
    """The content review falls after the sign-off and at most 12 months after it."""
    replacement = (CONTENT_REVIEW, f"content_review: {{signed_off: 2025-01-01, due: {due}}}")
    if accepted:
        assert date.fromisoformat(due) == minimal(replacement).flow.content_review.due
        return
    expected = [
        "m.yaml:118:47: the content review is due after its sign-off (2025-01-01) and at "
        "most 12 months after it (by 2026-01-01)"
    ]
    assert expected == problems(replacement)


def test_a_flow_without_a_content_review_is_refused() -> None:
    """Every flow states its content review: leaving it out is a located error."""
    expected = ["m.yaml:2:1: missing required field 'content_review'"]
    assert expected == problems((CONTENT_REVIEW, ""))


def test_a_source_review_is_shown_as_stated_or_as_none_stated() -> None:
    """The source line quotes the review as printed; without one it says "none stated"."""
    stated = source_line(minimal(), "src")
    unstated = source_line(minimal((STATED, "")), "src")
    expected = (
        "Test source (guideline; 1, review 1 January 2030).",
        "Test source (guideline; 1, review date: none stated).",
    )
    assert expected == (stated, unstated)


@pytest.mark.parametrize(
    ("today", "line"),
    [
        (date(2025, 12, 31), None),  # the due day itself is not yet overdue
        (date(2026, 1, 1), "REVIEW OVERDUE: the flow's content review was due 2025-12-31."),
        (
            date(2030, 1, 2),
            "REVIEW OVERDUE: the flow's content review was due 2025-12-31; a source's review "
            "date has passed (1 January 2030).",
        ),
    ],
)
def test_the_overdue_warning_names_each_date_passed(today: date, line: str | None) -> None:
    """Past the content review, or a source's stated review date, the warning says which."""
    flow = minimal((STATED, STATED + "    review_date: 2030-01-01\n"))
    assert line == overdue_line(flow, today)


def test_a_flow_past_only_its_content_review_is_overdue() -> None:
    """The content review alone makes the flow overdue, whatever its sources say."""
    status = library.review_status(minimal(), date(2026, 3, 1))
    expected = (True, True, (), date(2025, 12, 31))
    assert expected == (status.overdue, status.content_overdue, status.overdue_sources, status.due)


def test_plain_mode_warns_at_the_start_of_an_overdue_flow() -> None:
    """Plain mode's first lines carry the warning when the content review has passed."""
    out = io.StringIO()
    session = Session(minimal(), ticking_clock())
    PlainChat(session, io.StringIO("quit\n"), out).run()
    assert "REVIEW OVERDUE: the flow's content review was due 2025-12-31." in out.getvalue()


EVIDENCE = (
    "    title: None\n",
    "    title: None\n"
    "    actions:\n"
    "      - {text: Do this., source: {doc: src, section: A}}\n"
    "    evidence:\n"
    "      - {text: 'Responders 85 % vs 50 %.', source: {doc: src, section: Results}}\n"
    "    safety_netting:\n"
    "      - {text: Come back., source: {doc: src, section: S}}\n",
)


def test_evidence_is_its_own_section_between_actions_and_safety_netting() -> None:
    """An outcome's evidence lines are shown under "Evidence", never among the actions."""
    session = drive(minimal(EVIDENCE), {"pain": "no"}, ticking_clock())
    text = exports.to_text(from_session(session)).splitlines()
    start = text.index("Actions:")
    expected = [
        "Actions:",
        "- Do this. (source: Test source, A)",
        "Evidence:",
        "- Responders 85 % vs 50 %. (source: Test source, Results)",
        "Values:",
        "- Score: not available",
        "- Band: not available",
        "Safety-netting:",
        "- Come back. (source: Test source, S)",
    ]
    assert expected == text[start : start + 9]


def test_markdown_and_plain_mode_show_the_evidence_heading() -> None:
    """Markdown has an Evidence heading; plain mode prints it at the outcome."""
    session = drive(minimal(EVIDENCE), {"pain": "no"}, ticking_clock())
    markdown = exports.to_markdown(from_session(session)).splitlines()
    out = io.StringIO()
    PlainChat(session, io.StringIO(""), out).show_outcome(session.outcome())  # type: ignore[arg-type]
    plain = out.getvalue().splitlines()
    expected = (True, "- Responders 85 % vs 50 %. (source: Test source, Results)")
    assert expected == ("### Evidence" in markdown, plain[plain.index("Evidence:") + 1])
