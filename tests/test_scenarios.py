"""Scenario tests a clinician writes (`triagebot test`): results, coverage, located errors.

The bundled flows' own scenario files run here at ``--min-coverage 100``: this is how CI
runs them.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triagebot.app import library
from triagebot.cli import main
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.scenarios import ScenarioFile, load_scenarios, run_scenarios

BUNDLED = library.bundled_dir()
TESTS = BUNDLED / "tests"
FLOW_IDS = sorted(path.stem for path in library.flow_files([BUNDLED]))


def _flow(flow_id: str) -> CompiledFlow:
    return load_flow(BUNDLED / f"{flow_id}.yaml")


def _bundled(flow_id: str) -> ScenarioFile:
    return load_scenarios(TESTS / f"{flow_id}.scenarios.yaml", _flow(flow_id))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled flows' scenarios: CI --------------------------------------------------------


@pytest.mark.parametrize("flow_id", FLOW_IDS)  # each bundled flow, with its own file
def test_bundled_scenarios_pass_at_full_coverage(
    flow_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triagebot test FLOW --min-coverage 100` passes on every bundled flow."""
    code = main(["test", flow_id, "--min-coverage", "100"])
    out = capsys.readouterr().out
    expected = (0, "Coverage: 100.0 %", [])
    actual = (
        code,
        next(line for line in out.splitlines() if line.startswith("Coverage")),
        [line for line in out.splitlines() if line.lstrip().startswith("FAIL")],
    )
    assert expected == actual


def test_every_bundled_flow_has_a_scenarios_file() -> None:
    """Each bundled flow ships flows/tests/<id>.scenarios.yaml naming it."""
    expected = FLOW_IDS
    actual = sorted(
        load_scenarios(TESTS / f"{flow_id}.scenarios.yaml").flow for flow_id in expected
    )
    assert expected == actual


# --- differences in clinical words ---------------------------------------------------------

PAINLESS_RETENTION = """\
flow: cauda-equina
scenarios:
  - name: painless retention
    answers: {back_or_leg_pain: "no", urinary_difficulty: "no", saddle_sensation: "no",
              bilateral_neuro_deficit: "no", rectal_sensation_loss: "no",
              retention_or_incontinence: "yes"}
    expect:
      outcome: EXPECTED
"""


def test_a_wrong_expected_outcome_fails_with_both_urgencies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario expecting the wrong outcome fails, exit 1, naming both with urgencies."""
    path = _write(tmp_path, PAINLESS_RETENTION.replace("EXPECTED", "no_ces_features"))
    code = main(["test", "cauda-equina", str(path)])
    out = capsys.readouterr().out
    expected = (1, True, True)
    actual = (
        code,
        "  FAIL  painless retention" in out,
        "        expected outcome 'no_ces_features' (ROUTINE), got 'emergency_mri' (EMERGENCY)"
        in out,
    )
    assert expected == actual


def test_the_right_outcome_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same scenario with the right outcome passes (exit 0 without a minimum)."""
    path = _write(tmp_path, PAINLESS_RETENTION.replace("EXPECTED", "emergency_mri"))
    code = main(["test", "cauda-equina", str(path)])
    out = capsys.readouterr().out
    expected = (0, True)
    assert expected == (code, "  PASS  painless retention" in out)


HEPARIN_WORKED_EXAMPLE = """\
flow: heparin
scenarios:
  - name: worked example
    answers: {hit_history: "no", ivt_given: "no", aspects: 9, oral_anticoagulant: "no",
              multiple_femoral_punctures: "no", planned_stenting: "no",
              straightforward_recanalisation: "no", bags: 3, drip_rate_ml_h: 90,
              concentration_iu_l: 2000, bolus_unit: none, duration_h: 2}
    expect:
      outcome: proceed
      values: {flush_iu_h: {value: 541, tolerance: 0.5}, reference_group: bolus_only}
      shows: ["thrombolysis given"]
      hides: ["540"]
      not_asked: [bags]
"""


def test_each_kind_of_expectation_says_its_difference(tmp_path: Path) -> None:
    """Values, shown and hidden lines and questions not asked each say what differs."""
    flow = _flow("heparin")
    report = run_scenarios(flow, load_scenarios(_write(tmp_path, HEPARIN_WORKED_EXAMPLE), flow))
    differences = report.results[0].differences
    expected = [
        "expected flush_iu_h (Heparin through the flush, per hour) 541 ± 0.5, got 540 "
        "(shown as 540 IU/h)",
        "expected reference_group (Survey group this practice is compared with) bolus_only, "
        "got flush_only (shown as flush only (reported median 540 IU/h, upper quartile "
        "1080 IU/h))",
        "expected a line showing 'thrombolysis given'; no line of 'proceed' shows it",
        "'bags' (How many heparinised flush bags / lines are running?) was asked; it must not "
        "be on this path",
    ]
    actual = [d for d in differences if not d.startswith("'540' must not be shown")]
    hidden = [d for d in differences if d.startswith("'540' must not be shown, but 'proceed'")]
    assert (expected, True, False) == (actual, bool(hidden), report.passed)


