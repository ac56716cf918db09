"""The resume offer: unfinished sessions (left by a crash or a quit), Enter resumes one.

Shown over the start screen when ``triagebot`` opens and unfinished sessions exist, and on
F4 from the start screen. A damaged journal is listed with its error; it can be discarded
but not resumed. Discarding asks first: a journal holds answers a clinician may need.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from triagebot.flows import journal
from triagebot.resuming import Offer
from triagebot.tui.messages import ResumeChosen
from triagebot.tui.widgets.footer import SteadyFooter


def describe(offer: Offer) -> Text:
    """An unfinished session as listed: flow and start, answers and question, or its error."""
    if offer.error is not None:
        text = Text(offer.name, style="bold")
        text.append("\n  CANNOT BE RESUMED: ", style="bold reverse")
        text.append(offer.error)
        return text
    text = Text(offer.title, style="bold")
    noun = "answer" if offer.answers == 1 else "answers"
    text.append(f"\n  started {offer.started} · {offer.answers} {noun}")
    text.append(f"\n  at: {offer.current}")
    for warning in offer.warnings:
        text.append("\n  WARNING: ", style="bold reverse")
        text.append(warning)
    return text


class ConfirmDiscard(ModalScreen[bool]):
    """Discard one unfinished session? y discards, n or Esc keeps it."""

    DEFAULT_CSS = """
    ConfirmDiscard { align: center middle; }
    #confirm-box {
        width: 60; height: auto; padding: 1 2;
        border: heavy $warning; background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", priority=True),
        Binding("n", "answer(False)", "Keep", priority=True),
        Binding("escape", "answer(False)", "Keep", priority=True, show=False),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(f"Discard {self.what}?"), classes="edit-title")
            yield Static("Its answers are deleted for good.", classes="hint")
            yield Static("y discards · n or Esc keeps it", classes="hint")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class ResumeScreen(Screen[None]):
    """Unfinished sessions, newest first: Enter resumes, d discards, Esc for the flows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "discard", "Discard"),
        Binding("delete", "discard", "Discard", show=False),
        Binding("escape", "dismiss", "New session"),
    ]

    def __init__(self, offers: list[Offer]) -> None:
        super().__init__()
        self.offers = {str(offer.entry.path): offer for offer in offers}

    def compose(self) -> ComposeResult:
        yield Static("triagebot — unfinished sessions", id="start-title")
        yield Static(
            "Enter resumes with every answer · d discards · Esc for a new session",
            classes="hint",
        )
        yield OptionList(id="session-list")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refill()
        self.query_one(OptionList).focus()

    def refill(self) -> None:
        listing = self.query_one("#session-list", OptionList)
        listing.set_options(Option(describe(offer), id=path) for path, offer in self.offers.items())
        if self.offers:
            listing.highlighted = 0

    def highlighted(self) -> Offer | None:
        listing = self.query_one("#session-list", OptionList)
        if listing.highlighted is None:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id
        return self.offers.get(option_id or "")

    @on(OptionList.OptionSelected, "#session-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        offer = self.offers.get(event.option.id or "")
        if offer is None:
            return
        if offer.error is not None:
            self.notify(
                f"Cannot resume: {offer.error} (d discards it)", severity="error", timeout=8
            )
            return
        self.post_message(ResumeChosen(offer.entry.path))

    def action_discard(self) -> None:
        offer = self.highlighted()
        if offer is None:
            return
        what = "this damaged journal" if offer.error else f"this unfinished {offer.title}"

        def decided(discard: bool | None) -> None:
            if not discard:
                return
            try:
                journal.remove(offer.entry.path)
            except OSError as error:
                self.notify(f"Could not discard: {error}", severity="error")
                return
            del self.offers[str(offer.entry.path)]
            self.notify(f"Discarded {offer.name}")
            if self.offers:
                self.refill()
            else:
                self.dismiss()

        self.app.push_screen(ConfirmDiscard(what), decided)
