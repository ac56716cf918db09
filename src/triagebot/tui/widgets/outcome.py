"""The outcome card: urgency as a word and a colour, actions with their sources, values."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from triagebot.flows.engine import OutcomeView, RenderedItem
from triagebot.tui.wording import URGENCY_WORDS


class OutcomeCard(Vertical):
    """Where the flow ended; styled by its urgency class (``-emergency`` …) in app.tcss."""

    def __init__(self, view: OutcomeView, disclaimer: str) -> None:
        super().__init__(classes=f"bubble -outcome -{view.urgency}")
        self.view = view
        self.disclaimer = disclaimer

    def compose(self) -> ComposeResult:
        view = self.view
        yield Static(Text(f"{URGENCY_WORDS[view.urgency]} — {view.title}"), classes="outcome-title")
        if view.summary:
            yield Static(Text(view.summary), classes="outcome-summary")
        for heading, items in (
            ("Why", view.reasons),
            ("Actions", view.actions),
            ("Safety-netting", view.safety_netting),
        ):
            if items:
                yield Static(heading, classes="outcome-heading")
                yield from (Static(_item(item), classes="outcome-item") for item in items)
        if view.shown:
            yield Static("Values", classes="outcome-heading")
            for value in view.shown:
                yield Static(Text(f"{value.label}: {value.display}"), classes="outcome-value")
        yield Static(Text(self.disclaimer), classes="disclaimer")


def _item(item: RenderedItem) -> Text:
    text = Text(f"• {item.text}")
    text.append(f"\n  Source: {item.doc}, {item.section}", style="italic")
    return text
