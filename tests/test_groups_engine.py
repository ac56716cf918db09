"""The Session in a repeated group: rounds, back, edit, carried answers, drive with lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import compile_text, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError, RoundInfo, Session, SessionEvent

DATA = Path(__file__).parent / "data" / "groups"
CRT = load_flow(DATA / "crt.yaml")
DOSES = load_flow(DATA / "doses.yaml")
CANDIDATE = {"sinus_rhythm": "yes", "lvef_percent": 30, "baseline_qrs_ms": 160}


def branch(name: str, qrs: int, stim: str) -> dict[str, Any]:
    return {"branch_name": name, "paced_qrs_ms": qrs, "diaphragmatic_stimulation": stim}


def crt(*branches: dict[str, Any]) -> dict[str, Any]:
    return {**CANDIDATE, "branches": list(branches)}


def answer_all(session: Session, *values: object) -> None:
    for value in values:
        session.answer(value)


def at_round_2() -> Session:
    """A session at round 2's first question, round 1 done."""
    session = Session(CRT)
    answer_all(session, "yes", 30, 160, "posterior", 150, "no", "yes")
    return session


def where(session: Session) -> tuple[str, int | None]:
    return session.current, session.round


def test_rounds_are_numbered_and_entries_complete_when_a_round_ends() -> None:
    """Each member's step keeps its round; a round joins the entries when it ends."""
    session = at_round_2()
    assert (
        where(session),
        session.round_info,
        session.entries("branches"),
        [(s.node, s.round) for s in session.steps][2:5],
    ) == (
        ("branch_name", 2),
        RoundInfo("branches", "Branch", 2, 6),
        [{**branch("posterior", 150, "no"), "another_branch": "yes"}],
        [("baseline_qrs_ms", None), ("branch_name", 1), ("paced_qrs_ms", 1)],
    )


def test_round_label_reads_as_the_ui_shows_it() -> None:
    """RoundInfo.label: "Branch 2 of up to 6"."""
    info = at_round_2().round_info
    assert info is not None
    assert info.label == "Branch 2 of up to 6"


def test_no_round_outside_the_group() -> None:
    """Before and after the group there is no round information."""
    session = drive(CRT, crt(branch("posterior", 150, "no")))
    assert (
        Session(CRT).round_info,
        session.round_info,
        session.steps[0].round,
    ) == (None, None, None)


def test_another_is_not_asked_in_the_last_round() -> None:
    """In round `max` the round ends after its last question: `another` is passed over."""
    six = [branch("posterior", 150 - n, "no") for n in range(6)]
    session = drive(CRT, crt(*six))
    asked = [(s.node, s.round) for s in session.steps if s.node == "another_branch"]
    assert (session.current, len(session.entries("branches")), asked[-1]) == (
        "place_lead",
        6,
        ("another_branch", 5),
    )


def test_aggregates_route_and_fill_outcome_text() -> None:
    """The group's next reads aggregates; computed values from them fill the outcome."""
    session = drive(CRT, crt(branch("posterior", 150, "no"), branch("lateral", 140, "yes")))
    outcome = session.outcome()
    assert outcome is not None
    assert (outcome.id, outcome.summary, [v.display for v in outcome.shown]) == (
        "place_lead",
        "Paced QRS 150 ms, 10 ms shorter than intrinsic; 2 tested.",
        ["Posterior", "150 ms", "10 ms"],
    )


def test_every_branch_stimulating_reaches_no_suitable_branch() -> None:
    """all_of over the entries: the urgent outcome, with its reason line."""
    session = drive(CRT, crt(branch("posterior", 150, "yes"), branch("lateral", 140, "yes")))
    outcome = session.outcome()
    assert outcome is not None
    assert (outcome.id, [r.text for r in outcome.reasons]) == (
        "no_suitable_branch",
        ["All 2 branches tested stimulate the diaphragm."],
    )


def test_back_inside_a_round_and_across_its_start() -> None:
    """Back from round 2's first question reopens round 1 at its `another` question."""
    session = at_round_2()
    session.answer("lateral")
    moves = []
    for _ in range(3):
        session.back()
        moves.append((*where(session), len(session.entries("branches"))))
    assert moves == [
        ("branch_name", 2, 1),
        ("another_branch", 1, 0),
        ("diaphragmatic_stimulation", 1, 0),
    ]


def test_back_from_the_outcome_reopens_the_last_round() -> None:
    """Back from the outcome after the group: the last round's `another`, entries reopened."""
    session = drive(CRT, crt(branch("posterior", 150, "no"), branch("lateral", 140, "no")))
    session.back()
    assert (where(session), session.answers["branch_name"], len(session.entries("branches"))) == (
        ("another_branch", 2),
        "lateral",
        1,
    )


