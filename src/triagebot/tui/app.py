"""The Textual app: owns the Session, handles what widgets report, calls screens down.

Every session is journaled (:mod:`triagebot.flows.journal`) from its start, so a crash or
an accidental quit loses nothing. The journal is removed once the outcome is on screen,
never before (going back from the outcome starts a new one): a flow that fails working it
out (a fault on this path) is said in one line and its journal kept, to resume once the
flow is fixed. A session another triagebot holds is refused, naming that process. Leaving
a session before its outcome (quit, restart, another flow, resuming another) never
deletes answers: the journal is kept, and the user is told how to resume it. Only a
session with no answer yet is dropped on leaving. An unfinished session is deleted only
from the resume screen, after a confirmation.

Languages: the app speaks ``lang`` (``--lang``, default English) on the start screen, and
opens flows in it where they are written in it; a session is shown in its own language
(the catalog's words around the flow's text, keys included). F9 switches a running
session to the flow's other language (``switch_language``: nothing is lost, the journal
records it). A resumed session comes back in its journal's language unless ``lang`` says
otherwise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.screen import Screen
from textual.timer import Timer

from triagebot import resuming
from triagebot.files import WriteError
from triagebot.flows import journal, library
from triagebot.flows.answers import AnswerError
from triagebot.flows.catalog import Words, language_name, words
from triagebot.flows.compiler import CompiledFlow, LanguageError, load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.engine import Clock, FlowRuntimeError, Session, describe_answer, utc_now
from triagebot.flows.journal import Journal, JournalError
from triagebot.flows.safe_text import escaped
from triagebot.flows.switching import switch_language
from triagebot.flows.wording import round_label
from triagebot.tui.export import export_transcript, transcript_text
from triagebot.tui.keys import relabel
from triagebot.tui.messages import (
    AnswerChanged,
    AnswerSubmitted,
    EditRequested,
    FlowChosen,
    ResumeChosen,
)
from triagebot.tui.safe_output import DROP_UNSAFE
from triagebot.tui.screens.chat import ChatScreen

# The other screens are imported when first shown: `triagebot FLOW` opens the chat, and
# importing them all cost ~3 ms of its ~210 ms launch (benchmarks/bench_tui.py).
if TYPE_CHECKING:
    from triagebot.tui.screens.start import StartScreen

ACTION_KEYS = [
    ("f1", "why"),
    ("f2", "back"),
    ("f3", "change_answer"),
    ("f5", "export_transcript"),
    ("f6", "copy_transcript"),
    ("f7", "restart"),
    ("f8", "choose_flow"),
    ("f9", "switch_language"),
]
"""(key, action) of every app action; each is worded by the catalog (``Words.keys``)."""

ACTIONS = [(key, action, *words(None).keys[action]) for key, action in ACTION_KEYS]
"""(key, action, footer label, palette help) in English; the app relabels its keys in the
language it speaks (``TriageApp.speak``)."""

FOOTER_KEYS = ("f1", "f2", "f3", "f9")
"""Shown in the footer (80 columns); the rest are on the outcome's buttons and the palette.
F9 (language) only when the flow is written in more than one language."""


JOURNAL_DELAY = 0.3
"""Seconds from the first question drawn to the session's journal started (if no answer
starts it first)."""


class TriageApp(App[None]):
    """triagebot's TUI. Widgets post messages up; this class changes the Session."""

    CSS_PATH = "app.tcss"
    TITLE = "triagebot"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, label, priority=True, show=key in FOOTER_KEYS)
        for key, action, label, _ in ACTIONS
    ]

    def __init__(  # noqa: PLR0913 (keyword options, as make_app passes them)
        self,
        flow: CompiledFlow | None = None,
        extra_dirs: Iterable[Path] = (),
        *,
        bundled: bool = True,
        clock: Clock = utc_now,
        today: date | None = None,
        export_dir: Path | None = None,
        resume: Path | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__()
        self.lang = lang
        """The language asked for (``--lang``); None: English, flows in their own default."""
        self.resume_path = resume
        self.journal: Journal | None = None
        self.journal_failed = False
        """Set once the journal could not be written: said once, not retried per answer."""
        self.journal_timer: Timer | None = None
        """The pending start of the current session's journal (see ``_open_chat``)."""
        self.left: Session | None = None
        """The session last left: never journaled again. Whatever reaches the app after
        leaving (an answer still queued at exit, a timer) would start a second journal of
        its answers."""
        self.kept: list[Path] = []
        """Journals of sessions left unfinished in this run (see ``farewell``)."""
        self.first_flow = None if flow is None else library.prefer_language(flow, lang)
        self.extra_dirs = list(extra_dirs)
        self.bundled = bundled
        self.clock = clock
        self.today = today or date.today()
        self.export_dir = export_dir
        self.session: Session | None = None

    @property
    def words(self) -> Words:
        """The words the app says now: the session's language, else the app's."""
        return words(self.session.flow.language if self.session is not None else self.lang)

    def speak(self) -> None:
        """Word the keys (footer and palette) in the language the app says things in now."""
        said = self.words
        if relabel(self, {key: said.keys[action][0] for key, action in ACTION_KEYS}):
            self.refresh_bindings()

    def on_mount(self) -> None:
        self.speak()
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

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the one that keeps control characters off the terminal."""
        return [*super().get_line_filters(), DROP_UNSAFE]

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """A notification, its text escaped (file names and errors come from elsewhere) and
        never read as markup (a file name may hold brackets)."""
        options.setdefault("markup", False)
        super().notify(escaped(message), title=escaped(title), **options)

    def _start_screen(self) -> StartScreen:
        from triagebot.tui.screens.start import StartScreen  # noqa: PLC0415 (see the imports)

        found: Iterable[library.Entry]
        if self.bundled:
            found = library.discover(self.extra_dirs, self.lang)
        else:
            found = _only(self.extra_dirs, self.lang)
        try:
            waiting = len(journal.unfinished())
        except JournalError:
            waiting = 0
        return StartScreen(list(found), self.today, waiting, self.lang)

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
        self.speak()
        await self._open_chat()

    async def resume_session(self, path: Path) -> bool:
        """Reopen an unfinished session from its journal with every answer; False if not."""
        try:
            resumed = journal.resume(path, self.extra_dirs, self.clock)
        except journal.JournalBusy as busy:
            refusal = journal.in_use_message(busy.path, busy.holder, self.lang)
            self.notify(self.words.cannot_resume.format(error=refusal), severity="error")
            return False
        except (JournalError, OSError) as error:
            message = self.words.cannot_resume.format(error=error)
            self.notify(message, severity="error", timeout=10)
            return False
        self.leave_session()
        self.session = resumed.session
        self.journal = resumed.journal
        warnings = list(resumed.warnings)
        if self.lang is not None:  # --lang wins over the journal's language
            try:
                self._switch(self.lang)
            except LanguageError:
                flow = self.session.flow
                codes = ", ".join(flow.languages)
                said = words(flow.language)
                warnings.append(said.language_missing.format(code=self.lang, codes=codes))
        self.speak()
        from triagebot.tui.screens.resume import ResumeScreen  # noqa: PLC0415 (see the imports)

        if isinstance(self.screen, ResumeScreen):
            await self.pop_screen()
        await self._open_chat()
        title = self.words.resumed_with_warning
        for warning in warnings:
            self.notify(warning, title=title, severity="warning", timeout=15)
        return True

    async def _open_chat(self) -> None:
        assert self.session is not None
        flow = self.session.flow
        screen = ChatScreen(flow.flow.title, self.today)
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)
        session = self.session
        await self._show(screen)
        if self.session is not session or session.finished:
            return  # the flow failed on it, or it was resumed at its outcome (journaled)
        # Started a moment after the first question is drawn: there is nothing to lose
        # before an answer (which starts it at once if it comes first), and the first
        # write (pydantic is imported and builds its serializers, the file is created and
        # synced: ~65 ms) stays off the frames that draw the chat. The timer goes with the
        # session: leaving it stops the timer, which would otherwise journal a session
        # already left (a second journal of its answers).
        self.journal_timer = self.set_timer(JOURNAL_DELAY, self._journal_pending)

    async def refresh_chat(self) -> None:
        self._keep_journal()
        if self.chat is not None and self.session is not None:
            await self._show(self.chat)

    async def _show(self, chat: ChatScreen) -> None:
        """Show the session; once its outcome is on screen, its journal goes. A flow that
        fails working the outcome out keeps the journal and leaves the session."""
        session = self.session
        assert session is not None
        try:
            if session.finished:
                session.outcome()  # worked out before any widget changes: it may fail
            await chat.show(session)
        except FlowRuntimeError as error:
            await self._flow_failed(error)
            return
        if session.finished and self.journal is not None and session is not self.left:
            self._journal_call(self.journal.finish)
            self.journal = None

    async def _flow_failed(self, error: FlowRuntimeError) -> None:
        """Say in one line that the flow failed on this path; keep the journal (every answer)
        and go back to the flows."""
        said, record = self.words, self.journal
        self.journal = None  # kept: leaving must not discard a finished session's journal
        if record is not None and record.open:
            self._journal_call(record.close)
            self.kept.append(record.path)
            message = said.flow_failed.format(error=error, name=record.path.name)
        else:
            message = said.flow_failed_unsaved.format(error=error)
        self.notify(message, severity="error", timeout=30)
        await self.action_choose_flow()

    # --- the journal ---------------------------------------------------------------------

    def _keep_journal(self) -> None:
        """Journal the session if it is not yet, an outcome reached too: its journal goes
        only once the outcome is on screen (``_show``)."""
        session = self.session
        if session is None or session is self.left:
            return
        if self.journal is None and not self.journal_failed:
            try:
                self.journal = Journal.start(session)
            except (OSError, WriteError, JournalError) as error:
                self._journal_broken(error)

    def _journal_pending(self) -> None:
        """The journal's delayed start (see ``_open_chat``): nothing to keep once an
        outcome was reached and shown in the meantime."""
        if self.session is not None and not self.session.finished:
            self._keep_journal()

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
        self.notify(self.words.journal_failed.format(error=error), severity="error", timeout=10)

    def leave_session(self, notify: bool = True) -> None:
        """The user leaves the current session: keep its journal if it holds answers."""
        session, record = self.session, self.journal
        self.left = session
        if self.journal_timer is not None:
            self.journal_timer.stop()
            self.journal_timer = None
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
            self.notify(words(session.flow.language).kept.format(name=record.path.name), timeout=8)

    @property
    def farewell(self) -> str:
        """What the CLI prints once the app has closed: the unfinished sessions kept."""
        kept = [path for path in dict.fromkeys(self.kept) if path.exists()]
        said = words(self.lang)
        if len(kept) == 1:
            return said.kept.format(name=kept[0].name)
        if kept:
            return said.kept_many.format(count=len(kept))
        return ""

    async def offer_resume(self, when_none: bool = True) -> None:
        """Show the unfinished sessions (if any) over the start screen."""
        try:
            offers = resuming.offers(None, self.extra_dirs, self.lang)
        except JournalError as error:
            self.notify(self.words.cannot_list_unfinished.format(error=error), severity="error")
            return
        if offers:
            from triagebot.tui.screens.resume import ResumeScreen  # noqa: PLC0415 (see the imports)

            await self.push_screen(ResumeScreen(offers, self.lang))
        elif when_none:
            self.notify(self.words.no_unfinished)

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
        if session is None:
            return
        key = (event.question_id, event.round)
        step = next((s for s in session.steps if (s.node, s.round) == key), None)
        if step is None or step.value is None:
            return
        lang = session.flow.language
        question = session.flow.question(event.question_id)
        shown = describe_answer(question, step.value, lang)
        where = round_label(session.flow, event.question_id, event.round)
        from triagebot.tui.screens.edit import EditScreen  # noqa: PLC0415 (see the imports)

        screen = EditScreen(
            event.question_id, question, shown, lang=lang, round=event.round, where=where
        )
        self.push_screen(screen)

    @on(AnswerChanged)
    async def _changed(self, event: AnswerChanged) -> None:
        session = self.session
        if session is None:
            return
        try:
            result = session.edit(event.question_id, event.raw, round=event.round)
        except (AnswerError, FlowRuntimeError) as error:
            event.origin.show_error(str(error))
            return
        except (OSError, JournalError) as error:  # the edit stands; the journal failed
            self._journal_broken(error)
            result = None
        self.pop_screen()
        await self.refresh_chat()
        if self.chat is not None:
            # The change is made: keys answer the question asked now, as they did before
            # F3 (the transcript had the focus only to pick the answer to change).
            self.chat.focus_question()
        if result is not None and result.dropped:
            self.notify(self.words.later_dropped.format(count=len(result.dropped)), timeout=4)

    # --- actions (keys, buttons and the command palette) ----------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._available(action, self.screen)

    def _available(self, action: str, screen: Screen[object]) -> bool:
        """Whether ``action`` applies over ``screen`` (the palette asks about the screen it
        was opened over, not itself)."""
        needs_session = {name for _, name in ACTION_KEYS} - {"choose_flow"}
        if action in needs_session:
            session = self.session
            if session is None or not isinstance(screen, ChatScreen):
                return False
            return action != "switch_language" or len(session.flow.languages) > 1
        return True

    def action_why(self) -> None:
        from triagebot.tui.screens.why import WhyScreen  # noqa: PLC0415 (see the imports)

        if self.session is not None:
            self.push_screen(WhyScreen(self.session.flow, self.session.current))

    async def action_back(self) -> None:
        try:
            went_back = self.session is not None and self.session.back()
        except (OSError, JournalError) as error:  # went back; the journal failed
            self._journal_broken(error)
            went_back = True
        if not went_back:
            self.notify(self.words.at_first_question)
            return
        await self.refresh_chat()

    def action_change_answer(self) -> None:
        if self.chat is None or not self.chat.focus_answers():
            self.notify(self.words.no_answer_to_change)
        else:
            self.notify(self.words.pick_an_answer)

    async def action_switch_language(self) -> None:
        """Go on in the flow's next language: every answer kept, everything re-worded."""
        session = self.session
        if session is None:
            return
        languages = session.flow.languages
        following = languages[(languages.index(session.flow.language) + 1) % len(languages)]
        try:
            self._switch(following)
        except (OSError, JournalError) as error:  # switched; the journal failed
            self._journal_broken(error)
        self.speak()
        await self.refresh_chat()
        self.notify(
            self.words.language_switched.format(name=language_name(following), code=following)
        )

    def _switch(self, lang: str) -> None:
        """Switch the session's language (the journal, a listener, records it)."""
        assert self.session is not None
        switch_language(self.session, lang)

    def action_export_transcript(self) -> None:
        if self.session is None:
            return
        try:
            exported = export_transcript(self.session, self.export_dir)
        except (OSError, WriteError) as error:
            self.notify(self.words.export_failed.format(error=error), severity="error")
            return
        path = exported.path
        if self.is_web:
            # Under textual-serve the file is on the server: hand it to the browser too.
            self.deliver_text(path, save_filename=path.name)
        said = self.words.exported if exported.written else self.words.already_exported
        self.notify(said.format(path=path))

    def action_copy_transcript(self) -> None:
        if self.session is not None:
            self.copy_to_clipboard(transcript_text(self.session))
            self.notify(self.words.copied)

    async def action_restart(self) -> None:
        if self.session is not None:
            await self.start_flow(self.session.flow)

    async def action_choose_flow(self) -> None:
        self.leave_session()
        self.session = None
        self.speak()
        screen = self._start_screen()
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        said = self.words
        for key, action in ACTION_KEYS:
            if self._available(action, screen):
                label, help_text = said.keys[action]
                yield SystemCommand(
                    f"{label} ({key.upper()})", help_text, getattr(self, f"action_{action}")
                )
        from triagebot.tui.screens.start import StartScreen  # noqa: PLC0415 (see the imports)

        if isinstance(screen, StartScreen):
            label, help_text = said.keys["offer_resume"]
            yield SystemCommand(f"{label} (F4)", help_text, self.action_offer_resume)


def _only(dirs: list[Path], lang: str | None = None) -> Iterable[library.Entry]:
    """Entries of the given folders only (the tests' start screen, free of bundled flows)."""
    for path in library.flow_files(dirs):
        try:
            yield library.Entry(path, library.prefer_language(load_flow(path), lang), None)
        except FlowError as error:
            yield library.Entry(path, None, error)


def make_app(  # noqa: PLR0913 (keyword options, as the CLI and tests pass them)
    flow: CompiledFlow | None = None,
    extra_dirs: Iterable[Path] = (),
    *,
    bundled: bool = True,
    clock: Clock = utc_now,
    today: date | None = None,
    export_dir: Path | None = None,
    resume: Path | None = None,
    lang: str | None = None,
) -> TriageApp:
    """The app as the CLI runs it: ``flow`` opens the chat directly, else the start screen.

    ``resume`` reopens that unfinished session's journal. ``lang`` (``--lang``) is the
    app's language: the start screen's, the flows' where they are written in it, and a
    resumed session's (else its journal's); ``flow`` is opened in ``lang`` when it is
    written in it. Tests pass ``bundled=False`` (only ``extra_dirs``), a fixed
    ``clock`` and ``today``.
    """
    return TriageApp(
        flow,
        extra_dirs,
        bundled=bundled,
        clock=clock,
        today=today,
        export_dir=export_dir,
        resume=resume,
        lang=lang,
    )
