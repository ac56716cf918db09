"""The outcome in FHIR: a read-only group item carrying what the card shows, so an EHR
keeps the decision and not only its title.

The group (linkId ``triagebot.outcome``) holds the outcome reached (coded, one option per
outcome of the flow), its urgency (coded), and one repeating string item per section of
lines: why, actions, evidence and safety-netting. Each line is answered with its text
followed by its source, as the card cites it: "text (source: title, section)".
"""

from __future__ import annotations

from typing import Any

from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.fhir_values import coding, option_system
from triagebot.flows.schema import URGENCY_ORDER
from triagebot.flows.transcript import LineRecord, OutcomeRecord, Transcript

Json = dict[str, Any]

OUTCOME_LINK = "triagebot.outcome"
CHOSEN_LINK = OUTCOME_LINK + ".reached"
URGENCY_LINK = OUTCOME_LINK + ".urgency"
SECTIONS = ("reasons", "actions", "evidence", "safety_netting")
"""The outcome's lists of lines, in the order the card shows them."""


def _headings(lang: str) -> dict[str, str]:
    said = words(lang)
    return {
        "reasons": said.why,
        "actions": said.actions,
        "evidence": said.evidence_heading,
        "safety_netting": said.safety_netting,
    }


def outcome_item(flow: CompiledFlow, coded: str) -> Json:
    """The Questionnaire's outcome group (``coded``: the release's coded item type)."""
    lang = flow.language
    said = words(lang)
    system = option_system(flow.id, OUTCOME_LINK)
    outcomes = [coding(system, node_id, node.title) for node_id, node in flow.outcomes()]
    urgencies = [coding(_urgency_system(flow.id), u, said.urgency[u]) for u in URGENCY_ORDER]
    items: list[Json] = [
        _read_only(CHOSEN_LINK, said.outcome_reached, coded, outcomes),
        _read_only(URGENCY_LINK, said.urgency_heading, coded, urgencies),
    ]
    for section, heading in _headings(lang).items():
        items.append(
            {
                "linkId": f"{OUTCOME_LINK}.{section}",
                "text": heading,
                "type": "string",
                "repeats": True,
                "readOnly": True,
            }
        )
    return {"linkId": OUTCOME_LINK, "text": said.outcome, "type": "group", "item": items}


def _read_only(link_id: str, text: str, coded: str, options: list[Json]) -> Json:
    return {
        "linkId": link_id,
        "text": text,
        "type": coded,
        "readOnly": True,
        "answerOption": [{"valueCoding": option} for option in options],
    }


def _urgency_system(flow_id: str) -> str:
    return option_system(flow_id, URGENCY_LINK)


def outcome_answer(transcript: Transcript, outcome: OutcomeRecord) -> Json:
    """The response's outcome group: what was decided, how urgently, why and what to do."""
    lang = transcript.language
    said = words(lang)
    flow_id = transcript.flow.id
    titles = {source.id: source.short or source.title for source in transcript.flow.sources}
    reached = coding(option_system(flow_id, OUTCOME_LINK), outcome.id, outcome.title)
    urgency_shown = said.urgency.get(outcome.urgency, outcome.urgency)
    urgency = coding(_urgency_system(flow_id), outcome.urgency, urgency_shown)
    items: list[Json] = [
        {"linkId": CHOSEN_LINK, "text": said.outcome_reached, "answer": [{"valueCoding": reached}]},
        {
            "linkId": URGENCY_LINK,
            "text": said.urgency_heading,
            "answer": [{"valueCoding": urgency}],
        },
    ]
    for section, heading in _headings(lang).items():
        lines: list[LineRecord] = getattr(outcome, section)
        if lines:
            items.append(
                {
                    "linkId": f"{OUTCOME_LINK}.{section}",
                    "text": heading,
                    "answer": [{"valueString": _cited(line, titles, lang)} for line in lines],
                }
            )
    return {"linkId": OUTCOME_LINK, "text": said.outcome, "item": items}


def _cited(line: LineRecord, titles: dict[str, str], lang: str) -> str:
    source = words(lang).source_ref.format(
        doc=titles.get(line.source, line.source), section=line.section
    )
    return f"{line.text} {source}"
