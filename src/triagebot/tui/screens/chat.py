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
from triagebot.flows.schema import InfoNode, OutcomeNode, Question
from triagebot.tui.keymap import drop_if_left
from triagebot.tui.widgets.chat_log import ChatLog
from triagebot.tui.widgets.inputs import QuestionInput, input_for, shape
from triagebot.tui.widgets.outcome import OutcomeActions
from triagebot.tui.widgets.transcript import TranscriptPane
from triagebot.tui.wording import progress

PREPARE_AFTER = 0.1
"""Seconds from the frame that draws a session's first question (or its language
switched) to its spare inputs being mounted (``_prepare_spares``): past the frames of the
launch, while the clinician reads."""


class ChatScreen(Screen[None]):
    """Shows a Session; the app calls ``show`` after every change to it."""

    def __init__(self, title: str, today: date) -> None:
        super().__init__()
        self.flow_title = title
        self.today = today
        self.asking: tuple[str, int, str] | None = None
        """What the input shows: (node, steps so far, language)."""
        self.session_shown: Session | None = None
        """The session ``show`` last showed."""
        self.prepared_in: str | None = None
        """The language the spare inputs were last prepared in (``_prepare_spares``)."""
        self.preparing = False
        """Spare inputs are to be prepared (a timer is set)."""

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
            self.session_shown = session
            if session.flow.language != self.prepared_in and not self.preparing:
                self.preparing = True
                # Timed from the frame that draws this (at launch: after the first one).
                self.call_after_refresh(self.set_timer, PREPARE_AFTER, self._prepare_spares)
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
        it can take the node, else (``reuse`` again) a spare of its kind, else a new one.

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
        finished = isinstance(node, OutcomeNode)
        # At the outcome no answer is left to ask: the spares go (Back asks anew).
        await self._clear_area(area, lang, keep=not finished)
        if finished:
            self.prepared_in = None
        area.set_class(finished, "-finished")
        if finished:
            actions = OutcomeActions(lang)
            await area.mount(actions, before=0)
            actions.query_one(Button).focus()
            return
        assert not isinstance(node, OutcomeNode)
        widget = self._spare_for(session.current, node, lang) if reuse else None
        if widget is None:
            widget = input_for(session.current, node, lang)
            await area.mount(widget, before=0)
        if draft is not None:
            widget.restore(draft)
        widget.focus_input()

    async def _clear_area(self, area: Vertical, lang: str, keep: bool) -> None:
        """Take what the area shows off screen.

        An input is retired: hidden at once and, when ``keep``, kept hidden as the spare
        of its kind (``_spare_for``); else, or if there is one already, removed once the
        next question is drawn: removing a widget tree waits for each of its widgets to
        unmount (2-10 ms, more than the rest of the change), and the next question need
        not wait for it. Spares go the same way unless ``keep`` and in ``lang``. The
        outcome's buttons are removed at once (they act, so nothing may reach them).
        """
        kinds: set[tuple[type[QuestionInput], str | None]] = set()
        retired: list[QuestionInput] = []
        gone: list[Widget] = []
        # Spares first: of two inputs of a kind, the one hidden longer is kept (no key can
        # be on its way to it).
        children = sorted(
            area.children, key=lambda w: not (isinstance(w, QuestionInput) and w.retired)
        )
        for child in children:
            if not isinstance(child, QuestionInput):
                gone.append(child)
                continue
            child.retire()
            kind = (type(child), child.lang)
            if not keep or child.lang != lang or kind in kinds:
                retired.append(child)
            kinds.add(kind)
        if retired:
            self.call_after_refresh(self._remove_retired, retired)
        if gone:
            await area.remove_children(gone)

    def _spares(self) -> list[QuestionInput]:
        """Inputs retired and kept hidden, to show another question of their kind."""
        return [w for w in self.query(QuestionInput) if w.retired and w.is_mounted]

    def _prepare_spares(self) -> None:
        """Mount a hidden spare input for each kind of input the flow shows and this screen
        has none of yet, in the session's language: an answer whose next question needs
        another kind of input then shows a spare (``_spare_for``) instead of mounting one
        (a few milliseconds to tens of them, in the frame the clinician waits for)."""
        self.preparing = False
        session = self.session_shown
        if session is None or session.finished or not self.is_active:
            return  # (a screen over the chat, or the chat being left: the next show)
        flow, lang = session.flow, session.flow.language
        held = set()
        for shown in self.query(QuestionInput):
            asked = flow.nodes.get(shown.node_id)
            if shown.lang == lang and isinstance(asked, Question | InfoNode):
                held.add(shape(asked))
        spares = []
        for node_id, node in flow.nodes.items():
            if not isinstance(node, Question | InfoNode) or shape(node) in held:
                continue
            held.add(shape(node))
            spare = input_for(node_id, node, lang)
            spare.retire()
            spares.append(spare)
        self.prepared_in = lang
        if spares:
            self.query_one("#answer-area", Vertical).mount(*spares)

    def _spare_for(
        self, node_id: str, node: Question | InfoNode, lang: str
    ) -> QuestionInput | None:
        """A spare input shown anew for ``node`` (None if there is none of its kind).

        Shown again, an input takes the question as a run of yes/no questions reuses one
        (``reuse_for``), without the few milliseconds of mounting a new one. As the input
        shown, a spare serves only an answer (a step forward; see ``_replace_input``).
        """
        for spare in self._spares():
            if spare.lang != lang or not spare.reuse_for(node_id, node):
                continue
            spare.retired = False
            spare.display = True
            if isinstance(spare.parent, Widget):  # first, where a new input is mounted
                spare.parent.move_child(spare, before=0)
            return spare
        return None

    def _remove_retired(self, inputs: list[QuestionInput]) -> None:
        for widget in inputs:
            if widget.is_attached and widget.retired:  # (not one shown again since)
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
