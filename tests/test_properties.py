"""Properties files: safety properties the CSO owns, proven like invariants (issue 21)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triagebot.app import library
from triagebot.cli import EXIT_INVALID, main
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.explore import Budget
from triagebot.flows.limits import DEFAULT_PATH_LIMIT
from triagebot.flows.properties import (
    PropertiesFile,
    load_properties,
    parse_properties,
    version_in_range,
)
from triagebot.flows.verify import Report, answers_yaml, verify

FLOWS = library.bundled_dir()
TESTS = FLOWS / "tests"
BUNDLED = (
    "cauda-equina",
    "spinal-referral",
    "ecpr",
    "heparin",
    "crt-lead",
    "septic-cardiomyopathy",
)


def properties_of(flow_id: str) -> Path:
    return TESTS / f"{flow_id}.properties.yaml"


def failing_properties(report: Report) -> list[str]:
    assert report.properties is not None
    return [p.name for p in report.properties.properties if not report.property_holds(p.name)]


@pytest.fixture(scope="module")
def ecpr() -> CompiledFlow:
    return load_flow(FLOWS / "ecpr.yaml")


# --- the bundled properties files ---------------------------------------------------------


def test_every_bundled_flow_has_a_properties_file() -> None:
    """Each bundled flow ships flows/tests/<id>.properties.yaml, and no other is shipped."""
    flow_ids = sorted(load_flow(path).id for path in library.flow_files([FLOWS]))
    shipped = sorted(
        path.name.removesuffix(".properties.yaml") for path in TESTS.glob("*.properties.yaml")
    )
    assert sorted(BUNDLED) == flow_ids
    assert flow_ids == shipped


@pytest.mark.parametrize("flow_id", BUNDLED)  # each bundled flow with its own file
def test_bundled_flow_proves_its_properties(flow_id: str) -> None:
    """Every property of a bundled flow's properties file holds on every path walked."""
    flow = load_flow(FLOWS / f"{flow_id}.yaml")
    properties = load_properties(properties_of(flow_id), flow)
    report = verify(flow, budget=Budget(DEFAULT_PATH_LIMIT, seconds=600), properties=properties)
    assert [f.message for f in report.findings if f.severity == "error"] == []
    assert failing_properties(report) == []
    assert report.stopped is None
    assert all(p.hazard and p.says for p in properties.properties)


# --- planted faults, each caught by the properties file alone ------------------------------

FEW_PATHS = 3000
"""Enough paths to meet most planted faults (a violation found is an error, proven or not);
walks are counted in paths, not seconds, so a loaded machine finds the same counterexample."""

FAULTS = [
    # cauda-equina: an unsure saddle anaesthesia no longer escalates
    pytest.param(
        "cauda-equina",
        "when: saddle_sensation in ('yes', 'unsure')",
        "when: saddle_sensation == 'yes'",
        "core_symptom_yes_or_unsure_means_emergency_mri",
        FEW_PATHS,
        id="cauda-unsure-no-longer-escalates",
    ),
    # spinal-referral: the suspected CES red flag proposes the red-flag route (wrong branch)
    pytest.param(
        "spinal-referral",
        "goto: suspected_ces",
        "goto: red_flag_pathway",
        "suspected_ces_flag_means_suspected_ces",
        FEW_PATHS,
        id="spinal-wrong-branch-for-ces",
    ),
    # ecpr: the 6-point CPR band moved from 105 to 120 minutes (a threshold moved)
    pytest.param(
        "ecpr",
        "cpr_minutes < 105",
        "cpr_minutes < 120",
        "demul_score_by_the_spec_bands",
        FEW_PATHS,
        id="ecpr-cpr-band-moved",
    ),
    # ecpr: an out-of-hospital arrest counts as adverse only when also unwitnessed
    pytest.param(
        "ecpr",
        "formula: \"'present' if location == 'ohca' else 'absent'\"",
        "formula: \"'present' if location == 'ohca' and witnessed == 'no' else 'absent'\"",
        "go_never_out_of_hospital",
        DEFAULT_PATH_LIMIT,
        id="ecpr-ohca-not-adverse",
    ),
    # ecpr: an unsure reversible cause counts as identified (unsure no longer escalating)
    pytest.param(
        "ecpr",
        "formula: \"'present' if reversible_cause != 'yes' and hypothermia == 'no' else 'absent'\"",
        "formula: \"'present' if reversible_cause == 'no' and hypothermia == 'no' else 'absent'\"",
        "go_never_without_a_reversible_cause",
        DEFAULT_PATH_LIMIT,
        id="ecpr-unsure-cause-counts-as-identified",
    ),
    # heparin: the flush-only upper quartile moved from 1080 to 1800 IU/h (a threshold moved)
    pytest.param(
        "heparin",
        "when: bolus_total_iu == 0 and flush_iu_h > 1080",
        "when: bolus_total_iu == 0 and flush_iu_h > 1800",
        "high_dose_exactly_by_the_matching_group",
        FEW_PATHS,
        id="heparin-flush-quartile-moved",
    ),
    # crt-lead: the proposed branch ignores diaphragmatic stimulation (a wrong branch proposed)
    pytest.param(
        "crt-lead",
        "branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation == 'no')",
        "branch_name, by=paced_qrs_ms)",
        "proposed_branch_never_stimulates_the_diaphragm",
        FEW_PATHS,
        id="crt-stimulating-branch-proposed",
    ),
    # septic-cardiomyopathy: fluid responsiveness not assessed goes straight to fluid
    pytest.param(
        "septic-cardiomyopathy",
        "fluid_responsive == 'not_assessed'\n        goto: assess_fluid_responsiveness",
        "fluid_responsive == 'not_assessed'\n        goto: correct_hypovolaemia",
        "not_assessed_never_fluid_nor_inotrope",
        FEW_PATHS,
        id="septic-not-assessed-goes-to-fluid",
    ),
]


