"""Flows in several languages: checking translations, compiling per language, the catalog,
numbers, transcripts, journals and switching a running session's language."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triagebot.app import exports, journal
from triagebot.flows.catalog import CATALOG, ENGLISH, format_number, is_singular, words
from triagebot.flows.compiler import (
    CompiledFlow,
    LanguageError,
    compile_text,
    load_flow,
    with_language,
)
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.replay import replay
from triagebot.flows.switching import switch_language
from triagebot.flows.transcript import from_json, to_json
from triagebot.flows.transcript_build import from_session
from triagebot.flows.yamlio import FlowError
from triagebot.tui.words import KEY_WORDS

DATA = Path(__file__).parent / "data" / "lang"
BILINGUAL = DATA / "bilingual.yaml"
BROKEN = DATA / "broken"

# The same answers reach inotrope_review whatever the language.
INOTROPE = {
    "shock": "yes",
    "fluids": "no",
    "lactate": 3.5,
    "signs": ["mottling"],
    "lvef": 50,
    "sbp": 80,
}


def clock() -> datetime:
    return datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def problems(path: Path, lang: str | None = None) -> list[str]:
    with pytest.raises(FlowError) as caught:
        load_flow(path, lang)
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture(scope="module")
def french() -> CompiledFlow:
    return load_flow(BILINGUAL)


@pytest.fixture(scope="module")
def english(french: CompiledFlow) -> CompiledFlow:
    return with_language(french, "en")


# --- checking translations ----------------------------------------------------------------


def test_every_translation_problem_is_reported_with_its_place() -> None:
    """Missing texts, a plain string and an undeclared language: all reported, each placed."""
    file = str(BROKEN / "untranslated.yaml")
    expected = [
        f"{file}:14:5: nodes.septic_shock.prompt has no 'en' text",
        f"{file}:15:5: nodes.septic_shock.why has no 'fr' or 'en' text: "
        "write it as {fr: ..., en: ...}",
        f"{file}:21:33: nodes.done.title has 'de' text, but 'de' is not a language of this "
        "flow (fr, en)",
    ]
    assert expected == problems(BROKEN / "untranslated.yaml")


def test_a_missing_translation_fails_whichever_language_is_loaded() -> None:
    """Loading the French or the English of a file with a missing 'en' text fails the same."""
    assert problems(BROKEN / "untranslated.yaml", "fr") == problems(
        BROKEN / "untranslated.yaml", "en"
    )


def test_a_mapping_in_a_one_language_flow_is_an_error() -> None:
    """A flow without ``languages`` is English only: a {en: ...} mapping is refused."""
    file = str(BROKEN / "one-language-mapping.yaml")
    expected = [
        f"{file}:13:5: nodes.asked.prompt is a mapping of languages, but this flow has one "
        "language (en): write plain text, or declare them all in 'languages'"
    ]
    assert expected == problems(BROKEN / "one-language-mapping.yaml")


def test_a_malformed_language_code_is_named() -> None:
    """``languages: [fra, en]`` is refused at the bad code."""
    file = str(BROKEN / "bad-languages.yaml")
    expected = [
        f"{file}:3:13: 'fra' is not a language code: use two lower-case letters (ISO 639-1), "
        "e.g. fr or en"
    ]
    assert expected == problems(BROKEN / "bad-languages.yaml")


def test_a_language_listed_twice_is_an_error() -> None:
    """``languages: [en, en]`` is refused."""
    text = (BILINGUAL.read_text(encoding="utf-8")).replace(
        "languages: [fr, en]", "languages: [en, en]"
    )
    with pytest.raises(FlowError) as caught:
        compile_text(text, "twice.yaml")
    assert "twice.yaml:6:12: 'languages': Value error, 'en' is listed twice" in str(caught.value)


def test_an_empty_translation_is_an_error_even_in_the_other_language() -> None:
    """An empty English text is refused when the French is compiled."""
    text = BILINGUAL.read_text(encoding="utf-8").replace(
        "{fr: Choc septique ?, en: Septic shock?}", '{fr: Choc septique ?, en: ""}'
    )
    with pytest.raises(FlowError) as caught:
        compile_text(text, "empty.yaml", "fr")
    expected = ["empty.yaml:34:35: nodes.shock.prompt has an empty or non-text 'en' text"]
    assert expected == [str(p) for p in caught.value.problems]


def test_a_bad_placeholder_in_any_translation_is_an_error() -> None:
    """A misspelt ``{name}`` in the English text fails the French load too, at that text."""
    text = BILINGUAL.read_text(encoding="utf-8").replace(
        'en: "Ratio {ratio}; lactate {lactate}."', 'en: "Ratio {ratoi}; lactate {lactate}."'
    )
    with pytest.raises(FlowError) as caught:
        compile_text(text, "typo.yaml", "fr")
    expected = [
        "typo.yaml:136:63: '{ratoi}' is not an answer or computed value of this flow "
        "(in the 'en' text)"
    ]
    assert expected == [str(p) for p in caught.value.problems]


def test_the_bundled_flows_are_one_language_english() -> None:
    """The four bundled flows need no edit: each is English only."""
    from triagebot.app import library  # noqa: PLC0415

    loaded = {entry.flow.id: entry.flow.languages for entry in library.discover() if entry.flow}
    expected = {
        flow_id: ("en",) for flow_id in ("cauda-equina", "ecpr", "heparin", "spinal-referral")
    }
    assert expected == {k: v for k, v in loaded.items() if k in expected}


# --- compiling per language ---------------------------------------------------------------


def test_the_first_language_is_the_default(french: CompiledFlow) -> None:
    """Without ``lang`` the flow compiles in its first language, listing every one."""
    expected = ("fr", ("fr", "en"), "Parcours bilingue (jeu d'essai)")
    assert expected == (
        french.language,
        french.languages,
        french.flow.title,
    )


def test_each_language_compiles_to_plain_strings(english: CompiledFlow) -> None:
    """Every text field of the English flow is a plain English string."""
    flow = english.flow
    lactate = flow.nodes["lactate"]
    outcome = flow.nodes["inotrope_review"]
    signs = flow.nodes["signs"]
    actual = (
        flow.title,
        flow.audience,
        flow.disclaimer,
        flow.sources[0].note,
        flow.nodes["shock"].prompt,  # type: ignore[union-attr]
        flow.nodes["shock"].detail,  # type: ignore[union-attr]
        flow.nodes["fluids"].options[0].detail,  # type: ignore[union-attr]
        lactate.unit,  # type: ignore[union-attr]
        lactate.suggestions[0].label,  # type: ignore[union-attr]
        signs.none_label,  # type: ignore[union-attr]
        flow.nodes["reassess"].text,  # type: ignore[union-attr]
        outcome.title,  # type: ignore[union-attr]
        outcome.safety_netting[0].text,  # type: ignore[union-attr]
        flow.computed["afterload"].labels["low"],
        flow.computed["ratio"].unit,
        flow.invariants[0].says,
    )
    expected = (
        "Bilingual flow (test fixture)",
        "triagebot tests",
        "Test fixture, not clinical advice.",
        "A source made up for tests.",
        "Septic shock?",
        "Vasopressors and lactate > 2.",
        "Dynamic indices show preload dependence",
        "mmol/L",
        "upper limit of normal",
        "None of these",
        "Reassess after a lactate of {lactate}.",
        "Consider an inotrope",
        "Reassess within an hour.",
        "low (a misleading LVEF)",
        "%/mmHg",
        "Without septic shock, the flow does not apply.",
    )
    assert expected == actual


def test_a_default_none_label_follows_the_language(french: CompiledFlow) -> None:
    """A multi-choice question without none_label offers the catalog's words in French."""
    expected = "Aucun de ceux-ci"
    assert expected == french.flow.nodes["signs"].none_label  # type: ignore[union-attr]


