"""The resume offer: unfinished sessions (left by a crash or a quit), Enter resumes one.

Shown over the start screen when ``triagebot`` opens and unfinished sessions exist, and on
F4 from the start screen. A damaged journal is listed with its error; it can be discarded
but not resumed. Discarding asks first: a journal holds answers a clinician may need.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from triagebot.app import journal
from triagebot.app.resuming import Offer
from triagebot.flows.catalog import words
from triagebot.tui.keymap import (
    CONFIRM_DISCARD_BINDINGS,
    RESUME_BINDINGS,
    drop_if_left,
    in_language,
    key_words,
)
from triagebot.tui.messages import ResumeChosen


def describe(offer: Offer) -> Text:
    """An unfinished session as listed, in the offer's language: flow and start, answers
    and question, or its error."""
    said = words(offer.lang)
    if offer.error is not None:
        text = Text(offer.name, style="bold")
        text.append(f"\n  {said.cannot_be_resumed}{said.colon} ", style="bold reverse")
        text.append(offer.error)
        return text
    text = Text(offer.title, style="bold")
    if offer.patient is not None:  # which patient: the first thing to tell sessions apart
        text.append(f" · {offer.patient_words}", style="bold")
    text.append(
        "\n  " + said.offer_started.format(started=offer.started, answers=offer.answer_count)
    )
    text.append("\n  " + said.offer_at.format(current=offer.current))
    for warning in offer.warnings:
        text.append(f"\n  {said.warning_label}{said.colon} ", style="bold reverse")
        text.append(warning)
    return text


class ConfirmDiscard(ModalScreen[bool]):
    """Discard one unfinished session? y (or the language's word for yes: o for oui)
    discards, n or Esc keeps it."""

    DEFAULT_CSS = """
    ConfirmDiscard { align: center middle; }
    #confirm-box {
        width: 60; height: auto; padding: 1 2;
        border: heavy $warning; background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = CONFIRM_DISCARD_BINDINGS

    def __init__(self, what: str, lang: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.said = words(lang)
        self.discard_keys = {"y", self.said.yes[0].lower()}
        """The keys that discard: y, and the first letter of the language's yes."""
        self.lang = lang
        self.key_words = key_words(lang)

    def compose(self) -> ComposeResult:
        said = self.said
        with Vertical(id="confirm-box"):
            yield Static(Text(said.discard_question.format(what=self.what)), classes="edit-title")
            yield Static(said.discard_warning, classes="hint")
            yield Static(
                self.key_words.discard_keys.format(yes=said.yes[0].lower()), classes="hint"
            )

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)
        if event.key in self.discard_keys and self.is_active:
            event.stop()
            self.dismiss(True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return in_language(parameters, self.lang)

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class ResumeScreen(Screen[None]):
    """Unfinished sessions, newest first: Enter resumes, d discards, Esc for the flows."""

    BINDINGS: ClassVar[list[BindingType]] = RESUME_BINDINGS

    def __init__(self, offers: list[Offer], lang: str | None = None) -> None:
        super().__init__()
        self.offers = {str(offer.entry.path): offer for offer in offers}
        self.lang = lang
        self.said = words(lang)

    def compose(self) -> ComposeResult:
        yield Static(self.said.resume_title, id="start-title")
        yield Static(key_words(self.lang).resume_hint, classes="hint")
        yield OptionList(id="session-list")
        yield Footer()

    def on_mount(self) -> None:
        self.refill()
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)

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
            message = key_words(self.lang).damaged_cannot_resume.format(error=offer.error)
            self.notify(message, severity="error", timeout=8)
            return
        self.post_message(ResumeChosen(offer.entry.path))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return in_language(parameters, self.lang)

    async def action_new_session(self) -> None:
        """Leave the offer for the flows (the start screen under it)."""
        await self.action_dismiss()

    def action_discard(self) -> None:
        offer = self.highlighted()
        if offer is None:
            return
        said = self.said
        what = (
            said.discard_damaged
            if offer.error
            else said.discard_unfinished.format(title=offer.title)
        )

        def decided(discard: bool | None) -> None:
            if not discard:
                return
            try:
                journal.remove(offer.entry.path)
            except journal.JournalBusy as busy:  # open in another triagebot: not deleted
                refusal = journal.in_use_message(busy.path, busy.holder, self.lang)
                self.notify(said.could_not_discard.format(error=refusal), severity="error")
                return
            except OSError as error:
                self.notify(said.could_not_discard.format(error=error), severity="error")
                return
            del self.offers[str(offer.entry.path)]
            self.notify(said.discarded.format(name=offer.name))
            if self.offers:
                self.refill()
            else:
                self.dismiss()

        self.app.push_screen(ConfirmDiscard(what, self.lang), decided)
