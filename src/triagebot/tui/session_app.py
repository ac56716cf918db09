"""The TUI's sessions: the app half that owns the Conversation and shows it on the chat.

Every session is a :class:`~triagebot.app.conversation.Conversation`: journaled from its
first question drawn (or its first answer, if that comes first), the journal removed once
the outcome is on screen, kept when the flow fails on the path or the user leaves before
the outcome (said, with how to resume it). A session another triagebot holds is refused,
naming that process. An unfinished session is deleted only from the resume screen, after
a confirmation. ``lang`` (``--lang``) wins over a resumed journal's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from triagebot.app import journal, library, resuming
from triagebot.app.conversation import Conversation, ResumeRefused
from triagebot.app.journal import Journal, JournalError
from triagebot.flows.catalog import Words, words
from triagebot.flows.compiler import CompiledFlow, LanguageError, load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.engine import (
    Clock,
    FlowRuntimeError,
    Session,
)
from triagebot.flows.safe_text import escaped
from triagebot.flows.times import local_now
from triagebot.tui.keymap import KeyWords, key_words
from triagebot.tui.screens.chat import ChatScreen

# The other screens are imported when first shown: `triagebot FLOW` opens the chat, and
# importing them all cost ~3 ms of its ~210 ms launch (benchmarks/bench_tui.py).
if TYPE_CHECKING:
    from triagebot.tui.screens.start import StartScreen


class SessionApp(App[None]):
    """Starts, resumes, shows and leaves sessions; :class:`TriageApp` adds keys and handlers."""

    def __init__(  # noqa: PLR0913 (keyword options, as the CLI and tests pass them)
        self,
        flow: CompiledFlow | None = None,
        extra_dirs: Iterable[Path] = (),
        *,
        bundled: bool = True,
        clock: Clock = local_now,
        today: date | None = None,
        export_dir: Path | None = None,
        resume: Path | None = None,
        lang: str | None = None,
        patient: str | None = None,
        ask_patient: bool = False,
    ) -> None:
        """The app as the CLI runs it: ``flow`` opens the chat directly, else the start screen.

        ``resume`` reopens that unfinished session's journal. ``lang`` (``--lang``) is the
        app's language: the start screen's, the flows' where they are written in it, and a
        resumed session's (else its journal's); ``flow`` is opened in ``lang`` when it is
        written in it. ``extra_dirs`` are flow folders besides the bundled flows (none with
        ``bundled=False``, as the tests pass it, with a fixed ``clock`` and ``today``).
        """
        super().__init__()
        self.patient = patient
        """The patient reference given on the command line (the first session's)."""
        self.ask_patient = ask_patient
        """Ask for the patient reference before a new session (the CLI does; tests not)."""
        self.lang = lang
        """The language asked for (``--lang``); None: English, flows in their own default."""
        self.resume_path = resume
        self.conversation: Conversation | None = None
        """The session shown (or last left, until another starts) and its journal."""
        self.kept: list[Path] = []
        """Journals of sessions left unfinished in this run (see ``farewell``)."""
        self.kept_finished: set[Path] = set()
        """Those of them that reached their outcome: kept until exported."""
        self.first_flow = None if flow is None else library.prefer_language(flow, lang)
        self.extra_dirs = list(extra_dirs)
        self.bundled = bundled
        self.clock = clock
        self.today = today or date.today()
        self.export_dir = export_dir
        self._spoken: str | None = None
        """The language the keys were last worded in (``speak``)."""

    @property
    def session(self) -> Session | None:
        """The session shown, or None on the start screen."""
        return None if self.conversation is None else self.conversation.session

    @property
    def journal(self) -> Journal | None:
        """The journal recording the session shown (None before it starts, or once gone)."""
        return None if self.conversation is None else self.conversation.journal

    def _report(self, message: str) -> None:
        """Say a problem with the journal (see :class:`Conversation`)."""
        self.notify(message, severity="error", timeout=10)

    @property
    def words(self) -> Words:
        """The words the app says now: the session's language, else the app's."""
        return words(self.key_language)

    @property
    def key_language(self) -> str | None:
        """The language the app says things in now: the session's, else the app's."""
        return self.session.flow.language if self.session is not None else self.lang

    @property
    def key_words(self) -> KeyWords:
        """The words about the TUI's keys, in the language of :attr:`words`."""
        return key_words(self.key_language)

    def speak(self) -> None:
        """Word the keys (footer and palette) in the language the app says things in now:
        its bindings in that language act and show (``check_action``)."""
        if self.key_language != self._spoken:
            self._spoken = self.key_language
            self.refresh_bindings()

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

    async def begin(self, flow: CompiledFlow) -> None:
        """Start a new session of ``flow``: for the patient given on the command line (the
        first session), else for the one typed in the patient prompt (when asked)."""
        patient, self.patient = self.patient, None
        if patient is not None or not self.ask_patient:
            await self.start_flow(flow, patient)
            return
        from triagebot.tui.screens.patient import PatientScreen  # noqa: PLC0415 (see the imports)

        def typed(patient: str | None) -> None:
            self.call_later(self.start_flow, flow, patient)

        await self.push_screen(PatientScreen(flow.flow.title, flow.language), typed)

    async def start_flow(self, flow: CompiledFlow, patient: str | None = None) -> None:
        """Start a new Session of ``flow`` on a fresh chat screen, journaled."""
        self.leave_session()
        self.conversation = Conversation.new(flow, self._report, self.clock, patient)
        self.speak()
        await self._open_chat()

    async def resume_session(self, path: Path) -> bool:
        """Reopen an unfinished session from its journal with every answer; False if not."""
        try:
            resumed, warnings = Conversation.resume(path, self._report, self.extra_dirs, self.clock)
        except ResumeRefused as refused:
            message = self.words.cannot_resume.format(error=refused.reason(self.lang))
            self.notify(message, severity="error", timeout=None if refused.busy else 10)
            return False
        self.leave_session()
        self.conversation = resumed
        if self.lang is not None:  # --lang wins over the journal's language
            try:
                resumed.switch_language(self.lang)
            except LanguageError:
                flow = resumed.session.flow
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
        conversation = self.conversation
        assert conversation is not None
        screen = ChatScreen(conversation.session.flow.flow.title, self.today)
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)
        await self._show(screen)
        # Journaled once the first question is drawn: there is nothing to lose before an
        # answer (which starts it at once if it comes first), and the first write (the
        # file created and synced) stays off the frame that draws the chat. A session
        # left, failed or finished by then is not journaled (see Conversation).
        self.call_after_refresh(self._journal_unfinished, conversation)

    def _journal_unfinished(self, conversation: Conversation) -> None:
        if not conversation.session.finished:
            conversation.keep()

    async def refresh_chat(self) -> None:
        if self.conversation is not None:
            self.conversation.keep()
        if self.chat is not None and self.session is not None:
            await self._show(self.chat)

    async def _show(self, chat: ChatScreen) -> None:
        """Show the session; once its outcome is on screen, its journal goes. A flow that
        fails working the outcome out keeps the journal and leaves the session."""
        conversation = self.conversation
        assert conversation is not None
        session = conversation.session
        try:
            if session.finished:
                session.outcome()  # worked out before any widget changes: it may fail
            await chat.show(session)
        except FlowRuntimeError as error:
            await self._flow_failed(error)
            return
        conversation.outcome_shown()

    async def _flow_failed(self, error: FlowRuntimeError) -> None:
        """Say in one line that the flow failed on this path; keep the journal (every answer)
        and go back to the flows."""
        assert self.conversation is not None
        record = self.conversation.journal
        if record is not None and record.open:
            self.kept.append(record.path)  # the journal is kept: every answer in it
        message = self.conversation.failed(error)
        self.notify(message, severity="error", timeout=30)
        await self.action_choose_flow()

    # --- the journal ---------------------------------------------------------------------

    def leave_session(self, notify: bool = True) -> None:
        """The user leaves the current session: keep its journal if it holds answers."""
        conversation = self.conversation
        if conversation is None:
            return
        kept = conversation.leave()
        if kept is None:
            return
        self.kept.append(kept)
        if conversation.session.finished:
            self.kept_finished.add(kept)
        if notify:
            self.notify(conversation.kept_line(kept), timeout=8)

    @property
    def farewell(self) -> str:
        """What the CLI prints once the app has closed: the unfinished sessions kept."""
        kept = [path for path in dict.fromkeys(self.kept) if path.exists()]
        said = words(self.lang)
        if len(kept) == 1:
            template = said.kept_finished if kept[0] in self.kept_finished else said.kept
            return template.format(name=kept[0].name)
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

    async def action_choose_flow(self) -> None:
        self.leave_session()
        self.conversation = None
        self.speak()
        screen = self._start_screen()
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)


def _only(dirs: list[Path], lang: str | None = None) -> Iterable[library.Entry]:
    """Entries of the given folders only (the tests' start screen, free of bundled flows)."""
    for path in library.flow_files(dirs):
        try:
            yield library.Entry(path, library.prefer_language(load_flow(path), lang), None)
        except FlowError as error:
            yield library.Entry(path, None, error)