def test_notes_for_authors_stay_plain_strings(french: CompiledFlow) -> None:
    """Rule and computed notes are written once (never shown to a clinician)."""
    expected = ("Written once; notes are for authors.",) * 2
    actual = (french.flow.nodes["shock"].next[0].note, french.flow.computed["ratio"].note)  # type: ignore[union-attr]
    assert expected == actual


def test_with_language_shares_the_file_and_is_built_once(
    french: CompiledFlow, english: CompiledFlow
) -> None:
    """The English flow has the French one's sha256 and file; asking twice gives one object."""
    assert (french.sha256, french.file, True, True) == (
        english.sha256,
        english.file,
        with_language(french, "en") is english,
        with_language(english, "fr") is french,
    )


def test_a_language_the_flow_lacks_is_a_clear_error(french: CompiledFlow) -> None:
    """Asking for German lists the languages the flow has."""
    with pytest.raises(LanguageError) as caught:
        load_flow(BILINGUAL, "de")
    expected = "flow 'bilingual' is not written in 'de'; its languages: fr, en"
    assert expected == str(caught.value)
    with pytest.raises(LanguageError):
        with_language(french, "de")


def test_french_and_english_reach_the_same_outcome(
    french: CompiledFlow, english: CompiledFlow
) -> None:
    """The same answers reach the same outcome with the same computed values in both."""
    fr = drive(french, INOTROPE)
    en = drive(english, INOTROPE)
    assert (fr.current, fr.computed_values(), [s.node for s in fr.steps]) == (
        en.current,
        en.computed_values(),
        [s.node for s in en.steps],
    )
    expected = ("Discuter un inotrope", "Consider an inotrope")
    assert expected == (
        fr.outcome().title,  # type: ignore[union-attr]
        en.outcome().title,  # type: ignore[union-attr]
    )


