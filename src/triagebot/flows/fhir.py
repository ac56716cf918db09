"""FHIR export: a flow as a Questionnaire, a transcript as a QuestionnaireResponse.

Built here as JSON-ready dicts, R5 by default or R4B for R4-era systems; each resource is
passed to a ``validate`` function as it is made. The application layer's
:mod:`triagebot.app.fhir` passes the ``fhir.resources`` models' validation (slow to import,
and outside the core). The models check structure only, not that a response fits its
questionnaire, so :func:`check_response` does that: every answered linkId is an item of the
Questionnaire and every coded answer one of that item's options.

Mapping: each question is an item whose linkId is the question id; yes/no and choice
questions are coded (``coding`` in R5, ``choice`` in R4B; the codes:
:mod:`~triagebot.flows.fhir_values`); multi-choice items repeat; numbers are ``integer`` or
``decimal`` with their unit and range as the standard extensions, and ``unknown`` is
recorded as a data-absent-reason. Info messages are ``display`` items. The outcome (a group:
:mod:`~triagebot.flows.fhir_outcome`) and the computed values are read-only items under
``triagebot.``-prefixed linkIds (flow ids cannot contain dots, so these never collide with
a question). Each item is shown when triagebot would ask it (``enableWhen`` derived from
the routing, or an extension saying why not: :mod:`~triagebot.flows.fhir_gates`), and each
computed value carries its formula as a FHIRPath ``calculatedExpression`` where it can be
translated (:mod:`~triagebot.flows.fhir_paths`). The response names its ``subject`` (the
patient reference) and ``author`` (the clinician) where the transcript knows them. Both
resources carry the language they are written in (``language``: the flow's compiled
language, the transcript's language); fixed wording (yes/no labels, "Outcome reached")
comes from the catalog in that language.

A repeated group is a ``group`` item that repeats (``repeats: true``, at most ``max``
times by the maxOccurs extension) holding its members' items; a response repeats it once
per entry, in round order, each with that round's answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.exports import ExportError
from triagebot.flows.expr import Kind
from triagebot.flows.fhir_checks import NUMBER_VALUE as NUMBER_VALUE  # noqa: PLC0414
from triagebot.flows.fhir_checks import check_response as check_response  # noqa: PLC0414
from triagebot.flows.fhir_gates import gates, shown_when
from triagebot.flows.fhir_outcome import OUTCOME_LINK as OUTCOME_LINK  # noqa: PLC0414
from triagebot.flows.fhir_outcome import outcome_answer, outcome_item
from triagebot.flows.fhir_paths import CALCULATED_URL, calculated
from triagebot.flows.fhir_rules import Shown
from triagebot.flows.fhir_values import NONE_CODE, answer_codings, option_codings
from triagebot.flows.fhir_values import questionnaire_url as questionnaire_url  # noqa: PLC0414
from triagebot.flows.fhir_values import yes_no_labels as yes_no_labels  # noqa: PLC0414
from triagebot.flows.safe_text import escaped
from triagebot.flows.schema import (
    UNKNOWN,
    ChoiceQuestion,
    GroupNode,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    YesNoQuestion,
)
from triagebot.flows.transcript import AnswerRecord, Transcript, ValueRecord

Release = Literal["R5", "R4B"]
RELEASES: tuple[Release, ...] = ("R5", "R4B")

Json = dict[str, Any]

Validate = Callable[[str, Json, Release], Json]
"""Checks a resource (its type, the resource, the release) and gives it back as FHIR
writes it; raises :class:`ExportError` when it is not valid."""


def as_built(resource_type: str, resource: Json, release: Release) -> Json:
    """No validation: the resource as built (for callers that validate elsewhere)."""
    return resource


COMPUTED_LINK = "triagebot.computed."
ItemNode = YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion | InfoNode
EXT = "http://hl7.org/fhir/StructureDefinition/"


# --- Questionnaire --------------------------------------------------------------------------


def questionnaire(
    flow: CompiledFlow, release: Release = "R5", validate: Validate = as_built
) -> Json:
    """The flow as a Questionnaire resource (a JSON-ready dict, passed to ``validate``)."""
    spec = flow.flow
    resource: Json = {
        "resourceType": "Questionnaire",
        "id": spec.id,
        "language": flow.language,
        "url": questionnaire_url(spec.id),
        "version": spec.version,
        "title": spec.title,
        "status": "active",
        "description": spec.summary or spec.title,
        "purpose": spec.disclaimer,
        "item": _items(flow, release),
    }
    return validate("Questionnaire", resource, release)


def _coded(release: Release) -> str:
    return "coding" if release == "R5" else "choice"


def _items(flow: CompiledFlow, release: Release) -> list[Json]:
    spec = flow.flow
    shown = gates(flow)
    items: list[Json] = []
    for node_id, node in spec.nodes.items():
        if isinstance(node, GroupNode):
            items.append(_gated(flow, _group_item(flow, node_id, node, release, shown), shown))
        elif not isinstance(node, OutcomeNode):
            items.append(_gated(flow, _node_item(flow, node_id, node, release), shown))
    items.append(outcome_item(flow, _coded(release)))
    paths = calculated(flow)
    for name, computed in spec.computed.items():
        kind = flow.types[name].kind
        value_type = {Kind.NUMBER: "decimal", Kind.BOOL: "boolean"}.get(kind, "string")
        item: Json = {
            "linkId": COMPUTED_LINK + name,
            "text": computed.label,
            "type": value_type,
            "readOnly": True,
        }
        path = paths[name]
        if path is not None:
            expression = {"language": "text/fhirpath", "expression": path}
            item["extension"] = [{"url": CALCULATED_URL, "valueExpression": expression}]
        items.append(item)
    return items


def _node_item(flow: CompiledFlow, node_id: str, node: ItemNode, release: Release) -> Json:
    if isinstance(node, InfoNode):
        return {"linkId": node_id, "type": "display", "text": node.text}
    item: Json = {"linkId": node_id, "text": node.prompt}
    if isinstance(node, NumberQuestion):
        return item | _number_item(node)
    item["type"] = _coded(release)
    item["answerOption"] = [
        _option(coding) for coding in option_codings(flow.id, node_id, node, flow.language)
    ]
    if isinstance(node, MultiChoiceQuestion):
        item["repeats"] = True
    return item


def _option(coding: Json) -> Json:
    """An answerOption; "none of these" excludes every other option."""
    if coding["code"] != NONE_CODE:
        return {"valueCoding": coding}
    exclusive = {"url": EXT + "questionnaire-optionExclusive", "valueBoolean": True}
    return {"extension": [exclusive], "valueCoding": coding}


def _gated(flow: CompiledFlow, item: Json, shown: dict[str, Shown]) -> Json:
    """``item`` with its enableWhen, or the extension saying why it has none."""
    when = shown_when(flow, shown[item["linkId"]])
    extensions = item.get("extension", []) + when.pop("extension", [])
    return item | when | ({"extension": extensions} if extensions else {})


def _group_item(
    flow: CompiledFlow, group_id: str, group: GroupNode, release: Release, shown: dict[str, Shown]
) -> Json:
    """A repeated group: a ``group`` item that repeats, its members' items inside."""
    return {
        "linkId": group_id,
        "text": group.entry,
        "type": "group",
        "repeats": True,
        "extension": [{"url": EXT + "questionnaire-maxOccurs", "valueInteger": group.max}],
        "item": [
            _gated(flow, _node_item(flow, member_id, member, release), shown)
            for member_id, member in group.nodes.items()
        ],
    }


