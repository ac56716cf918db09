"""The patient reference, asked once before a new session's first question: optional
(Enter or Escape skips it), never guessed, refused with a reason when it holds a control
character or is too long (:func:`~triagebot.flows.patient.patient_reference`)."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from triagebot.flows.catalog import words
from triagebot.flows.patient import MAX_PATIENT, PatientError, patient_reference
from triagebot.tui.keymap import PATIENT_BINDINGS, drop_if_left


class PatientScreen(ModalScreen[str | None]):
    """Returns the patient reference typed, or None (skipped)."""

    BINDINGS: ClassVar[list[BindingType]] = PATIENT_BINDINGS

    def __init__(self, title: str, lang: str | None = None) -> None:
        super().__init__()
        self.flow_title = title
        self.lang = lang

    def compose(self) -> ComposeResult:
        said = words(self.lang)
        with Vertical(id="patient-box"):
            yield Static(said.patient_title, classes="edit-title", markup=False)
            yield Static(self.flow_title, classes="hint", markup=False)
            yield Input(id="patient", max_length=MAX_PATIENT * 2)
            yield Static(said.patient_hint, id="patient-error", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#patient", Input).focus()

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)

    @on(Input.Submitted, "#patient")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            patient = patient_reference(event.value, self.lang)
        except PatientError as error:
            self.query_one("#patient-error", Static).update(str(error))
            return
        self.dismiss(patient)

    def action_skip(self) -> None:
        self.dismiss(None)
