"""Pilot tests: the TUI journals every session and offers unfinished ones back."""

from __future__ import annotations

import shutil
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import OptionList, Static

from tests.tui_support import (
    EVERY_TYPE,
    FIXTURES,
    every_type,
    fixed_clock,
    fixture_app,
    shown_text,
)
from triagebot.app import journal
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.resume import ConfirmDiscard, ResumeScreen
from triagebot.tui.screens.start import StartScreen

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


def unfinished() -> list[journal.Unfinished]:
    return journal.unfinished()


def listed(app: TriageApp) -> list[str]:
    """The resume screen's entries as text."""
    listing = app.screen.query_one("#session-list", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


NOTED: weakref.WeakKeyDictionary[App[Any], list[str]] = weakref.WeakKeyDictionary()
"""Every notification each app has shown, as shown (see ``record_notes``)."""


@pytest.fixture(autouse=True)
def record_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record what each app notifies, through Textual's public App.notify (the list Textual
    keeps of them is private)."""
    notify = App.notify

    def recorded(self: App[Any], message: str, *args: Any, **options: Any) -> None:
        NOTED.setdefault(self, []).append(message)
        notify(self, message, *args, **options)

    monkeypatch.setattr(App, "notify", recorded)


def notes(app: TriageApp) -> list[str]:
    return NOTED.get(app, [])


async def answer_two_and_leave() -> TriageApp:
    """Answer the first question and the info message, then close the app mid-flow."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("y", "enter"):
            await pilot.press(key)
        await pilot.pause()
    return app


async def test_leaving_mid_flow_keeps_the_journal_and_says_so() -> None:
    """Closing the app before an outcome keeps the session; the farewell names it."""
    app = await answer_two_and_leave()
    [entry] = unfinished()
    expected = (
        f"Unfinished session kept: resume it with `triagebot resume {entry.path.name}` "
        "or from the start screen.",
        1,
    )
    assert expected == (app.farewell, entry.answers)


async def test_start_screen_offers_and_resumes_with_every_answer() -> None:
    """A new app lists the unfinished session; Enter resumes at the same question."""
    await answer_two_and_leave()
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        [line] = listed(app)
        assert "1 answer\n  at: Q2. How severe is it?" in line
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert app.session is not None
        answers = shown_text(app, "answer")
        expected = ("severity", {"seen_before": "yes"}, 1)
        assert expected == (app.session.current, app.session.answers, len(answers))
        await pilot.press("3")  # severe: the emergency outcome
        await pilot.pause()
        assert (app.session.current, len(unfinished())) == ("emergency", 1)  # until exported
        assert app.farewell == ""


async def test_escape_goes_to_the_flows_and_f4_offers_again() -> None:
    """Esc leaves the offer for the flow list (which counts the sessions); F4 brings it back."""
    await answer_two_and_leave()
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        hint = app.screen.query_one("#unfinished")
        assert str(hint.content) == "1 unfinished session · F4 to resume or discard"
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)


async def test_discard_asks_first() -> None:
    """d asks; n keeps the session, y deletes it and closes the empty offer."""
    await answer_two_and_leave()
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")
        await pilot.pause()
        assert (isinstance(app.screen, ResumeScreen), len(unfinished())) == (True, 1)
        await pilot.press("d", "y")
        await pilot.pause()
        assert (isinstance(app.screen, StartScreen), unfinished()) == (True, [])


