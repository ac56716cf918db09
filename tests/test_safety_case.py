"""`triagebot safety-case`: the hazard log and safety-case report derived from a flow."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from triagebot.app import library
from triagebot.app.safety_html import to_html
from triagebot.app.safety_report import LABELS, STALE_NO_SINCE, to_data, to_markdown
from triagebot.cli import main
from triagebot.commands.safety import build_case
from triagebot.flows.compiler import load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.safety_case import SafetyCase, build
from triagebot.flows.safety_inputs import (
    constrained_outcomes,
    evidence_from_scenarios,
    hazards_from_invariants,
    hazards_from_properties,
)
from triagebot.flows.signoff import ASSESSED, NOT_ASSESSED, parse_signoff, template
from triagebot.flows.verify import verify
from triagebot.flows.yamlio import parse

DATA = Path(__file__).parent / "data" / "safety"
PATHWAY = DATA / "pathway.yaml"
LOCATED = re.compile(r"^.+:\d+:\d+$")


@pytest.fixture(scope="module")
def ecpr_case() -> SafetyCase:
    flow = library.resolve("ecpr")
    return build_case(flow, None, None)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def copy_pathway(folder: Path, name: str, threshold: int = 200) -> Path:
    """The pathway fixture, with its residual threshold (200 mL) moved to ``threshold``."""
    text = PATHWAY.read_text(encoding="utf-8")
    moved = text.replace(">= 200", f">= {threshold}").replace("< 200", f"< {threshold}")
    assert text.count(">= 200") + text.count("< 200") == 2
    target = folder / name
    target.write_text(moved, encoding="utf-8")
    return target


# --- every field, in every format ------------------------------------------------------------


def test_the_ecpr_case_in_json_has_every_field_of_the_hazard_log(ecpr_case: SafetyCase) -> None:
    """Each hazard has its hazard, located causes and controls, evidence, effect with
    urgencies and the CSO's judgements (not yet assessed); the case has a change record,
    review status and sign-off."""
    data = to_data(ecpr_case)
    names = [invariant.name for invariant in library.resolve("ecpr").flow.invariants]
    hazard = data["hazards"][0]
    found = {
        "hazards": [h["name"] for h in data["hazards"]],
        "hazard": hazard["hazard"],
        "causes located": all(LOCATED.match(c["where"]) for c in hazard["causes"]),
        "has causes": bool(hazard["causes"]),
        "control property": hazard["controls"]["property"]["name"],
        "control rules located": all(
            LOCATED.match(c["where"]) for c in hazard["controls"]["rules"]
        ),
        "proof": (hazard["evidence"]["proof"], hazard["evidence"]["held"]),
        "has passages": bool(hazard["evidence"]["source_passages"]),
        # the scenarios shipped with the flow (flows/tests/ecpr.scenarios.yaml) cover it
        "scenarios pass": [s["passed"] for s in hazard["evidence"]["scenarios"]][:1],
        "effect": hazard["effect"][0]["outcome"],
        "urgency": hazard["effect"][0]["urgency"],
        "assessment": hazard["assessment"],
        "change": data["change_record"]["since"],
        "review due": data["review"]["content_due"],
        "signoff": (data["signoff"]["state"], data["signoff"]["clinical_safety_officer"]["name"]),
    }
    assert found == {
        "hazards": names,
        "hazard": "not stated in the flow",
        "causes located": True,
        "has causes": True,
        "control property": names[0],
        "control rules located": True,
        "proof": ("exhaustive", True),
        "has passages": True,
        "scenarios pass": [True],
        "effect": "go",
        "urgency": "emergency",
        "assessment": dict.fromkeys(ASSESSED, NOT_ASSESSED),
        "change": None,
        "review due": "2027-12-05",
        "signoff": ("none", NOT_ASSESSED),
    }


SECTIONS = [
    "Hazard log",
    "Hazard",
    "Property",
    "Effect",
    "Causes",
    "Controls",
    "Evidence",
    "Proof exhaustive",
    "Scenario tests",
    "Source passages",
    "Change record",
    "Review status",
    "Content review",
    "Sign-off (Clinical Safety Officer)",
    "Registration",
    NOT_ASSESSED,
    *LABELS.values(),
]


@pytest.mark.parametrize("render", [to_markdown, to_html], ids=["markdown", "html"])
def test_the_ecpr_case_shows_every_section_and_hazard(ecpr_case: SafetyCase, render: Any) -> None:
    """Markdown and HTML each show every section, judgement and hazard of the log."""
    text = render(ecpr_case).lower()
    names = [h.prop.name for h in ecpr_case.hazards]
    missing = [word for word in [*SECTIONS, *names] if word.lower() not in text]
    assert missing == []


@pytest.mark.parametrize("form", ["markdown", "html", "json"])
def test_the_command_writes_each_format(
    form: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`safety-case FLOW --format F` exits 0 and writes the report (pathway fixture)."""
    code, out, _ = run(["safety-case", str(PATHWAY), "--format", form], capsys)
    first = {"markdown": "# Clinical safety case", "html": "<!DOCTYPE html>", "json": "{"}[form]
    assert (code, out.startswith(first)) == (0, True)


