"""Whether a QuestionnaireResponse fits its Questionnaire: the ``fhir.resources`` models
check structure only, so every answered linkId must be an item of the Questionnaire, every
coded answer one of that item's options, and every number of the item's type."""

from __future__ import annotations

import json
from typing import Any

Json = dict[str, Any]

NUMBER_VALUE = {"integer": "valueInteger", "decimal": "valueDecimal"}
"""The value element of each number item type (its bounds and its answers)."""


def check_response(form: Json, response: Json) -> list[str]:
    """What in ``response`` does not fit ``form``: unknown linkIds, unknown codes, several
    answers (or a group given twice) where the item does not repeat; nested items are
    checked against their group's items."""
    return _check_items(form.get("item", []), response.get("item", []))


def _check_items(form_items: list[Json], answered_items: list[Json]) -> list[str]:
    items = {item["linkId"]: item for item in form_items}
    problems = []
    seen: set[str] = set()
    for answered in answered_items:
        link_id = answered["linkId"]
        item = items.get(link_id)
        if item is None:
            problems.append(f"'{link_id}' is not an item of the Questionnaire")
            continue
        if link_id in seen and not item.get("repeats", False):
            problems.append(f"'{link_id}' is given twice but does not repeat")
        seen.add(link_id)
        if answered.get("item"):
            problems += _check_items(item.get("item", []), answered["item"])
        options = {
            (o["valueCoding"].get("system"), o["valueCoding"]["code"])
            for o in item.get("answerOption", [])
            if "valueCoding" in o
        }
        for answer in answered.get("answer", []):
            coding = answer.get("valueCoding")
            if coding is not None and (coding.get("system"), coding["code"]) not in options:
                problems.append(f"'{coding['code']}' is not an option of '{link_id}'")
        problems += _number_problems(item, answered)
        if len(answered.get("answer", [])) > 1 and not item.get("repeats", False):
            problems.append(f"'{link_id}' has several answers but does not repeat")
    return problems


def _number_problems(item: Json, answered: Json) -> list[str]:
    """An integer item answered with anything but a whole valueInteger, or a decimal item
    with anything but a valueDecimal."""
    expected = NUMBER_VALUE.get(item.get("type", ""))
    if expected is None:
        return []
    problems = []
    for answer in answered.get("answer", []):
        value = answer.get(expected)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or (expected == "valueInteger" and not isinstance(value, int)):
            shown = json.dumps(answer, sort_keys=True)
            kind = "an integer" if expected == "valueInteger" else "a decimal"
            problems.append(f"'{item['linkId']}' takes {kind} answer, not {shown}")
    return problems
