"""The patient reference a clinician may type at the start of a session (spec principle
10): optional, never guessed, kept as typed (spaces tidied), shown in every export and as
FHIR ``subject.display``, and in the list of unfinished sessions.

It is identifying data: it lives in the session (and so in its journal, in the user's
owner-only data folder, to survive a resume) and in what the user exports, never in the
flow cache or a log. Refused, with what is wrong, when it holds a character that could
drive a terminal or reorder text (:data:`~triagebot.flows.safe_text.UNSAFE`), a line
break, or more than :data:`MAX_PATIENT` characters.
"""

from __future__ import annotations

from triagebot.flows.catalog import words
from triagebot.flows.safe_text import UNSAFE

MAX_PATIENT = 80
"""The longest patient reference: a name and a hospital or NHS number fit in it."""


class PatientError(ValueError):
    """A patient reference that cannot be taken as typed; the message says why, in the
    session's language."""


def patient_reference(text: str | None, lang: str | None = None) -> str | None:
    """``text`` as a patient reference: None when blank (none given), else with its runs of
    spaces made one. Raises :class:`PatientError` saying what is refused."""
    if text is None:
        return None
    said = words(lang)
    if UNSAFE.search(text) or "\n" in text or "\t" in text or "\r" in text:
        raise PatientError(said.patient_refused_character)
    tidy = " ".join(text.split())
    if len(tidy) > MAX_PATIENT:
        raise PatientError(said.patient_too_long.format(count=len(tidy), most=MAX_PATIENT))
    return tidy or None
