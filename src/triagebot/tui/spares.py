"""Spare inputs: built ahead, hidden in the answer area, revealed by the next answer.

Mounting an input costs several milliseconds (more the first time a kind of widget is
used in the app): the question an answer leads to waited for it. While the user reads a
question, the chat builds an input for each shape the next question may have (the current
node's successors) that has neither a spare nor the input shown, and the outcome's buttons
when the flow may end there; an answer that changes the input's shape reveals one. A spare
input's field is styled as focused while hidden (``QuestionInput.style_as_focused``), so
focusing it when it is revealed restyles nothing before the frame.

A spare has never been shown nor focused, so no key is on its way to it. Only an answer
(a step forward) takes one: Back and edits mount anew, as before (keys on their way to
the old input are dropped with it).
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.widget import Widget

from triagebot.flows.engine import Session
from triagebot.flows.schema import AnyNode, GroupNode, InfoNode, OutcomeNode, Question
from triagebot.tui.widgets.inputs import QuestionInput, input_for, shape
from triagebot.tui.widgets.outcome import OutcomeActions


class Spares:
    """The spares of one chat's answer area."""

    def __init__(self) -> None:
        self.inputs: dict[str, QuestionInput] = {}
        """Inputs by shape (``shape``), hidden, never shown nor focused."""
        self.actions: OutcomeActions | None = None
        """The outcome's buttons, hidden, when the next node may be an outcome."""

    def widgets(self) -> set[Widget]:
        """Every spare (to leave in place when the shown input is removed)."""
        spares: set[Widget] = set(self.inputs.values())
        if self.actions is not None:
            spares.add(self.actions)
        return spares

    @property
    def built(self) -> bool:
        """Whether every spare asked for is mounted."""
        return all(spare.is_mounted for spare in self.widgets())

    def take_input(self, area: Vertical, session: Session) -> QuestionInput | None:
        """The spare input of the current node's shape, shown for it; None if none."""
        node = session.node
        assert not isinstance(node, OutcomeNode | GroupNode)
        spare = self.inputs.get(shape(node))
        if spare is None or not spare.is_mounted:  # none, or still being built
            return None
        del self.inputs[shape(node)]
        # Built for this very node (and never shown), it shows it already.
        built_for_it = spare.node_id == session.current
        usable = built_for_it or spare.reuse_for(session.current, node)
        if spare.lang != session.flow.language or not usable:
            spare.remove()
            return None
        _reveal(area, spare)
        return spare

    def take_actions(self, area: Vertical, lang: str) -> OutcomeActions | None:
        """The spare outcome buttons, shown; None if none (or in another language)."""
        actions = self.actions
        if actions is None or not actions.is_mounted:  # none, or still being built
            return None
        self.actions = None
        if actions.lang != lang:
            actions.remove()
            return None
        _reveal(area, actions)
        return actions

    async def build(self, area: Vertical, session: Session, shown: QuestionInput | None) -> None:
        """Build what the current node's successors may need and is missing."""
        if session.finished:
            return
        lang = session.flow.language
        for key, spare in list(self.inputs.items()):
            if spare.lang != lang:  # the language changed: build them again
                del self.inputs[key]
                await spare.remove()
        if self.actions is not None and self.actions.lang != lang:
            actions, self.actions = self.actions, None
            await actions.remove()
        if self.actions is None and _may_finish(session):
            self.actions = OutcomeActions(lang)
            self.actions.display = False
            await area.mount(self.actions)
        have = set(self.inputs)
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
            self.inputs[shape(node)] = widget
            await area.mount(widget)
            widget.style_as_focused()


def _reveal(area: Vertical, spare: Widget) -> None:
    area.move_child(spare, before=0)  # first: the input shown comes first in the area
    spare.display = True


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
