"""Plain mode's prompts: how a question's answers are offered as numbered lines, and how a
typed line becomes the raw answer the core checks (numbers, labels, the language's words).

Each question type words its own (:class:`triagebot.flows.questions.QuestionType`): they
are plain text, so they live with the type in the core, and this module is where plain mode
asks for them."""

from __future__ import annotations

from typing import TextIO

from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import OutcomeView, RenderedItem
from triagebot.flows.exports import FORMATS, Format
from triagebot.flows.layout import SECTIONS, citation, heading, labelled
from triagebot.flows.patient import PatientError, patient_reference
from triagebot.flows.questions import type_of
from triagebot.flows.questions.base import is_number, numbered
from triagebot.flows.schema import Question
from triagebot.flows.wording import urgency_word

__all__ = [
    "ask_patient",
    "format_offer",
    "is_number",
    "numbered",
    "options",
    "outcome_lines",
    "to_raw",
    "what_to_type",
]


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


def ask_patient(lang: str, stdin: TextIO, stdout: TextIO) -> str | None:
    """Ask once for an optional patient reference: Enter (or input ending) skips it; a
    refused one says why and is asked again."""
    said = words(lang)
    while True:
        stdout.write(said.patient_prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return None
        try:
            return patient_reference(line.rstrip("\n"), lang)
        except PatientError as error:
            stdout.write(f"{error}\n")


def format_offer(lang: str | None, last: Format) -> tuple[list[str], str, str]:
    """How the export formats are offered: (the numbered lines, as options are, the
    prompt, what to type after a wrong line); Enter takes ``last``, chosen last time."""
    said = words(lang)
    lines = [f"{said.export_as}{said.colon}"]
    lines += [f"   {n}. {said.format_names[fmt]}" for n, fmt in enumerate(FORMATS, 1)]
    last_name = said.format_names[last]
    prompt = said.export_choose.format(count=len(FORMATS), last=last_name)
    retry = said.export_choose_retry.format(count=len(FORMATS), last=last_name)
    return lines, prompt, retry


def outcome_lines(flow: CompiledFlow, view: OutcomeView) -> list[str]:
    """The outcome as plain mode prints it: the card's and the exports' sections, in their
    order (:mod:`~triagebot.flows.layout`), then the sources and the disclaimer."""
    said = words(flow.language)
    urgency = urgency_word(view.urgency, flow.language)
    lines = [said.outcome_line.format(urgency=urgency, title=view.title)]
    if view.summary:
        lines.append(view.summary)
    for section in SECTIONS:
        if section == "values":
            rows = [labelled(v.label, v.display, said.colon) for v in view.shown]
        else:
            items: tuple[RenderedItem, ...] = getattr(view, section)
            rows = [f"{i.text} {citation(said, i.cited, i.section)}" for i in items]
        if rows:
            lines += [f"{heading(said, section)}{said.colon}", *(f"- {row}" for row in rows)]
    lines.append(f"{said.sources}{said.colon}")
    lines += [f"- {source.cited}" for source in flow.flow.sources]
    return [*lines, flow.flow.disclaimer]
