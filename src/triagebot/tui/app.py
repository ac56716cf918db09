"""The Textual app: owns the Session, handles what widgets report, calls screens down.

Every session is journaled (:mod:`triagebot.flows.journal`) from its start, so a crash or
an accidental quit loses nothing. Reaching an outcome removes the journal (going back from
the outcome starts a new one). Leaving a session before its outcome (quit, restart,
another flow, resuming another) never deletes answers: the journal is kept, and the user
is told how to resume it. Only a session with no answer yet is dropped on leaving. An
unfinished session is deleted only from the resume screen, after a confirmation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from triagebot import resuming
from triagebot.files import WriteError
from triagebot.flows import journal, library
from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Clock, FlowRuntimeError, Session, describe_answer, utc_now
from triagebot.flows.journal import Journal, JournalError
from triagebot.flows.yamlio import FlowError
from triagebot.tui.export import export_transcript, transcript_text
from triagebot.tui.messages import AnswerChanged, AnswerSubmitted, EditRequested, FlowChosen
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.edit import EditScreen
from triagebot.tui.screens.resume import ResumeChosen, ResumeScreen
from triagebot.tui.screens.start import StartScreen
from triagebot.tui.screens.why import WhyScreen

ACTIONS = [
    # (key, action, footer label, palette help)
    ("f1", "why", "Why?", "Why this question is asked, and its source"),
    ("f2", "back", "Back", "Go back one question"),
    ("f3", "change_answer", "Change", "Pick an earlier answer in the transcript to change it"),
    ("f5", "export_transcript", "Export", "Save the transcript as a text file"),
    ("f6", "copy_transcript", "Copy", "Copy the transcript to the clipboard"),
    ("f7", "restart", "Restart", "Start this flow again from the first question"),
    ("f8", "choose_flow", "Flows", "Pick another flow"),
]

FOOTER_KEYS = ("f1", "f2", "f3")
"""Shown in the footer (80 columns); the rest are on the outcome's buttons and the palette."""


