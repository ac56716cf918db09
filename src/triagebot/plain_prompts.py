"""Plain mode's prompts: how a question's answers are offered as numbered lines, and how a
typed line becomes the raw answer the core checks (numbers, labels, the language's words).

Each question type words its own (:class:`triagebot.flows.questions.QuestionType`): they
are plain text, so they live with the type in the core, and this module is where plain mode
asks for them."""

from __future__ import annotations

from triagebot.flows.questions import type_of
from triagebot.flows.questions.base import is_number
from triagebot.flows.schema import Question

__all__ = ["is_number", "options", "to_raw", "what_to_type"]


def options(question: Question, lang: str | None = None) -> list[str]:
    """How a question's answers are offered: numbered options, or unit and range."""
    return type_of(question).offered(question, lang)


def what_to_type(question: Question, lang: str | None = None) -> str:
    """What answers ``question`` when typed here: an option's number or word, the numbers
    of every option that applies, or a value."""
    return type_of(question).what_to_type(question, lang)


def to_raw(question: Question, text: str, lang: str | None = None) -> object:
    """Turn a typed line into the raw answer ``parse_answer`` checks: numbers and labels pick
    options, and the language's words (``oui``, ``aucun``, ``inconnu``) stand for the ids."""
    return type_of(question).from_typed(question, text, lang)