def test_answers_that_stop_short_fail_the_scenario(tmp_path: Path) -> None:
    """Answers that leave a question unanswered fail, saying which question."""
    text = PAINLESS_RETENTION.replace("EXPECTED", "emergency_mri").replace(
        'retention_or_incontinence: "yes"', 'sexual_dysfunction: "yes"'
    )
    flow = _flow("cauda-equina")
    report = run_scenarios(flow, load_scenarios(_write(tmp_path, text), flow))
    result = report.results[0]
    expected = (False, None, True)
    actual = (
        result.passed,
        result.outcome,
        result.differences[0].startswith(
            "the answers do not reach an outcome: no answer for question "
            "'retention_or_incontinence'"
        ),
    )
    assert expected == actual


# --- coverage -------------------------------------------------------------------------------


def test_removing_a_scenario_uncovers_what_only_it_reached() -> None:
    """Without the waiver-without-injection scenario, its lines are listed as uncovered."""
    flow = _flow("spinal-referral")
    file = _bundled("spinal-referral")
    name = (
        "waiver without an injection trial is not yet eligible, and says only what the policy says"
    )
    fewer = dataclasses.replace(file, scenarios=tuple(s for s in file.scenarios if s.name != name))
    full = run_scenarios(flow, file).coverage
    partial = run_scenarios(flow, fewer).coverage
    only_it = [item.label for item in full.items if item.covered_by == (name,)]
    expected = (len(full.items), only_it, True)
    actual = (
        len(full.items) - len(partial.uncovered) + len(only_it),
        [item.label for item in partial.uncovered],
        len(only_it) >= 4,  # the waiver's own unmet lines
    )
    assert expected == actual


