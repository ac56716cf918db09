"""The chat screen: transcript above, the current question's input below, progress, keys."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static

from triagebot import startup
from triagebot.flows.catalog import words
from triagebot.flows.conversation import entries
from triagebot.flows.engine import Session
from triagebot.flows.schema import OutcomeNode
from triagebot.tui.keymap import drop_if_left
from triagebot.tui.widgets.chat_log import ChatLog
from triagebot.tui.widgets.inputs import QuestionInput, input_for
from triagebot.tui.widgets.outcome import OutcomeActions
from triagebot.tui.widgets.transcript import TranscriptPane
from triagebot.tui.wording import progress


class ChatScreen(Screen[None]):
    """Shows a Session; the app calls ``show`` after every change to it."""

    def __init__(self, title: str, today: date) -> None:
        super().__init__()
        self.flow_title = title
        self.today = today
        self.asking: tuple[str, int, str] | None = None
        """What the input shows: (node, steps so far, language)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(f"triagebot · {self.flow_title}"), id="topbar")
        yield TranscriptPane()
        yield Vertical(id="answer-area")
        yield Static("", id="progress")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(startup.resume_collector)  # drawn: start-up is over

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)

    def on_click(self, event: events.Click) -> None:
        # A click on a blank area (the transcript, the top bar) would leave the keys with
        # nothing that answers, silently: they go back to the question. A click on an
        # answer opens it to change (the conversation's own click), a click on the input
        # or a button keeps the focus there. At once, not after a refresh: a key typed
        # right after the click must find the question.
        self._keys_to_question()

    def _keys_to_question(self) -> None:
        focused = self.focused
        if not self.is_active or isinstance(focused, Button):
            return
        area = self.query_one("#answer-area", Vertical)
        if focused is None or (focused is not area and area not in focused.ancestors):
            self.focus_question()

    async def show(self, session: Session) -> None:
        """Bring transcript, input and progress in line with ``session``.

        Drawn once, when the whole change is in place: no frame of a half-updated chat
        (the old input gone, the new one not yet mounted).
        """
        transcript = self.query_one(TranscriptPane)
        with self.app.batch_update():
            title = topbar_title(session)
            if title != self.flow_title:  # the language changed, or a patient is named
                self.flow_title = title
                self.query_one("#topbar", Static).update(Text(f"triagebot · {title}"))
            # The new messages mount while the input is replaced; both are in place
            # before the batch ends.
            messages = transcript.show(session, entries(session, self.today))
            asking = (session.current, len(session.steps), session.flow.language)
            if asking != self.asking:
                forward = self.asking is not None and asking[1] > self.asking[1]
                # Only the language changed: what was typed or ticked carries over.
                carry = self.asking is not None and self.asking[:2] == asking[:2]
                self.asking = asking
                await self._replace_input(session, reuse=forward, carry=carry)
            self.query_one("#progress", Static).update(progress(session))
            await messages

    async def _replace_input(self, session: Session, reuse: bool, carry: bool = False) -> None:
        """Show the input for the current node: the one shown, when ``reuse`` allows and
        it can take the node, else a new one.

        Only an answer (a step forward) reuses: keys typed just before Back (F2) or an
        edit, still on their way to the shown field, must not land in an earlier
        question's field; a new input leaves them with the old one, dropped unanswered.
        ``carry``: the same question in another language, so the new input takes what was
        typed, ticked or highlighted in the old one.
        """
        area = self.query_one("#answer-area", Vertical)
        node = session.node
        lang = session.flow.language
        shown = self.current_input()
        if (
            reuse
            and shown is not None
            and not isinstance(node, OutcomeNode)
            and shown.lang == lang
            and shown.reuse_for(session.current, node)
        ):
            shown.focus_input()
            return
        draft = shown.draft() if carry and shown is not None else None
        # Removing the focused input would hand the focus to the newest answer in the
        # transcript for a moment (and the footer would redraw twice for it).
        self.set_focus(None)
        await self._clear_area(area)
        finished = isinstance(node, OutcomeNode)
        area.set_class(finished, "-finished")
        if finished:
            actions = OutcomeActions(lang)
            await area.mount(actions, before=0)
            actions.query_one(Button).focus()
            return
        assert not isinstance(node, OutcomeNode)
        widget = input_for(session.current, node, lang)
        await area.mount(widget, before=0)
        if draft is not None:
            widget.restore(draft)
        widget.focus_input()

    async def _clear_area(self, area: Vertical) -> None:
        """Take what the area shows off screen.

        An input is retired, hidden at once and removed once the next question is drawn:
        removing a widget tree waits for each of its widgets to unmount (2-10 ms, more
        than the rest of the change), and the next question need not wait for it. The
        outcome's buttons are removed at once (they act, so nothing may reach them).
        """
        retired: list[QuestionInput] = []
        gone: list[Widget] = []
        for child in area.children:
            if not isinstance(child, QuestionInput):
                gone.append(child)
            elif not child.retired:
                child.retire()
                retired.append(child)
        if retired:
            self.call_after_refresh(self._remove_retired, retired)
        if gone:
            await area.remove_children(gone)

    def _remove_retired(self, inputs: list[QuestionInput]) -> None:
        for widget in inputs:
            if widget.is_attached:
                widget.remove()

    def current_input(self) -> QuestionInput | None:
        """The input shown (not one retired, waiting to be removed)."""
        shown = (w for w in self.query(QuestionInput) if not w.retired)
        return next(shown, None)

    def can_view_entire(self, widget: Widget) -> bool:
        # Textual scrolls a widget given the focus (Tab) to show it from its top: the
        # conversation shows its picked answer instead (ChatLog.on_focus).
        return isinstance(widget, ChatLog) or super().can_view_entire(widget)

    def focus_question(self) -> None:
        """Give the keys back to what answers now: the question's input, or the outcome's
        buttons."""
        shown = self.current_input()
        if shown is not None:
            shown.focus_input()
            return
        for actions in self.query(OutcomeActions):
            actions.query_one(Button).focus()
            return

    def focus_answers(self) -> bool:
        """Focus the latest answer in the transcript (to change it); False if none."""
        return self.query_one(TranscriptPane).chat_log.pick_last()


def topbar_title(session: Session) -> str:
    """The flow's title, after whose session it is when a patient reference was given (first:
    a long title is cut at the screen's edge, the patient must stay in view)."""
    title = session.flow.flow.title
    if session.patient is None:
        return title
    said = words(session.flow.language)
    return f"{said.patient}{said.colon} {session.patient} · {title}"
