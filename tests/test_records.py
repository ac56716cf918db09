"""Records a clinician can file (spec principle 10): the patient reference and local times
with their offset, in every export, through the journal and in the resume list."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transcript_helpers import CAUDA_EQUINA, ticking_clock
from triagebot.app import exports, journal, resuming
from triagebot.app.export import last_format
from triagebot.app.library import bundled_dir
from triagebot.cli import main
from triagebot.flows.catalog import counted, words
from triagebot.flows.compiler import load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.layout import labelled
from triagebot.flows.patient import MAX_PATIENT, PatientError, patient_reference
from triagebot.flows.safe_text import UNSAFE
from triagebot.flows.schema import NumberQuestion, Suggestion
from triagebot.flows.times import local_now, zone
from triagebot.flows.transcript import Transcript, from_json
from triagebot.flows.transcript_build import from_session
from triagebot.plain import resume_plain, run_plain
from triagebot.plain_prompts import options

BUNDLED = bundled_dir()
LONDON_SUMMER = timezone(timedelta(hours=1))
"""A fixed zone for the tests (never the machine's): British Summer Time."""

AT = datetime(2025, 6, 14, 16, 15, tzinfo=LONDON_SUMMER)
CES_EMERGENCY = {"back_or_leg_pain": "yes", "urinary_difficulty": "unsure"}
PATIENT = "J Smith, NHS 943 476 5919"


def ces(patient: str | None = PATIENT) -> Transcript:
    flow = load_flow(CAUDA_EQUINA)
    session = drive(flow, CES_EMERGENCY, ticking_clock(AT))
    session.patient = patient
    return from_session(session)


def render(fmt: exports.Format, transcript: Transcript) -> str:
    return exports.render(fmt, transcript, load_flow(CAUDA_EQUINA))


def test_the_text_export_names_the_patient_and_local_times_with_their_offset() -> None:
    """The header says whose record it is and when, in local time with its UTC offset."""
    lines = render("text", ces()).splitlines()
    expected = [
        "triagebot flow cauda-equina version 2.0.0 (en)",
        "2025-06-14 16:15–16:15 (UTC+01:00)",
        "Patient: J Smith, NHS 943 476 5919",
    ]
    assert expected == lines[1:4]


def test_the_markdown_export_names_the_patient_and_local_times() -> None:
    """Markdown carries the patient line and the period with its offset."""
    lines = render("markdown", ces()).splitlines()
    expected = (True, True)
    assert expected == (
        "**Patient:** J Smith, NHS 943 476 5919" in lines,
        any(line.endswith("2025-06-14 16:15–16:15 (UTC+01:00)") for line in lines),
    )


def test_text_and_markdown_name_the_clinician_when_known() -> None:
    """The clinician serve's proxy named (Session.clinician) is a line of the text and
    Markdown exports, after the patient; unknown, no line at all."""
    flow = load_flow(CAUDA_EQUINA)
    session = drive(flow, CES_EMERGENCY, ticking_clock(AT))
    session.patient, session.clinician = PATIENT, "dr.jones"
    known = from_session(session)
    expected = ("Clinician: dr.jones", True, False)
    assert expected == (
        render("text", known).splitlines()[4],
        "**Clinician:** dr.jones" in render("markdown", known).splitlines(),
        "Clinician" in render("text", ces()) + render("markdown", ces()),
    )


def test_json_keeps_the_patient_and_iso_times_with_their_offset() -> None:
    """JSON has the patient and ISO 8601 times with the offset they were taken in."""
    data = json.loads(render("json", ces()))
    expected = (PATIENT, "2025-06-14T16:15:01+01:00")
    assert expected == (data["patient"], data["started_at"])


@pytest.mark.parametrize("fmt", ["fhir", "fhir-r4b"])  # both FHIR releases
def test_fhir_names_the_patient_as_subject_display_with_offset_times(fmt: exports.Format) -> None:
    """The FHIR response's subject is the patient reference; authored keeps the offset."""
    data = json.loads(render(fmt, ces()))
    expected = ({"display": PATIENT}, True)
    assert expected == (data["subject"], data["authored"].endswith("+01:00"))


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "fhir"])  # every kind of export
def test_no_export_invents_a_patient(fmt: exports.Format) -> None:
    """Without a patient reference no export shows a patient line or a subject."""
    text = render(fmt, ces(None))
    expected = (False, False)
    assert expected == ("Patient" in text, '"subject"' in text)


def test_the_journal_keeps_the_patient_and_the_offset_through_a_resume() -> None:
    """A resumed session has the patient and the start time, offset included."""
    flow = load_flow(CAUDA_EQUINA)
    session = Session(flow, ticking_clock(AT))
    session.patient = PATIENT
    record = journal.Journal.start(session)
    session.answer("yes")
    record.close()
    resumed = journal.resume(record.path)
    resumed.journal.close()
    expected = (PATIENT, session.started_at, LONDON_SUMMER.utcoffset(None))
    assert expected == (
        resumed.session.patient,
        resumed.session.started_at,
        resumed.session.started_at.utcoffset(),
    )