def test_back_from_round_one_leaves_the_group() -> None:
    """Back from the group's first question returns to the question before the group."""
    session = Session(CRT)
    answer_all(session, "yes", 30, 160)
    session.back()
    assert (where(session), session.entries("branches")) == (("baseline_qrs_ms", None), [])
    session.answer(160)
    assert where(session) == ("branch_name", 1)


def test_back_over_the_last_round_after_max_rounds() -> None:
    """After six rounds (another not asked in the sixth), back reopens round 6."""
    session = drive(CRT, crt(*[branch("lateral", 150, "no")] * 6))
    session.back()
    assert (where(session), len(session.entries("branches"))) == (
        ("diaphragmatic_stimulation", 6),
        5,
    )


def test_edit_names_the_round_and_carries_later_rounds() -> None:
    """Editing round 1's paced QRS keeps every later answer, round by round."""
    session = drive(CRT, crt(branch("posterior", 150, "no"), branch("lateral", 140, "no")))
    result = session.edit("paced_qrs_ms", 130, round=1)
    assert (
        list(zip(result.carried, result.carried_rounds, strict=True))[:3],
        result.dropped,
        session.computed_values()["best_branch"],
        (session.changes[0].question, session.changes[0].round),
    ) == (
        [("diaphragmatic_stimulation", 1), ("another_branch", 1), ("branch_name", 2)],
        (),
        "posterior",
        ("paced_qrs_ms", 1),
    )


def test_edit_without_a_round_when_answered_in_several() -> None:
    """A member answered in several rounds cannot be edited without saying which."""
    session = drive(CRT, crt(branch("posterior", 150, "no"), branch("lateral", 140, "no")))
    with pytest.raises(AnswerError, match="answered in rounds 1, 2 of group 'branches'"):
        session.edit("paced_qrs_ms", 130)
    with pytest.raises(AnswerError, match="no answer in round 3"):
        session.edit("paced_qrs_ms", 130, round=3)
    with pytest.raises(AnswerError, match="not in a repeated group"):
        session.edit("lvef_percent", 20, round=1)


def test_edit_another_yes_to_no_supersedes_the_later_rounds() -> None:
    """Changing round 1's `another` to no ends the group: round 2's answers no longer apply."""
    session = drive(CRT, crt(branch("posterior", 150, "no"), branch("lateral", 140, "no")))
    result = session.edit("another_branch", "no", round=1)
    superseded = [(s.question, s.round) for s in session.superseded]
    assert (session.current, result.dropped_rounds, superseded[:2]) == (
        "place_lead",
        (2, 2, 2, 2),
        [("branch_name", 2), ("paced_qrs_ms", 2)],
    )


def test_edit_another_no_to_yes_opens_a_new_round() -> None:
    """Changing the last `another` to yes asks a new round afresh."""
    session = drive(CRT, crt(branch("posterior", 150, "no")))
    session.edit("another_branch", "yes", round=1)
    assert (where(session), session.round_info) == (
        ("branch_name", 2),
        RoundInfo("branches", "Branch", 2, 6),
    )


def test_listeners_see_rounds() -> None:
    """Answer, back and edit events carry the round of the member concerned."""
    session = Session(CRT)
    seen: list[SessionEvent] = []
    session.listeners.append(lambda _, event: seen.append(event))
    answer_all(session, "yes", 30, 160, "posterior", 150, "no", "yes", "lateral")
    session.back()
    session.edit("paced_qrs_ms", 140, round=1)
    assert [(e.kind, e.node, e.round) for e in seen][-4:] == [
        ("answer", "another_branch", 1),
        ("answer", "branch_name", 2),
        ("back", "branch_name", 2),
        ("edit", "paced_qrs_ms", 1),
    ]


def test_info_member_and_a_round_ended_early() -> None:
    """An info message opens each round; an unknown dose ends the round and the group."""
    session = drive(
        DOSES, {"weight_kg": 70, "doses": [{"dose_mg": 60, "route": "iv"}, {"dose_mg": "unknown"}]}
    )
    kinds = [(s.node, s.round) for s in session.steps]
    assert (kinds[1:4], session.computed_values(), session.current) == (
        [("dose_note", 1), ("dose_mg", 1), ("route", 1)],
        {"iv_total_mg": 60, "largest_oral_mg": None, "doses_given": 2, "unknown_doses": 1},
        "normal",
    )


def test_failed_routing_in_a_group_leaves_the_session_unchanged() -> None:
    """A rule that cannot route on the group's exit: the answer is taken back, round intact."""
    text = (
        (DATA / "crt.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "      - goto: no_suitable_branch\n",
            "      - when: all_of(branches, diaphragmatic_stimulation == 'yes')\n"
            "        goto: no_suitable_branch\n",
        )
    )
    text = text.replace(
        "        next: another_branch\n",
        "        next:\n"
        "          - when: diaphragmatic_stimulation == 'no'\n"
        "            goto: another_branch\n"
        "          - when: count_of(branches) > 99\n"
        "            goto: branches\n",
    )
    flow = compile_text(text, "crt.yaml")
    session = Session(flow)
    answer_all(session, "yes", 30, 160, "posterior", 150)
    before = (where(session), dict(session.answers), list(session.steps))
    with pytest.raises(FlowRuntimeError, match="no routing rule of 'diaphragmatic_stimulation'"):
        session.answer("yes")
    assert before == (where(session), dict(session.answers), list(session.steps))


