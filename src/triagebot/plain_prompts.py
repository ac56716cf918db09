"""Plain mode's prompts: how a question's answers are offered as numbered lines, and how a
typed line becomes the raw answer the core checks (numbers, labels, the language's words)."""

from __future__ import annotations

from typing import TextIO

from triagebot.flows.answers import accepted, format_number
from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import OutcomeView, RenderedItem
from triagebot.flows.exports import FORMATS, Format
from triagebot.flows.layout import SECTIONS, citation, heading, labelled, repeats
from triagebot.flows.patient import PatientError, patient_reference
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.flows.wording import urgency_word


def yes_no_words(question: YesNoQuestion, lang: str | None = None) -> dict[str, str]:
    """What may be typed at a yes/no question → the answer id: the ids, the language's words
    (``oui``, ``non``, ``incertain``) and their first letters (the language's first)."""
    said = words(lang)
    ids = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
    shown = {"yes": said.yes, "no": said.no, UNSURE: said.unsure}
    typed: dict[str, str] = {}
    for answer in ids:
        typed.setdefault(shown[answer].lower(), answer)
        typed.setdefault(shown[answer][0].lower(), answer)
    for answer in ids:
        typed.setdefault(answer, answer)
        typed.setdefault(answer[0], answer)
    return typed


def options(question: Question, lang: str | None = None) -> list[str]:
    """How a question's answers are offered: numbered options, or unit and range."""
    said = words(lang)
    if isinstance(question, YesNoQuestion):
        shown = [said.yes, said.no, *([said.unsure] if question.allow_unsure else [])]
        return ["   " + "   ".join(f"{n}. {w}" for n, w in enumerate(shown, 1))]
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        lines = [f"   {n}. {o.label}" for n, o in enumerate(question.options, 1)]
        if isinstance(question, MultiChoiceQuestion):
            lines.append(f"   0. {question.none_label}")
            lines.append(f"   {said.multi_hint}")
        return lines
    assert isinstance(question, NumberQuestion)
    lines = ["   " + said.enter.format(accepted=accepted(question, lang))]
    if question.suggestions:
        unit = f" {question.unit}" if question.unit else ""
        offered = [(f"{format_number(s.value, lang)}{unit}", s.label) for s in question.suggestions]
        common = "; ".join(
            value if repeats(label, value) else f"{value} ({label})" for value, label in offered
        )
        lines.append("   " + said.common_values.format(values=common))
    return lines


def what_to_type(question: Question, lang: str | None = None) -> str:
    """What answers ``question`` when typed here: an option's number or word, the numbers
    of every option that applies, or a value."""
    said = words(lang)
    if isinstance(question, MultiChoiceQuestion):
        return said.type_ticks.format(none=question.none_label)
    if isinstance(question, YesNoQuestion):
        count = 3 if question.allow_unsure else 2
    elif isinstance(question, ChoiceQuestion):
        count = len(question.options)
    else:
        return said.type_value.format(accepted=accepted(question, lang))
    numbers = "1" if count == 1 else f"1–{count}"
    return said.type_numbers_or.format(numbers=numbers, accepted=accepted(question, lang))


def to_raw(question: Question, text: str, lang: str | None = None) -> object:
    """Turn a typed line into the raw answer ``parse_answer`` checks: numbers and labels pick
    options, and the language's words (``oui``, ``aucun``, ``inconnu``) stand for the ids."""
    said = words(lang)
    if isinstance(question, YesNoQuestion):
        ids = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
        return numbered(text, ids) or yes_no_words(question, lang).get(text.lower(), text)
    if isinstance(question, ChoiceQuestion):
        labels = {o.label.lower(): o.id for o in question.options}
        return numbered(text, [o.id for o in question.options]) or labels.get(text.lower(), text)
    if isinstance(question, MultiChoiceQuestion):
        if text.lower() in said.none_words:
            return []
        ids = [o.id for o in question.options]
        parts = text.replace(",", " ").split()
        return [numbered(part, ids) or part for part in parts] if parts else text
    if question.allow_unknown and text.strip().lower() == said.unknown:
        return UNKNOWN
    return text


def numbered(text: str, values: list[str]) -> str | None:
    if is_number(text) and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    return None


def is_number(text: str) -> bool:
    """An option's number as typed: ASCII digits (``str.isdigit`` takes ``¹`` too, which
    ``int`` then refuses)."""
    return text.isascii() and text.isdigit()


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
