"""The models of a flow's sources and of its own content review (spec principle 7), and a
citation of a source: part of a flow file (:mod:`triagebot.flows.schema`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from triagebot.flows.schema_fields import LocalText, NodeId, Strict, Text


@dataclass(frozen=True, slots=True, kw_only=True)
class Source(Strict):
    """A source document a flow rests on."""

    id: NodeId
    """Short id that citations refer to, e.g. ``wy_ces_pathway``."""
    title: Text
    """Full title as the document gives it."""
    short: Text | None = None
    """A short title for citations, as a clinician would name the document (e.g. "WY
    spinal policy 2024"): every citation (outcome card, exports, F1) shows it, never the
    ``id``. Omitted: the full title is cited. Every bundled flow gives one."""
    file: Text
    """The seed file name the text was taken from, e.g. ``004_839aa3e4ff605091.txt``."""
    version: Text
    """The document's own version or publication date, as printed."""
    review: Text | None = None
    """The document's review date exactly as it prints it (e.g. "January 2027 (or as NICE
    guidance changes)"). Omit it when the document prints none: it is then shown as "none
    stated", never invented."""
    review_date: date | None = None
    """The day from which the flow counts the document as due for review, read from
    ``review`` conservatively (2027-01-01 for "January 2027"); past it the flow still runs
    but says so. Only with ``review``: a date the document does not state is never set."""
    evidence: Literal["guideline", "policy", "survey", "study", "review", "lecture"]
    """What kind of evidence it is. A ``survey`` reports practice, never a standard."""
    note: LocalText | None = None
    """Anything a reader must know about the source (e.g. "reported practice, n = 69");
    shown with the source, so written in the flow's languages."""

    @property
    def cited(self) -> str:
        """What a citation names the source by: its short title, else its full title."""
        return self.short or self.title


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentReview(Strict):
    """The flow's own content review, owned by its clinical author (spec principle 7)."""

    signed_off: date
    """When the clinical author signed this version of the flow's content off."""
    due: date
    """When the content must be reviewed again: after ``signed_off`` and at most 12 months
    after it; earlier when a newer guideline on the topic appears. Past it the flow still
    runs but says so on its start screen and in every export."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation(Strict):
    """Where in a source a question, action or outcome comes from."""

    doc: NodeId
    """The ``id`` of one of the flow's ``sources``."""
    section: Text
    """The section, table or slide title within that source, as the source words it (the
    same in every language)."""