# --- the catalog and numbers ---------------------------------------------------------------


def test_every_catalog_language_says_every_word() -> None:
    """No word is empty in any language; every urgency and evidence kind is named; every
    English command word is understood in every language."""
    for said in CATALOG.values():
        for field in fields(said):
            value = getattr(said, field.name)
            assert value, f"{said.name}: {field.name} is empty"
        for name in ("urgency", "urgency_short", "evidence"):
            assert set(getattr(ENGLISH, name)) == set(getattr(said, name)), name
        assert set(ENGLISH.commands.items()) <= set(said.commands.items())


def test_the_tui_names_every_key_in_every_language_the_catalog_speaks() -> None:
    """The TUI's key words (not the core's catalog) cover every catalog language, none empty,
    each naming every action and outcome button."""
    assert set(CATALOG) == set(KEY_WORDS)
    for code, said in KEY_WORDS.items():
        for field in fields(said):
            assert getattr(said, field.name), f"{code}: {field.name} is empty"
        for name in ("keys", "outcome_buttons"):
            assert set(getattr(KEY_WORDS["en"], name)) == set(getattr(said, name)), name


def test_the_core_catalog_names_no_tui_key() -> None:
    """The core's words hold no key names: those are the TUI's (triagebot.tui.words)."""
    tui_only = {field.name for field in fields(KEY_WORDS["en"])}
    assert set() == tui_only & {field.name for field in fields(ENGLISH)}


def test_an_unknown_catalog_language_falls_back_to_english() -> None:
    """A flow may declare a language the catalog lacks: the core then speaks English."""
    assert ENGLISH is words("de")


# (value, language, as shown)
NUMBERS = [
    (3.5, "fr", "3,5"),  # decimal comma
    (3.5, "en", "3.5"),  # decimal point
    (80.0, "fr", "80"),  # no trailing ,0
    (0.625, "fr", "0,625"),
    (12, "fr", "12"),  # an int stays as it is
]


@pytest.mark.parametrize(("value", "lang", "shown"), NUMBERS)
def test_numbers_follow_the_language(value: float, lang: str, shown: str) -> None:
    """format_number uses the language's decimal separator."""
    assert shown == format_number(value, lang)


def test_the_session_displays_numbers_with_a_decimal_comma_in_french(
    french: CompiledFlow,
) -> None:
    """Answers and computed values show 3,5 and 0,62 in French, 3.5 and 0.62 in English."""
    fr = drive(french, INOTROPE)
    en = switch_language(drive(french, INOTROPE), "en")
    expected = (("3,5 mmol/l", "0,62 %/mmHg"), ("3.5 mmol/L", "0.62 %/mmHg"))
    assert expected == (
        (fr.display("lactate"), fr.display("ratio")),
        (en.display("lactate"), en.display("ratio")),
    )


def test_answer_errors_are_in_the_session_language(french: CompiledFlow) -> None:
    """A refused answer is explained in French in a French session."""
    session = Session(french)
    with pytest.raises(ValueError) as caught:
        session.answer("peut-être")
    expected = "'peut-être' n'est pas accepté : répondez oui, non ou incertain"
    assert expected == str(caught.value)


