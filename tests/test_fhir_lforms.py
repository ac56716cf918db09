"""The FHIR export in LHC-Forms (npm ``lforms``), a renderer nobody here wrote, in headless
Debian Chromium: each bundled flow's Questionnaire renders with a response reaching each
outcome loaded into it; it draws exactly the questions triagebot asked on that path (plus
only items marked as not gated), gives back the same answers, and where an item has a
calculatedExpression computes the value triagebot computed (the computed answers are left
out of the response it is given). The lforms files are read from tests/data/fhir (no
network). Skips, saying why, where Chromium or LHC-Forms is missing."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from tests.fhir_support import (
    BUNDLED,
    FLOW_IDS,
    NODE_MODULES,
    TOOLS,
    outcome_cases,
    scenario_cases,
    transcript_of,
)
from triagebot.app import fhir
from triagebot.flows.compiler import load_flow
from triagebot.flows.fhir_gates import NOT_GATED_URL
from triagebot.flows.fhir_paths import CALCULATED_URL

LFORMS = NODE_MODULES / "lforms" / "dist" / "lforms"
COMPUTED = "triagebot.computed."
FLAGS = [
    *CHROMIUM_ARGS,
    "--allow-file-access-from-files",  # lforms is ES modules, read from file:// here
]

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.skipif(
        not LFORMS.is_dir(), reason="LHC-Forms is missing: npm ci --prefix tests/data/fhir"
    ),
]

WITH_GROUPS = {"crt-lead"}
"""Flows whose every scenario is rendered (the rounds of a repeated group vary: up to the
last round, which does not ask whether there is another); the others, one per outcome."""


def cases_of(flow_id: str) -> list[tuple[str, dict[str, Any]]]:
    return scenario_cases(flow_id) if flow_id in WITH_GROUPS else outcome_cases(flow_id)


CASES = [
    (flow_id, case, release)
    for flow_id in FLOW_IDS
    for case, _ in cases_of(flow_id)
    for release in ("R5", "R4B")
]


def page(folder: Path, cases: list[dict[str, Any]]) -> Path:
    """A page loading LHC-Forms from node_modules and rendering ``cases``."""
    (folder / "cases.js").write_text("window.CASES = " + json.dumps(cases) + ";", "utf-8")
    web = LFORMS / "webcomponent"
    modules = [web / "runtime.js", web / "polyfills.js", web / "main.js"]
    modules.append(LFORMS / "fhir" / "lformsFHIRAll.min.js")
    scripts = [f'<script src="{(web / "assets" / "lib" / "zone.min.js").as_uri()}"></script>']
    scripts += [f'<script src="{path.as_uri()}" type="module"></script>' for path in modules]
    scripts += ['<script src="cases.js"></script>']
    scripts += [f'<script src="{(TOOLS / "lforms-check.js").as_uri()}"></script>']
    style = f'<link rel="stylesheet" href="{(web / "styles.css").as_uri()}">'
    text = f'<!doctype html><html><head><meta charset="utf-8">{style}{"".join(scripts)}'
    path = folder / "page.html"
    path.write_text(text + "</head><body></body></html>", "utf-8")
    return path


def rendered(folder: Path, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What LHC-Forms drew and gave back for each case."""
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            "--virtual-time-budget=600000",
            "--dump-dom",
            page(folder, cases).as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', result.stdout, re.DOTALL)
    assert found is not None, result.stderr[-2000:]
    return json.loads(html.unescape(found.group(1)))


def case_of(flow_id: str, outcome: str, release: str) -> dict[str, Any]:
    flow = load_flow(BUNDLED / f"{flow_id}.yaml")
    transcript = transcript_of(flow, dict(cases_of(flow_id))[outcome])
    response = fhir.questionnaire_response(transcript, flow, release)
    given = {**response, "item": [i for i in response["item"] if COMPUTED not in i["linkId"]]}
    return {
        "questionnaire": fhir.questionnaire(flow, release),
        "response": given,
        "release": release,
        "expected": response,
        "asked": sorted({a.group or a.question for a in transcript.answers}),
        "group_of": flow.group_of,
        "rounds": sorted(f"{a.question}/{a.round}" for a in transcript.answers if a.group),
    }


