"""The verifier, graph and diff on repeated groups: rounds up to max, faults reproduced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.diff import changed_paths
from triagebot.flows.diff import to_text as diff_text
from triagebot.flows.explore import Explorer
from triagebot.flows.graph import to_dot, to_mermaid
from triagebot.flows.verify import Finding, answers_mapping, answers_yaml, summary_line, verify

DATA = Path(__file__).parent / "data" / "groups"
CRT = DATA / "crt.yaml"
DOSES = DATA / "doses.yaml"


def plant(tmp_path: Path, old: str, new: str, source: Path = CRT) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text not found once: {old!r}"
    target = tmp_path / source.name
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def run_counterexample(
    flow_path: Path, finding: Finding, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """A finding's answers through `triagebot run --answers`: (exit code, outcome or error)."""
    assert finding.answers is not None
    answers_file = tmp_path / "counterexample.yaml"
    answers_file.write_text(answers_yaml(finding.answers, load_flow(flow_path)), encoding="utf-8")
    capsys.readouterr()
    code = main(["run", str(flow_path), "--answers", str(answers_file), "--format", "json"])
    captured = capsys.readouterr()
    if code != 0:
        return code, captured.err.strip()
    return code, json.loads(captured.out)["outcome"]["id"]


def rounds_on(answers: tuple[tuple[str, object], ...], flow_path: Path = CRT) -> int:
    mapping = dict(answers_mapping(answers, load_flow(flow_path)))
    entries = mapping.get("branches", [])
    assert isinstance(entries, list)
    return len(entries)


def test_crt_like_flow_verifies_over_every_round() -> None:
    """Every invariant holds on paths of 1 to 6 rounds, exhaustively: the paced QRS,
    compared across entries by order only, is tried at every order (not sampled)."""
    report = verify(load_flow(CRT))
    assert (report.ok, [f.message for f in report.findings], report.exhaustive) == (True, [], True)
    assert "exhaustive" in summary_line(report)


def test_paths_reach_the_most_rounds_and_never_loop() -> None:
    """Paths of every length up to max are walked; rounds are not loops."""
    explorer = Explorer(load_flow(CRT), keep_paths=True)
    seen = explorer.run()
    assert seen.outcomes_by_path is not None
    counts = {
        rounds_on(path) for path, outcome in seen.outcomes_by_path if outcome != "not_candidate"
    }
    assert (counts, seen.faults) == ({1, 2, 3, 4, 5, 6}, {})


def test_ties_and_both_orders_are_walked() -> None:
    """Two rounds of the compared member: a tie and both orders appear among the paths."""
    explorer = Explorer(load_flow(CRT), keep_paths=True)
    paths = explorer.run().outcomes_by_path or []
    pairs = set()
    for path, _ in paths:
        values = [v for q, v in path if q == "paced_qrs_ms"]
        if len(values) == 2:
            pairs.add((values[0] > values[1]) - (values[0] < values[1]))
    assert pairs == {-1, 0, 1}


def test_a_wrong_aggregate_is_caught_and_the_counterexample_reproduces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """max_of planted for min_of: the invariant fails on two rounds, reproduced by `run`."""
    flow_path = plant(
        tmp_path,
        "formula: min_of(branches, paced_qrs_ms",
        "formula: max_of(branches, paced_qrs_ms",
    )
    report = verify(load_flow(flow_path))
    [finding] = [f for f in report.findings if f.code == "invariant"]
    assert finding.answers is not None
    assert (finding.message.split(" does")[0], finding.outcome, rounds_on(finding.answers)) == (
        "invariant best_is_shortest",
        "place_lead",
        2,
    )
    assert run_counterexample(flow_path, finding, tmp_path, capsys) == (0, "place_lead")