async def test_truncated_and_damaged_journals_are_shown_not_fatal() -> None:
    """A cut-off last line resumes with a warning; a damaged journal is listed with its error."""
    cut = journaled("yes", None)
    with cut.path.open("ab") as stream:
        stream.write(b'{"type": "answer", "node": "severity", "val')
    damaged = journaled("no")
    lines = damaged.path.read_text().splitlines(keepends=True)
    lines[1] = '{"type": "answer", "node": 12}\n'
    damaged.path.write_text("".join(lines))
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = "\n".join(listed(app))
        assert "CANNOT BE RESUMED: " in text and "line 2 is damaged" in text
        assert "WARNING: " in text and "only partly written" in text
        order = [str(o.entry.path) for o in app.screen.offers.values()]  # type: ignore[attr-defined]
        damaged_at = order.index(str(damaged.path))
        listing = app.screen.query_one(OptionList)
        listing.highlighted = damaged_at
        await pilot.press("enter")  # refused with a message, no crash
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        listing.highlighted = 1 - damaged_at
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is not None
        assert (app.session.current, app.session.answers) == ("severity", {"seen_before": "yes"})
        assert any("only partly written" in note for note in notes(app))


async def test_restart_mid_flow_keeps_the_unfinished_session() -> None:
    """F7 mid-flow starts afresh but keeps the answers given so far, and says so."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y", "f7")
        await pilot.pause()
        assert app.session is not None and app.session.steps == []
        [entry] = [e for e in unfinished() if e.answers]  # the new session is journaled too
        assert any(entry.path.name in note for note in notes(app))
    assert [entry.path] == [e.path for e in unfinished()]  # the empty new session left nothing


async def test_resume_path_opens_the_chat_and_warns_of_a_changed_flow(tmp_path: Path) -> None:
    """``triagebot resume NAME`` opens the session directly; a changed flow file is named."""
    flow_path = tmp_path / "every-type.yaml"
    shutil.copy(EVERY_TYPE, flow_path)
    session = Session(load_flow(flow_path), fixed_clock)
    record = journal.Journal.start(session)
    session.answer("no")
    record.close()
    flow_path.write_text(EVERY_TYPE.read_text().replace("How severe is it?", "How bad is it?"))
    app = TriageApp(None, [tmp_path], bundled=False, clock=fixed_clock, resume=record.path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert app.session is not None and app.session.current == "check_kit"
        assert any("changed since this session started" in note for note in notes(app))


def journaled(*answers: object) -> journal.Journal:
    session = Session(every_type(), fixed_clock)
    record = journal.Journal.start(session)
    for raw in answers:
        session.answer(raw)
    record.close()
    return record


async def test_a_session_is_journaled_once_its_first_question_is_drawn() -> None:
    """The journal is started once the first question is drawn, before any answer, with
    none in it."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if unfinished():
                break
        kept = unfinished()
        listed_while_open = [(e.contents.header.flow.id, e.answers) for e in kept if e.contents]
    assert listed_while_open == [("every-type", 0)]


