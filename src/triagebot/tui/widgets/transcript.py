"""The conversation: what the Session did, as messages, kept in step with the Session.

``entries(session)`` (:mod:`triagebot.flows.conversation`, the core's conversation view)
says what should be on screen, in the session's language; ``TranscriptPane.show`` hands the
messages to the ``ChatLog`` (one widget that draws them as lines,
``chat_log.py``) and shows an outcome as a card under them. In a repeated group each
round starts with a mark (``Branch 2``) and each of its questions says its round; answers
are told apart by (question, round).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from triagebot.flows.conversation import Entry
from triagebot.flows.engine import Session
from triagebot.tui.widgets.chat_log import ChatLog
from triagebot.tui.widgets.outcome import OutcomeCard

if TYPE_CHECKING:
    from textual.layout import DockArrangeResult


class TranscriptPane(VerticalScroll):
    """The conversation; follows new messages unless the user has scrolled up.

    Its virtual size changes at every answer and needs no layout of its own (the one that
    placed the new messages made it); the scrollbars still follow it, and their showing
    up still lays out again.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """As Widget's, but a change lays nothing out (see the class docstring); the
    scrollbars follow it all the same."""

    def __init__(self) -> None:
        super().__init__(id="transcript")
        self.shown: list[Entry] = []
        self._arranged_height: int | None = None
        self.outcome_shown: OutcomeCard | None = None
        """An outcome card just mounted, to scroll to when it is laid out."""
        self._card_placed = False
        self.chat_log = ChatLog()
        """The messages but the outcome card (kept here: ``show`` runs at every answer)."""

    def on_mount(self) -> None:
        self.anchor()
        # Textual also arranges the transcript to answer where a widget is (with the last
        # layout's sizes, in the middle of a change): only a layout that placed the card
        # and is drawn (which ends by publishing this signal) has shown it from its top.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out, immediate=True)

    def _laid_out(self, _screen: object) -> None:
        if self._card_placed:
            self.outcome_shown = None
            self._card_placed = False

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
        yield self.chat_log

    def show(self, session: Session, wanted: list[Entry]) -> AwaitComplete:
        """Make the transcript show ``wanted``: the messages as lines, the outcome as a card.

        Await the result for the change to be in place (an old card removed, a new one
        mounted): the chat awaits it before it draws, so the frame that shows the next
        question's input shows its message too.
        """
        outcome = wanted[-1] if wanted and wanted[-1].kind == "outcome" else None
        messages = wanted[:-1] if outcome is not None else wanted
        changed = messages != self.chat_log.entries
        if changed:
            self.chat_log.update(messages)
        steps: list[Awaitable[object]] = []
        # A card is drawn from the session (values, doses): kept only if nothing changed.
        cards = list(self.query(OutcomeCard))
        stale = [] if wanted == self.shown else cards
        if stale:
            steps.append(self.remove_children(stale))
        if outcome is not None and (stale or not cards):
            view = session.outcome()
            assert view is not None
            flow = session.flow
            sources = tuple(source.cited for source in flow.flow.sources)
            card = OutcomeCard(view, flow.flow.disclaimer, flow.language, sources)
            steps.append(self.mount(card))
            # Show the outcome from its top (urgency and title), not its last line.
            self.anchor(False)
            self.outcome_shown = card
        elif changed and not self.is_anchored:
            self.anchor()
        self.shown = list(wanted)
        return AwaitComplete(*steps)