def test_html_is_escaped_and_self_contained() -> None:
    """A source title with markup is shown as text; nothing is fetched from outside."""
    flow = load_flow(PATHWAY)
    page = to_html(build(flow, verify(flow), hazards_from_invariants(flow, verify(flow))))
    outside = [
        word for word in ("<script", "src=", "url(", "http:", "https:", "<link") if word in page
    ]
    assert (outside, "<b>with markup</b>" in page, "&lt;b&gt;with markup" in page) == (
        [],
        False,
        True,
    )


def test_markdown_shows_flow_text_as_text() -> None:
    """A source title with markup is escaped in Markdown, not passed through as HTML."""
    flow = load_flow(PATHWAY)
    report = verify(flow)
    text = to_markdown(build(flow, report, hazards_from_invariants(flow, report)))
    assert ("<b>" in text, "\\<b\\>with markup\\</b\\>" in text) == (False, True)


# --- what each hazard is made of -------------------------------------------------------------


@pytest.mark.parametrize(
    ("holds", "expected"),
    [
        ("outcome != 'routine' or retention == 'no'", ("routine",)),  # the usual guard
        ("retention == 'no' or outcome != 'routine'", ("routine",)),  # guard written last
        ("not (outcome == 'routine') or retention == 'no'", ("routine",)),  # negated
        ("outcome in ('emergency',) or retention == 'no'", ("routine",)),  # by a tuple
        ("not answered(residual) or outcome == 'emergency'", ("routine",)),  # answered()
        ("retention == 'no' or retention != 'no'", ("emergency", "routine")),  # no outcome
        ("outcome == 'routine' and retention == 'no'", ("emergency", "routine")),  # and
        ("nonsense ==", ("emergency", "routine")),  # unreadable: all at risk
    ],
)
def test_the_outcomes_a_property_constrains(holds: str, expected: tuple[str, ...]) -> None:
    """An outcome is at risk unless the property holds there whatever else is answered."""
    assert constrained_outcomes(load_flow(PATHWAY), holds) == expected


def test_causes_lead_to_the_outcome_at_risk_and_controls_turn_away() -> None:
    """Causes: the rules on a path to routine care; controls: those that go to emergency."""
    flow = load_flow(PATHWAY)
    report = verify(flow)
    case = build(flow, report, hazards_from_invariants(flow, report))
    hazard = case.hazards[0]
    shown = [
        [(r.node, r.index, r.goto, r.where.rsplit(":", 2)[1]) for r in rules]
        for rules in (hazard.causes, hazard.controls)
    ]
    assert shown == [
        [("retention", 1, "residual", "30"), ("residual", 1, "routine", "43")],
        [("retention", 0, "emergency", "28"), ("residual", 0, "emergency", "41")],
    ]


HOLDS = "outcome != 'routine' or retention == 'no'"


@dataclass(frozen=True, slots=True)
class Stated:
    name: str
    says: str
    hazard: str
    holds: str


