"""The Textual app: its keys, what widgets report, and the actions they call.

Sessions (start, resume, show, journal, leave) are :class:`~triagebot.tui.session_app.
SessionApp`'s, over the application layer's :class:`~triagebot.app.conversation.
Conversation`: this module adds what the user does to them.

Languages: the app speaks ``lang`` (``--lang``, default English) on the start screen, and
opens flows in it where they are written in it; a session is shown in its own language
(the catalog's words around the flow's text, keys included). F9 switches a running
session to the flow's other language (``switch_language``: nothing is lost, the journal
records it). A resumed session comes back in its journal's language unless ``lang`` says
otherwise.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual import on
from textual.app import SystemCommand
from textual.binding import BindingType
from textual.filter import LineFilter
from textual.screen import Screen

from triagebot.app.clipboard import clipboard_likely
from triagebot.app.export import last_format
from triagebot.app.files import WriteError
from triagebot.flows.answers import AnswerError
from triagebot.flows.catalog import counted, language_name
from triagebot.flows.engine import (
    FlowRuntimeError,
    describe_answer,
)
from triagebot.flows.exports import ExportError, Format
from triagebot.flows.wording import round_heading
from triagebot.tui.keymap import ACTION_KEYS, APP_BINDINGS, in_language
from triagebot.tui.messages import (
    AnswerChanged,
    AnswerSubmitted,
    EditRequested,
    FlowChosen,
    ResumeChosen,
)
from triagebot.tui.safe_output import DROP_UNSAFE
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.session_app import SessionApp


class TriageApp(SessionApp):
    """triagebot's TUI. Widgets post messages up; this class changes the Session."""

    CSS_PATH = "app.tcss"
    TITLE = "triagebot"
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def on_mount(self) -> None:
        self.speak()
        if self.resume_path is not None:
            self.push_screen(self._start_screen())
            self.call_later(self.resume_session, self.resume_path)
        elif self.first_flow is not None:
            self.call_later(self.begin, self.first_flow)
        else:
            self.push_screen(self._start_screen())
            self.call_later(self.offer_resume, False)

    def on_unmount(self) -> None:
        self.leave_session(notify=False)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the one that keeps control characters off the terminal."""
        return [*super().get_line_filters(), DROP_UNSAFE]

    # --- up: what the user did -----------------------------------------------------------

    @on(FlowChosen)
    async def _flow_chosen(self, event: FlowChosen) -> None:
        await self.begin(event.flow)

    @on(ResumeChosen)
    async def _resume_chosen(self, event: ResumeChosen) -> None:
        await self.resume_session(event.path)

    @on(AnswerSubmitted)
    async def _answered(self, event: AnswerSubmitted) -> None:
        session = self.session
        if session is None or event.question_id != session.current:
            return
        assert self.conversation is not None
        try:
            self.conversation.answer(event.raw)
        except (AnswerError, FlowRuntimeError) as error:
            event.origin.show_error(str(error))
            return
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
        where = round_heading(session.flow, event.question_id, event.round)
        from triagebot.tui.screens.edit import EditScreen  # noqa: PLC0415 (see the imports)

        screen = EditScreen(
            event.question_id, question, shown, lang=lang, round=event.round, where=where
        )
        self.push_screen(screen)

    @on(AnswerChanged)
    async def _changed(self, event: AnswerChanged) -> None:
        conversation = self.conversation
        if conversation is None:
            return
        try:
            result = conversation.edit(event.question_id, event.raw, event.round)
        except (AnswerError, FlowRuntimeError) as error:
            event.origin.show_error(str(error))
            return
        self.pop_screen()
        await self.refresh_chat()
        if self.chat is not None:
            # The change is made: keys answer the question asked now, as they did before
            # F3 (the transcript had the focus only to pick the answer to change).
            self.chat.focus_question()
        if result is not None and result.dropped:
            said, count = self.words, len(result.dropped)
            lang = self.session.flow.language if self.session is not None else None
            dropped = counted(count, said.later_dropped_one, said.later_dropped, lang)
            self.notify(dropped, timeout=4)

    # --- actions (keys, buttons and the command palette) ----------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return in_language(parameters, self.key_language) and self._available(action, self.screen)

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
        went_back = self.conversation is not None and self.conversation.back()
        if not went_back:
            self.notify(self.words.at_first_question)
            return
        await self.refresh_chat()

    def action_change_answer(self) -> None:
        if self.chat is None or not self.chat.focus_answers():
            self.notify(self.words.no_answer_to_change)
        else:
            self.notify(self.key_words.pick_an_answer)

    async def action_switch_language(self) -> None:
        """Go on in the flow's next language: every answer kept, everything re-worded."""
        conversation = self.conversation
        if conversation is None:
            return
        following = conversation.next_language()
        conversation.switch_language(following)
        self.speak()
        await self.refresh_chat()
        self.notify(
            self.words.language_switched.format(name=language_name(following), code=following)
        )

    def action_export_transcript(self) -> None:
        """Ask for the format (the last one chosen first), then export in it."""
        if self.conversation is None or self.session is None:
            return
        from triagebot.tui.screens.export_format import ExportFormatScreen  # noqa: PLC0415

        screen = ExportFormatScreen(last_format(), self.session.flow.language)
        self.push_screen(screen, self._export_in)

    def _export_in(self, fmt: Format | None) -> None:
        if fmt is None or self.conversation is None:
            return
        if self.is_web and self.export_dir is None:
            self._download_transcript(fmt)
            return
        try:
            exported = self.conversation.export(fmt, self.export_dir)
        except (OSError, WriteError, ExportError) as error:
            self.notify(self.words.export_failed.format(error=error), severity="error")
            return
        path = exported.path
        if self.is_web:  # kept on the server (serve --keep-exports), and downloaded
            self.deliver_text(path, save_filename=path.name)
            self.notify(self.words.downloaded.format(name=path.name))
            return
        said = self.words.exported if exported.written else self.words.already_exported
        self.notify(said.format(path=path))

    def _download_transcript(self, fmt: Format) -> None:
        """In a browser (``triagebot serve``): the transcript goes to the browser as a
        download in ``fmt``, and nothing stays on the server."""
        assert self.conversation is not None
        try:
            name, text = self.conversation.download(fmt)
        except ExportError as error:
            self.notify(self.words.export_failed.format(error=error), severity="error")
            return
        self.deliver_text(io.StringIO(text), save_filename=name, encoding="utf-8")
        self.notify(self.words.downloaded.format(name=name))

    def action_copy_transcript(self) -> None:
        """Copy the transcript (OSC 52, which the terminal may ignore unseen): "copied" only
        where the terminal is known to take it, else how to export instead."""
        if self.conversation is not None and self.session is not None:
            self.copy_to_clipboard(self.conversation.text())
            taken = self.is_web or clipboard_likely(os.environ)
            self.notify(self.words.copied if taken else self.words.copy_unsure)

    async def action_restart(self) -> None:
        if self.session is not None:  # the same patient, started again
            await self.start_flow(self.session.flow, self.session.patient)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        said = self.key_words
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
