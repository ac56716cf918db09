"""FHIR export: a flow as a Questionnaire, a transcript as a QuestionnaireResponse.

Built here as JSON-ready dicts, R5 by default or R4B for R4-era systems; each resource is
passed to a ``validate`` function as it is made. The application layer's
:mod:`triagebot.app.fhir` passes the ``fhir.resources`` models' validation (slow to import,
and outside the core). The models check structure only, not that a response fits its
questionnaire, so :func:`check_response` does that: every answered linkId is an item of the
Questionnaire and every coded answer one of that item's options.

Mapping: each question is an item whose linkId is the question id; yes/no and choice
questions are coded (``coding`` in R5, ``choice`` in R4B) with the answer values as codes;
multi-choice items repeat; numbers are ``integer`` or ``decimal`` with their unit and range
as the standard extensions, and ``unknown`` is recorded as a data-absent-reason. Info
messages are ``display`` items. The outcome reached and the computed values are read-only
items under ``triagebot.``-prefixed linkIds (flow ids cannot contain dots, so these never
collide with a question). Both resources carry the language they are written in
(``language``: the flow's compiled language, the transcript's language); fixed wording
(yes/no labels, "Outcome reached") comes from the catalog in that language.

A repeated group is a ``group`` item that repeats (``repeats: true``, at most ``max``
times by the maxOccurs extension) holding its members' items; a response repeats it once
per entry, in round order, each with that round's answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.exports import ExportError
from triagebot.flows.expr import Kind
from triagebot.flows.fhir_checks import NUMBER_VALUE as NUMBER_VALUE  # noqa: PLC0414
from triagebot.flows.fhir_checks import check_response as check_response  # noqa: PLC0414
from triagebot.flows.safe_text import escaped
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
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


OUTCOME_LINK = "triagebot.outcome"
COMPUTED_LINK = "triagebot.computed."
EXT = "http://hl7.org/fhir/StructureDefinition/"


def yes_no_labels(lang: str) -> dict[str, str]:
    """The displays of the yes/no/unsure codes in ``lang`` (``Yes``, ``Oui``...)."""
    said = words(lang)
    return {
        "yes": said.yes.capitalize(),
        "no": said.no.capitalize(),
        UNSURE: said.unsure.capitalize(),
    }


def questionnaire_url(flow_id: str) -> str:
    """The Questionnaire's canonical URL (a URN: triagebot publishes no server)."""
    return f"urn:triagebot:flow:{flow_id}"


def _system(flow_id: str, link_id: str) -> str:
    return f"{questionnaire_url(flow_id)}:{link_id}"


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
    items: list[Json] = []
    for node_id, node in spec.nodes.items():
        if isinstance(node, GroupNode):
            items.append(_group_item(spec.id, node_id, node, release, flow.language))
        elif not isinstance(node, OutcomeNode):
            items.append(_node_item(spec.id, node_id, node, release, flow.language))
    items.append(
        {
            "linkId": OUTCOME_LINK,
            "text": words(flow.language).outcome_reached,
            "type": _coded(release),
            "readOnly": True,
            "answerOption": [
                {"valueCoding": _coding(spec.id, OUTCOME_LINK, outcome_id, outcome.title)}
                for outcome_id, outcome in flow.outcomes()
            ],
        }
    )
    for name, computed in spec.computed.items():
        kind = flow.types[name].kind
        value_type = {Kind.NUMBER: "decimal", Kind.BOOL: "boolean"}.get(kind, "string")
        items.append(
            {
                "linkId": COMPUTED_LINK + name,
                "text": computed.label,
                "type": value_type,
                "readOnly": True,
            }
        )
    return items


def _node_item(
    flow_id: str,
    node_id: str,
    node: YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion | InfoNode,
    release: Release,
    lang: str,
) -> Json:
    if isinstance(node, InfoNode):
        return {"linkId": node_id, "type": "display", "text": node.text}
    item: Json = {"linkId": node_id, "text": node.prompt}
    if isinstance(node, NumberQuestion):
        return item | _number_item(node)
    item["type"] = _coded(release)
    item["answerOption"] = [
        {"valueCoding": coding} for coding in _codings(flow_id, node_id, node, lang).values()
    ]
    if isinstance(node, MultiChoiceQuestion):
        item["repeats"] = True
    return item


def _group_item(flow_id: str, group_id: str, group: GroupNode, release: Release, lang: str) -> Json:
    """A repeated group: a ``group`` item that repeats, its members' items inside."""
    return {
        "linkId": group_id,
        "text": group.entry,
        "type": "group",
        "repeats": True,
        "extension": [{"url": EXT + "questionnaire-maxOccurs", "valueInteger": group.max}],
        "item": [
            _node_item(flow_id, member_id, member, release, lang)
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


def _coding(flow_id: str, link_id: str, code: str, display: str) -> Json:
    return {"system": _system(flow_id, link_id), "code": code, "display": display}


def _codings(
    flow_id: str,
    node_id: str,
    node: YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion,
    lang: str,
) -> dict[str, Json]:
    if isinstance(node, YesNoQuestion):
        values = ["yes", "no", UNSURE] if node.allow_unsure else ["yes", "no"]
        labels = [(value, yes_no_labels(lang)[value]) for value in values]
    else:
        labels = [(option.id, option.label) for option in node.options]
    return {code: _coding(flow_id, node_id, code, label) for code, label in labels}


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
    lang = transcript.language
    items = _answer_items(transcript, _number_types(form["item"]))
    if transcript.outcome is not None:
        outcome = transcript.outcome
        items.append(
            {
                "linkId": OUTCOME_LINK,
                "text": words(lang).outcome_reached,
                "answer": [
                    {
                        "valueCoding": _coding(
                            transcript.flow.id, OUTCOME_LINK, outcome.id, outcome.title
                        )
                    }
                ],
            }
        )
    items += [_computed_item(value) for value in transcript.computed_shown]
    items.sort(key=lambda item: order.get(item["linkId"], len(order)))  # stable: rounds keep order
    response: Json = {
        "resourceType": "QuestionnaireResponse",
        "language": lang,
        "questionnaire": f"{form['url']}|{form['version']}",
        "status": "completed" if transcript.finished_at is not None else "in-progress",
        "authored": (transcript.finished_at or transcript.started_at).isoformat(),
        "item": items,
    }
    if transcript.patient is not None:  # typed by the user; a reference, never a record id
        response["subject"] = {"display": transcript.patient}
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
    value = answer.answer
    if answer.kind == "number":
        if value == UNKNOWN:
            item["extension"] = [{"url": EXT + "data-absent-reason", "valueCode": "unknown"}]
        else:
            value_type = number_types.get(answer.question, "decimal")
            # 38.0 read back from JSON is the whole number it was; a fraction is left as
            # it is, for check_response to refuse (a transcript of another version).
            if value_type == "integer" and isinstance(value, float) and value.is_integer():
                value = int(value)
            item["answer"] = [{NUMBER_VALUE[value_type]: value}]
        return item
    codes = value if isinstance(value, list) else [str(value)]
    labels = answer.labels or [yes_no_labels(lang).get(code, code) for code in codes]
    if codes:  # an empty multi-choice answer (none of these) has no answer element
        item["answer"] = [
            {"valueCoding": _coding(flow_id, answer.question, code, label)}
            for code, label in zip(codes, labels, strict=True)
        ]
    return item


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
