"""The conversation: what the Session did, as messages, kept in step with the Session.

``entries(session)`` says what should be on screen (a pure function, no textual), in the
session's language; ``Transcript.show`` hands the messages to the ``Conversation`` (one
widget that draws them as lines, ``conversation.py``) and shows an outcome as a card
under them. In a repeated group each round starts with a mark (``Branch 2``) and each of
its questions says its round; answers are told apart by (question, round).
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from triagebot.flows.engine import Session, describe_answer
from triagebot.flows.schema import GroupNode, InfoNode, OutcomeNode
from triagebot.flows.wording import overdue_line, round_label, round_name
from triagebot.tui.widgets.conversation import Conversation
from triagebot.tui.widgets.outcome import OutcomeCard
from triagebot.tui.widgets.steady import SteadySize

if TYPE_CHECKING:
    from textual.layout import DockArrangeResult

Kind = Literal["note", "warning", "round", "question", "info", "answer", "superseded", "outcome"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of the conversation."""

    kind: Kind
    node: str
    text: str
    detail: str | None = None
    status: str = ""
    """For answers: ``changed`` or ``kept`` (carried over an edit); empty otherwise."""
    round: int | None = None
    """The round of a repeated group's member (its question, answer or superseded answer)."""
    heading: str | None = None
    """A line above the text: a member question's round (``Branch 2 of up to 6``)."""
    lang: str | None = None
    """The language the entry is worded in (a switch re-draws every entry)."""


Key = tuple[str, int | None]
"""An answer on the path: (question, round); the round is None outside groups."""


def entries(session: Session, today: date | None = None) -> list[Entry]:
    """The conversation as it stands: the path so far, then what is asked now."""
    flow = session.flow.flow
    lang = session.flow.language
    result = [Entry("note", "", flow.disclaimer, lang=lang)]
    warning = overdue_line(session.flow, today)
    if warning is not None:
        result.append(Entry("warning", "", warning, lang=lang))
    changed = {(change.question, change.round) for change in session.changes}
    superseded = list(_superseded(session))
    in_round: str | None = None
    for step in session.steps:
        in_round = _mark_round(session, step.node, step.round, in_round, result)
        result.append(_asked(session, step.node, step.round))
        if step.value is not None:
            key = (step.node, step.round)
            question = session.flow.question(step.node)
            status = "kept" if step.carried else "changed" if key in changed else ""
            shown = describe_answer(question, step.value, lang)
            result.append(Entry("answer", step.node, shown, None, status, step.round, lang=lang))
            result += [entry for after, entry in superseded if after == key]
    result += [entry for after, entry in superseded if after is None]
    if session.finished:
        result.append(Entry("outcome", session.current, session.node.title, lang=lang))  # type: ignore[union-attr]
    else:
        _mark_round(session, session.current, session.round, in_round, result)
        result.append(_asked(session, session.current, session.round))
    return result


def _mark_round(
    session: Session, node: str, number: int | None, in_round: str | None, result: list[Entry]
) -> str | None:
    """Append a mark (``Branch 2``) when ``node`` starts a round other than ``in_round``;
    returns the round the conversation is now in (None outside groups)."""
    name = round_name(session.flow, node, number)
    if name is not None and name != in_round:
        result.append(Entry("round", "", name, round=number, lang=session.flow.language))
    return name


def _asked(session: Session, node_id: str, number: int | None) -> Entry:
    node = session.flow.node(node_id)
    lang = session.flow.language
    if isinstance(node, InfoNode):
        return Entry("info", node_id, node.text, lang=lang)
    assert not isinstance(node, OutcomeNode | GroupNode)
    heading = round_label(session.flow, node_id, number)
    return Entry("question", node_id, node.prompt, node.detail, "", number, heading, lang)


def _superseded(session: Session) -> Iterator[tuple[Key | None, Entry]]:
    """Answers that no longer apply (not answered again in the same round), each placed
    after the answer whose change dropped it."""
    answered = {(step.node, step.round) for step in session.steps if step.value is not None}
    lang = session.flow.language
    for item in session.superseded:
        if (item.question, item.round) in answered:
            continue
        cause = next(
            ((c.question, c.round) for c in reversed(session.changes) if c.at <= item.at), None
        )
        question = session.flow.question(item.question)
        name = round_name(session.flow, item.question, item.round)
        where = "" if name is None else f"{name}: "
        text = f"{where}{question.prompt} — {describe_answer(question, item.value, lang)}"
        entry = Entry("superseded", item.question, text, round=item.round, lang=lang)
        yield (cause if cause in answered else None), entry