def _number_item(node: NumberQuestion) -> Json:
    value_type = "integer" if node.integer else "decimal"
    bound = NUMBER_VALUE[value_type]

    def number(value: float) -> int | float:
        return int(value) if node.integer else value

    extensions: list[Json] = [
        {"url": EXT + "minValue", bound: number(node.min)},
        {"url": EXT + "maxValue", bound: number(node.max)},
    ]
    if node.unit:
        extensions.append(
            {"url": EXT + "questionnaire-unit", "valueCoding": {"display": node.unit}}
        )
    return {"type": value_type, "extension": extensions}


# --- QuestionnaireResponse ------------------------------------------------------------------


def questionnaire_response(
    transcript: Transcript,
    flow: CompiledFlow,
    release: Release = "R5",
    validate: Validate = as_built,
) -> Json:
    """The transcript as a QuestionnaireResponse to the flow's Questionnaire.

    Raises :class:`ExportError` when an answer does not fit the Questionnaire (a
    transcript taken on another version of the flow).
    """
    form = questionnaire(flow, release, validate)
    order = {item["linkId"]: index for index, item in enumerate(form["item"])}
    items = _answer_items(transcript, _number_types(form["item"]))
    if transcript.outcome is not None:
        items.append(outcome_answer(transcript, transcript.outcome))
    items += [_computed_item(value) for value in transcript.computed_shown]
    items.sort(key=lambda item: order.get(item["linkId"], len(order)))  # stable: rounds keep order
    response: Json = {
        "resourceType": "QuestionnaireResponse",
        "language": transcript.language,
        "questionnaire": f"{form['url']}|{form['version']}",
        "status": "completed" if transcript.finished_at is not None else "in-progress",
    }
    if transcript.patient is not None:  # typed by the user; a reference, never a record id
        response["subject"] = {"display": transcript.patient}
    response["authored"] = (transcript.finished_at or transcript.started_at).isoformat()
    if transcript.clinician is not None:
        response["author"] = {"display": transcript.clinician}
    response["item"] = items
    problems = check_response(form, response)
    if problems:
        raise ExportError(
            f"the transcript does not fit flow '{flow.id}' version {flow.flow.version}: "
            + "; ".join(problems)
        )
    return validate("QuestionnaireResponse", response, release)


