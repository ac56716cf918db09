"""Repeated groups in flow files: what the compiler refuses, each problem at FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import pytest

from triagebot.cli import main
from triagebot.flows.compiler import compile_text, load_flow
from triagebot.flows.expr import Kind
from triagebot.flows.yamlio import FlowError

DATA = Path(__file__).parent / "data" / "groups"
CRT = DATA / "crt.yaml"
CRT_TEXT = CRT.read_text(encoding="utf-8")


def where(text: str, snippet: str, occurrence: int = 1) -> str:
    """``LINE:COL`` (1-based) of the ``occurrence``-th ``snippet`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(snippet, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def problems(text: str) -> list[str]:
    """Every problem the compiler reports, as ``LINE:COL: message``."""
    with pytest.raises(FlowError) as caught:
        compile_text(text, "crt.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def planted(old: str, new: str) -> str:
    assert CRT_TEXT.count(old) == 1, f"fixture text not found once: {old!r}"
    return CRT_TEXT.replace(old, new)


def test_the_fixture_compiles_with_members_flattened() -> None:
    """Members are nodes of the compiled flow, each knowing its group; the group is typed."""
    flow = load_flow(CRT)
    assert (
        list(flow.groups),
        [m for m, g in flow.group_of.items() if g == "branches"],
        flow.types["branches"].kind,
        flow.path_of("paced_qrs_ms"),
        flow.question("paced_qrs_ms").prompt,
    ) == (
        ["branches"],
        ["branch_name", "paced_qrs_ms", "diaphragmatic_stimulation", "another_branch"],
        Kind.GROUP,
        ("nodes", "branches", "nodes", "paced_qrs_ms"),
        "BiV-paced QRS duration?",
    )


@pytest.mark.parametrize(
    ("old", "new", "snippet", "message"),
    [
        # A member read outside its group, in a routing rule.
        (
            "      - when: any_of(branches, diaphragmatic_stimulation == 'no')\n",
            "      - when: diaphragmatic_stimulation == 'no'\n",
            "diaphragmatic_stimulation == 'no'\n        goto: place_lead",
            "'diaphragmatic_stimulation' has one answer per entry of group 'branches' and is "
            "not a value here: read it through an aggregate, e.g. any_of(branches, "
            "diaphragmatic_stimulation ...)",
        ),
        # ... in a computed value's formula.
        (
            "formula: baseline_qrs_ms - best_paced_qrs_ms",
            "formula: baseline_qrs_ms - paced_qrs_ms",
            "paced_qrs_ms\n    unit: ms\n    source: {doc: study, section: Results}",
            "'paced_qrs_ms' has one answer per entry of group 'branches'",
        ),
        # ... in answered()/known().
        (
            "holds: outcome != 'place_lead' or any_of(",
            "holds: known(paced_qrs_ms) or any_of(",
            "paced_qrs_ms) or any_of",
            "'paced_qrs_ms' has one answer per entry of group 'branches'",
        ),
        # A group's id is not a value.
        (
            "formula: count_of(branches)",
            "formula: branches",
            "branches\n    source: {doc: study, section: Results}",
            "'branches' is a repeated group, not a value",
        ),
        # A member rule going outside the group.
        (
            "        next: diaphragmatic_stimulation\n",
            "        next: place_lead\n",
            "place_lead\n      diaphragmatic_stimulation:",
            "a member of group 'branches' can only go to another member or to 'branches' "
            "(the end of the round); 'place_lead' is outside the group",
        ),
        # 'another' routing anywhere but the group's own id.
        (
            "        why: The study tested 2-3 branches per patient.\n"
            "        source: {doc: study, section: Results}\n"
            "        next: branches\n",
            "        why: The study tested 2-3 branches per patient.\n"
            "        source: {doc: study, section: Results}\n"
            "        next: branch_name\n",
            "branch_name\n    next:",
            "'another_branch' ends the round of group 'branches': its rules can only go to "
            "'branches'",
        ),
        # A rule outside going into the middle of a group.
        (
            "        goto: branches\n",
            "        goto: paced_qrs_ms\n",
            "paced_qrs_ms\n      - goto: not_candidate",
            "'paced_qrs_ms' is a member of group 'branches': go to 'branches' to start its "
            "first round",
        ),
        # A member id that is also a top-level node.
        (
            "      paced_qrs_ms:\n        type: number",
            "      not_candidate:\n        type: number",
            "not_candidate:\n        type: number",
            "member id 'not_candidate' is also a node of the flow: ids must be unique across "
            "the whole flow",
        ),
        # A member id that is also a computed value.
        (
            "  delta_qrs_ms:\n",
            "  paced_qrs_ms:\n",
            "label: QRS shortening",
            "'paced_qrs_ms' is both a node and a computed value",
        ),
        # start and another must be members.
        (
            "    start: branch_name\n",
            "    start: branch_nme\n",
            "branch_nme",
            "start 'branch_nme' is not a member of group 'branches' (members: branch_name, "
            "paced_qrs_ms, diaphragmatic_stimulation, another_branch)",
        ),
        # another must be a yes/no question.
        (
            "    another: another_branch\n",
            "    another: paced_qrs_ms\n",
            "paced_qrs_ms\n    source",
            "'paced_qrs_ms' must be a yes/no question: yes starts another round",
        ),
        # A nested group.
        (
            "      diaphragmatic_stimulation:\n        type: yes_no\n",
            "      diaphragmatic_stimulation:\n        type: group\n",
            "group\n        prompt: Diaphragmatic",
            "groups cannot be nested: a group's members are questions and info messages",
        ),
        # An outcome inside a group.
        (
            "      diaphragmatic_stimulation:\n        type: yes_no\n",
            "      diaphragmatic_stimulation:\n        type: outcome\n",
            "outcome\n        prompt: Diaphragmatic",
            "a group cannot hold an outcome: leave the group through its 'next'",
        ),
        # An aggregate's first argument must be a group.
        (
            "formula: count_of(branches)",
            "formula: count_of(sinus_rhythm)",
            "sinus_rhythm)",
            "count_of()'s first argument must be a repeated group (branches)",
        ),
        # first_min needs a key.
        (
            "first_min(branches, branch_name, by=paced_qrs_ms,",
            "first_min(branches, branch_name,",
            ">-\n      first_min(",
            "first_min() needs a key to compare entries by",
        ),
        # min_of's value must be a number.
        (
            "formula: min_of(branches, paced_qrs_ms, where",
            "formula: min_of(branches, branch_name, where",
            "branch_name, where",
            "min_of()'s value must be a number, not a text",
        ),
        # An unknown keyword.
        (
            "formula: min_of(branches, paced_qrs_ms, where=",
            "formula: min_of(branches, paced_qrs_ms, by=",
            "diaphragmatic_stimulation == 'no')\n    unit: ms",
            "min_of() is written min_of(group, value, where=condition)",
        ),
        # A member's answer shown with an outcome.
        (
            "show: [best_branch, best_paced_qrs_ms, delta_qrs_ms]",
            "show: [best_branch, paced_qrs_ms, delta_qrs_ms]",
            "paced_qrs_ms, delta_qrs_ms]",
            "shows 'paced_qrs_ms', which has one answer per entry of group 'branches': show "
            "it through a computed value (e.g. an aggregate)",
        ),
        # A member named in outcome text.
        (
            '"All {branches_tested} branches',
            '"All {paced_qrs_ms} branches',
            '"All {paced_qrs_ms} branches',
            "'{paced_qrs_ms}' names 'paced_qrs_ms', which has one answer per entry",
        ),
    ],
)
def test_group_mistakes_are_placed(old: str, new: str, snippet: str, message: str) -> None:
    """Each mistake is reported once, at the line and column where it is written."""
    text = planted(old, new)
    found = problems(text)
    expected = f"{where(text, snippet)}: {message}"
    assert sum(problem.startswith(expected) for problem in found) == 1, found


def test_member_id_used_by_two_groups(tmp_path: Path) -> None:
    """A member id used in two groups is reported at the second group's key."""
    second = (
        "  again:\n    type: group\n    entry: Again\n    max: 2\n    start: paced_qrs_ms\n"
        "    another: more\n    source: {doc: study, section: x}\n    nodes:\n"
        "      paced_qrs_ms:\n        type: number\n        min: 1\n        max: 2\n"
        "        prompt: P?\n        why: W.\n        source: {doc: study, section: x}\n"
        "        next: more\n"
        "      more:\n        type: yes_no\n        prompt: More?\n        why: W.\n"
        "        source: {doc: study, section: x}\n        next: again\n"
        "    next: not_candidate\n\n"
    )
    text = planted("  not_candidate:\n", second + "  not_candidate:\n")
    snippet = "paced_qrs_ms:\n        type: number\n        min: 1"
    assert (
        f"{where(text, snippet)}: member id 'paced_qrs_ms' is also a member of group "
        "'branches': ids must be unique across the whole flow"
    ) in problems(text)


def test_a_member_name_in_its_own_rules_is_this_rounds_answer() -> None:
    """Inside the group a member's rules may read members by name; aggregates work too."""
    text = planted(
        "        next: another_branch\n",
        "        next:\n"
        "          - when: diaphragmatic_stimulation == 'yes' and count_of(branches) >= 2\n"
        "            goto: branches\n"
        "          - goto: another_branch\n",
    )
    flow = compile_text(text, "crt.yaml")
    rule = flow.routes["diaphragmatic_stimulation"][0]
    assert (rule.goto, rule.text) == (
        "branches",
        "diaphragmatic_stimulation == 'yes' and count_of(branches) >= 2",
    )


def test_validate_reports_a_group_mistake_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triagebot validate` prints FILE:LINE:COL for a member read outside its group."""
    text = planted("formula: count_of(branches)", "formula: len(paced_qrs_ms)")
    path = tmp_path / "crt.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    expected = f"{path}:{where(text, 'paced_qrs_ms)')}: 'paced_qrs_ms' has one answer per entry"
    assert (code, expected in err, "Traceback" in err) == (1, True, False), err