class TriageApp(App[None]):
    """triagebot's TUI. Widgets post messages up; this class changes the Session."""

    CSS_PATH = "app.tcss"
    TITLE = "triagebot"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, label, priority=True, show=key in FOOTER_KEYS)
        for key, action, label, _ in ACTIONS
    ]

    def __init__(
        self,
        flow: CompiledFlow | None = None,
        extra_dirs: Iterable[Path] = (),
        *,
        bundled: bool = True,
        clock: Clock = utc_now,
        today: date | None = None,
        export_dir: Path | None = None,
        resume: Path | None = None,
    ) -> None:
        super().__init__()
        self.resume_path = resume
        self.journal: Journal | None = None
        self.journal_failed = False
        """Set once the journal could not be written: said once, not retried per answer."""
        self.kept: list[Path] = []
        """Journals of sessions left unfinished in this run (see ``farewell``)."""
        self.first_flow = flow
        self.extra_dirs = list(extra_dirs)
        self.bundled = bundled
        self.clock = clock
        self.today = today or date.today()
        self.export_dir = export_dir
        self.session: Session | None = None

    def on_mount(self) -> None:
        if self.resume_path is not None:
            self.push_screen(self._start_screen())
            self.call_later(self.resume_session, self.resume_path)
        elif self.first_flow is not None:
            self.call_later(self.start_flow, self.first_flow)
        else:
            self.push_screen(self._start_screen())
            self.call_later(self.offer_resume, False)

    def on_unmount(self) -> None:
        self.leave_session(notify=False)

    def _start_screen(self) -> StartScreen:
        found = library.discover(self.extra_dirs) if self.bundled else _only(self.extra_dirs)
        try:
            waiting = len(journal.unfinished())
        except JournalError:
            waiting = 0
        return StartScreen(list(found), self.today, waiting)

    # --- down: what the app tells the screens --------------------------------------------

    @property
    def chat(self) -> ChatScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, ChatScreen):
                return screen
        return None

    async def start_flow(self, flow: CompiledFlow) -> None:
        """Start a new Session of ``flow`` on a fresh chat screen, journaled."""
        self.leave_session()
        self.session = Session(flow, self.clock)
        await self._open_chat()

    async def resume_session(self, path: Path) -> bool:
        """Reopen an unfinished session from its journal with every answer; False if not."""
        try:
            resumed = journal.resume(path, self.extra_dirs, self.clock)
        except (JournalError, OSError) as error:
            self.notify(f"Cannot resume: {error}", severity="error", timeout=10)
            return False
        self.leave_session()
        self.session = resumed.session
        self.journal = resumed.journal
        if isinstance(self.screen, ResumeScreen):
            await self.pop_screen()
        await self._open_chat()
        for warning in resumed.warnings:
            self.notify(warning, title="Resumed with a warning", severity="warning", timeout=15)
        return True

    async def _open_chat(self) -> None:
        assert self.session is not None
        flow = self.session.flow
        overdue = library.review_overdue(flow, self.today)
        screen = ChatScreen(flow.flow.title, overdue)
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)
        await screen.show(self.session)
        # Started once the first question is drawn: there is nothing to lose before an
        # answer (which starts it at once if it comes first), and creating and syncing
        # the file stays off the launch.
        self.call_after_refresh(self._keep_journal)

    async def refresh_chat(self) -> None:
        self._keep_journal()
        if self.chat is not None and self.session is not None:
            await self.chat.show(self.session)

    # --- the journal ---------------------------------------------------------------------

    def _keep_journal(self) -> None:
        """Journal an unfinished session; remove the journal once an outcome is reached."""
        session = self.session
        if session is None:
            return
        if session.finished:
            if self.journal is not None:
                self._journal_call(self.journal.finish)
                self.journal = None
        elif self.journal is None and not self.journal_failed:
            try:
                self.journal = Journal.start(session)
            except (OSError, WriteError, JournalError) as error:
                self._journal_broken(error)

    def _journal_call(self, call: Callable[[], None]) -> None:
        try:
            call()
        except (OSError, JournalError) as error:
            self._journal_broken(error)

    def _journal_broken(self, error: Exception) -> None:
        self.journal_failed = True
        if self.journal is not None:
            with contextlib.suppress(OSError):
                self.journal.close()
            self.journal = None
        self.notify(
            f"Cannot save this session's journal ({error}): it is not crash-safe.",
            severity="error",
            timeout=10,
        )

    def leave_session(self, notify: bool = True) -> None:
        """The user leaves the current session: keep its journal if it holds answers."""
        session, record = self.session, self.journal
        self.journal = None
        self.journal_failed = False
        if record is None or session is None:
            return
        if session.finished or not session.steps:
            self._journal_call(record.discard)
            return
        self._journal_call(record.close)
        self.kept.append(record.path)
        if notify:
            self.notify(resuming.KEPT.format(name=record.path.name), timeout=8)

    @property
    def farewell(self) -> str:
        """What the CLI prints once the app has closed: the unfinished sessions kept."""
        kept = [path for path in dict.fromkeys(self.kept) if path.exists()]
        if len(kept) == 1:
            return resuming.KEPT.format(name=kept[0].name)
        if kept:
            return f"{len(kept)} unfinished sessions kept: `triagebot resume` lists them."
        return ""

    async def offer_resume(self, when_none: bool = True) -> None:
        """Show the unfinished sessions (if any) over the start screen."""
        try:
            offers = resuming.offers(None, self.extra_dirs)
        except JournalError as error:
            self.notify(f"Cannot list unfinished sessions: {error}", severity="error")
            return
        if offers:
            await self.push_screen(ResumeScreen(offers))
        elif when_none:
            self.notify("No unfinished sessions")

    async def action_offer_resume(self) -> None:
        await self.offer_resume()

    # --- up: what the user did -----------------------------------------------------------

    @on(FlowChosen)
    async def _flow_chosen(self, event: FlowChosen) -> None:
        await self.start_flow(event.flow)

    @on(ResumeChosen)
    async def _resume_chosen(self, event: ResumeChosen) -> None:
        await self.resume_session(event.path)

    @on(AnswerSubmitted)
    async def _answered(self, event: AnswerSubmitted) -> None:
        session = self.session
        if session is None or event.question_id != session.current:
            return
        try:
            session.answer(event.raw)
        except (AnswerError, FlowRuntimeError) as error:
            event.origin.show_error(str(error))
            return
        except (OSError, JournalError) as error:  # the answer stands; the journal failed
            self._journal_broken(error)
        await self.refresh_chat()

    @on(EditRequested)
    def _edit_requested(self, event: EditRequested) -> None:
        session = self.session
        if session is None or event.question_id not in session.answers:
            return
        question = session.flow.question(event.question_id)
        shown = describe_answer(question, session.answers[event.question_id])
        self.push_screen(EditScreen(event.question_id, question, shown))

    @on(AnswerChanged)
    async def _changed(self, event: AnswerChanged) -> None:
        session = self.session
        if session is None:
            return
        try:
            result = session.edit(event.question_id, event.raw)
        except (AnswerError, FlowRuntimeError) as error:
            event.origin.show_error(str(error))
            return
        except (OSError, JournalError) as error:  # the edit stands; the journal failed
            self._journal_broken(error)
            result = None
        self.pop_screen()
        await self.refresh_chat()
        if result is not None and result.dropped:
            self.notify(f"{len(result.dropped)} later answer(s) no longer apply", timeout=4)

    # --- actions (keys, buttons and the command palette) ----------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs_session = {name for _, name, _, _ in ACTIONS} - {"choose_flow"}
        if action in needs_session:
            return self.session is not None and isinstance(self.screen, ChatScreen)
        return True

    def action_why(self) -> None:
        if self.session is not None:
            self.push_screen(WhyScreen(self.session.flow, self.session.current))

    async def action_back(self) -> None:
        try:
            went_back = self.session is not None and self.session.back()
        except (OSError, JournalError) as error:  # went back; the journal failed
            self._journal_broken(error)
            went_back = True
        if not went_back:
            self.notify("Already at the first question")
            return
        await self.refresh_chat()

    def action_change_answer(self) -> None:
        if self.chat is None or not self.chat.focus_answers():
            self.notify("No answer to change yet")
        else:
            self.notify("↑↓ to pick an answer, Enter to change it")

    def action_export_transcript(self) -> None:
        if self.session is None:
            return
        try:
            path = export_transcript(self.session, self.export_dir)
        except (OSError, WriteError) as error:
            self.notify(f"Could not export: {error}", severity="error")
            return
        if self.is_web:
            # Under textual-serve the file is on the server: hand it to the browser too.
            self.deliver_text(path, save_filename=path.name)
        self.notify(f"Transcript saved to {path}")

    def action_copy_transcript(self) -> None:
        if self.session is not None:
            self.copy_to_clipboard(transcript_text(self.session))
            self.notify("Transcript copied to the clipboard")

    async def action_restart(self) -> None:
        if self.session is not None:
            await self.start_flow(self.session.flow)

    async def action_choose_flow(self) -> None:
        self.leave_session()
        self.session = None
        screen = self._start_screen()
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, action, label, help_text in ACTIONS:
            if self.check_action(action, ()):
                yield SystemCommand(
                    f"{label} ({key.upper()})", help_text, getattr(self, f"action_{action}")
                )
        if isinstance(screen, StartScreen):
            yield SystemCommand(
                "Unfinished sessions (F4)",
                "Resume or discard a session left by a crash or a quit",
                self.action_offer_resume,
            )


def _only(dirs: list[Path]) -> Iterable[library.Entry]:
    """Entries of the given folders only (the tests' start screen, free of bundled flows)."""
    for path in library.flow_files(dirs):
        try:
            yield library.Entry(path, load_flow(path), None)
        except FlowError as error:
            yield library.Entry(path, None, error)


def make_app(
    flow: CompiledFlow | None = None,
    extra_dirs: Iterable[Path] = (),
    *,
    bundled: bool = True,
    clock: Clock = utc_now,
    today: date | None = None,
    export_dir: Path | None = None,
    resume: Path | None = None,
) -> TriageApp:
    """The app as the CLI runs it: ``flow`` opens the chat directly, else the start screen.

    ``resume`` reopens that unfinished session's journal. Tests pass ``bundled=False``
    (only ``extra_dirs``), a fixed ``clock`` and ``today``.
    """
    return TriageApp(
        flow,
        extra_dirs,
        bundled=bundled,
        clock=clock,
        today=today,
        export_dir=export_dir,
        resume=resume,
    )
