"""Answer values in FHIR: the codings and extensions the question types
(:mod:`triagebot.flows.questions`) write their Questionnaire items, answers and
enableWhen values with.

Yes/no/unsure are standard SNOMED CT codes (373066001 Yes, 373067005 No, 261665006
Unknown, shown with triagebot's own "Unsure"), so another system reads them without
knowing triagebot. Choice options are coded in a per-question system under the flow's URN
(their ids mean something only in that flow). A multi-choice answer with nothing ticked is
SNOMED CT 260413007 "None", shown with the question's own none label: an explicit answer,
told apart from a question not answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triagebot.flows.catalog import words
from triagebot.flows.questions import type_of
from triagebot.flows.schema import UNSURE, Question

if TYPE_CHECKING:  # the transcript reads answers through the question types
    from triagebot.flows.transcript import AnswerRecord

Json = dict[str, Any]

SNOMED = "http://snomed.info/sct"
YES_NO_CODES = {"yes": "373066001", "no": "373067005", UNSURE: "261665006"}
"""SNOMED CT: 373066001 Yes, 373067005 No, 261665006 Unknown (triagebot's unsure)."""
NONE_CODE = "260413007"
"""SNOMED CT 260413007 None: a multi-choice question answered with nothing ticked."""
EXT = "http://hl7.org/fhir/StructureDefinition/"
"""Where FHIR's standard extensions are defined."""


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


def option(answer: Json) -> Json:
    """An answerOption; "none of these" excludes every other option."""
    if answer["code"] != NONE_CODE:
        return {"valueCoding": answer}
    exclusive = {"url": EXT + "questionnaire-optionExclusive", "valueBoolean": True}
    return {"extension": [exclusive], "valueCoding": answer}


def value_coding(flow_id: str, node_id: str, node: Question, value: str, lang: str) -> Json:
    """One answer value of a coded question as its coding (``""``: nothing ticked), as
    its type writes it in an enableWhen."""
    when = type_of(node).fhir_when(node, "=", value, option_system(flow_id, node_id), lang)
    found: Json = when["answerCoding"]
    return found


def option_answers(answer: AnswerRecord, system: str) -> list[Json]:
    """A recorded choice or multi-choice answer as the response's answers, each option
    coded in ``system`` and labelled as it was shown; nothing ticked is the explicit None."""
    codes = answer.answer if isinstance(answer.answer, list) else [str(answer.answer)]
    if not codes:
        return [{"valueCoding": none_coding(answer.shown)}]
    labels = answer.labels or codes
    return [
        {"valueCoding": coding(system, code, label)}
        for code, label in zip(codes, labels, strict=True)
    ]