def test_yes_and_no_are_shown_in_the_language(french: CompiledFlow) -> None:
    """A yes is recorded as the id 'yes' and shown as 'oui' in a French transcript."""
    transcript = from_session(drive(french, INOTROPE, clock))
    first = transcript.answers[0]
    expected = ("yes", "oui")
    assert expected == (first.answer, first.shown)


# --- transcripts and exports ----------------------------------------------------------------


def test_a_transcript_records_its_language_and_keeps_it_through_json(
    french: CompiledFlow,
) -> None:
    """The JSON transcript says 'fr' and reads back equal."""
    transcript = from_session(drive(french, INOTROPE, clock))
    again = from_json(to_json(transcript))
    assert ("fr", "fr", transcript) == (
        transcript.language,
        json.loads(to_json(transcript))["language"],
        again,
    )


def test_an_older_transcript_without_a_language_reads_as_english() -> None:
    """Transcripts from before languages have no field: they are English."""
    recorded = Path(__file__).parent / "data" / "transcripts" / "mixed-edited.json"
    expected = "en"
    assert expected == from_json(recorded.read_bytes()).language


def test_the_french_text_export_is_french_throughout(french: CompiledFlow) -> None:
    """Headings, urgency, yes/no, numbers and the header line come out in French."""
    text = exports.to_text(from_session(drive(french, INOTROPE, clock)))
    lines = text.splitlines()
    expected = [
        "Parcours bilingue (jeu d'essai)",
        "parcours triagebot bilingual version 0.1 (fr)",
        "2025-06-01 09:30–09:30 (UTC+00:00)",
        "",
        "- Choc septique ? Oui",
        "- Répond au remplissage ? Non",
        "- Lactate ? 3,5 mmol/l",
        "- Signes d'hypoperfusion ? Marbrures",
        "- Réévaluez après 3,5 mmol/l de lactate.",  # the info message shown, filled
        "- FEVG ? 50 %",
        "- Pression systolique ? 80 mmHg",
        "",
        "CONDUITE À TENIR [RAPIDEMENT] : Discuter un inotrope",
        "Rapport 0,62 %/mmHg ; lactate 3,5 mmol/l.",
        "Motifs :",
    ]
    assert expected == lines[: len(expected)]
    headings = ["Actions :", "Consignes de surveillance :", "Sources :"]
    assert headings == [line for line in lines if line in headings]


def test_the_french_markdown_export_has_french_headings(french: CompiledFlow) -> None:
    """Markdown headings come from the catalog in the transcript's language."""
    text = exports.to_markdown(from_session(drive(french, INOTROPE, clock)))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    expected = [
        "# Parcours bilingue (jeu d'essai)",
        "## Réponses",
        "## Conduite à tenir : Discuter un inotrope (rapidement)",
        "### Motifs",
        "### Actions",
        "### Valeurs",
        "### Consignes de surveillance",
        "## Sources",
    ]
    assert expected == headings


def test_fhir_resources_carry_the_language(french: CompiledFlow) -> None:
    """The QuestionnaireResponse says fr and codes yes with its French display."""
    transcript = from_session(drive(french, INOTROPE, clock))
    response = json.loads(exports.render("fhir", transcript, french))
    shock = next(item for item in response["item"] if item["linkId"] == "shock")
    expected = ("fr", {"code": "373066001", "display": "Oui"})  # SNOMED CT Yes
    assert expected == (
        response["language"],
        {k: shock["answer"][0]["valueCoding"][k] for k in ("code", "display")},
    )


def test_replay_compares_in_the_transcript_language(
    french: CompiledFlow, english: CompiledFlow
) -> None:
    """A French transcript replayed through the English flow holds, its outcome shown in English."""
    transcript = from_session(drive(french, INOTROPE, clock))
    report = replay(transcript, english)
    expected = (True, "fr", "Consider an inotrope")
    assert expected == (
        report.same_outcome,
        report.compared_language,
        report.outcome.title,  # type: ignore[union-attr]
    )


# --- switching a running session's language ------------------------------------------------


def edited_session(flow: CompiledFlow) -> Session:
    """A session with an edit (a change and a superseded answer) and an outcome."""
    session = drive(flow, INOTROPE, clock)
    session.edit("fluids", "yes")  # now give_fluid: lactate... no longer apply
    return session


