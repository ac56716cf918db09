"""How the TUI words a session, in the session's language (no textual here).

Why a question is asked, its source and the urgency word are the core's
(:mod:`triagebot.flows.wording`); the words themselves are the catalog's
(:mod:`triagebot.flows.catalog`).
"""

from __future__ import annotations

from triagebot.flows.catalog import Words, is_singular, words
from triagebot.flows.engine import Session
from triagebot.flows.schema import UNKNOWN, UNSURE, NumberQuestion, YesNoQuestion
from triagebot.tui.keymap import key_words

OUTCOME_KEYS = (("f5", "export_transcript"), ("f6", "copy_transcript"), ("f7", "restart"))
"""The keys the progress line names once an outcome is reached."""


def session_words(session: Session) -> Words:
    """The catalog's words in the session's language."""
    return words(session.flow.language)


def progress(session: Session) -> str:
    """The progress hint: how many questions are answered so far, and the round if in one."""
    said = session_words(session)
    count = session.questions_answered
    if session.finished:
        singular = is_singular(count, session.flow.language)
        template = said.outcome_after_one if singular else said.outcome_after_many
        keys = " · ".join(
            f"{key.upper()} {key_words(session.flow.language).keys[action][0].lower()}"
            for key, action in OUTCOME_KEYS
        )
        return f"{template.format(count=count)} · {keys}"
    singular = is_singular(count, session.flow.language)
    template = said.answered_one if singular else said.answered_many
    where = session.round_info
    return template.format(count=count) + ("" if where is None else f" · {where.label}")


def yes_no_keys(question: YesNoQuestion, lang: str | None) -> dict[str, str]:
    """One key per answer (the first letter of its word: ``o`` for oui) → the answer id.

    The ids' own letters (y, n, u) answer too, unless a word's letter took them.
    """
    said = words(lang)
    ids = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
    shown = {"yes": said.yes, "no": said.no, UNSURE: said.unsure}
    keys: dict[str, str] = {}
    for answer in ids:
        keys.setdefault(shown[answer][0].lower(), answer)
    for answer in ids:
        keys.setdefault(answer[0], answer)
    return keys


def key_of(answer: str, keys: dict[str, str]) -> str:
    """The key shown on an answer's button: its word's letter when it has one."""
    return next(key for key, value in keys.items() if value == answer)


def number_raw(question: NumberQuestion, text: str, lang: str | None) -> str:
    """What was typed, with the language's word for unknown (``inconnu``) read as ``unknown``."""
    if question.allow_unknown and text.strip().lower() == words(lang).unknown:
        return UNKNOWN
    return text