def test_coverage_below_the_minimum_fails_and_lists_what_is_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One passing scenario is not enough at --min-coverage 50: exit 1, items listed."""
    path = _write(tmp_path, PAINLESS_RETENTION.replace("EXPECTED", "emergency_mri"))
    code = main(["test", "cauda-equina", str(path), "--min-coverage", "50"])
    out = capsys.readouterr().out
    flow_file = BUNDLED / "cauda-equina.yaml"
    expected = (1, True, True, True)
    actual = (
        code,
        "Coverage 32.0 % is below the minimum of 50 %." in out,
        f"  {flow_file}:181:5: outcome 'out_of_scope' (NONE)" in out,
        "  outcomes reached: 1 of 5" in out,
    )
    assert expected == actual


def test_a_threshold_is_reached_only_where_evaluation_reaches_it() -> None:
    """With lactate unknown, the lactate bands are no side taken (known() guards them)."""
    flow = _flow("ecpr")
    file = _bundled("ecpr")
    name = "both labs unknown after 150 min of CPR (minimum 8) - not computable, consider, never go"
    only = dataclasses.replace(file, scenarios=tuple(s for s in file.scenarios if s.name == name))
    coverage = run_scenarios(flow, only).coverage
    covered = [i.label for i in coverage.of_kind("threshold") if i.covered]
    expected = [
        "cpr_minutes < 40 does not hold (in computed.demul_cpr_points.formula)",
        "cpr_minutes < 60 does not hold (in computed.demul_cpr_points.formula)",
        "cpr_minutes < 105 does not hold (in computed.demul_cpr_points.formula)",
        "demul_minimum_score >= 9 does not hold (in computed.demul_reading.formula)",
        "weight_kg < 15 does not hold (in computed.ecmo_system.formula)",
    ]
    assert expected == covered


def test_each_rule_traced_is_the_one_the_engine_took() -> None:
    """On every bundled scenario, the rules traced go to exactly the nodes the path took."""
    from triagebot.flows.coverage import Trace  # noqa: PLC0415
    from triagebot.flows.driving import drive  # noqa: PLC0415
    from triagebot.flows.scenarios import run_scenario  # noqa: PLC0415

    mismatched = []
    for flow_id in FLOW_IDS:
        flow = _flow(flow_id)
        for scenario in _bundled(flow_id).scenarios:
            trace: Trace = run_scenario(flow, scenario)[1]
            session = drive(flow, scenario.answers)
            visited = [step.node for step in session.steps] + [session.current]
            gone_to = {
                flow.routes[key[1]][key[2]].goto for key in trace.reached if key[0] == "rule"
            }
            entered = set(visited[1:]) | {flow.group_of.get(node) for node in visited}
            if not gone_to <= entered:
                mismatched.append((flow_id, scenario.name, sorted(gone_to - entered)))
    expected: list[tuple[str, str, list[str]]] = []
    assert expected == mismatched


def test_json_report_lists_each_item_with_who_covers_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--format json` gives results and every coverage item, covered or not."""
    path = _write(tmp_path, PAINLESS_RETENTION.replace("EXPECTED", "emergency_mri"))
    code = main(["test", "cauda-equina", str(path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    outcomes = {
        item["label"]: item["covered_by"]
        for item in report["coverage"]["items"]
        if item["kind"] == "outcome"
    }
    expected = (0, True, 32.0, ["painless retention"], [])
    actual = (
        code,
        report["passed"],
        report["coverage"]["percent"],
        outcomes["outcome 'emergency_mri' (EMERGENCY)"],
        outcomes["outcome 'out_of_scope' (NONE)"],
    )
    assert expected == actual


# --- malformed files, located ----------------------------------------------------------------

GOOD = """\
flow: cauda-equina
scenarios:
  - name: no pain, no symptom
    answers:
      back_or_leg_pain: "no"
      urinary_difficulty: "no"
    expect:
      outcome: out_of_scope
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # YAML that does not parse
        (
            "  - name: no pain",
            "  - name: [no pain",
            "4:12: YAML syntax: did not find expected ',' or ']'",
        ),
        # a key a scenario does not take
        (
            "    expect:",
            "    expected: {}\n    expect:",
            "7:5: 'expected' is not a key of a scenario (name, answers, expect)",
        ),
        # an outcome missing from expect
        ("      outcome: out_of_scope", "      shows: [x]", "8:7: expect needs 'outcome'"),
        # a question the flow does not have
        (
            '      urinary_difficulty: "no"',
            '      urinary_dificulty: "no"',
            "6:7: 'urinary_dificulty' is not a question of flow 'cauda-equina'",
        ),
        # an outcome the flow does not have
        (
            "outcome: out_of_scope",
            "outcome: ces_emergency",
            "8:16: 'ces_emergency' is not an outcome of flow 'cauda-equina' (out_of_scope, "
            "emergency_mri, ces_unlikely_review, urgent_msk_2ww, no_ces_features)",
        ),
        # an answer of the wrong type, with what is accepted
        (
            'back_or_leg_pain: "no"',
            "back_or_leg_pain: maybe",
            "5:25: 'back_or_leg_pain': 'maybe' is not accepted: answer yes or no",
        ),
        # the file names another flow
        ("flow: cauda-equina", "flow: heparin", "1:7: this file tests flow 'heparin', not "),
        # a scenario name used twice
        (
            "    expect:\n      outcome: out_of_scope\n",
            "    expect:\n      outcome: out_of_scope\n  - name: no pain, no symptom\n"
            "    answers: {}\n    expect: {outcome: out_of_scope}\n",
            "9:11: scenario name 'no pain, no symptom' is used twice (first at line 3)",
        ),
        # an expected value that is neither a number nor a text
        (
            "      outcome: out_of_scope",
            "      outcome: out_of_scope\n      values: {x: [1]}",
            "9:19: an expected value is a number or a text",
        ),
    ],
)
def test_a_malformed_file_is_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Each problem of a scenarios file is placed at FILE:LINE:COL."""
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(FlowError) as raised:
        load_scenarios(path, _flow("cauda-equina"))
    assert f"{path}:{message}" == str(raised.value)[: len(f"{path}:{message}")]


def test_a_malformed_file_is_one_located_line_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triagebot test` with an unknown question id: exit 1, the located line on stderr."""
    path = _write(tmp_path, GOOD.replace("urinary_difficulty", "urinary_dificulty"))
    code = main(["test", "cauda-equina", str(path)])
    err = capsys.readouterr().err
    expected = (1, f"{path}:6:7: 'urinary_dificulty' is not a question of flow 'cauda-equina'\n")
    assert expected == (code, err)


# --- any file: a located refusal or a report, never a crash -----------------------------------

_KEYS = [
    "flow", "language", "scenarios", "name", "answers", "expect", "outcome", "values",
    "shows", "hides", "not_asked", "value", "tolerance", "branches", "branch_name",
    "paced_qrs_ms", "sinus_rhythm", "lvef_percent", "first_hour_iu", "best_branch", "x",
]  # fmt: skip
_SCALARS = st.one_of(
    st.sampled_from(["crt-lead", "yes", "no", "unknown", "place_lead", "lateral", "en", ""]),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), inner),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios=st.lists(st.dictionaries(st.sampled_from(_KEYS), _DATA), max_size=3))
def test_any_scenarios_file_is_refused_with_its_place_or_runs(
    tmp_path_factory: pytest.TempPathFactory, scenarios: list[dict[str, object]]
) -> None:
    """Whatever a scenarios file holds, loading and running it gives a report or located
    problems (FlowError), never another exception."""
    path = tmp_path_factory.mktemp("fuzz") / "f.scenarios.yaml"
    text = yaml.safe_dump({"flow": "crt-lead", "scenarios": scenarios}, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    flow = _flow("crt-lead")
    try:
        report = run_scenarios(flow, load_scenarios(path, flow))
    except FlowError as error:
        assert all(problem.file == str(path) for problem in error.problems)
    else:
        assert len(scenarios) == len(report.results)


_CRT_ANSWER = st.one_of(_SCALARS, st.sampled_from(["i", "ii", "iii", "iv", "posterior", 25, 160]))
_CRT_IDS = [
    "sinus_rhythm", "lvef_percent", "lbbb", "baseline_qrs_ms", "nyha_class",
    "optimal_medical_therapy", "life_expectancy_over_1y", "recent_acs",
]  # fmt: skip
_BRANCH = st.fixed_dictionaries(
    {},
    optional={
        "branch_name": _CRT_ANSWER,
        "paced_qrs_ms": _CRT_ANSWER,
        "diaphragmatic_stimulation": _CRT_ANSWER,
        "another_branch": _CRT_ANSWER,
    },
)
_SCENARIO = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=10),
        "answers": st.fixed_dictionaries(
            {},
            optional={
                **{key: _CRT_ANSWER for key in _CRT_IDS},
                "branches": st.lists(_BRANCH, max_size=7),
            },
        ),
        "expect": st.fixed_dictionaries(
            {"outcome": st.sampled_from(["place_lead", "not_candidate", "no_suitable_branch"])},
            optional={
                "values": st.dictionaries(
                    st.sampled_from(["best_branch", "delta_qrs_ms"]), _SCALARS
                ),
                "shows": st.lists(st.text(min_size=1, max_size=5), max_size=2),
                "not_asked": st.lists(st.sampled_from(_CRT_IDS), max_size=2),
            },
        ),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios=st.lists(_SCENARIO, min_size=1, max_size=3))
def test_any_well_shaped_scenario_runs_or_is_refused_with_its_place(
    tmp_path_factory: pytest.TempPathFactory, scenarios: list[dict[str, object]]
) -> None:
    """Scenarios of the right shape with any answers run to a result each, or are refused
    with located problems (a wrong answer type, a group list too long), never a crash."""
    test_any_scenarios_file_is_refused_with_its_place_or_runs.hypothesis.inner_test(  # type: ignore[attr-defined]
        tmp_path_factory, scenarios
    )


def test_a_file_naming_its_language_keeps_it_whatever_lang_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """septic-cardiomyopathy's scenarios expect French lines: they pass under --lang en too."""
    code = main(["test", "septic-cardiomyopathy", "--lang", "en", "--min-coverage", "100"])
    out = capsys.readouterr().out
    expected = (0, "10 passed, 0 failed.")
    assert expected == (code, out.splitlines()[11])


@pytest.mark.parametrize("percent", ["101", "-1", "lots"])  # above, below, not a number
def test_a_minimum_that_is_no_percentage_is_a_usage_error(
    percent: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--min-coverage takes 0 to 100: anything else is exit 2 saying so."""
    code = main(["test", "cauda-equina", "--min-coverage", percent])
    err = capsys.readouterr().err
    expected = (2, True)
    assert expected == (code, f"'{percent}' is not a percentage from 0 to 100" in err)


def test_a_flow_without_a_scenarios_file_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flow file with no tests/ beside it: exit 1, naming the file looked for."""
    flow = tmp_path / "cauda-equina.yaml"
    flow.write_bytes((BUNDLED / "cauda-equina.yaml").read_bytes())
    code = main(["test", str(flow)])
    err = capsys.readouterr().err
    looked = tmp_path / "tests" / "cauda-equina.scenarios.yaml"
    expected = (1, f"{flow}: no scenarios file (looked for {looked})\n")
    assert expected == (code, err)
