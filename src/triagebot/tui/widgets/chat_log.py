"""The conversation's messages drawn as lines of one widget, not as a widget each.

A widget per message cost every answer two widgets to create, style, compose and mount
(about 5 ms, before the next question could be drawn), and every frame laid out and
rendered more of them as the conversation grew. Here an answer adds lines: each message
is wrapped and rendered once per width (cached), and a frame draws only the lines in view.

Colours and text styles come from app.tcss, through the component classes below; the
shape of each kind of message (``SHAPES``: indent, space above, widest share of the view,
a bar on its left) is set here, since component classes carry no box model.

The clinician's answers can be picked (F3, then up/down, Enter or a click) to change one:
the widget takes the focus as a whole, and ``selected`` says which answer is highlighted.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget

from triagebot.flows.catalog import words
from triagebot.tui.keymap import CONVERSATION_BINDINGS, in_language
from triagebot.tui.messages import EditRequested

if TYPE_CHECKING:
    from textual.selection import Selection

    from triagebot.flows.conversation import Entry, Key


@dataclass(frozen=True, slots=True)
class Shape:
    """Where a kind of message sits and how wide it may grow."""

    above: int
    """Blank lines above it."""
    indent: int
    """Columns left of it."""
    widest: float
    """The largest share of the width it may take."""
    bar: bool
    """A one-column bar on its left, in its ``-bar`` component's colour."""


PADDING = 1
"""Columns of background either side of a message's text."""
SHAPES: dict[str, Shape] = {
    "note": Shape(1, 0, 1.0, False),
    "warning": Shape(1, 0, 0.9, False),
    "round": Shape(1, 0, 1.0, False),
    "question": Shape(1, 0, 0.9, True),
    "info": Shape(1, 0, 0.9, True),
    # An answer sits right under its question, indented like a reply.
    "answer": Shape(0, 12, 0.9, False),
    "superseded": Shape(0, 12, 0.9, False),
}
BAR = "█"  # as Textual's thick border


def message_text(entry: Entry) -> Text:
    """What a message says: its heading (a round), its text, its detail; an answer also
    says whether an edit changed or kept it, and one that no longer applies says so."""
    said = words(entry.lang)
    body = entry.text
    if entry.kind == "answer":
        body += {"changed": said.answer_changed, "kept": said.answer_kept}.get(entry.status, "")
    elif entry.kind == "superseded":
        body = said.superseded_line.format(text=body)
    text = Text()
    if entry.heading is not None:
        text.append(entry.heading + "\n", style="italic")
    text.append(body)
    if entry.detail is not None:
        text.append("\n" + entry.detail, style="dim")
    return text


