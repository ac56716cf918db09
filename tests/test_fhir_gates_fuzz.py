"""enableWhen on generated flows: whatever the routing, a renderer following the
Questionnaire shows exactly the questions triagebot asks on every explored path (plus
only items marked as not gated). Flows are chains of yes/no, choice, multi-choice and
number questions whose rules compare the current answer and the first one (asked on
every path) and jump forward or to an outcome."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fhir_support import answer_values, asked_on, enabled
from triagebot.app import fhir
from triagebot.flows.compiler import compile_text
from triagebot.flows.documents import FlowError
from triagebot.flows.explore import Explorer
from triagebot.flows.fhir_gates import NOT_GATED_URL

KINDS = ["yes_no", "unsure", "choice", "multi", "number", "unknown"]

HEAD = """id: fuzz
title: Fuzz
version: "1"
audience: tests
disclaimer: Test fixture.
sources:
  - {id: s, title: S, file: none.txt, version: "1", evidence: guideline}
content_review: {signed_off: 2025-01-01, due: 2025-12-31}
start: q0
nodes:
"""


def question(kind: str) -> dict:
    """A question of ``kind`` (its YAML fields) and the conditions that read it."""
    base = {"why": "T.", "source": {"doc": "s", "section": "x"}}
    if kind in ("yes_no", "unsure"):
        return base | {"type": "yes_no", "allow_unsure": kind == "unsure"}
    if kind == "choice":
        options = [{"id": o, "label": o.upper()} for o in ("a", "b", "c")]
        return base | {"type": "choice", "options": options}
    if kind == "multi":
        options = [{"id": o, "label": o.upper()} for o in ("x", "y")]
        return base | {"type": "multi_choice", "options": options}
    return base | {
        "type": "number",
        "integer": True,
        "min": 0,
        "max": 10,
        "allow_unknown": kind == "unknown",
    }


def conditions(name: str, kind: str) -> list[str]:
    """Conditions on one answer."""
    if kind == "unsure":
        return [f"{name} == 'yes'", f"{name} != 'no'", f"{name} in ('no', 'unsure')"]
    if kind == "yes_no":
        return [f"{name} == 'yes'", f"{name} != 'yes'"]
    if kind == "choice":
        return [f"{name} == 'a'", f"{name} in ('b', 'c')", f"{name} != 'c'"]
    if kind == "multi":
        return [f"'x' in {name}", f"len({name}) == 0", f"'y' not in {name}"]
    guard = f"known({name}) and " if kind == "unknown" else ""
    return [
        f"{guard}{name} > 4",
        f"{guard}{name} <= 6",
        f"{guard}{name} == 3",
        f"not known({name})" if guard else f"{name} >= 7",
    ]


@st.composite
def flows(draw: st.DrawFn) -> str:
    size = draw(st.integers(2, 5))
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(size)]
    lines = [HEAD]
    for index, kind in enumerate(kinds):
        name = f"q{index}"
        node = question(kind) | {"prompt": f"Q{index}?"}
        later = [f"q{j}" for j in range(index + 1, size)] + ["end_a", "end_b"]
        rules = []
        for _ in range(draw(st.integers(0, 2))):
            condition = draw(st.sampled_from(conditions(name, kind)))
            if index > 0 and draw(st.booleans()):
                first = draw(st.sampled_from(conditions("q0", kinds[0])))
                joiner = draw(st.sampled_from(["and", "or"]))
                condition = f"({condition}) {joiner} ({first})"
            rules.append({"when": condition, "goto": draw(st.sampled_from(later)), "note": "n"})
        rules.append({"goto": draw(st.sampled_from(later))})
        node["next"] = rules
        lines.append(f"  {name}: {json.dumps(node)}\n")
    lines.append("  end_a: {type: outcome, urgency: routine, title: A}\n")
    lines.append("  end_b: {type: outcome, urgency: urgent, title: B}\n")
    return "".join(lines)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(flows())
def test_generated_flows_show_exactly_the_questions_asked(text: str) -> None:
    """On every explored path of a generated flow, the enabled items are the questions
    asked, plus only items marked as not gated."""
    try:
        flow = compile_text(text, "fuzz.yaml")
    except FlowError:
        return  # a flow the compiler refuses has no Questionnaire
    form = fhir.questionnaire(flow)
    free = {
        item["linkId"]
        for item in form["item"]
        if any(e["url"] == NOT_GATED_URL for e in item.get("extension", []))
    }
    questions = {i["linkId"] for i in form["item"] if not i["linkId"].startswith("triagebot.")}
    wrong = []
    for walked, _ in Explorer(flow, keep_paths=True).run().outcomes_by_path or []:
        asked = asked_on(flow, walked)
        shown = enabled(form, answer_values(flow, asked)) & questions
        if set(asked) - shown or (shown - set(asked)) - free:
            wrong.append((asked, sorted(set(asked) ^ shown)))
    assert wrong[:3] == []