def _number_types(form_items: list[Json]) -> dict[str, str]:
    """The type (``integer`` or ``decimal``) of every number item, in groups too."""
    types: dict[str, str] = {}
    for item in form_items:
        if item.get("type") in ("integer", "decimal"):
            types[item["linkId"]] = item["type"]
        types |= _number_types(item.get("item", []))
    return types


def _answer_items(transcript: Transcript, number_types: dict[str, str]) -> list[Json]:
    """The answers as response items; a group's answers nested in one item per round.

    A number's value type is its item's (``number_types``), not the Python type of the
    value recorded: 12 given for a decimal question is a valueDecimal.
    """
    entries = {group.id: group.entry for group in transcript.groups}
    items: list[Json] = []
    rounds: dict[tuple[str, int], Json] = {}
    for answer in transcript.answers:
        item = _answer_item(transcript.flow.id, answer, transcript.language, number_types)
        if answer.group is None or answer.round is None:
            items.append(item)
            continue
        key = (answer.group, answer.round)
        if key not in rounds:
            entry = entries.get(answer.group, answer.group)
            rounds[key] = {"linkId": answer.group, "text": f"{entry} {answer.round}", "item": []}
            items.append(rounds[key])
        rounds[key]["item"].append(item)
    return items


def _answer_item(
    flow_id: str, answer: AnswerRecord, lang: str, number_types: dict[str, str]
) -> Json:
    item: Json = {"linkId": answer.question, "text": answer.prompt}
    if answer.kind == "number":
        return item | _number_answer(answer, number_types.get(answer.question, "decimal"))
    item["answer"] = [{"valueCoding": c} for c in answer_codings(flow_id, answer, lang)]
    return item


def _number_answer(answer: AnswerRecord, value_type: str) -> Json:
    """A number answer's value, or the data-absent-reason of ``unknown``."""
    value = answer.answer
    if value == UNKNOWN:
        return {"extension": [{"url": EXT + "data-absent-reason", "valueCode": "unknown"}]}
    # 38.0 read back from JSON is the whole number it was; a fraction is left as it is,
    # for check_response to refuse (a transcript of another version).
    if value_type == "integer" and isinstance(value, float) and value.is_integer():
        value = int(value)
    return {"answer": [{NUMBER_VALUE[value_type]: value}]}


def _computed_item(value: ValueRecord) -> Json:
    item: Json = {"linkId": COMPUTED_LINK + value.name, "text": value.label}
    if value.value is None:
        item["extension"] = [{"url": EXT + "data-absent-reason", "valueCode": "not-applicable"}]
    elif isinstance(value.value, bool):
        item["answer"] = [{"valueBoolean": value.value}]
    elif isinstance(value.value, int | float):
        item["answer"] = [{"valueDecimal": value.value}]
    else:
        item["answer"] = [{"valueString": value.shown}]
    return item


# --- JSON --------------------------------------------------------------------------------


def questionnaire_json(
    flow: CompiledFlow, release: Release = "R5", validate: Validate = as_built
) -> str:
    """The Questionnaire as JSON, escaped as :func:`response_json` is."""
    form = questionnaire(flow, release, validate)
    return escaped(json.dumps(form, indent=2, ensure_ascii=False))


def response_json(
    transcript: Transcript,
    flow: CompiledFlow,
    release: Release = "R5",
    validate: Validate = as_built,
) -> str:
    """The response as JSON; a control character or bidirectional control in a string
    is written as its JSON escape (the same data, no raw character)."""
    response = questionnaire_response(transcript, flow, release, validate)
    return escaped(json.dumps(response, indent=2, ensure_ascii=False))
