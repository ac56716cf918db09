"""The Textual app: owns the Session, handles what widgets report, calls screens down."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from triagebot.files import WriteError
from triagebot.flows import library
from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Clock, FlowRuntimeError, Session, describe_answer, utc_now
from triagebot.flows.yamlio import FlowError
from triagebot.tui.export import export_transcript, transcript_text
from triagebot.tui.messages import AnswerChanged, AnswerSubmitted, EditRequested, FlowChosen
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.edit import EditScreen
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
    ) -> None:
        super().__init__()
        self.first_flow = flow
        self.extra_dirs = list(extra_dirs)
        self.bundled = bundled
        self.clock = clock
        self.today = today or date.today()
        self.export_dir = export_dir
        self.session: Session | None = None

    def on_mount(self) -> None:
        if self.first_flow is not None:
            self.call_later(self.start_flow, self.first_flow)
        else:
            self.push_screen(self._start_screen())

    def _start_screen(self) -> StartScreen:
        found = library.discover(self.extra_dirs) if self.bundled else _only(self.extra_dirs)
        return StartScreen(list(found), self.today)

    # --- down: what the app tells the screens --------------------------------------------

    @property
    def chat(self) -> ChatScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, ChatScreen):
                return screen
        return None

    async def start_flow(self, flow: CompiledFlow) -> None:
        """Start a new Session of ``flow`` on a fresh chat screen."""
        self.session = Session(flow, self.clock)
        overdue = library.review_overdue(flow, self.today)
        screen = ChatScreen(flow.flow.title, overdue)
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)
        await self.refresh_chat()

    async def refresh_chat(self) -> None:
        if self.chat is not None and self.session is not None:
            await self.chat.show(self.session)

    # --- up: what the user did -----------------------------------------------------------

    @on(FlowChosen)
    async def _flow_chosen(self, event: FlowChosen) -> None:
        await self.start_flow(event.flow)

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
        self.pop_screen()
        await self.refresh_chat()
        if result.dropped:
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
        if self.session is None or not self.session.back():
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
) -> TriageApp:
    """The app as the CLI runs it: ``flow`` opens the chat directly, else the start screen.

    Tests pass ``bundled=False`` (only ``extra_dirs``), a fixed ``clock`` and ``today``.
    """
    return TriageApp(
        flow, extra_dirs, bundled=bundled, clock=clock, today=today, export_dir=export_dir
    )
