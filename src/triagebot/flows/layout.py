"""One layout for an outcome wherever it is shown: the TUI's card, plain mode and every
export list the same sections, in the same order, under the same names.

An outcome reads: its title and summary, then Why, Actions, Evidence, Values and
Safety-netting (each only when it has lines), then the Sources the flow rests on. The
headings are the catalog's words in the session's language.
"""

from __future__ import annotations

from typing import Literal

from triagebot.flows.catalog import Words

Section = Literal["reasons", "actions", "evidence", "values", "safety_netting"]

SECTIONS: tuple[Section, ...] = ("reasons", "actions", "evidence", "values", "safety_netting")
"""The outcome's sections in the order every view shows them; ``values`` are the computed
values (and answers) shown with it, the others the outcome's lines with their sources."""


def heading(said: Words, section: Section) -> str:
    """A section's name in the catalog's language (``Why``, ``Pourquoi``...)."""
    return {
        "reasons": said.why,
        "actions": said.actions,
        "evidence": said.evidence_heading,
        "values": said.values,
        "safety_netting": said.safety_netting,
    }[section]


def citation(said: Words, cited: str, section: str) -> str:
    """A line's source as every view cites it: the short title and the section."""
    return said.source_ref.format(doc=cited, section=section)


def repeats(label: str, shown: str) -> bool:
    """Whether ``label`` only repeats the value as shown (``900 mL/h`` beside ``900 mL/h``):
    then the value is shown once."""
    return " ".join(label.split()).casefold() == " ".join(shown.split()).casefold()


def labelled(label: str, shown: str, colon: str = ":") -> str:
    """``Dose: 141 mg``, or ``Age? 40 years`` when the label is a question; the label alone
    when the value only repeats it (a label that already names the value)."""
    if repeats(label, shown):
        return label
    return f"{label} {shown}" if label.endswith("?") else f"{label}{colon} {shown}"
