"""The chat screen: transcript above, the current question's input below, progress, keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from triagebot import startup
from triagebot.flows.catalog import words
from triagebot.flows.engine import Session
from triagebot.flows.schema import OutcomeNode
from triagebot.tui.widgets.footer import SteadyFooter
from triagebot.tui.widgets.inputs import QuestionInput, input_for
from triagebot.tui.widgets.transcript import Transcript, entries
from triagebot.tui.wording import progress

OUTCOME_BUTTONS = (
    ("export_transcript", "F5", "export"),
    ("copy_transcript", "F6", "copy"),
    ("restart", "F7", "restart"),
    ("choose_flow", "F8", "choose"),
)
"""(app action, its key, the button's class) for each button under an outcome."""


class OutcomeActions(Horizontal):
    """What to do with a finished session, worded in its language."""

    def __init__(self, lang: str | None = None) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        labels = words(self.lang).outcome_buttons
        for action, key, kind in OUTCOME_BUTTONS:
            label = f"{labels[action]} ({key})"
            yield Button(label, action=f"app.{action}", classes=kind, compact=True)


class ChatScreen(Screen[None]):
    """Shows a Session; the app calls ``show`` after every change to it."""

    def __init__(self, title: str, overdue: bool) -> None:
        super().__init__()
        self.flow_title = title
        self.overdue = overdue
        self.asking: tuple[str, int, str] | None = None
        """What the input shows: (node, steps so far, language)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(f"triagebot · {self.flow_title}"), id="topbar")
        yield Transcript()
        yield Vertical(id="answer-area")
        yield Static("", id="progress")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(startup.resume)  # drawn: start-up is over

    async def show(self, session: Session) -> None:
        """Bring transcript, input and progress in line with ``session``.

        Drawn once, when the whole change is in place: no frame of a half-updated chat
        (the old input gone, the new one not yet mounted).
        """
        transcript = self.query_one(Transcript)
        with self.app.batch_update():
            title = session.flow.flow.title
            if title != self.flow_title:  # the language changed
                self.flow_title = title
                self.query_one("#topbar", Static).update(Text(f"triagebot · {title}"))
            # The new messages mount while the input is replaced; both are in place
            # before the batch ends.
            messages = transcript.show(session, entries(session, self.overdue))
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
        it can take the node, or a new one.

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
        await area.remove_children()
        finished = isinstance(node, OutcomeNode)
        area.set_class(finished, "-finished")
        if finished:
            await area.mount(OutcomeActions(lang))
            self.query_one(OutcomeActions).query_one(Button).focus()
            return
        assert not isinstance(node, OutcomeNode)
        widget = input_for(session.current, node, lang)
        await area.mount(widget)
        if draft is not None:
            widget.restore(draft)
        widget.focus_input()

    def current_input(self) -> QuestionInput | None:
        found = self.query(QuestionInput)
        return found.first() if found else None

    def focus_answers(self) -> bool:
        """Focus the latest answer in the transcript (to change it); False if none."""
        bubbles = self.query_one(Transcript).answers()
        if not bubbles:
            return False
        bubbles[-1].focus()
        return True
