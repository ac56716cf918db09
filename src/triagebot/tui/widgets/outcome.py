"""The outcome card (urgency as a word and a colour, actions with their sources, values)
and the buttons under it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from triagebot.flows.catalog import Words, words
from triagebot.flows.engine import OutcomeView, RenderedItem
from triagebot.flows.layout import SECTIONS, citation, heading, labelled
from triagebot.flows.wording import urgency_word
from triagebot.tui.keymap import key_words


class OutcomeCard(Vertical):
    """Where the flow ended; styled by its urgency class (``-emergency`` …) in app.tcss.

    Worded in ``lang`` (the session's): the urgency word and the headings.
    """

    def __init__(
        self,
        view: OutcomeView,
        disclaimer: str,
        lang: str | None = None,
        sources: tuple[str, ...] = (),
    ) -> None:
        super().__init__(classes=f"bubble -outcome -{view.urgency}")
        self.view = view
        self.disclaimer = disclaimer
        self.lang = lang
        self.sources = sources
        """The flow's sources by short title (the card's Sources section, as in exports)."""

    def compose(self) -> ComposeResult:
        view, said = self.view, words(self.lang)
        title = f"{urgency_word(view.urgency, self.lang)} — {view.title}"
        yield Static(Text(title), classes="outcome-title")
        if view.summary:
            yield Static(Text(view.summary), classes="outcome-summary")
        for section in SECTIONS:  # the exports' sections, in their order
            if section == "values":
                if view.shown:
                    yield Static(said.values, classes="outcome-heading")
                for value in view.shown:
                    line = labelled(value.label, value.display, said.colon)
                    yield Static(Text(line), classes="outcome-value")
                continue
            items: tuple[RenderedItem, ...] = getattr(view, section)
            if items:
                yield Static(heading(said, section), classes="outcome-heading")
                yield from (Static(_item(item, said), classes="outcome-item") for item in items)
        if self.sources:
            yield Static(said.sources, classes="outcome-heading")
            for source in self.sources:
                yield Static(Text(f"• {source}"), classes="outcome-item")
        yield Static(Text(self.disclaimer), classes="disclaimer")


def _item(item: RenderedItem, said: Words) -> Text:
    text = Text(f"• {item.text}")
    text.append(f"\n  {citation(said, item.cited, item.section)}", style="italic")
    return text


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
        labels = key_words(self.lang).outcome_buttons
        for action, key, kind in OUTCOME_BUTTONS:
            label = f"{labels[action]} ({key})"
            yield Button(label, action=f"app.{action}", classes=kind, compact=True)