def test_an_unrouted_member_answer_is_caught_inside_a_round(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A member rule with no default: the fault's answers end inside a round and `run`
    fails there the same way."""
    flow_path = plant(
        tmp_path,
        "        next: another_branch\n",
        "        next:\n"
        "          - when: diaphragmatic_stimulation == 'no' or count_of(branches) == 0\n"
        "            goto: another_branch\n",
    )
    report = verify(load_flow(flow_path))
    [fault] = [f for f in report.findings if f.code == "unrouted"]
    assert fault.answers is not None
    code, error = run_counterexample(flow_path, fault, tmp_path, capsys)
    assert (fault.answers[-1], rounds_on(fault.answers), code) == (
        ("diaphragmatic_stimulation", "yes"),
        2,
        1,
    )
    assert "no routing rule of 'diaphragmatic_stimulation' matched" in error


def test_group_rules_that_never_fire_are_reported(tmp_path: Path) -> None:
    """The group's exit rules are checked like any other rules."""
    flow_path = plant(
        tmp_path,
        "      - when: any_of(branches, diaphragmatic_stimulation == 'no')\n",
        "      - when: count_of(branches) > 6\n",
    )
    report = verify(load_flow(flow_path))
    codes = {(f.code, f.message.split(" (")[0]) for f in report.findings}
    assert ("never-fires", "rule 1 of 'branches'") in codes


def test_doses_flow_with_an_early_end_and_unknowns() -> None:
    """The info member, an unknown ending the group, sum_of: verified, both outcomes."""
    report = verify(load_flow(DOSES))
    assert (report.ok, sorted(report.exploration.shortest)) == (True, ["high", "normal"])


def test_mermaid_and_dot_show_the_group() -> None:
    """Members are states; the round edge and the end of a round are labelled."""
    flow = load_flow(CRT)
    mermaid = to_mermaid(flow)
    dot = to_dot(flow)
    assert (
        '  state "branches (repeated Branch, up to 6)" as branches' in mermaid,
        "  branches --> branch_name: round 1, or another_branch == 'yes' (at most 6 rounds)"
        in mermaid,
        "  another_branch --> branches: end of round | round 6 of 6, not asked" in mermaid,
        '  state "paced_qrs_ms" as paced_qrs_ms' in mermaid,
        'subgraph "cluster_branches"' in dot,
    ) == (True, True, True, True, True)


def test_diff_compares_rounds_and_says_how_many(tmp_path: Path) -> None:
    """A changed exit rule: paths with group lists differ; the rounds compared are said."""
    new = plant(
        tmp_path,
        "      - when: any_of(branches, diaphragmatic_stimulation == 'no')\n",
        "      - when: count_of(branches, diaphragmatic_stimulation == 'no' and "
        "paced_qrs_ms < 200) > 0\n",
    )
    result = changed_paths(load_flow(CRT), load_flow(new))
    first = result.changes[0]
    text = diff_text(result)
    assert (
        result.rounds,
        (first.old, first.new),
        "group 'branches' compared over its first 2 rounds only" in text,
        'branches: [{branch_name: "posterior", paced_qrs_ms: 250' in text,
    ) == ({"branches": 2}, ("place_lead", "no_suitable_branch"), True, True)


def test_coming_back_to_a_group_is_a_loop(tmp_path: Path) -> None:
    """A path that enters a group a second time is reported as a loop, not run twice."""
    flow_path = plant(
        tmp_path,
        "      - goto: no_suitable_branch\n",
        "      - goto: retry\n\n"
        "  retry:\n    type: yes_no\n    prompt: Retry?\n    why: Test.\n"
        "    source: {doc: study, section: Results}\n"
        "    next:\n      - when: retry == 'yes'\n        goto: branches\n"
        "      - goto: no_suitable_branch\n",
    )
    report = verify(load_flow(flow_path))
    [loop] = [f for f in report.findings if f.code == "loop"]
    assert loop.answers is not None
    assert (loop.message, loop.answers[-1]) == (
        "the path comes back to group 'branches', already passed on this path: its rounds "
        "would be asked again",
        ("retry", "yes"),
    )


SHOWN = Path(__file__).parent / "data" / "verify" / "crt-shown.yaml"


def test_what_the_clinician_reads_is_proven_exhaustively() -> None:
    """The branch shown as proposed (name and number) never stimulates and is the
    shortest: proven over every path of 1 to 6 rounds, nothing sampled."""
    report = verify(load_flow(SHOWN))
    assert (report.ok, report.exhaustive, report.findings) == (True, True, [])


@pytest.mark.parametrize(
    ("old", "new", "invariant"),
    [
        # the proposed branch is the shortest of all, stimulating or not
        (
            "first_min(branches, branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no')",
            "first_min(branches, branch_name, by=paced_qrs_ms)",
            "shown_branch_never_stimulates",
        ),
        # on a tie the number shown is the last branch's, the name the first one's
        (
            "first_min(branches, entry_number, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no')",
            "max_of(branches, entry_number, where=diaphragmatic_stimulation == 'no'"
            " and paced_qrs_ms == best_paced_qrs_ms)",
            "shown_branch_never_stimulates",
        ),
        # a branch named 'other' is proposed even when it stimulates: only that label fails
        (
            "first_min(branches, branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no')",
            "first_min(branches, branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no' or branch_name == 'other')",
            "shown_branch_never_stimulates",
        ),
        # the longest paced QRS is proposed
        (
            "first_min(branches, branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no')",
            "first_max(branches, branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no')",
            "shown_branch_is_the_shortest",
        ),
    ],
)
def test_a_wrong_branch_shown_is_caught_and_reproduced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, invariant: str
) -> None:
    """A planted fault in what the outcome names (which branch, on a tie, with a given
    label): the invariant fails with a counterexample that `run` reaches the same way."""
    flow_path = plant(tmp_path, old, new, SHOWN)
    report = verify(load_flow(flow_path))
    found = {f.message.split(" ")[1]: f for f in report.findings if f.code == "invariant"}
    assert invariant in found, [f.message for f in report.findings]
    finding = found[invariant]
    assert run_counterexample(flow_path, finding, tmp_path, capsys) == (0, finding.outcome)


