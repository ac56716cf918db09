"""Lists of options that choose nothing by themselves and say what they cannot show.

Principle 8, no answer without an explicit act: Textual's OptionList highlights its first
option when built, so a stray Enter answered it. These lists start with nothing
highlighted; Enter (or Space on ticks) before an arrow key or a click moved to an option
chooses nothing and posts ``Unmoved``, and the input says which keys answer.

Principle 9, every option visible: each option shows its label and, under it, its detail.
A list taller than its room posts ``Unseen`` (how many options are out of view above and
below) as it scrolls with the highlight, and the input says so under it; the option moved
to is always shown whole. Glyphs, not colour alone (NO_COLOR draws every colour in grey):
the option moved to is marked (``MOVED_TO``), and a tick box reads ``[x]`` or ``[ ]``.
Textual's SelectionList could do neither: it keeps only a prompt's first line (no detail)
and tells a tick by its colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.visual import visualize
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

MOVED_TO = "›"
"""Marks the option the keys are on."""
TICKED, UNTICKED = "[x]", "[ ]"


@dataclass(frozen=True)
class Item:
    """One option as listed."""

    id: str
    """What choosing it answers (the option's id, or a suggestion's value)."""
    label: str
    """Its first line."""
    detail: str | None = None
    """Shown under the label, dimmed (what the option includes)."""
    number: int | None = None
    """The key that picks it, shown before the label (None: no key)."""


class Options(OptionList):
    """Options with nothing highlighted until the user moves to one."""

    class Unmoved(Message):
        """Enter (or Space) with no option moved to: nothing is chosen."""

    class Unseen(Message):
        """How many options are out of view now, above and below."""

        def __init__(self, above: int, below: int) -> None:
            super().__init__()
            self.above = above
            self.below = below

    def __init__(self, items: Iterable[Item] = (), *, classes: str | None = None) -> None:
        super().__init__(classes=classes, compact=True, markup=False)
        self.items: list[Item] = []
        self.moved_to: int | None = None
        """The option drawn with the mark (the one highlighted)."""
        self.unseen = (0, 0)
        """Options out of view (above, below), as last posted."""
        self.show_items(items)

    def show_items(self, items: Iterable[Item]) -> None:
        """List ``items``, none highlighted, from the top."""
        self.items = list(items)
        self.set_options(Option(self.prompt(item, False), id=item.id) for item in self.items)
        if self.is_mounted:
            self.scroll_home(animate=False, immediate=True)
            self.call_after_refresh(self.count_unseen)

    def prompt(self, item: Item, moved_to: bool) -> Table:
        """An option as drawn: the mark, its box (ticks) and number, then its label and
        detail, wrapped under the label's first word."""
        number = "" if item.number is None else f"{item.number}. "
        lead = f"{MOVED_TO if moved_to else ' '} {self.box(item)}{number}"
        text = Text(item.label)
        if item.detail:
            text.append(f"\n{item.detail}", style="dim")
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column()
        grid.add_row(Text(lead), text)  # Text: a tick box is not markup
        return grid

    def box(self, item: Item) -> str:
        """What precedes an option's number: a tick box in a list of ticks."""
        return ""

    def redraw(self, index: int | None) -> None:
        """Draw the option at ``index`` afresh (its mark or its box changed)."""
        if index is not None and 0 <= index < min(len(self.items), self.option_count):
            moved_to = index == self.highlighted
            self.replace_option_prompt_at_index(index, self.prompt(self.items[index], moved_to))

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        left, self.moved_to = self.moved_to, highlighted
        self.redraw(left)
        self.redraw(highlighted)

    def action_select(self) -> None:
        if self.highlighted is None:
            self.post_message(self.Unmoved())
            return
        super().action_select()

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self.count_unseen, init=False)
        self.call_after_refresh(self.count_unseen)

    def on_resize(self) -> None:
        self.call_after_refresh(self.count_unseen)

    def count_unseen(self) -> None:
        """Post ``Unseen`` when the options out of view have changed."""
        unseen = out_of_view(self)
        if unseen != self.unseen:
            self.unseen = unseen
            self.post_message(self.Unseen(*unseen))


def out_of_view(listing: OptionList) -> tuple[int, int]:
    """How many of ``listing``'s options have their first line (number and label) out of
    view: (above, below). One cut at the bottom is shown, its number read: counted, it
    would have the reader look for one more than there is.

    Each option's height is its prompt wrapped to the list's width, as OptionList lays it
    out (``tests/test_tui_options.py`` checks the counts against what is on screen).
    """
    room = listing.scrollable_content_region
    if not room.height:
        return (0, 0)
    padding = listing.get_component_styles("option-list--option").padding
    width = room.width - padding.width
    top = round(listing.scroll_y)
    bottom = top + room.height
    above = below = 0
    y = 0
    for option in listing.options:
        visual = visualize(listing, option.prompt, markup=False)
        height = visual.get_height(cast("RulesMap", listing.styles), width)
        if y < top:
            above += 1
        elif y >= bottom:
            below += 1
        y += height
    return (above, below)


class Ticks(Options):
    """Options ticked and unticked: Space or Enter toggles the option moved to."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "select", show=False)]

    def __init__(self, items: Iterable[Item] = (), *, classes: str | None = None) -> None:
        self.ticked: set[str] = set()
        super().__init__(items, classes=classes)

    def show_items(self, items: Iterable[Item]) -> None:
        self.ticked = set()
        super().show_items(items)

    def box(self, item: Item) -> str:
        return f"{TICKED if item.id in self.ticked else UNTICKED} "

    @property
    def selected(self) -> list[str]:
        """The ids ticked, in the options' order."""
        return [item.id for item in self.items if item.id in self.ticked]

    def toggle(self, option_id: str) -> None:
        """Tick the option, or untick it if ticked."""
        self.ticked ^= {option_id}
        self.redraw(self._index(option_id))

    def tick(self, option_ids: Sequence[str]) -> None:
        """Tick these options (a draft carried over from another language)."""
        for option_id in option_ids:
            if option_id not in self.ticked:
                self.toggle(option_id)

    def _index(self, option_id: str) -> int | None:
        found = (n for n, item in enumerate(self.items) if item.id == option_id)
        return next(found, None)

    def action_select(self) -> None:
        if self.highlighted is None:
            self.post_message(self.Unmoved())
            return
        self.toggle(self.items[self.highlighted].id)