def test_a_flow_may_start_at_a_group() -> None:
    """Starting at a group asks round 1 at once."""
    text = (
        (DATA / "crt.yaml")
        .read_text(encoding="utf-8")
        .replace("start: sinus_rhythm", "start: branches")
    )
    text = text.replace(
        "formula: baseline_qrs_ms - best_paced_qrs_ms", "formula: 0 - best_paced_qrs_ms"
    )
    flow = compile_text(text, "crt.yaml")
    session = Session(flow)
    assert (where(session), session.back()) == (("branch_name", 1), False)


# --- drive and answers files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        # Not a list.
        ({**CANDIDATE, "branches": {"branch_name": "posterior"}}, "group 'branches' takes a list"),
        # An empty list.
        ({**CANDIDATE, "branches": []}, "group 'branches' has an empty list"),
        # More entries than the group's most.
        (crt(*[branch("lateral", 150, "no")] * 7), "group 'branches' has 7 entries but at most 6"),
        # An entry that is not a mapping.
        ({**CANDIDATE, "branches": ["posterior"]}, "group 'branches' entry 1 is not a mapping"),
        # A member missing in an entry.
        (
            crt(branch("posterior", 150, "no"), {"branch_name": "lateral"}),
            "no answer for question 'paced_qrs_ms' (BiV-paced QRS duration?) in group "
            "'branches' entry 2",
        ),
        # A refused answer names the group, entry and question.
        (
            crt(branch("posterior", 300, "no")),
            "group 'branches' entry 1, question 'paced_qrs_ms': 300 is out of range",
        ),
        # another given, disagreeing with the list's length.
        (
            crt({**branch("posterior", 150, "no"), "another_branch": "yes"}),
            "group 'branches' entry 1: 'another_branch' is 'yes' but the list ends with this entry",
        ),
        # No answers for the group at all.
        (CANDIDATE, "no answers for group 'branches' (Branch)"),
    ],
)
def test_drive_refuses_a_group_list_that_does_not_fit(
    answers: dict[str, Any], message: str
) -> None:
    """Every bad group list is an AnswerError naming the group (and the entry)."""
    with pytest.raises(AnswerError) as caught:
        drive(CRT, answers)
    assert str(caught.value).startswith(message), str(caught.value)


def test_drive_refuses_entries_the_flow_never_reached() -> None:
    """More entries than the rounds the flow asked (a round ended the group) is an error."""
    answers = {"weight_kg": 70, "doses": [{"dose_mg": "unknown"}, {"dose_mg": 5, "route": "iv"}]}
    with pytest.raises(AnswerError, match="the flow left it after 1 entry but the answers give 2"):
        drive(DOSES, answers)


def test_drive_accepts_another_when_it_agrees() -> None:
    """A mapping may give `another`; when it agrees with the list's length it is used."""
    answers = crt(
        {**branch("posterior", 150, "no"), "another_branch": "yes"},
        {**branch("lateral", 140, "no"), "another_branch": "no"},
    )
    assert drive(CRT, answers).computed_values()["best_branch"] == "lateral"


def test_failed_routing_on_leaving_the_group_restores_the_round() -> None:
    """No rule of the group's next holds: the round is reopened and `another` asked again."""
    text = (
        (DATA / "crt.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "      - goto: no_suitable_branch\n",
            "      - when: count_of(branches) > 5\n        goto: no_suitable_branch\n",
        )
        .replace(
            "      - when: any_of(branches, diaphragmatic_stimulation == 'no')\n",
            "      - when: any_of(branches, diaphragmatic_stimulation == 'no') and "
            "count_of(branches) > 5\n",
        )
    )
    session = Session(compile_text(text, "crt.yaml"))
    answer_all(session, "yes", 30, 160, "posterior", 150, "no", "yes", "lateral", 140, "no")
    before = (where(session), dict(session.answers), session.entries("branches"))
    with pytest.raises(FlowRuntimeError, match="no routing rule of 'branches' matched"):
        session.answer("no")
    assert before == (where(session), dict(session.answers), session.entries("branches"))


def test_round_label_is_worded_in_the_session_language() -> None:
    """The round label comes from the catalog: English and French."""
    english = RoundInfo("branches", "Branch", 2, 6)
    french = RoundInfo("branches", "Branche", 2, 6, "fr")
    expected = ("Branch 2 of up to 6", "Branche 2 sur 6 au plus")
    assert expected == (english.label, french.label)
