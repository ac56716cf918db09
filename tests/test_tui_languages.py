"""Pilot tests: the TUI speaks the session's language, and F9 switches it mid-session."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Button, Static

from tests.tui_support import SEPTIC_FRENCH_KEYS, TODAY, fixture_app, footer_keys, shown_text
from triagebot.app import journal, library
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.widgets.inputs import QuestionInput
from triagebot.tui.widgets.outcome import OutcomeCard

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)
SEPTIC = "septic-cardiomyopathy"
ENGLISH_KEYS = ["y", "2", "y", *"47.5", "enter", *"85", "enter", "n", "n"]
"""The same answers as SEPTIC_FRENCH_KEYS, typed as an English speaker would."""
EXPECTED_ANSWERS = [
    ("septic_shock", "yes"),
    ("fluid_responsive", "no"),
    ("map_target_met", "yes"),
    ("lvef_percent", 47.5),
    ("sbp_mmhg", 85.0),
    ("low_output_high_filling", "no"),
    ("ongoing_hypoperfusion", "no"),
]


async def press_all(pilot: Any, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


def answers_shown(app: TriageApp) -> list[str]:
    return shown_text(app, "answer")


def steps(app: TriageApp) -> list[tuple[str, object]]:
    assert app.session is not None
    return [(step.node, step.value) for step in app.session.steps]


def buttons(app: TriageApp) -> list[str]:
    """The answer buttons shown (a yes/no input keeps a hidden Unsure button)."""
    return [str(b.label) for b in app.screen.query_one(QuestionInput).query(Button) if b.display]


async def test_the_french_flow_by_french_keys_reads_french() -> None:
    """o/n answer oui/non; the transcript says "oui" and "47,5 %"; the card and its buttons
    are French."""
    app = TriageApp(library.resolve(SEPTIC))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = (buttons(app), footer_keys(app))
        await press_all(pilot, SEPTIC_FRENCH_KEYS)
        card = app.screen.query_one(OutcomeCard)
        title = str(card.query_one(".outcome-title", Static).content)
        after = [str(b.label) for b in app.screen.query(Button)]
        progress = str(app.screen.query_one("#progress", Static).content)
        expected = (
            (
                ["Oui (o)", "Non (n)"],
                [
                    ("f1", "Pourquoi ?"),
                    ("f2", "Retour"),
                    ("f3", "Modifier"),
                    ("f9", "Langue"),
                    ("ctrl+p", "palette"),
                ],
            ),
            EXPECTED_ANSWERS,
            ["oui", "Non", "oui", "47,5 %", "85 mmHg", "non", "non"],
            "RAPIDEMENT — Pas d'inotrope — respecter une FEVG basse adaptative",
            ["Exporter (F5)", "Copier (F6)", "Recommencer (F7)", "Autre parcours (F8)"],
            "Conduite à tenir atteinte après 7 questions · F5 exporter · F6 copier · "
            "F7 recommencer",
        )
        assert expected == (first, steps(app), answers_shown(app), title, after, progress)


async def test_a_bad_number_is_refused_in_french() -> None:
    """A bad LVEF is refused with the French message and the range with a decimal comma."""
    app = TriageApp(library.resolve(SEPTIC))
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["o", "2", "o", *"90", "enter"])
        shown = app.screen.query_one(QuestionInput)
        hint = str(shown.query_one(".hint", Static).content)
        error = str(shown.query_one(".error", Static).content)
        expected = (
            "Entrez un nombre de 5 à 80 % · virgule ou point décimal",
            "90 est hors limites : entrez un nombre de 5 à 80 %",
            "lvef_percent",
        )
        assert app.session is not None
        assert expected == (hint, error, app.session.current)


async def test_lang_en_given_to_the_app_opens_the_flow_in_english() -> None:
    """TriageApp(lang="en") opens the French-first flow in English: English keys, words and
    decimal point, and the same outcome as in French."""
    app = TriageApp(library.resolve(SEPTIC), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = buttons(app)
        await press_all(pilot, ENGLISH_KEYS)
        assert app.session is not None
        expected = (
            ["Yes (y)", "No (n)"],
            "en",
            EXPECTED_ANSWERS,
            ["yes", "No", "yes", "47.5 %", "85 mmHg", "no", "no"],
            "no_inotrope",
        )
        assert expected == (
            first,
            app.session.flow.language,
            steps(app),
            answers_shown(app),
            app.session.current,
        )


async def test_f9_switches_mid_session_keeping_every_answer_and_the_outcome() -> None:
    """F9 after three French answers (and a number half typed) re-words the transcript and
    the question in English; the walk ends at the outcome the French walk reaches, and the
    journal records the switch."""
    app = TriageApp(library.resolve(SEPTIC))
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["o", "2", "o", *"47"])
        assert app.session is not None
        path = app.journal.path if app.journal is not None else None
        await press_all(pilot, ["f9"])
        after_switch = (
            app.session.flow.language,
            answers_shown(app),
            str(app.screen.query_one("#topbar", Static).content),
            str(app.screen.query_one(QuestionInput).query_one(".hint", Static).content),
            footer_keys(app)[-2],
        )
        await press_all(pilot, [*".5", "enter", *"85", "enter", "n", "n"])
        expected_switch = (
            "en",
            ["yes", "No", "yes"],
            "triagebot · Septic myocardial dysfunction — treat it or not?",
            "Enter a number from 5 to 80 % · decimal comma accepted",
            ("f9", "Language"),
        )
        assert (expected_switch, EXPECTED_ANSWERS, "no_inotrope") == (
            after_switch,
            steps(app),
            app.session.current,
        )
    assert path is not None
    assert path.exists() is True  # the outcome was reached: kept until it is exported


async def test_a_switch_is_journaled_and_resumed_in_the_language_it_was_left_in() -> None:
    """A session switched to English and left is resumed in English; --lang fr wins."""
    app = TriageApp(library.resolve(SEPTIC))
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["o", "f9", "2"])
    [entry] = journal.unfinished()
    recorded = [(e.type, e.value) for e in journal.read(entry.path).events]
    languages = []
    for lang in (None, "fr"):
        resumed = TriageApp(None, resume=entry.path, lang=lang)
        async with resumed.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert resumed.session is not None
            languages.append((resumed.session.flow.language, answers_shown(resumed)))
    expected = (
        [("answer", "yes"), ("language", "en"), ("answer", "no")],
        [("en", ["yes", "No"]), ("fr", ["oui", "Non"])],
    )
    assert expected == (recorded, languages)


async def test_the_language_key_is_absent_from_a_flow_in_one_language() -> None:
    """cauda-equina has only English: no F9 in the footer or palette, and F9 does nothing."""
    app = TriageApp(library.resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "f9"])
        assert app.session is not None
        titles = [c.title for c in app.get_system_commands(app.screen)]
        expected = (False, False, "en", ["yes"])
        assert expected == (
            any(key == "f9" for key, _ in footer_keys(app)),
            any("F9" in title for title in titles),
            app.session.flow.language,
            answers_shown(app),
        )


async def test_the_palette_speaks_the_session_language() -> None:
    """ctrl+p in a French session lists the session's actions in French, the switch
    included (asked about the chat under the palette, not the palette itself)."""
    app = TriageApp(library.resolve(SEPTIC))
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["ctrl+p"])
        await pilot.pause(0.3)  # the palette gathers its commands in a worker
        assert isinstance(app.screen, CommandPalette)
        listing = app.screen.query_one(CommandList)
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        wanted = ["Pourquoi ? (F1)", "Retour (F2)", "Modifier (F3)", "Langue (F9)"]
        assert wanted == [w for w in wanted if any(line.startswith(w) for line in shown)]


async def test_the_start_screen_speaks_the_app_language_and_lists_languages() -> None:
    """With --lang fr the start screen is French and each flow names its languages; a flow
    started from it opens in French where it is written in French."""
    app = TriageApp(None, [], lang="fr", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#start-title", Static).content)
        listing = app.screen.query_one("#flow-list")
        prompts = [
            str(listing.get_option_at_index(i).prompt)  # type: ignore[attr-defined]
            for i in range(listing.option_count)  # type: ignore[attr-defined]
        ]
        septic = next(p for p in prompts if "sepsis" in p)
        cauda = next(p for p in prompts if "cauda equina" in p)
        await press_all(pilot, [*"sepsis", "enter"])
        assert isinstance(app.screen, ChatScreen)
        assert app.session is not None
        expected = (
            "triagebot — choisir un parcours",
            True,
            True,
            "fr",
        )
        assert expected == (
            title,
            septic.endswith("· révision 2027-12-05 · français, English"),
            cauda.endswith("· révision 2027-01-01 · English"),
            app.session.flow.language,
        )


async def test_the_fixture_start_screen_stays_english_by_default() -> None:
    """Without --lang the start screen is English, as before."""
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#start-title", Static).content)
        assert title == "triagebot — choose a flow"
