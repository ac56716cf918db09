"""The TUI's wording helpers (no textual): answer keys, typed numbers, the progress line."""

from __future__ import annotations

import pytest

from triagebot.app import library
from triagebot.flows.engine import Session
from triagebot.flows.schema import UNKNOWN, NumberQuestion, YesNoQuestion, validator
from triagebot.flows.switching import switch_language
from triagebot.tui.wording import key_of, number_raw, progress, yes_no_keys

QUESTION = validator(YesNoQuestion).validate_python(
    {
        "type": "yes_no",
        "prompt": "?",
        "why": "because",
        "source": {"doc": "d", "section": "s"},
        "next": "x",
        "allow_unsure": True,
    }
)
TEMPERATURE = validator(NumberQuestion).validate_python(
    {
        "type": "number",
        "prompt": "Temperature?",
        "why": "because",
        "source": {"doc": "d", "section": "s"},
        "next": "x",
        "min": 30,
        "max": 45,
        "allow_unknown": True,
    }
)


# (language, key → answer, the keys shown on the yes, no and unsure buttons)
KEYS = [
    ("en", {"y": "yes", "n": "no", "u": "unsure"}, ["y", "n", "u"]),
    # French letters first; the ids' own letters still answer
    ("fr", {"o": "yes", "n": "no", "i": "unsure", "y": "yes", "u": "unsure"}, ["o", "n", "i"]),
]


@pytest.mark.parametrize(("lang", "keys", "shown"), KEYS)
def test_yes_no_keys_follow_the_language(lang: str, keys: dict[str, str], shown: list[str]) -> None:
    """Each answer has its word's first letter as its key; y / n / u answer in any language."""
    found = yes_no_keys(QUESTION, lang)
    assert (keys, shown) == (found, [key_of(a, found) for a in ("yes", "no", "unsure")])


# (language, typed, passed on)
TYPED = [
    ("fr", "inconnu", UNKNOWN),  # the French word for unknown
    ("fr", " Inconnu ", UNKNOWN),  # case and spaces do not matter
    ("fr", "unknown", "unknown"),  # the id itself, left for the core to accept
    ("en", "inconnu", "inconnu"),  # not an English word: refused by the core
    ("fr", "37,5", "37,5"),  # numbers pass as typed
]


@pytest.mark.parametrize(("lang", "typed", "raw"), TYPED)
def test_the_language_word_for_unknown_is_read_as_unknown(lang: str, typed: str, raw: str) -> None:
    """A number field takes the language's word for unknown where unknown is allowed."""
    assert raw == number_raw(TEMPERATURE, typed, lang)


def test_progress_is_worded_in_the_session_language_and_names_the_round() -> None:
    """The progress line counts answers in the session's language, with the round."""
    session = Session(library.resolve("crt-lead"))
    for raw in ["yes", 25, "yes", 160, "iii", "yes", "yes", "no"]:
        session.answer(raw)
    english = progress(session)
    french = Session(library.resolve("septic-cardiomyopathy"))
    french.answer("yes")
    shown_fr = progress(french)
    switch_language(french, "en")
    expected = (
        "8 questions answered so far · Branch 1 of up to 6",
        "1 question répondue pour l'instant",
        "1 question answered so far",
    )
    assert expected == (english, shown_fr, progress(french))