class Transcript(VerticalScroll, SteadySize):
    """The conversation; follows new messages unless the user has scrolled up.

    Its virtual size changes at every answer and needs no layout of its own (the one that
    placed the new messages made it); the scrollbars still follow it, and their showing
    up still lays out again.
    """

    def __init__(self) -> None:
        super().__init__(id="transcript")
        self.shown: list[Entry] = []
        self._arranged_height: int | None = None
        self.outcome_shown: OutcomeCard | None = None
        """An outcome card just mounted, to scroll to when it is laid out."""
        self._card_placed = False
        self.conversation = Conversation()
        """The messages but the outcome card (kept here: ``show`` runs at every answer)."""

    def on_mount(self) -> None:
        self.anchor()

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        """Arrange the messages; scroll an outcome card just shown to the top of the view
        in this same layout, so the first frame that shows it shows its top."""
        self._arranged_height = size.height
        arrangement = super().arrange(size, optimal)
        card = self.outcome_shown
        placed = next((p for p in arrangement.placements if p.widget is card), None)
        self._card_placed = placed is not None
        if placed is not None:
            # As scroll_to_widget(card, top=True) would, once laid out: the card's top
            # margin at the top of the view, or as far as the transcript scrolls.
            bottom = arrangement.spatial_map.total_region.bottom
            end = max(0, bottom - size.height)
            top = min(max(0, placed.region.y - placed.margin.top), end)
            self.set_reactive(Widget.scroll_y, top)
            self.set_reactive(Widget.scroll_target_y, top)
            self.vertical_scrollbar.set_reactive(ScrollBar.position, top)
        return arrangement

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual also arranges the transcript to answer where a widget is (with the last
        # layout's sizes, in the middle of a change): only a layout that placed the card
        # and is drawn (which ends here) has shown it from its top.
        if self._card_placed:
            self.outcome_shown = None
            self._card_placed = False
        return super()._size_updated(size, virtual_size, container_size, layout)

    @property
    def container_size(self) -> Size:
        """The height being laid out, not the last layout's.

        Textual follows the end (``anchor``) with ``container_size`` while it lays the
        transcript out, before it updates it: when the input below changes height with
        the question, the first frame scrolled for the old height and hid the new
        question (or left a gap) until a second layout, a frame or two later.
        """
        size = super().container_size
        if self._arranged_height is None:
            return size
        return Size(size.width, self._arranged_height + self.scrollbar_size_horizontal)

    def compose(self) -> ComposeResult:
        yield self.conversation

    def show(self, session: Session, wanted: list[Entry]) -> AwaitComplete:
        """Make the transcript show ``wanted``: the messages as lines, the outcome as a card.

        Await the result for the change to be in place (an old card removed, a new one
        mounted): the chat awaits it before it draws, so the frame that shows the next
        question's input shows its message too.
        """
        outcome = wanted[-1] if wanted and wanted[-1].kind == "outcome" else None
        messages = wanted[:-1] if outcome is not None else wanted
        changed = messages != self.conversation.entries
        if changed:
            self.conversation.update(messages)
        steps: list[Awaitable[object]] = []
        # A card is drawn from the session (values, doses): kept only if nothing changed.
        cards = list(self.query(OutcomeCard))
        stale = [] if wanted == self.shown else cards
        if stale:
            steps.append(self.remove_children(stale))
        if outcome is not None and (stale or not cards):
            view = session.outcome()
            assert view is not None
            card = OutcomeCard(view, session.flow.flow.disclaimer, session.flow.language)
            steps.append(self.mount(card))
            # Show the outcome from its top (urgency and title), not its last line.
            self.anchor(False)
            self.outcome_shown = card
        elif changed and not self.is_anchored:
            self.anchor()
        self.shown = list(wanted)
        return AwaitComplete(*steps)