class ChatLog(Widget, can_focus=True):
    """Every message of the conversation but the outcome card, in order, as lines (as
    Textual's ``Log``): what the chat screen draws of the application layer's
    ``Conversation``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"chat-log--{kind}" for kind in SHAPES),
        "chat-log--question-bar",
        "chat-log--info-bar",
        "chat-log--selected",
    }
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """As Widget's, but a change lays nothing out: Textual asks for a second layout
    whenever a widget's virtual size changes, and the layout that placed new messages
    changes it; this widget never scrolls, so the layout that sized it is enough."""
    BINDINGS: ClassVar[list[BindingType]] = CONVERSATION_BINDINGS

    def __init__(self) -> None:
        super().__init__(id="chat-log")
        self.entries: list[Entry] = []
        self.selected: Key | None = None
        """The answer highlighted while the conversation has the focus: (question, round)."""
        self._lang: str | None = None
        self._width = 0
        self._drawn: dict[tuple[Entry, bool], list[Strip]] = {}
        """Each message's lines at ``_width``, plain and highlighted."""
        self._tops: list[int] | None = None
        """The first line of each message (its space above included), at ``_width``; None
        until they are placed."""
        self._height = 0

    # What is shown

    def update(self, entries: list[Entry]) -> None:
        """Show ``entries``; a picked answer that is gone is no longer picked."""
        self.entries = list(entries)
        if self.selected is not None and self._index(self.selected) is None:
            self.selected = None
        lang = entries[0].lang if entries else None
        if lang != self._lang:
            self._lang = lang
            self.refresh_bindings()  # Enter's description is in the messages' language
        # Lines of messages no longer shown are not kept (a language switch re-words all).
        shown = set(self.entries)
        self._drawn = {key: lines for key, lines in self._drawn.items() if key[0] in shown}
        self._tops = None
        self.refresh(layout=True)

    def answers(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == "answer"]

    def span(self, index: int) -> tuple[int, int]:
        """The lines of message ``index`` (its text, not the space above): first, end."""
        tops = self._placed()
        end = tops[index + 1] if index + 1 < len(tops) else self._height
        return tops[index] + SHAPES[self.entries[index].kind].above, end

    # Picking an answer

    def pick_last(self) -> bool:
        """Highlight the latest answer and take the focus; False if there is none."""
        answers = self.answers()
        if not answers:
            return False
        self._select(_key(answers[-1]))
        self.focus(scroll_visible=False)
        return True

    def action_pick(self, step: int) -> None:
        """Highlight the previous (-1) or next (1) answer; past the last, on to the input."""
        keys = [_key(entry) for entry in self.answers()]
        if not keys:
            return
        at = keys.index(self.selected) if self.selected in keys else len(keys)
        wanted = at + step
        if wanted >= len(keys):
            self.screen.focus_next()
        elif wanted >= 0:
            self._select(keys[wanted])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return in_language(parameters, self._lang)

    def action_edit(self) -> None:
        if self.selected is not None:
            self.post_message(EditRequested(*self.selected))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        entry = self._entry_at(offset.y)
        if entry is not None and entry.kind == "answer":
            self._select(_key(entry))
            self.post_message(EditRequested(*_key(entry)))

    def on_focus(self) -> None:
        if self.selected is None and self.answers():
            self.selected = _key(self.answers()[-1])
        self.call_after_refresh(self._show_selected)  # laid out, as Tab may come first
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _select(self, key: Key) -> None:
        self.selected = key
        self.refresh()
        self._show_selected()

    def _show_selected(self) -> None:
        """Bring the picked answer into view, centred, if it is not wholly in view (as
        Textual does for a widget given the focus)."""
        index = None if self.selected is None else self._index(self.selected)
        transcript = self.parent
        if index is None or not isinstance(transcript, Widget):
            return
        first, end = self.span(index)
        wanted = Region(0, self.virtual_region.y + first, 1, end - first)
        view = Region(0, round(transcript.scroll_y), 1, transcript.scrollable_content_region.height)
        if not view.contains_region(wanted):
            transcript.scroll_to_region(wanted, animate=False, center=True, immediate=True)

    def _index(self, key: Key) -> int | None:
        return next(
            (i for i, e in enumerate(self.entries) if e.kind == "answer" and _key(e) == key),
            None,
        )

    def _entry_at(self, y: int) -> Entry | None:
        found = self._at(y)
        if found is None:
            return None
        entry, row = found
        return entry if 0 <= row < len(self._lines(entry, False)) else None

    def _at(self, y: int) -> tuple[Entry, int] | None:
        """The message on line ``y`` and the row of its text there (negative: the space
        above it); None above the first."""
        tops = self._placed()
        index = bisect_right(tops, y) - 1
        if index < 0:
            return None
        entry = self.entries[index]
        return entry, y - tops[index] - SHAPES[entry.kind].above

    # Drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()  # a theme or a class changed the colours

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._lay_out(width)
        return self._height

    def _lay_out(self, width: int) -> None:
        """Place every message at ``width`` (once per change of messages or width)."""
        if width != self._width:
            self._width = width
            self._drawn.clear()
            self._tops = None
        if self._tops is not None:
            return
        self._tops, y = [], 0
        for entry in self.entries:
            self._tops.append(y)
            y += SHAPES[entry.kind].above + len(self._lines(entry, False))
        self._height = y

    def _lines(self, entry: Entry, highlighted: bool) -> list[Strip]:
        drawn = self._drawn.get((entry, highlighted))
        if drawn is None:
            drawn = self._draw(entry, highlighted)
            self._drawn[entry, highlighted] = drawn
        return drawn

    def _draw(self, entry: Entry, highlighted: bool) -> list[Strip]:
        """The lines of one message at ``_width``: indent, bar, padding, wrapped text."""
        shape = SHAPES[entry.kind]
        style = self.get_component_rich_style(f"chat-log--{entry.kind}")
        if highlighted:
            style += self.get_component_rich_style("chat-log--selected", partial=True)
        box = Style(bgcolor=style.bgcolor)  # padding: the background, no text style
        bar = self.get_component_rich_style(
            f"chat-log--{entry.kind}-bar", partial=True, default=box
        )
        room = int((self._width - shape.indent) * shape.widest)  # as Textual sizes max-width
        text_room = max(1, room - 2 * PADDING - shape.bar)
        content = Content.from_rich_text(message_text(entry))
        lines = content.wrap(text_room)  # as a Static wraps
        # As Textual sizes ``width: auto``: the longest line, or all the room if it wraps.
        longest = max(cell_len(line) for line in content.plain.split("\n"))
        wide = min(longest, text_room)
        left = [Segment(" " * shape.indent, self._blank_style())] if shape.indent else []
        if shape.bar:
            left.append(Segment(BAR, box + bar))
        pad = Segment(" " * PADDING, box)
        strips = []
        for line in lines:
            said = Segment.apply_style(line.render_segments(), style)
            gap = wide - line.cell_length
            fill = [Segment(" " * gap, box)] if gap > 0 else []
            strips.append(Strip([*left, pad, *said, *fill, pad]))
        return strips

    def _blank_style(self) -> Style:
        return Style(bgcolor=self.rich_style.bgcolor)

    def _placed(self) -> list[int]:
        """The first line of each message, at the width laid out."""
        self._lay_out(self.size.width)
        assert self._tops is not None
        return self._tops

    def _line(self, y: int, highlight: bool = True) -> Strip | None:
        """Line ``y`` of the message on it (None: the space above a message, or none)."""
        found = self._at(y)
        if found is None:
            return None
        entry, row = found
        picked = entry.kind == "answer" and _key(entry) == self.selected
        lines = self._lines(entry, highlight and picked and self.has_focus)
        return lines[row] if 0 <= row < len(lines) else None

    def render_line(self, y: int) -> Strip:
        strip = self._line(y)
        if strip is None:
            return Strip.blank(self.size.width, self._blank_style())
        selection = self.text_selection
        if selection is not None:
            strip = _with_selection(strip, selection.get_span(y), self._selection_style())
        return strip.apply_offsets(0, y)

    # Selecting text with the mouse, as in any other widget

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        self._placed()
        rows = [self._plain(y) for y in range(self._height)]
        return selection.extract("\n".join(rows)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def _plain(self, y: int) -> str:
        """Line ``y`` as text, column for column (the bar as a space)."""
        strip = self._line(y, highlight=False)
        return "" if strip is None else strip.text.replace(BAR, " ").rstrip()

    def _selection_style(self) -> Style:
        return self.screen.get_component_rich_style("screen--selection")


def _key(entry: Entry) -> Key:
    return (entry.node, entry.round)


def _with_selection(strip: Strip, span: tuple[int, int] | None, style: Style) -> Strip:
    """``strip`` with columns ``span`` (end -1: to the end of the line) in ``style``."""
    if span is None:
        return strip
    start, end = span
    end = strip.cell_length if end == -1 else end
    before, chosen, after = strip.divide([start, end, strip.cell_length])[:3]
    return Strip.join([before, Strip(Segment.apply_style(chosen, post_style=style)), after])
