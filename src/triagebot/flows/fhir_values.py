"""Answer values in FHIR, one small function per question type: the options a
Questionnaire item offers and the answers a QuestionnaireResponse gives.

Yes/no/unsure are standard SNOMED CT codes (373066001 Yes, 373067005 No, 261665006
Unknown, shown with triagebot's own "Unsure"), so another system reads them without
knowing triagebot. Choice options are coded in a per-question system under the flow's URN
(their ids mean something only in that flow). A multi-choice answer with nothing ticked is
SNOMED CT 260413007 "None", shown with the question's own none label: an explicit answer,
told apart from a question not answered.
"""

from __future__ import annotations

from typing import Any

from triagebot.flows.catalog import words
from triagebot.flows.schema import (
    UNSURE,
    ChoiceQuestion,
    MultiChoiceQuestion,
    YesNoQuestion,
)
from triagebot.flows.transcript import AnswerRecord

Json = dict[str, Any]

SNOMED = "http://snomed.info/sct"
YES_NO_CODES = {"yes": "373066001", "no": "373067005", UNSURE: "261665006"}
"""SNOMED CT: 373066001 Yes, 373067005 No, 261665006 Unknown (triagebot's unsure)."""
NONE_CODE = "260413007"
"""SNOMED CT 260413007 None: a multi-choice question answered with nothing ticked."""

CodedQuestion = YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion


def questionnaire_url(flow_id: str) -> str:
    """The Questionnaire's canonical URL (a URN: triagebot publishes no server)."""
    return f"urn:triagebot:flow:{flow_id}"


def option_system(flow_id: str, link_id: str) -> str:
    """The code system of one question's options (its ids mean something only there)."""
    return f"{questionnaire_url(flow_id)}:{link_id}"


def yes_no_labels(lang: str) -> dict[str, str]:
    """The displays of the yes/no/unsure codes in ``lang`` (``Yes``, ``Oui``...)."""
    said = words(lang)
    return {
        "yes": said.yes.capitalize(),
        "no": said.no.capitalize(),
        UNSURE: said.unsure.capitalize(),
    }


def coding(system: str, code: str, display: str) -> Json:
    """A Coding."""
    return {"system": system, "code": code, "display": display}


def yes_no_coding(value: str, lang: str) -> Json:
    """``yes``, ``no`` or ``unsure`` as its SNOMED CT coding, displayed in ``lang``."""
    return coding(SNOMED, YES_NO_CODES[value], yes_no_labels(lang)[value])


def none_coding(label: str) -> Json:
    """The explicit "nothing ticked" answer of a multi-choice question."""
    return coding(SNOMED, NONE_CODE, label)


def option_codings(flow_id: str, node_id: str, node: CodedQuestion, lang: str) -> list[Json]:
    """Every answer a coded question offers, as codings, in the order shown."""
    if isinstance(node, YesNoQuestion):
        values = ["yes", "no", UNSURE] if node.allow_unsure else ["yes", "no"]
        return [yes_no_coding(value, lang) for value in values]
    system = option_system(flow_id, node_id)
    options = [coding(system, option.id, option.label) for option in node.options]
    if isinstance(node, MultiChoiceQuestion):
        options.append(none_coding(node.none_label))
    return options


def value_coding(flow_id: str, node_id: str, node: CodedQuestion, value: str, lang: str) -> Json:
    """One answer value of a coded question as its coding (``""``: nothing ticked)."""
    if isinstance(node, YesNoQuestion):
        return yes_no_coding(value, lang)
    if value == "" and isinstance(node, MultiChoiceQuestion):
        return none_coding(node.none_label)
    label = next((option.label for option in node.options if option.id == value), value)
    return coding(option_system(flow_id, node_id), value, label)


def answer_codings(flow_id: str, answer: AnswerRecord, lang: str) -> list[Json]:
    """A recorded yes/no, choice or multi-choice answer as codings, labelled as it was
    shown; an empty multi-choice answer is the explicit None."""
    if answer.kind == "yes_no":
        return [yes_no_coding(str(answer.answer), lang)]
    codes = answer.answer if isinstance(answer.answer, list) else [str(answer.answer)]
    if not codes:
        return [none_coding(answer.shown)]
    system = option_system(flow_id, answer.question)
    labels = answer.labels or codes
    return [coding(system, code, label) for code, label in zip(codes, labels, strict=True)]
