"""F5's question: which format to export the transcript in (plain text, Markdown, JSON,
FHIR R5, FHIR R4B), the one chosen last time highlighted; Enter exports, Escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from triagebot.flows.catalog import words
from triagebot.flows.exports import FORMATS, Format
from triagebot.tui.keymap import EXPORT_FORMAT_BINDINGS, drop_if_left, key_words


class ExportFormatScreen(ModalScreen[Format | None]):
    """Returns the format picked, or None (cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = EXPORT_FORMAT_BINDINGS

    def __init__(self, last: Format, lang: str | None = None) -> None:
        super().__init__()
        self.last = last
        self.lang = lang

    def compose(self) -> ComposeResult:
        said = words(self.lang)
        with Vertical(id="format-box"):
            yield Static(said.export_as, classes="edit-title", markup=False)
            options = [Option(said.format_names[fmt], id=fmt) for fmt in FORMATS]
            yield OptionList(*options, id="formats")
            yield Static(key_words(self.lang).esc_cancels, classes="hint")

    def on_mount(self) -> None:
        listing = self.query_one("#formats", OptionList)
        listing.highlighted = FORMATS.index(self.last)
        listing.focus()

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)

    @on(OptionList.OptionSelected, "#formats")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(next(fmt for fmt in FORMATS if fmt == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