def test_the_resume_list_names_the_patient_and_the_local_start() -> None:
    """Unfinished sessions are listed with their patient, so the right one is picked."""
    flow = load_flow(CAUDA_EQUINA)
    session = Session(flow, ticking_clock(AT))
    session.patient = PATIENT
    record = journal.Journal.start(session)
    session.answer("yes")
    record.close()
    (offer,) = resuming.offers()
    expected = (
        "patient J Smith, NHS 943 476 5919, Suspected cauda equina syndrome (CES) symptom "
        "screen, started 2025-06-14 16:15 (UTC+01:00), 1 answer, at: "
    )
    assert expected == offer.line()[: len(expected)]


def test_a_patient_reference_is_tidied_and_blank_is_none() -> None:
    """Runs of spaces become one; a blank line gives no reference (it is optional)."""
    expected = ("J  Smith".replace("  ", " "), None, None)
    assert expected == (patient_reference("  J   Smith "), patient_reference("   "), None)


@pytest.mark.parametrize(
    "text",
    [
        "J Smith\x1b]52;c;aGk=\x07",  # an OSC 52 clipboard write
        "J Smith\u202e9195",  # a bidirectional override
        "J Smith\nsecond line",  # a line break
        "x" * (MAX_PATIENT + 1),  # too long
    ],
)
def test_a_patient_reference_that_could_drive_a_terminal_is_refused(text: str) -> None:
    """Control characters, bidi overrides, line breaks and overlong text are refused."""
    with pytest.raises(PatientError):
        patient_reference(text)


patients = st.text(min_size=1, max_size=MAX_PATIENT)


@settings(max_examples=60, deadline=None)
@given(patients)
def test_any_accepted_patient_text_round_trips_through_every_export(text: str) -> None:
    """Whatever is typed is refused or kept exactly, and never breaks an export's format."""
    try:
        patient = patient_reference(text)
    except PatientError:
        assert UNSAFE.search(text) or any(c in text for c in "\n\r\t") or len(text) > MAX_PATIENT
        return
    transcript = ces(patient)
    outputs = {fmt: render(fmt, transcript) for fmt in ("text", "markdown", "json", "fhir")}
    markdown_line = next(
        (line for line in outputs["markdown"].splitlines() if line.startswith("**Patient:**")),
        None,
    )
    expected = (
        patient,
        None if patient is None else {"display": patient},
        patient is not None,
        False,
    )
    assert expected == (
        from_json(outputs["json"]).patient,
        json.loads(outputs["fhir"]).get("subject"),
        markdown_line is not None,
        any(UNSAFE.search(output) for output in outputs.values()),
    )


def test_plain_mode_asks_for_the_patient_once_and_explains_a_refusal() -> None:
    """On a terminal, plain mode asks once (a refused reference is asked again), then
    names the patient at the top of the session."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = io.StringIO()
    stdin = Terminal(f"J\x1bSmith\n{PATIENT}\n")
    run_plain(load_flow(CAUDA_EQUINA), stdin, out, offer=False)
    said = words("en")
    text = out.getvalue()
    expected = (2, True, True)
    assert expected == (
        text.count(said.patient_prompt),
        said.patient_refused_character in text,
        f"Patient: {PATIENT}" in text.splitlines(),
    )


def test_plain_mode_on_a_pipe_asks_nothing_and_takes_patient_from_the_command_line() -> None:
    """A script reads no extra prompt; ``--patient`` still names the patient."""
    out = io.StringIO()
    run_plain(load_flow(CAUDA_EQUINA), io.StringIO(""), out, patient=PATIENT)
    expected = (False, True)
    assert expected == (
        words("en").patient_prompt in out.getvalue(),
        f"Patient: {PATIENT}" in out.getvalue().splitlines(),
    )


@pytest.mark.parametrize(
    ("count", "lang", "expected"),
    [
        (1, "en", "1 later answer no longer applies"),  # English singular
        (2, "en", "2 later answers no longer apply"),  # English plural
        (0, "fr", "0 réponse suivante ne s'applique plus"),  # French zero is singular
    ],
)
def test_counts_are_worded_in_the_singular_or_the_plural(
    count: int, lang: str, expected: str
) -> None:
    """Never "answer(s)": the catalog's singular or plural, as the count takes it."""
    said = words(lang)
    assert expected == counted(count, said.later_dropped_one, said.later_dropped, lang)


def test_a_utc_time_still_says_its_offset() -> None:
    """A session run on a UTC clock says so explicitly, never a bare time."""
    flow = load_flow(CAUDA_EQUINA)
    session = drive(flow, CES_EMERGENCY, ticking_clock(datetime(2025, 1, 5, 9, 0, tzinfo=UTC)))
    lines = exports.to_text(from_session(session)).splitlines()
    assert lines[2] == "2025-01-05 09:00–09:00 (UTC+00:00)"