def test_switch_language_keeps_every_answer_change_and_listener(french: CompiledFlow) -> None:
    """Switching to English keeps steps, answers, changes, superseded and listeners."""
    session = edited_session(french)
    heard: list[tuple[str, str, object]] = []
    session.listeners.append(lambda s, e: heard.append((e.kind, e.node, e.value)))
    before = (
        list(session.steps),
        dict(session.answers),
        list(session.changes),
        list(session.superseded),
    )
    same = switch_language(session, "en")
    after = (list(same.steps), dict(same.answers), list(same.changes), list(same.superseded))
    assert (True, before, "en", [("language", "give_fluid", "en")]) == (
        same is session,
        after,
        same.flow.language,
        heard,
    )
    expected = "Correct hypovolaemia"
    assert expected == same.outcome().title  # type: ignore[union-attr]


def test_a_session_goes_on_after_a_switch(french: CompiledFlow) -> None:
    """Answer in French, switch, go back and answer in English: the outcome is reached."""
    session = Session(french, clock)
    session.answer("yes")
    switch_language(session, "en")
    session.back()
    for value in ("yes", "yes"):
        session.answer(value)
    expected = ("give_fluid", "Correct hypovolaemia")
    assert expected == (session.current, session.outcome().title)  # type: ignore[union-attr]


def test_switching_to_a_language_the_flow_lacks_changes_nothing(french: CompiledFlow) -> None:
    """switch_language to German raises LanguageError and the session stays French."""
    session = Session(french, clock)
    with pytest.raises(LanguageError):
        switch_language(session, "de")
    expected = "fr"
    assert expected == session.flow.language


def test_a_journal_resumes_in_the_language_switched_to(
    tmp_path: Path, french: CompiledFlow
) -> None:
    """Start in French, switch to English: the journal records it and resume is English."""
    session = Session(french, clock)
    recorder = journal.Journal.start(session, tmp_path)
    session.answer("yes")
    switch_language(session, "en")
    session.answer("no")
    recorder.close()
    contents = journal.read(recorder.path)
    resumed = journal.resume(recorder.path)
    expected = (
        "fr",
        ["answer", "language", "answer"],
        "en",
        ["shock", "fluids"],
        "lactate",
    )
    assert expected == (
        contents.header.language,
        [event.type for event in contents.events],
        resumed.session.flow.language,
        [step.node for step in resumed.session.steps],
        resumed.session.current,
    )
    resumed.journal.close()


def test_resume_with_a_language_overrides_and_journals_it(
    tmp_path: Path, french: CompiledFlow
) -> None:
    """resume(lang='en') of a French journal goes on in English and records the switch."""
    session = Session(french, clock)
    recorder = journal.Journal.start(session, tmp_path)
    session.answer("yes")
    recorder.close()
    resumed = journal.resume(recorder.path, lang="en")
    resumed.journal.close()
    events = [event.type for event in journal.read(recorder.path).events]
    expected = ("en", ["answer", "language"])
    assert expected == (resumed.session.flow.language, events)


def test_resume_in_a_language_the_flow_lacks_is_a_journal_error(
    tmp_path: Path, french: CompiledFlow
) -> None:
    """resume(lang='de') says the flow's languages, without touching the journal."""
    session = Session(french, clock)
    recorder = journal.Journal.start(session, tmp_path)
    session.answer("yes")
    recorder.close()
    with pytest.raises(journal.JournalError, match="its languages: fr, en"):
        journal.resume(recorder.path, lang="de")


def test_the_french_export_of_a_switched_session_is_english(french: CompiledFlow) -> None:
    """A transcript records the language the session ended in: every text in it matches."""
    session = switch_language(drive(french, INOTROPE, clock), "en")
    transcript = from_session(session)
    expected = ("en", "Septic shock?", "yes")
    assert expected == (
        transcript.language,
        transcript.answers[0].prompt,
        transcript.answers[0].shown,
    )


@pytest.mark.parametrize(
    ("count", "language", "singular"),
    [
        (0, "en", False),
        (1, "en", True),
        (2, "en", False),
        (0, "fr", True),
        (1, "fr", True),
        (2, "fr", False),
    ],
)
def test_singular_follows_the_language(count: int, language: str, singular: bool) -> None:
    """English says '0 questions', French '0 question' (zero takes the singular)."""
    assert singular == is_singular(count, language)
