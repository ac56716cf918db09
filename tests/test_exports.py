"""Exports: plain text for a GP record, Markdown, JSON; the formats offered and their files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.transcript_helpers import CAUDA_EQUINA, DATA, MIXED_URGENT, driven, mixed, ticking_clock
from triagebot.app import exports
from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session
from triagebot.flows.transcript import Transcript, from_json
from triagebot.flows.transcript_build import from_session

CES_EMERGENCY = {"back_or_leg_pain": "yes", "urinary_difficulty": "unsure"}


def as_of_review(transcript: Transcript, overdue: bool = False) -> Transcript:
    """The transcript with the review flag fixed, so golden files do not age."""
    sources = [s.model_copy(update={"review_overdue": overdue}) for s in transcript.flow.sources]
    flow = transcript.flow.model_copy(
        update={"review_overdue": overdue, "content_review_overdue": overdue, "sources": sources}
    )
    return transcript.model_copy(update={"flow": flow})


def ces(answers: dict[str, object]) -> Transcript:
    return as_of_review(from_session(driven(load_flow(CAUDA_EQUINA), answers)))


def test_plain_text_matches_the_golden_file() -> None:
    """The cauda-equina emergency transcript reads exactly as the reviewed golden file."""
    expected = (DATA / "cauda-equina-emergency.txt").read_text(encoding="utf-8")
    assert expected == exports.to_text(ces(CES_EMERGENCY))


@pytest.mark.parametrize(
    "answers",
    [
        CES_EMERGENCY,  # emergency, long action lines
        {  # out of scope: no pain and every core symptom no
            "back_or_leg_pain": "no",
            "urinary_difficulty": "no",
            "saddle_sensation": "no",
            "bilateral_neuro_deficit": "no",
            "rectal_sensation_loss": "no",
            "retention_or_incontinence": "no",
        },
        {  # no CES features: every question asked
            "back_or_leg_pain": "yes",
            "urinary_difficulty": "no",
            "saddle_sensation": "no",
            "bilateral_neuro_deficit": "no",
            "rectal_sensation_loss": "no",
            "retention_or_incontinence": "no",
            "sexual_dysfunction": "no",
            "bilateral_radicular_pain": "no",
        },
    ],
)
def test_plain_text_lines_fit_80_columns_without_markup(answers) -> None:
    """No line is longer than 80 characters and none carries Markdown markup."""
    text = exports.to_text(ces(answers))
    too_long = [line for line in text.splitlines() if len(line) > 80]
    markup = [line for line in text.splitlines() if re.search(r"\*\*|`|^#|_\(|^>", line)]
    expected: tuple[list[str], list[str]] = ([], [])
    assert expected == (too_long, markup)


def test_plain_text_is_headed_by_flow_and_version() -> None:
    """First the flow's title, then its id, version and language, then the date and times
    with their UTC offset."""
    lines = exports.to_text(ces(CES_EMERGENCY)).splitlines()
    expected = [
        "Suspected cauda equina syndrome (CES) symptom screen",
        "triagebot flow cauda-equina version 2.0.0 (en)",
        "2025-03-14 09:30–09:30 (UTC+00:00)",
    ]
    assert expected == lines[:3]


def test_plain_text_orders_answers_outcome_actions_sources_disclaimer() -> None:
    """Answers come first, then the outcome, its actions, the sources and the disclaimer."""
    text = exports.to_text(from_session(driven(mixed(), MIXED_URGENT)))
    positions = [
        text.index(marker)
        for marker in (
            "- Age of the patient? 40 years",
            "- Does the patient smoke? Yes",
            "OUTCOME [URGENT]: Urgent review",
            "Actions:",
            "Safety-netting:",
            "Sources:",
            "Test flow, not clinical advice.",
        )
    ]
    assert sorted(positions) == positions


def test_plain_text_wraps_long_lines_with_a_hanging_indent() -> None:
    """A long action wraps onto indented lines, its citation (the source's title, never its
    id) at the end."""
    text = exports.to_text(from_session(driven(mixed(), MIXED_URGENT)))
    expected = (
        "- See the patient today; this line is deliberately long so that the plain text\n"
        "  export has to wrap it over more than one line of at most eighty characters.\n"
        "  (source: A test source document, Urgent)\n"
    )
    assert expected in text


def test_plain_text_records_changes_and_superseded_answers() -> None:
    """A changed answer shows old and new values with the time; dropped answers are listed."""
    session = driven(mixed(), MIXED_URGENT)
    session.edit("colour", "purple")
    text = exports.to_text(from_session(session))
    expected = [
        "- Colour of the rash? changed from Red to Purple (non-blanching) at 09:30",
        "- No longer applies after a change: Which symptoms are present? Fever; Cough",
        "- No longer applies after a change: Does the patient smoke? yes",
    ]
    assert expected == [line for line in text.splitlines() if "change" in line]


def test_plain_text_warns_when_the_review_date_had_passed() -> None:
    """A flow past its review dates says so under the heading, naming each date passed."""
    text = exports.to_text(ces(CES_EMERGENCY).model_copy(deep=True))
    overdue = exports.to_text(as_of_review(ces(CES_EMERGENCY), overdue=True))
    expected = [
        "WARNING: the flow was past its review when this was recorded: the flow's content",
        "review was due 2027-12-05; a source's review date has passed (January 2027 (or",
        "as NICE guidance changes)).",
    ]
    assert ("WARNING" not in text) and (expected == overdue.splitlines()[3:6])


def test_plain_text_of_an_unfinished_session_says_so() -> None:
    """No outcome is invented for a session that did not finish."""
    session = Session(mixed(), ticking_clock())
    session.answer()
    text = exports.to_text(from_session(session))
    assert "No outcome: the session was not finished." in text.splitlines()


def test_markdown_has_headings_answers_and_sourced_actions() -> None:
    """Markdown: a title, answers in bold, the outcome as a heading, actions with sources."""
    text = exports.to_markdown(from_session(driven(mixed(), MIXED_URGENT)))
    expected = [
        "# Mixed test flow",
        "- **Age of the patient?** 40 years",
        "## Outcome: Urgent review (urgent)",
        "- Stop smoking advice. _(source: A test source document, Smoking)_",
        "> Test flow, not clinical advice.",
    ]
    assert expected == [line for line in expected if line in text.splitlines()]


def test_markdown_escapes_flow_text() -> None:
    """Characters Markdown would act on are escaped in flow text."""
    expected = "a \\*b\\* \\_c\\_ \\#d"
    assert expected == exports._md("a *b* _c_ #d")


def test_render_json_loads_back() -> None:
    """``render('json')`` is the record's JSON: it loads back into an equal record."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    assert transcript == from_json(exports.render("json", transcript))


def test_fhir_export_needs_the_flow() -> None:
    """A FHIR export without the flow is refused with a message, not a crash."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    with pytest.raises(exports.ExportError, match="needs the flow"):
        exports.render("fhir", transcript)


def test_every_format_has_a_file_extension() -> None:
    """Each format offered has a file extension for default export paths."""
    assert set(exports.FORMATS) == set(exports.EXTENSIONS)


def test_golden_file_exists() -> None:
    """The golden plain text is committed beside the other transcript fixtures."""
    assert Path(DATA / "cauda-equina-emergency.txt").is_file()


@pytest.mark.parametrize("path", sorted(bundled_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_source_has_a_short_title(path: Path) -> None:
    """Each source of a bundled flow gives the short title its citations show."""
    flow = load_flow(path)
    expected: list[str] = []
    assert expected == [s.id for s in flow.flow.sources if not s.short]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_an_export_never_shows_a_source_id(fmt: exports.Format) -> None:
    """Citations and the sources list name the source by its short title, not its id."""
    text = exports.render(fmt, ces(CES_EMERGENCY))
    expected = (False, True)
    assert expected == ("wy_spinal_policy" in text, "West Yorkshire spinal policy 2024" in text)