def test_plain_mode_exports_after_the_outcome_in_the_format_chosen() -> None:
    """``export`` after the outcome offers every format; the one typed is written, the
    journal goes, and the format is offered first next time."""
    out = io.StringIO()
    answers = "yes\nunsure\nexport\n2\n"  # the emergency outcome, then Markdown
    code = run_plain(load_flow(CAUDA_EQUINA), io.StringIO(answers), out, offer=False)
    text = out.getvalue()
    written = [line for line in text.splitlines() if line.startswith("Transcript saved to ")]
    expected = (0, 1, True, [], "markdown")
    assert expected == (
        code,
        len(written),
        written[0].endswith(".md") if written else False,
        journal.unfinished(),
        last_format(),
    )


def test_plain_mode_keeps_a_finished_session_and_resume_offers_export_not_questions() -> None:
    """Input ending after the outcome keeps the journal; resuming it shows the outcome and
    offers export or discard, asking no question again."""
    first = io.StringIO()
    run_plain(load_flow(CAUDA_EQUINA), io.StringIO("yes\nunsure\n"), first, offer=False)
    (entry,) = journal.unfinished()
    again = io.StringIO()
    code = resume_plain(entry, io.StringIO("discard\n"), again)
    lines = again.getvalue().splitlines()
    said = words("en")
    expected = (0, [], True, True, [])
    assert expected == (
        code,
        [line for line in lines if line.startswith("Q")],
        said.after_outcome in lines,
        said.discarded_session in lines,
        journal.unfinished(),
    )


def test_plain_mode_export_mid_session_writes_what_there_is() -> None:
    """``export`` at a question writes the transcript so far and asks the question again."""
    out = io.StringIO()
    run_plain(load_flow(CAUDA_EQUINA), io.StringIO("yes\nexport\n1\n"), out, offer=False)
    text = out.getvalue()
    expected = (True, 2)
    assert expected == (
        any(line.startswith("Transcript saved to ") for line in text.splitlines()),
        text.count("Q2. "),
    )


def test_the_resume_command_lists_the_patient_local_start_and_answer_count(capsys) -> None:
    """``triagebot resume`` names each session's patient, its local start with offset,
    and counts answers in the singular or plural."""
    flow = load_flow(CAUDA_EQUINA)
    session = Session(flow, ticking_clock(AT))
    session.patient = PATIENT
    record = journal.Journal.start(session)
    session.answer("yes")
    record.close()
    assert main(["resume"]) == 0
    line = capsys.readouterr().out.strip()
    expected = (
        f"{record.path.name}  patient {PATIENT}  cauda-equina v2.0.0  started 2025-06-14 16:15 "
        "(UTC+01:00), last step 16:15, 1 answer"
    )
    assert expected == line


@pytest.mark.parametrize(
    "content",
    [
        None,  # never chosen
        "fhir-r4b\n",  # chosen last time
        "nonsense\n",  # damaged: plain text
        "x" * 100,  # too long for a format's name: plain text
    ],
)
def test_the_last_export_format_is_read_back_or_plain_text(tmp_path, content) -> None:
    """The format remembered is offered first; anything else falls back to plain text."""
    if content is not None:
        (tmp_path / "export-format").write_text(content, encoding="utf-8")
    expected = "fhir-r4b" if content == "fhir-r4b\n" else "text"
    assert expected == last_format(tmp_path)


def test_a_pipe_in_place_of_the_format_file_never_blocks(tmp_path) -> None:
    """A FIFO named like the format file is not read (it would block F5): plain text."""
    os.mkfifo(tmp_path / "export-format")
    assert last_format(tmp_path) == "text"


@pytest.mark.parametrize(
    ("label", "shown", "expected"),
    [
        ("900 mL/h", "900 mL/h", "900 mL/h"),  # a label that only repeats the value: once
        ("Dose", "141 mg", "Dose: 141 mg"),  # a label naming the value
        ("Age?", "40 years", "Age? 40 years"),  # a question as label
    ],
)
def test_a_value_is_never_shown_twice_beside_its_label(label, shown, expected) -> None:
    """No "900 mL/h — 900 mL/h": a label that repeats its value is not shown beside it."""
    assert expected == labelled(label, shown)


def test_plain_mode_offers_a_suggestion_once_when_its_label_repeats_it() -> None:
    """A suggestion labelled with its own value is offered as the value alone."""
    flow = load_flow(BUNDLED / "heparin.yaml")
    question = flow.question("drip_rate_ml_h")
    assert isinstance(question, NumberQuestion)
    repeated = dataclasses.replace(question, suggestions=[Suggestion(value=900, label="900 mL/h")])
    expected = "   Common values: 900 mL/h"
    assert expected == options(repeated)[-1]


def test_the_front_ends_clock_is_local_with_its_offset(monkeypatch) -> None:
    """``local_now`` (the front ends' clock) gives the machine's local time with its offset
    (TZ set here explicitly: POSIX ``EST5`` is UTC-05:00 all year)."""
    monkeypatch.setenv("TZ", "EST5")
    time.tzset()
    try:
        now = local_now()
    finally:
        monkeypatch.undo()
        time.tzset()
    expected = (timedelta(hours=-5), "UTC-05:00")
    assert expected == (now.utcoffset(), zone(now))
