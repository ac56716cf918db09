"""The "why we ask" view: the current node's reason and its source citation."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.wording import why_lines
from triagebot.tui.keymap import WHY_BINDINGS, drop_if_left, key_words

STYLES = {"heading": "bold", "text": "", "detail": "dim"}


def why_text(flow: CompiledFlow, node_id: str) -> Text:
    text = Text()
    for style, line in why_lines(flow, node_id):
        if style == "heading" and text:
            text.append("\n")
        text.append(line + "\n", style=STYLES[style])
    return text


class WhyScreen(ModalScreen[None]):
    """Shows why the current node is asked, and its source, in the flow's language; Escape
    or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = WHY_BINDINGS

    def __init__(self, flow: CompiledFlow, node_id: str) -> None:
        super().__init__()
        self.flow = flow
        self.node_id = node_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box"):
            yield Static(why_text(self.flow, self.node_id), id="why-text")
            yield Static(key_words(self.flow.language).esc_f1_closes, classes="hint")

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)