def test_properties_and_scenarios_arrive_through_the_adapters() -> None:
    """A property's hazard and failure, and the scenarios reaching its outcome or firing a
    control, are in the case; a failing property and a failing scenario are problems."""
    flow = load_flow(PATHWAY)
    report = verify(flow)
    props = hazards_from_properties(
        flow,
        [Stated("no_routine_retention", "Retention is never routine.", "CES sent home.", HOLDS)],
        {"no_routine_retention": ((("retention", "yes"),), "routine", "fails")},
        {"no_routine_retention": "p.yaml:3:12"},
    )
    runs = evidence_from_scenarios(
        [
            ("unsure is an emergency", "emergency", True, [("retention", 0)]),  # a control
            ("small residual is routine", "routine", False, [("residual", 1)]),  # at risk
            ("unrelated", "emergency", True, []),  # neither
        ]
    )
    case = build(flow, report, props, scenarios=runs)
    hazard = case.hazards[0]
    assert (
        hazard.prop.hazard,
        hazard.prop.counterexample,
        [s.name for s in hazard.scenarios],
        list(case.problems),
    ) == (
        "CES sent home.",
        '{retention: "yes"}',
        ["unsure is an emergency", "small residual is routine"],
        [
            "p.yaml:3:12: property no_routine_retention fails: Retention is never routine.",
            f"{flow.file}: scenario fails: small residual is routine",
        ],
    )


# --- the sign-off ---------------------------------------------------------------------------


def signoff_text(sha: str, flow: str = "pathway", extra: str = "") -> str:
    return (
        f"flow: {flow}\nflow_sha256: '{sha}'\n"
        "clinical_safety_officer:"
        " {name: Dr A Safety, registration: GMC 1234567, date: 2026-12-06}\n"
        "hazards:\n"
        "  unsure_never_routine: {severity: major, likelihood: rare, risk_rating: 2,"
        " residual_risk: low, acceptance: accepted}\n" + extra
    )


def test_a_current_signoff_shows_its_judgements_and_leaves_the_rest_not_assessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The judgements made are shown; a hazard the CSO did not assess reads not yet assessed."""
    sha = load_flow(PATHWAY).sha256
    signoff = tmp_path / "s.yaml"
    signoff.write_text(signoff_text(sha), encoding="utf-8")
    code, out, _ = run(
        ["safety-case", str(PATHWAY), "--signoff", str(signoff), "--format", "json"], capsys
    )
    data = json.loads(out)
    assert (
        code,
        data["signoff"]["state"],
        data["signoff"]["clinical_safety_officer"],
        [h["assessment"]["risk_rating"] for h in data["hazards"]],
        data["problems"],
    ) == (
        0,
        "current",
        {"name": "Dr A Safety", "registration": "GMC 1234567", "date": "2026-12-06"},
        ["2", NOT_ASSESSED],
        [f"{signoff}: hazard large_residual_is_an_emergency is not yet assessed"],
    )


def test_changing_a_threshold_makes_the_signoff_stale_and_lists_the_changed_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The residual threshold moved from 200 to 300 mL in a copy: the sign-off made on the
    old bytes is STALE, and the change record lists the paths now ending routine."""
    old = copy_pathway(tmp_path, "old.yaml")
    new = copy_pathway(tmp_path, "new.yaml", 300)
    signoff = tmp_path / "s.yaml"
    signoff.write_text(signoff_text(load_flow(old).sha256), encoding="utf-8")
    args = ["safety-case", str(new), "--signoff", str(signoff), "--format", "json"]
    code, out, _ = run([*args, "--since", str(old)], capsys)
    data = json.loads(out)
    changes = [(c["answers"], c["old"], c["new"]) for c in data["change_record"]["changes"]]
    assert (code, data["signoff"]["state"], changes) == (
        0,
        "stale",
        [
            ('{retention: "no", residual: 200}', "emergency (emergency)", "routine (routine)"),
            ('{retention: "no", residual: 250}', "emergency (emergency)", "routine (routine)"),
        ],
    )
    assert f"{signoff}: sign-off is STALE" in data["problems"][0]
    assert (data["signoff"]["note"][:40], data["change_record"]["note"]) == (
        "These judgements come from a sign-off th",
        None,
    )