def planted(tmp_path: Path, flow_id: str, old: str, new: str) -> Path:
    """A copy of a bundled flow with ``old`` replaced by ``new`` and its own invariants
    removed, so that only the properties file can catch the fault."""
    text = (FLOWS / f"{flow_id}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text not found once: {old!r}"
    assert text.count("\ninvariants:\n") == 1
    faulty = text.replace(old, new).split("\ninvariants:\n")[0] + "\n"
    target = tmp_path / f"{flow_id}.yaml"
    target.write_text(faulty, encoding="utf-8")
    return target


@pytest.mark.parametrize(("flow_id", "old", "new", "expected", "paths"), FAULTS)
def test_planted_fault_is_caught_by_the_properties_file(
    flow_id: str,
    old: str,
    new: str,
    expected: str,
    paths: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A fault planted in a copy of a flow fails a property, placed in the properties file
    with its hazard and a counterexample that reaches the outcome it names."""
    path = planted(tmp_path, flow_id, old, new)
    flow = load_flow(path)
    properties = load_properties(properties_of(flow_id), flow)
    report = verify(flow, budget=Budget(paths, seconds=600), properties=properties)
    assert expected in failing_properties(report)
    finding = next(f for f in report.findings if f.message.startswith(f"property {expected} "))
    prop = next(p for p in properties.properties if p.name == expected)
    assert (prop.where, prop.hazard, str(properties_of(flow_id))) == (
        finding.where,
        finding.hazard,
        finding.properties_file,
    )
    assert finding.answers is not None
    answers = tmp_path / "counterexample.yaml"
    answers.write_text(answers_yaml(finding.answers, flow), encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(path), "--answers", str(answers), "--format", "json"]) == 0
    assert finding.outcome == json.loads(capsys.readouterr().out)["outcome"]["id"]


def test_properties_file_adds_to_the_flow_invariants(ecpr: CompiledFlow) -> None:
    """A properties file's name may repeat an invariant's; both are proven, neither replaced."""
    text = (
        "flow: ecpr\nversions: '>=2'\nproperties:\n"
        f"  - name: {ecpr.flow.invariants[0].name}\n"
        "    says: Go only after an out-of-hospital arrest (false on purpose).\n"
        "    hazard: none\n"
        "    holds: outcome != 'go' or location == 'ohca'\n"
    )
    report = verify(ecpr, properties=parse_properties(text, "p.yaml", ecpr))
    assert [ecpr.flow.invariants[0].name] == failing_properties(report)
    assert [f.code for f in report.findings if f.code == "invariant"] == []


# --- malformed and mismatched files: every problem at FILE:LINE:COL ------------------------

HEADER = 'flow: ecpr\nversions: ">=2.0.0,<3"\nproperties:\n'
ONE = "  - name: p\n    says: s\n    hazard: h\n    holds: outcome != 'go'\n"

MALFORMED = [
    # a name the flow lacks, inside a folded multi-line holds: placed at the name
    (
        HEADER + "  - name: p\n    says: s\n    hazard: h\n    holds: >-\n"
        "      outcome != 'go' or\n        (witnessed == 'yes' and locaton != 'ohca')\n",
        "9:33: property 'p': unknown name 'locaton'",
    ),
    # a name the flow lacks on a one-line quoted holds
    (
        HEADER
        + "  - name: p\n    says: s\n    hazard: h\n    holds: \"outcome != 'go' or lactat < 3\"\n",
        "7:32: property 'p': unknown name 'lactat'",
    ),
    # the second use of a name is the wrong one: the first is not blamed
    (
        HEADER + "  - name: p\n    says: s\n    hazard: h\n    holds: >-\n"
        "      known(ph) or\n      ph < 7 or nothing > 1 and ph > 6\n",
        "9:17: property 'p': unknown name 'nothing'",
    ),
    # an outcome the flow does not have (a typo proves nothing): placed at the value
    (
        HEADER + "  - name: p\n    says: s\n    hazard: h\n    holds: \"outcome != 'goo'\"\n",
        "7:24: property 'p': 'goo' is never an answer here; expected one of: consider, go,",
    ),
    # a property of another flow
    (
        "flow: heparin\nversions: '>=2'\nproperties:\n" + ONE,
        "1:7: this properties file is for flow 'heparin', not 'ecpr'",
    ),
    # written for another version of the flow
    (
        'flow: ecpr\nversions: ">=3.0.0"\nproperties:\n' + ONE,
        "2:11: this properties file was written for 'ecpr' versions >=3.0.0, but",
    ),
    # a version range that is not clauses
    (
        "flow: ecpr\nversions: two or later\nproperties:\n" + ONE,
        "2:11: 'two or later' is not a version clause",
    ),
    # no hazard: the harm prevented is what the CSO signs
    (
        HEADER + "  - name: p\n    says: s\n    holds: outcome != 'go'\n",
        "4:5: missing required field 'hazard'",
    ),
    # an unknown key at the top
    (
        "flow: ecpr\nversion: '>=2'\nversions: '>=2'\nproperties:\n" + ONE,
        "2:1: unknown field 'version'",
    ),
    # an unknown key in a property
    (HEADER + ONE + "    severity: high\n", "8:5: unknown field 'severity'"),
    # the same name twice
    (HEADER + ONE + ONE, "8:11: property 'p' is defined twice"),
    # holds is a number, not a condition
    (
        HEADER + "  - name: p\n    says: s\n    hazard: h\n    holds: cpr_minutes + 1\n",
        "7:12: property 'p': expected a condition",
    ),
    # holds is not text at all
    (
        HEADER + "  - name: p\n    says: s\n    hazard: h\n    holds: 12\n",
        "7:12: 'holds' must be text, not a number",
    ),
    # no properties
    (
        "flow: ecpr\nversions: '>=2'\nproperties: []\n",
        "3:13: 'properties' must be a list of at least one property",
    ),
    # not a mapping at all
    ("- flow: ecpr\n", "1:1: a properties file must be a mapping of fields"),
    # a control character that could drive the terminal, written as an escape
    (
        HEADER + "  - name: p\n    says: \"s\\e[2J\"\n    hazard: h\n    holds: outcome != 'go'\n",
        "5:13: properties[0].says: U+001B is a control character",
    ),
    # YAML that does not parse
    ("flow: ecpr\nversions: [\n", "YAML syntax"),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED)
def test_malformed_properties_file_is_a_located_error(
    text: str, expected: str, ecpr: CompiledFlow
) -> None:
    """A bad properties file is refused with the problem placed at FILE:LINE:COL."""
    with pytest.raises(FlowError) as caught:
        parse_properties(text, "ecpr.properties.yaml", ecpr)
    assert expected in str(caught.value), str(caught.value)
    assert str(caught.value).startswith("ecpr.properties.yaml:")


def test_group_member_is_read_only_inside_an_aggregate() -> None:
    """A repeated group's member outside an aggregate is refused, as in a flow's invariants."""
    flow = load_flow(FLOWS / "crt-lead.yaml")
    text = (
        "flow: crt-lead\nversions: '>=2'\nproperties:\n  - name: p\n    says: s\n"
        "    hazard: h\n    holds: paced_qrs_ms < 200\n"
    )
    with pytest.raises(FlowError) as caught:
        parse_properties(text, "crt.yaml", flow)
    assert "crt.yaml:7:12: property 'p': " in str(caught.value)


@pytest.mark.parametrize(
    ("version", "versions", "expected"),
    [
        ("2.0.0", ">=2.0.0,<3", True),  # inside
        ("3.0.0", ">=2.0.0,<3", False),  # the excluded upper end
        ("2.9.17", ">=2.0.0,<3", True),  # short bounds count missing parts as 0
        ("1.9", ">=2", False),  # below
        ("2.0", "==2.0.0", True),  # equal with padding
        ("2.1", " != 2.1 ", False),  # spaces around a clause
    ],
)
def test_version_in_range(version: str, versions: str, expected: bool) -> None:
    """Version ranges compare dotted numbers part by part."""
    assert expected == version_in_range(version, versions)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=4),
    st.lists(st.integers(0, 20), min_size=1, max_size=4),
)
def test_version_range_agrees_with_tuple_order(have: list[int], bound: list[int]) -> None:
    """`>=` and `<` a bound split every version in two, as zero-padded tuples order them."""
    version, limit = ".".join(map(str, have)), ".".join(map(str, bound))
    width = max(len(have), len(bound))
    padded = (have + [0] * width)[:width] >= (bound + [0] * width)[:width]
    assert (padded, not padded) == (
        version_in_range(version, f">={limit}"),
        version_in_range(version, f"<{limit}"),
    )


@settings(max_examples=150, deadline=None)
@given(holds=st.text(alphabet="abcdeghilmnoprstuwy_ ()'=<>!0123456789.,\n", max_size=60))
def test_any_holds_text_is_accepted_or_a_located_error(holds: str, ecpr: CompiledFlow) -> None:
    """Whatever a CSO types as `holds`, the file loads or is refused at FILE:LINE:COL."""
    text = (
        HEADER + "  - name: p\n    says: s\n    hazard: h\n    holds: " + json.dumps(holds) + "\n"
    )
    try:
        loaded = parse_properties(text, "p.yaml", ecpr)
    except FlowError as error:
        assert all(problem.file == "p.yaml" and problem.line >= 1 for problem in error.problems)
    else:
        assert isinstance(loaded, PropertiesFile)


# --- the command line ---------------------------------------------------------------------


def test_cli_verify_with_properties_shows_them(capsys: pytest.CaptureFixture[str]) -> None:
    """`verify FLOW --properties FILE` counts the properties proven and exits 0."""
    path = properties_of("cauda-equina")
    assert main(["verify", "cauda-equina", "--properties", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"invariants and 8 of 8 properties ({path}) hold on every path" in out
    assert "    holds  core_symptom_yes_or_unsure_means_emergency_mri: Any core CES" in out


def test_cli_failing_property_shows_hazard_and_counterexample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A property that fails is reported at its line with its hazard, in text and in JSON."""
    path = tmp_path / "p.yaml"
    path.write_text(
        "flow: cauda-equina\nversions: '>=2'\nproperties:\n  - name: never_mri\n"
        "    says: Never MRI.\n    hazard: Needless scans.\n"
        "    holds: outcome != 'emergency_mri'\n",
        encoding="utf-8",
    )
    assert main(["verify", "cauda-equina", "--properties", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:7:12: error: property never_mri does not hold: Never MRI." in out
    assert "    hazard: Needless scans.\n    counterexample (reaches 'emergency_mri')" in out
    assert "    FAILS  never_mri: Never MRI.\n" in out
    assert main(["verify", "cauda-equina", "--properties", str(path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)[0]
    finding = next(f for f in data["findings"] if f["code"] == "property")
    assert ("Needless scans.", str(path)) == (finding["hazard"], finding["properties_file"])
    assert [
        {
            "name": "never_mri",
            "says": "Never MRI.",
            "hazard": "Needless scans.",
            "where": f"{path}:7:12",
            "holds": False,
        }
    ] == data["properties"]["items"]


@pytest.mark.parametrize(
    "flows",
    [
        [],  # every bundled flow
        ["ecpr", "heparin"],  # two flows
    ],
)
def test_cli_properties_needs_exactly_one_flow(
    flows: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--properties with no flow or several is refused before anything is verified."""
    assert main(["verify", *flows, "--properties", str(properties_of("ecpr"))]) == EXIT_INVALID
    assert "name exactly one flow" in capsys.readouterr().err


def test_cli_properties_of_another_flow_is_a_located_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A properties file written for another flow is refused at its `flow:` line."""
    path = properties_of("ecpr")
    assert main(["verify", "heparin", "--properties", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:7:7: this properties file is for flow 'ecpr', not 'heparin'" in err
