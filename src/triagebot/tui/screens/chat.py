"""The chat screen: transcript above, the current question's input below, progress, keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Static

from triagebot import startup
from triagebot.flows.catalog import words
from triagebot.flows.engine import Session
from triagebot.flows.schema import AnyNode, GroupNode, InfoNode, OutcomeNode, Question
from triagebot.tui.widgets.footer import SteadyFooter
from triagebot.tui.widgets.inputs import QuestionInput, input_for, shape
from triagebot.tui.widgets.transcript import Transcript, entries
from triagebot.tui.wording import progress

OUTCOME_BUTTONS = (
    ("export_transcript", "F5", "export"),
    ("copy_transcript", "F6", "copy"),
    ("restart", "F7", "restart"),
    ("choose_flow", "F8", "choose"),
)
"""(app action, its key, the button's class) for each button under an outcome."""


SPARE_AFTER = 0.05
"""Seconds after the first question is shown before spare inputs are built (after an
answer they are built as soon as it is drawn)."""


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
        self.spares: dict[str, QuestionInput] = {}
        """Inputs built ahead, hidden, never shown nor focused, by shape (``shape``)."""
        self.spare_actions: OutcomeActions | None = None
        """The outcome's buttons built ahead, hidden, when the next node may be an outcome."""
        self._stocking: Timer | None = None
        self._stock_pending = 0
        """Stockings asked for and not yet done."""

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
        first = self.asking is None
        if self._stocking is not None:  # not built yet: the answer decides what to build
            self._stocking.stop()
            self._stocking = None
            self._stock_pending -= 1
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
        self._stock_pending += 1
        if first:  # launch: leave the first frames to start-up, stock a moment later
            self._stocking = self.set_timer(SPARE_AFTER, self._stock)
        else:
            self.call_after_refresh(self._stock)

    async def _replace_input(self, session: Session, reuse: bool, carry: bool = False) -> None:
        """Show the input for the current node: the one shown, when ``reuse`` allows and
        it can take the node, else a spare of its shape, else a new one.

        Only an answer (a step forward) reuses: keys typed just before Back (F2) or an
        edit, still on their way to the shown field, must not land in an earlier
        question's field; a new input leaves them with the old one, dropped unanswered.
        A spare has never been shown nor focused, so no key is on its way to it.
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
        spares = self._all_spares()
        await area.remove_children([child for child in area.children if child not in spares])
        finished = isinstance(node, OutcomeNode)
        area.set_class(finished, "-finished")
        if finished:
            actions = self._spare_actions(lang) if reuse else None
            if actions is None:
                actions = OutcomeActions(lang)
                await area.mount(actions, before=0)
            actions.query_one(Button).focus()
            return
        assert not isinstance(node, OutcomeNode)
        widget = self._spare_for(session) if reuse else None
        if widget is None:
            widget = input_for(session.current, node, lang)
            await area.mount(widget, before=0)
        if draft is not None:
            widget.restore(draft)
        widget.focus_input()

    def _all_spares(self) -> set[Widget]:
        spares: set[Widget] = set(self.spares.values())
        if self.spare_actions is not None:
            spares.add(self.spare_actions)
        return spares

    def _spare_actions(self, lang: str) -> OutcomeActions | None:
        """The spare outcome buttons, shown; None if none (or in another language)."""
        actions, self.spare_actions = self.spare_actions, None
        if actions is None or not actions.is_mounted:
            self.spare_actions = actions  # still being built: left to finish
            return None
        if actions.lang != lang:
            actions.remove()
            return None
        self.query_one("#answer-area", Vertical).move_child(actions, before=0)
        actions.display = True
        return actions

    def _spare_for(self, session: Session) -> QuestionInput | None:
        """The spare input of the current node's shape, shown for it; None if none."""
        node = session.node
        assert not isinstance(node, OutcomeNode | GroupNode)
        spare = self.spares.get(shape(node))
        if spare is None or not spare.is_mounted:  # none, or still being built
            return None
        del self.spares[shape(node)]
        # Built for this very node (and never shown), it shows it already.
        built_for_it = spare.node_id == session.current
        usable = built_for_it or spare.reuse_for(session.current, node)
        if spare.lang != session.flow.language or not usable:
            spare.remove()
            return None
        self.query_one("#answer-area", Vertical).move_child(spare, before=0)
        spare.display = True
        return spare

    async def _stock(self) -> None:
        """Build, hidden, an input for each shape the next question may have that has
        neither a spare nor the input shown: the next answer then reveals one rather than
        mounting it (a mount costs several milliseconds, more the first time a kind of
        widget is used). Done once the change is drawn, while the user reads."""
        self._stocking = None
        try:
            await self._build_spares()
        finally:
            self._stock_pending -= 1

    @property
    def stocked(self) -> bool:
        """Whether the spares for the current question's successors are built."""
        spares = self._all_spares()
        return not self._stock_pending and all(spare.is_mounted for spare in spares)

    async def _build_spares(self) -> None:
        session: Session | None = getattr(self.app, "session", None)
        if session is None or session.finished:
            return
        lang = session.flow.language
        for key, spare in list(self.spares.items()):
            if spare.lang != lang:  # the language changed: build them again
                del self.spares[key]
                await spare.remove()
        area = self.query_one("#answer-area", Vertical)
        actions = self.spare_actions
        if actions is not None and actions.lang != lang:
            self.spare_actions = None
            await actions.remove()
        if self.spare_actions is None and _may_finish(session):
            self.spare_actions = OutcomeActions(lang)
            self.spare_actions.display = False
            await area.mount(self.spare_actions)
        shown = self.current_input()
        have = set(self.spares)
        if shown is not None:
            shown_node = session.flow.node(shown.node_id)
            assert not isinstance(shown_node, OutcomeNode | GroupNode)
            have.add(shape(shown_node))
        for node_id, node in _following(session):
            if shape(node) in have:
                continue
            have.add(shape(node))
            widget = input_for(node_id, node, lang)
            widget.display = False
            self.spares[shape(node)] = widget
            await area.mount(widget)

    def current_input(self) -> QuestionInput | None:
        """The input shown (not a spare)."""
        spares = set(self.spares.values())
        return next((w for w in self.query(QuestionInput) if w not in spares), None)

    def focus_answers(self) -> bool:
        """Focus the latest answer in the transcript (to change it); False if none."""
        bubbles = self.query_one(Transcript).answers()
        if not bubbles:
            return False
        bubbles[-1].focus()
        return True


def _following(session: Session) -> list[tuple[str, Question | InfoNode]]:
    """The questions and info nodes the current node's rules may go to (a group: the
    member its rounds start at, and where it goes after its last round)."""
    return [
        (node_id, node)
        for node_id, node in _successors(session)
        if not isinstance(node, OutcomeNode | GroupNode)
    ]


def _successors(session: Session) -> list[tuple[str, AnyNode]]:
    """The nodes the current node's rules go to, each once; for a group, also the member
    its rounds start at and where it goes after its last round."""
    flow = session.flow
    targets = [rule.goto for rule in flow.routes.get(session.current, ())]
    found: dict[str, AnyNode] = {}
    for target in targets:
        if target in found:
            continue
        node = found[target] = flow.node(target)
        if isinstance(node, GroupNode):
            targets += [node.start, *(rule.goto for rule in flow.routes.get(target, ()))]
    return list(found.items())


def _may_finish(session: Session) -> bool:
    """Whether one of the current node's rules goes to an outcome (a group: where it goes
    after its last round)."""
    return any(isinstance(node, OutcomeNode) for _, node in _successors(session))