async def journals_after_leaving(late: Callable[[TriageApp, Any], Awaitable[object]]) -> list:
    """Answer the first question, leave the session, then let ``late(app, pilot)`` happen:
    the journals kept, as (flow, answers)."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        app.leave_session(notify=False)
        await late(app, pilot)
        await pilot.pause()
        return [(e.contents.header.flow.id, e.answers) for e in unfinished() if e.contents]


async def test_a_session_left_and_drawn_again_gets_no_second_journal() -> None:
    """A session left, then drawn again (its journal's start after a draw), keeps one
    journal, not two."""
    kept = await journals_after_leaving(lambda _, pilot: pilot.pause(0.1))
    assert kept == [("every-type", 1)]


async def test_an_answer_reaching_the_app_after_it_left_the_session_journals_nothing() -> None:
    """At exit the app leaves the session (its journal kept); an answer still queued then
    (its handling refreshes the chat) is not journaled again in a second file."""
    kept = await journals_after_leaving(lambda app, _: app.refresh_chat())
    assert kept == [("every-type", 1)]


async def test_the_resume_screen_and_discard_speak_the_apps_language() -> None:
    """With --lang fr the offer, its keys and the discard question are in French; o (oui)
    discards, as y does."""
    await answer_two_and_leave()
    app = TriageApp(None, [FIXTURES], bundled=False, clock=fixed_clock, lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        [line] = listed(app)
        assert "· 1 réponse\n  en cours : Q2. How severe is it?" in line
        title = str(app.screen.query_one("#start-title", Static).content)
        discard = app.screen.active_bindings["d"].binding
        assert (title, discard.description) == ("triagebot — sessions inachevées", "Supprimer")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        shown = [str(s.content) for s in app.screen.query(Static)]
        assert "o supprime · n ou Échap la conserve" in shown
        await pilot.press("o")
        await pilot.pause()
        assert (isinstance(app.screen, StartScreen), unfinished()) == (True, [])


def failing_outcome(session: Session) -> OutcomeView | None:
    """Stands for a flow whose outcome raises on this path (e.g. a huge dose)."""
    raise FlowRuntimeError("flow 'every-type': computed 'dose' is not a finite number")


async def test_a_flow_failing_at_its_outcome_keeps_the_journal_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The outcome cannot be worked out: one error line, back to the flows, no traceback,
    and the journal keeps every answer to resume once the flow is fixed."""
    monkeypatch.setattr(Session, "outcome", failing_outcome)
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y", "enter", "3")
        await pilot.pause()
        [entry] = unfinished()
        message = (
            "The flow failed on these answers (flow 'every-type': computed 'dose' is not a "
            "finite number); nothing was decided. The session is kept: resume it with "
            f"`triagebot resume {entry.path.name}` once the flow is fixed."
        )
        expected = (True, True, None, [("seen_before", "yes"), ("severity", "severe")])
        assert expected == (
            isinstance(app.screen, StartScreen),
            message in notes(app),
            entry.holder,
            [(e.node, e.value) for e in entry.contents.events if e.value is not None],
        )
    assert app.farewell.startswith(
        f"Unfinished session kept: resume it with `triagebot resume {entry.path.name}`"
    )


async def test_the_journal_outlives_the_outcome_until_f5_exports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the outcome card is drawn the journal still exists, and after it too: it goes
    once F5 exported the transcript."""
    seen: list[int] = []
    outcome = Session.outcome

    def counting(session: Session) -> OutcomeView | None:
        seen.append(len(unfinished()))
        return outcome(session)

    monkeypatch.setattr(Session, "outcome", counting)
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y", "enter", "3")
        await pilot.pause()
        shown = len(unfinished())
        await pilot.press("f5", "enter")
        await pilot.pause()
        expected = ("emergency", 1, [])
        assert expected == (app.session.current if app.session else None, shown, unfinished())
    assert seen and all(count == 1 for count in seen)


async def test_a_session_open_elsewhere_is_refused_by_name() -> None:
    """Resuming a session another holder has open is refused with who holds it; the
    session is untouched and the app stays where it was."""
    session = Session(every_type(), fixed_clock)
    record = journal.Journal.start(session)
    session.answer("yes")
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = "\n".join(listed(app))
        resumed = await app.resume_session(record.path)
        await pilot.pause()
        refusal = (
            f"Cannot resume: {record.path.name} is in use by this triagebot: finish or quit "
            "the session there first; nothing is lost"
        )
        expected = (False, True, True, None)
        assert expected == (
            resumed,
            refusal in notes(app),
            "WARNING: in use by this triagebot" in listing,
            app.session,
        )
    record.close()


async def test_discarding_a_session_open_elsewhere_is_refused() -> None:
    """d then y on a session another holder has open deletes nothing and says who holds it."""
    session = Session(every_type(), fixed_clock)
    record = journal.Journal.start(session)
    session.answer("yes")
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d", "y")
        await pilot.pause()
        refusal = (
            f"Could not discard: {record.path.name} is in use by this triagebot: finish or "
            "quit the session there first; nothing is lost"
        )
        expected = (True, True, [record.path])
        assert expected == (
            isinstance(app.screen, ResumeScreen),
            refusal in notes(app),
            [e.path for e in unfinished()],
        )
    record.close()