@functools.cache
def results() -> dict[tuple[str, str, str], tuple[dict[str, Any], dict[str, Any]]]:
    """Every case rendered in one Chromium run: case -> (what we gave, what LHC-Forms did)."""
    folder = Path(__import__("tempfile").mkdtemp(prefix="triagebot-lforms-"))
    cases = [case_of(*case) for case in CASES]
    sent = [{k: c[k] for k in ("questionnaire", "response", "release")} for c in cases]
    try:
        return dict(zip(CASES, zip(cases, rendered(folder, sent), strict=True), strict=True))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def drawn_questions(drawn: list[str], group_of: dict[str, str]) -> set[str]:
    """The top-level linkIds of the items drawn (ids read ``item-<linkId>/1...``; a
    group's member counts as its group)."""
    link_ids = {re.sub(r"^item-", "", element).split("/")[0] for element in drawn}
    top = {group_of.get(link_id, link_id) for link_id in link_ids}
    return {link_id for link_id in top if not link_id.startswith("triagebot.")}


def not_gated(form: dict[str, Any]) -> set[str]:
    return {
        item["linkId"]
        for item in form["item"]
        if any(e["url"] == NOT_GATED_URL for e in item.get("extension", []))
    }


def answers(items: list[dict[str, Any]], prefix: str = "") -> dict[str, list[Any]]:
    """linkId (groups' items under their round) -> answer values, codings as system|code."""
    found: dict[str, list[Any]] = {}
    rounds: dict[str, int] = {}
    for item in items:
        link_id = item["linkId"]
        if item.get("item"):
            rounds[link_id] = rounds.get(link_id, 0) + 1
            found |= answers(item["item"], f"{prefix}{link_id}[{rounds[link_id]}].")
        values = []
        for answer in item.get("answer", []):
            value = next(v for k, v in answer.items() if k.startswith("value"))
            values.append(
                f"{value['system']}|{value['code']}" if isinstance(value, dict) else value
            )
        if values:
            found[prefix + link_id] = values
    return found


@pytest.mark.parametrize(("flow_id", "outcome", "release"), CASES)
def test_lforms_draws_exactly_the_questions_asked(flow_id: str, outcome: str, release: str) -> None:
    """The questions drawn are those asked, plus only items marked as not gated."""
    given, got = results()[(flow_id, outcome, release)]
    assert got.get("error") is None
    drawn = drawn_questions(got["drawn"], given["group_of"])
    asked = set(given["asked"])
    extra = drawn - asked - not_gated(given["questionnaire"])
    assert (set(), set()) == (asked - drawn, extra)


@pytest.mark.parametrize(("flow_id", "outcome", "release"), CASES)
def test_lforms_draws_each_rounds_questions_asked(flow_id: str, outcome: str, release: str) -> None:
    """In a repeated group, the members drawn in each round are those asked in it, plus
    only members marked as not gated."""
    given, got = results()[(flow_id, outcome, release)]
    members = set(given["group_of"])
    free = {
        item["linkId"]
        for group in given["questionnaire"]["item"]
        for item in group.get("item", [])
        if any(e["url"] == NOT_GATED_URL for e in item.get("extension", []))
    }
    parts = [re.sub(r"^item-", "", element).split("/") for element in got["drawn"]]
    drawn = {f"{p[0]}/{p[1]}" for p in parts if p[0] in members}
    asked = set(given["rounds"])
    extra = {key for key in drawn - asked if key.split("/")[0] not in free}
    assert (set(), set()) == (asked - drawn, extra)


@pytest.mark.parametrize(("flow_id", "outcome", "release"), CASES)
def test_lforms_gives_back_the_same_answers(flow_id: str, outcome: str, release: str) -> None:
    """Every answer loaded comes back from LHC-Forms unchanged."""
    given, got = results()[(flow_id, outcome, release)]
    ours = answers(
        [i for i in given["response"]["item"] if not i["linkId"].startswith("triagebot.")]
    )
    theirs = answers(got["response"]["item"])
    assert ours == {key: theirs.get(key) for key in ours}


@pytest.mark.parametrize(("flow_id", "outcome", "release"), CASES)
def test_lforms_computes_the_same_values(flow_id: str, outcome: str, release: str) -> None:
    """Each value with a calculatedExpression is computed by LHC-Forms as by triagebot."""
    given, got = results()[(flow_id, outcome, release)]
    calculated = {
        item["linkId"]
        for item in given["questionnaire"]["item"]
        if any(e["url"] == CALCULATED_URL for e in item.get("extension", []))
    }
    ours = {k: v for k, v in answers(given["expected"]["item"]).items() if k in calculated}
    theirs = answers(got["response"]["item"])
    assert ours == {key: theirs.get(key) for key in ours}