def test_a_since_version_other_than_the_one_signed_off_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--since names a version the CSO did not sign: the change record warns of it."""
    signed = copy_pathway(tmp_path, "signed.yaml")
    since = copy_pathway(tmp_path, "since.yaml", 250)
    new = copy_pathway(tmp_path, "new.yaml", 300)
    signoff = tmp_path / "s.yaml"
    signoff.write_text(signoff_text(load_flow(signed).sha256), encoding="utf-8")
    args = ["safety-case", str(new), "--signoff", str(signoff), "--since", str(since)]
    code, out, _ = run([*args, "--format", "json"], capsys)
    note = json.loads(out)["change_record"]["note"]
    assert (code, note.startswith("The version given with --since")) == (0, True)


def test_a_stale_signoff_without_since_says_how_to_list_the_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --since the change record says the flow changed and to give --since."""
    new = copy_pathway(tmp_path, "new.yaml", 300)
    signoff = tmp_path / "s.yaml"
    signoff.write_text(signoff_text(load_flow(PATHWAY).sha256), encoding="utf-8")
    code, out, _ = run(["safety-case", str(new), "--signoff", str(signoff)], capsys)
    assert (code, "**STALE**" in out, STALE_NO_SINCE in out) == (0, True, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "flow: pathway\nflow_sha256: abc\n",
            "s.yaml:2:14: flow_sha256 must be 64 lower-case hex digits",
        ),  # short
        (
            "flow: pathway\nflow_sha256: " + "a" * 64 + "\nsigned: x\n",
            "s.yaml:3:1: unknown field 'signed'",
        ),  # typo
        ("flow_sha256: " + "a" * 64 + "\n", "s.yaml:1:1: flow is required"),  # no flow
        (
            "flow: p\nflow_sha256: " + "a" * 64 + "\nhazards:\n  h: {severity: 1, risk: 2}\n",
            "s.yaml:4:20: unknown field 'risk'",
        ),  # a judgement the CSO cannot make
    ],
)
def test_a_malformed_signoff_names_file_line_and_column(text: str, expected: str) -> None:
    """Every shape problem of a sign-off file is located."""
    with pytest.raises(FlowError) as raised:
        parse_signoff(parse(text, "s.yaml"))
    assert str(raised.value).startswith(expected)


def test_the_signoff_template_marks_every_judgement_for_the_cso(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The template names the flow's sha256 and every hazard, every judgement blank."""
    code, out, _ = run(["safety-case", str(PATHWAY), "--signoff-template"], capsys)
    signoff = parse_signoff(parse(out, "template.yaml"))
    assert (
        code,
        signoff.flow_sha256,
        [name for name, _ in signoff.hazards],
        {value for _, judged in signoff.hazards for _, value in judged},
        out.count("CSO to assess"),
    ) == (
        0,
        load_flow(PATHWAY).sha256,
        ["unsure_never_routine", "large_residual_is_an_emergency"],
        {None},
        10,
    )


def test_the_signoff_next_to_the_flow_is_read_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tests/<id>.signoff.yaml next to the flow file is its sign-off."""
    flow = tmp_path / "pathway.yaml"
    shutil.copy(PATHWAY, flow)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "pathway.signoff.yaml").write_text(
        signoff_text(load_flow(flow).sha256), encoding="utf-8"
    )
    code, out, _ = run(["safety-case", str(flow), "--format", "json"], capsys)
    assert (code, json.loads(out)["signoff"]["state"]) == (0, "current")


def test_a_template_sha256_of_digits_reads_back_as_text() -> None:
    """The template quotes the sha256: 64 digits would otherwise read as a YAML number."""
    digits = "0" * 64  # unquoted: a leading zero is refused as no decimal number
    assert parse_signoff(parse(template("f", "1", digits, []), "t.yaml")).flow_sha256 == digits