V2 = Path(__file__).parent / "data" / "verify" / "crt-v2-shape.yaml"


def test_the_revised_crt_lead_invariants_are_proven_exhaustively() -> None:
    """crt-lead as revised for spec version 2: every invariant on what the clinician reads
    proven over every path, nothing sampled."""
    report = verify(load_flow(V2))
    assert (report.ok, report.exhaustive, report.findings) == (True, True, [])


@pytest.mark.parametrize(
    ("old", "new", "invariant"),
    [
        # posterolateral, a vein the study used, flagged as outside them
        (
            "best_branch in ('lateral', 'posterior', 'posterolateral') else",
            "best_branch in ('lateral', 'posterior') else",
            "branch_outside_the_study_veins_is_flagged",
        ),
        # on a tie the number shown is the last branch's
        (
            "first_min(branches, entry_number, by=paced_qrs_ms, where=diaphragmatic_stimulation"
            " == 'no')",
            "max_of(branches, entry_number, where=diaphragmatic_stimulation == 'no'"
            " and paced_qrs_ms == best_paced_qrs_ms)",
            "proposed_branch_never_stimulates_and_is_the_shortest",
        ),
        # the delta shown the wrong way round
        (
            "formula: baseline_qrs_ms - best_paced_qrs_ms",
            "formula: best_paced_qrs_ms - baseline_qrs_ms",
            "no_qrs_shortening_exactly_when_delta_qrs_is_not_positive",
        ),
    ],
)
def test_a_fault_in_the_revised_crt_lead_is_caught_and_reproduced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, invariant: str
) -> None:
    """A planted fault in a value the outcome shows: its invariant fails with a
    counterexample that `run` reaches the same way."""
    flow_path = plant(tmp_path, old, new, V2)
    report = verify(load_flow(flow_path))
    found = {f.message.split(" ")[1]: f for f in report.findings if f.code == "invariant"}
    assert invariant in found, [f.message for f in report.findings]
    finding = found[invariant]
    assert run_counterexample(flow_path, finding, tmp_path, capsys) == (0, finding.outcome)
