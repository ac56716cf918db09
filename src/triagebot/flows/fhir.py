"""FHIR export: a flow as a Questionnaire, a transcript as a QuestionnaireResponse.

Built here as JSON-ready dicts, R5 by default or R4B for R4-era systems; each resource is
passed to a ``validate`` function as it is made. The application layer's
:mod:`triagebot.app.fhir` passes the ``fhir.resources`` models' validation (slow to import,
and outside the core). The models check structure only, not that a response fits its
questionnaire, so :func:`check_response` does that: every answered linkId is an item of the
Questionnaire and every coded answer one of that item's options.

Mapping: each question is an item whose linkId is the question id, its answers written by
its question type (:mod:`triagebot.flows.questions`); yes/no and choice questions are coded
(``coding`` in R5, ``choice`` in R4B; the codes: :mod:`~triagebot.flows.fhir_values`);
multi-choice items repeat; numbers are ``integer`` or
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
from collections.abc import Callable, Iterator
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
from triagebot.flows.fhir_values import EXT, option_system
from triagebot.flows.fhir_values import questionnaire_url as questionnaire_url  # noqa: PLC0414
from triagebot.flows.fhir_values import yes_no_labels as yes_no_labels  # noqa: PLC0414
from triagebot.flows.questions import type_named, type_of
from triagebot.flows.questions.base import AnswerError
from triagebot.flows.safe_text import escaped
from triagebot.flows.schema import GroupNode, InfoNode, OutcomeNode, Question, QuestionBase
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
ItemNode = Question | InfoNode


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
    return question_item(flow.id, node_id, node, flow.language, release)


def question_item(
    flow_id: str, node_id: str, question: Question, lang: str, release: Release = "R5"
) -> Json:
    """A question's Questionnaire item (without enableWhen), its answers as its type writes
    them."""
    system = option_system(flow_id, node_id)
    answers = type_of(question).fhir_item(question, system, lang)
    if answers["type"] == "coding":
        answers["type"] = _coded(release)
    return {"linkId": node_id, "text": question.prompt} | answers


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
    misfits = list(_misfits(transcript, flow))
    if misfits:
        raise ExportError(_not_fitting(flow, misfits))
    form = questionnaire(flow, release, validate)
    order = {item["linkId"]: index for index, item in enumerate(form["item"])}
    items = _answer_items(transcript, _by_link(form["item"]))
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
        raise ExportError(_not_fitting(flow, problems))
    return validate("QuestionnaireResponse", response, release)


def _not_fitting(flow: CompiledFlow, problems: list[str]) -> str:
    version = flow.flow.version
    return f"the transcript does not fit flow '{flow.id}' version {version}: " + "; ".join(problems)


def _misfits(transcript: Transcript, flow: CompiledFlow) -> Iterator[str]:
    """Why each recorded answer is not one the flow's question takes (a transcript from
    elsewhere or another version): its question type is asked, as when it was typed, so no
    answer reaches a type's FHIR writer that the type would refuse."""
    for answer in transcript.answers:
        node = flow.nodes.get(answer.question)
        if not isinstance(node, QuestionBase):
            yield f"'{answer.question}' is not an item of the Questionnaire"
            continue
        if node.type != answer.kind:
            yield f"'{answer.question}' is a {node.type} question, not {answer.kind}"
            continue
        try:
            type_of(node).parse(node, answer.answer, transcript.language)
        except AnswerError as error:
            yield f"'{answer.question}': {error}"


def _by_link(form_items: list[Json]) -> dict[str, Json]:
    """Every item of the Questionnaire by its linkId, in groups too."""
    found: dict[str, Json] = {}
    for item in form_items:
        found[item["linkId"]] = item
        found |= _by_link(item.get("item", []))
    return found


def _answer_items(transcript: Transcript, form_items: dict[str, Json]) -> list[Json]:
    """The answers as response items; a group's answers nested in one item per round,
    each written by its question type after its Questionnaire item (``form_items``)."""
    entries = {group.id: group.entry for group in transcript.groups}
    items: list[Json] = []
    rounds: dict[tuple[str, int], Json] = {}
    for answer in transcript.answers:
        item = answer_item(transcript.flow.id, answer, transcript.language, form_items)
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


def answer_item(flow_id: str, answer: AnswerRecord, lang: str, form_items: dict[str, Json]) -> Json:
    """A recorded answer as its response item, written by its question type after the
    Questionnaire's item it answers (``form_items``, by linkId)."""
    item: Json = {"linkId": answer.question, "text": answer.prompt}
    system = option_system(flow_id, answer.question)
    form_item = form_items.get(answer.question, {})
    return item | type_named(answer.kind).fhir_answer(answer, form_item, system, lang)


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
