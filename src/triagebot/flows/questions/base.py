"""What every question type provides (:class:`QuestionType`), and the pieces they share:
answer values, the refusal error, and how a refused answer is quoted back.

Each type lives in its own module of this package, named after the schema's ``type``
(``yes_no.py`` for ``type: yes_no``), and exports it as ``TYPE``; see
:func:`triagebot.flows.questions.type_of`.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from triagebot.flows.catalog import format_number, words
from triagebot.flows.documents import PathKey
from triagebot.flows.expr_tree import VarType
from triagebot.flows.schema import NumberQuestion, QuestionBase

if TYPE_CHECKING:  # the transcript reads answers through the question types
    from triagebot.flows.transcript import AnswerRecord

AnswerValue = str | int | float | tuple[str, ...]
"""A checked answer: yes/no/unsure, an option id, a number or ``unknown``, or option ids."""

JsonAnswer = str | int | float | list[str]
"""An answer as stored in JSON (transcripts, journals): multi-choice answers become lists."""

Json = dict[str, Any]
"""A piece of a FHIR resource, as JSON."""

Q_contra = TypeVar("Q_contra", bound=QuestionBase, contravariant=True)
C = TypeVar("C")
C_co = TypeVar("C_co", covariant=True)


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message says what is accepted."""


class ClassMaker(Protocol[C_co]):
    """How the verifier builds a question's answer classes (``C_co``), one way per shape of
    answer; a question type picks the way that fits it (:meth:`QuestionType.answer_classes`).
    """

    def values(self, values: Sequence[str]) -> C_co:
        """A few answers, each one value: tried each, or merged where every rule reads
        them alike."""
        ...

    def subsets(self, ids: Sequence[str]) -> C_co:
        """Any set of these option ids."""
        ...

    def cuts(self, question: NumberQuestion) -> C_co:
        """A number in a range: a value on each side of every threshold the rules test."""
        ...


class QuestionType(Protocol[Q_contra]):
    """What the core and the plain front end know of one question type (``Q_contra``).

    Everything here is pure: words come from the catalog in the language given (``lang``,
    default English)."""

    def accepted(self, question: Q_contra, lang: str | None) -> str:
        """A short description of the answers ``question`` accepts."""
        ...

    def parse(self, question: Q_contra, raw: object, lang: str | None) -> AnswerValue:
        """Check ``raw`` (typed, or read from a file); raise :class:`AnswerError` saying
        what is accepted."""
        ...

    def describe(self, question: Q_contra, value: AnswerValue, lang: str | None) -> str:
        """An answer as a transcript shows it (labels, numbers with their unit)."""
        ...

    def labels(self, question: Q_contra, value: AnswerValue) -> list[str]:
        """The labels of the options chosen, for a record that keeps them; none when the
        type has no options."""
        ...

    def problems(self, question: Q_contra) -> list[tuple[PathKey, str]]:
        """What is wrong in ``question``'s own fields that their types cannot say (an
        option listed twice), each with where it is written under the question."""
        ...

    def var_type(self, question: Q_contra) -> VarType:
        """What the answer is to the expression language (its kind, its possible texts)."""
        ...

    def answer_classes(self, question: Q_contra, classes: ClassMaker[C]) -> C:
        """The verifier's answer classes of ``question``, made the way that fits the type."""
        ...

    def offered(self, question: Q_contra, lang: str | None) -> list[str]:
        """How plain mode offers the answers: numbered options, or unit and range."""
        ...

    def what_to_type(self, question: Q_contra, lang: str | None) -> str:
        """What answers ``question`` when typed in plain mode."""
        ...

    def from_typed(self, question: Q_contra, text: str, lang: str | None) -> object:
        """A line typed in plain mode as the raw answer :meth:`parse` checks (an option's
        number or label, the language's words)."""
        ...

    def fhir_item(self, question: Q_contra, system: str, lang: str) -> Json:
        """What ``question``'s Questionnaire item says of its answers: its ``type``
        (``coding`` for a coded answer, which R4B calls ``choice``), its options (coded in
        ``system`` where they are the flow's own), limits and whether it repeats."""
        ...

    def fhir_answer(self, answer: AnswerRecord, item: Json, system: str, lang: str) -> Json:
        """A recorded answer as its response item's ``answer`` (or the extension saying why
        it has none); ``item`` is the Questionnaire's item it answers (empty if none)."""
        ...

    def fhir_when(
        self, question: Q_contra, operator: str, value: str | float, system: str, lang: str
    ) -> Json:
        """One enableWhen comparison of ``question``'s answer with ``value`` (an answer as
        recorded, an option id or ``""`` for nothing ticked, a number), as the ``operator``
        and ``answer[x]`` FHIR writes."""
        ...


def refused(raw: object, accepted: str, lang: str | None, *, number: bool = False) -> AnswerError:
    """The refusal of ``raw``, saying what is ``accepted``."""
    said = words(lang)
    template = said.not_accepted_number if number else said.not_accepted
    return AnswerError(template.format(shown=shown(raw, lang), accepted=accepted))


def shown_number(value: int | float, lang: str | None) -> str:
    """A number as refused: clipped, and an integer too long to write as about 10^N."""
    try:
        return clip(format_number(value, lang))
    except ValueError:  # more digits than Python writes out (sys.get_int_max_str_digits)
        assert isinstance(value, int)
        return f"~10^{int(abs(value).bit_length() * math.log10(2))}"


class _Partial(reprlib.Repr):
    """Shows a nested list or a huge integer from a file in part, never in full."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 2
        self.maxstring = self.maxother = self.maxlong = 30

    def repr_int(self, x: int, level: int) -> str:
        return shown_number(x, None)


_REPR = _Partial()


def shown(raw: object, lang: str | None) -> str:
    """A refused answer as quoted back: clipped, never in full."""
    if isinstance(raw, str):
        return f"'{clip(raw)}'" if raw.strip() else words(lang).an_empty_answer
    if raw is None:
        return words(lang).no_answer
    return clip(_REPR.repr(raw))


def clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def repeated_options(ids: Sequence[str]) -> list[tuple[PathKey, str]]:
    """An option id listed twice, at each repeat."""
    return [
        (("options", index, "id"), f"option '{option_id}' is listed twice")
        for index, option_id in enumerate(ids)
        if ids.index(option_id) != index
    ]


def numbered(text: str, values: Sequence[str]) -> str | None:
    """The value an option's number picks (1 for the first), if ``text`` is one."""
    if is_number(text) and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    return None


def is_number(text: str) -> bool:
    """An option's number as typed: ASCII digits (``str.isdigit`` takes ``¹`` too, which
    ``int`` then refuses)."""
    return text.isascii() and text.isdigit()
