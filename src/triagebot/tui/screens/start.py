"""The start screen: the flows on offer, a filter, Enter starts one.

Worded in the app's language (``--lang``, default English); each flow is listed in that
language when it is written in it, with the languages it is written in.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from triagebot import startup
from triagebot.app import library
from triagebot.app.library import Entry
from triagebot.flows.catalog import language_name, words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.safe_text import escaped
from triagebot.tui.keymap import (
    FILTER_BINDINGS,
    START_BINDINGS,
    drop_if_left,
    key_words,
)
from triagebot.tui.messages import FlowChosen
from triagebot.tui.widgets.ordered_input import OrderedInput


def describe(flow: CompiledFlow, today: date, lang: str | None = None) -> Text:
    """A flow as listed: title, then audience, version, review date (overdue marked) and
    the languages it is written in; worded in ``lang``."""
    said = words(lang)
    text = Text(flow.flow.title, style="bold")
    review = library.review_status(flow, today)
    text.append(f"\n  {flow.flow.audience} · v{flow.flow.version}")
    if review.overdue:
        overdue = said.review_overdue_due.format(date=review.due.isoformat())
        text.append(f" · {overdue}", style="bold reverse")
    else:
        text.append(f" · {said.review_date.format(date=review.due.isoformat())}")
    text.append(" · " + ", ".join(language_name(code) for code in flow.languages))
    return text


class FilterInput(OrderedInput):
    """The filter: Enter starts the flow highlighted as it is pressed.

    Its own binding, run in turn with the keys around it (``OrderedInput``): an Input posts
    Submitted after the keys already read (Down, in "Enter Down"), and the screen then
    read the highlight they had moved.
    """

    BINDINGS: ClassVar[list[BindingType]] = FILTER_BINDINGS


class StartScreen(Screen[None]):
    """Pick a flow: type to filter, ↑↓ to move, Enter to start."""

    BINDINGS: ClassVar[list[BindingType]] = START_BINDINGS

    def __init__(
        self, entries: list[Entry], today: date, unfinished: int = 0, lang: str | None = None
    ) -> None:
        super().__init__()
        self.entries = entries
        self.today = today
        self.unfinished = unfinished
        """Unfinished sessions waiting (a hint names F4 when there are any)."""
        self.lang = lang
        """The app's language (``--lang``)."""
        self.flows = {str(e.path): e.flow for e in entries if e.flow is not None}
        self.chosen = False
        """A flow was chosen: the keys that follow start no other."""
        self.listed_for: str | None = None
        """The filter the list shows now (None: not filled yet)."""

    def compose(self) -> ComposeResult:
        said = words(self.lang)
        yield Static(said.choose_a_flow, id="start-title")
        yield Static(key_words(self.lang).start_hint, classes="hint")
        if self.unfinished:
            keys = key_words(self.lang)
            template = keys.unfinished_one if self.unfinished == 1 else keys.unfinished_many
            yield Static(template.format(count=self.unfinished), id="unfinished", classes="hint")
        yield FilterInput(placeholder=said.filter_placeholder, id="filter")
        yield OptionList(id="flow-list")
        broken = [e for e in self.entries if e.error is not None]
        if broken:
            names = escaped(", ".join(e.path.name for e in broken))
            yield Static(said.not_loaded.format(names=names), id="broken", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refill("")
        self.query_one("#filter", Input).focus()
        self.call_after_refresh(startup.resume_collector)  # drawn: start-up is over

    def refill(self, words: str) -> None:
        """Show the flows whose id, title or audience contain every word typed."""
        self.listed_for = words
        terms = words.lower().split()
        options = [
            Option(describe(flow, self.today, self.lang), id=path)
            for path, flow in self.flows.items()
            if all(t in f"{flow.id} {flow.flow.title} {flow.flow.audience}".lower() for t in terms)
        ]
        listing = self.query_one("#flow-list", OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    @on(Input.Changed, "#filter")
    def _filtered(self, event: Input.Changed) -> None:
        if event.value != self.listed_for:
            self.refill(event.value)

    def _catch_up(self) -> None:
        """List for the filter as typed. Keys read together ("hep" then Enter) reach a
        binding before the filter's Changed message: without this, Enter would start the
        first flow of the list as it was before the filter."""
        typed = self.query_one("#filter", Input).value
        if typed != self.listed_for:
            self.refill(typed)

    def action_move(self, step: int) -> None:
        self._catch_up()
        listing = self.query_one("#flow-list", OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def action_start_highlighted(self) -> None:
        self._catch_up()
        listing = self.query_one("#flow-list", OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected, "#flow-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, path: str | None) -> None:
        if path is not None and not self.chosen:
            self.chosen = True
            self.post_message(FlowChosen(self.flows[path]))

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)
