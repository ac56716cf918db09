"""Turning what a clinician typed (or an answers file holds) into a checked answer value.

Every refusal says what is accepted, so the UI and the CLI can show it as is, in the
language given (the session's: :mod:`triagebot.flows.catalog`). What is accepted does not
depend on the language: ids, ``unknown``, and numbers with a point or a comma.
"""

from __future__ import annotations

import math
import re
import reprlib

from triagebot.flows.catalog import format_number, words
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
    YES_NO_VALUES,
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)

AnswerValue = str | int | float | tuple[str, ...]
"""A checked answer: yes/no/unsure, an option id, a number or ``unknown``, or option ids."""

JsonAnswer = str | int | float | list[str]
"""An answer as stored in JSON (transcripts, journals): multi-choice answers become lists."""


def to_json_answer(value: AnswerValue) -> JsonAnswer:
    return list(value) if isinstance(value, tuple) else value


MAX_TYPED_LENGTH = 40
"""Longest text accepted for a number: anything longer is a paste gone wrong."""

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_THOUSANDS_LOOKALIKE = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message says what is accepted."""


def accepted(question: Question, lang: str | None = None) -> str:
    """A short description of the answers a question accepts, in ``lang`` (default English)."""
    said = words(lang)
    if isinstance(question, YesNoQuestion):
        return said.accepted_yes_no_unsure if question.allow_unsure else said.accepted_yes_no
    ids = ", ".join(option.id for option in getattr(question, "options", ()))
    if isinstance(question, ChoiceQuestion):
        return said.accepted_one_of.format(ids=ids)
    if isinstance(question, MultiChoiceQuestion):
        return said.accepted_any_of.format(ids=ids)
    return number_range(question, lang)


def number_range(question: NumberQuestion, lang: str | None = None) -> str:
    """E.g. ``a whole number from 0 to 10`` or ``a number from 6.3 to 7.8 mmol/L, or unknown``."""
    said = words(lang)
    return said.number_range.format(
        kind=said.a_whole_number if question.integer else said.a_number,
        low=format_number(question.min, lang),
        high=format_number(question.max, lang),
        unit=f" {question.unit}" if question.unit else "",
        unknown=said.or_unknown if question.allow_unknown else "",
    )


def parse_answer(question: Question, raw: object, lang: str | None = None) -> AnswerValue:
    """Check ``raw`` against ``question``; raise :class:`AnswerError` saying what is accepted
    (in ``lang``, default English)."""
    if isinstance(question, YesNoQuestion):
        return _yes_no(question, raw, lang)
    if isinstance(question, ChoiceQuestion):
        return _choice(question, raw, lang)
    if isinstance(question, MultiChoiceQuestion):
        return _multi(question, raw, lang)
    return _number(question, raw, lang)


def _refused(question: Question, raw: object, lang: str | None) -> AnswerError:
    said = words(lang)
    template = (
        said.not_accepted_number if isinstance(question, NumberQuestion) else said.not_accepted
    )
    return AnswerError(template.format(shown=_shown(raw, lang), accepted=accepted(question, lang)))


def _yes_no(question: YesNoQuestion, raw: object, lang: str | None) -> str:
    allowed = (*YES_NO_VALUES, UNSURE) if question.allow_unsure else YES_NO_VALUES
    if isinstance(raw, str) and raw.strip().lower() in allowed:
        return raw.strip().lower()
    raise _refused(question, raw, lang)


def _choice(question: ChoiceQuestion, raw: object, lang: str | None) -> str:
    ids = [option.id for option in question.options]
    if isinstance(raw, str) and raw.strip() in ids:
        return raw.strip()
    raise _refused(question, raw, lang)


def _multi(question: MultiChoiceQuestion, raw: object, lang: str | None) -> tuple[str, ...]:
    ids = [option.id for option in question.options]
    said = words(lang)
    if not isinstance(raw, list | tuple):
        raise _refused(question, raw, lang)
    chosen = []
    for item in raw:
        if not isinstance(item, str) or item.strip() not in ids:
            raise AnswerError(
                said.not_an_option.format(
                    shown=_shown(item, lang), accepted=accepted(question, lang)
                )
            )
        if item.strip() in chosen:
            raise AnswerError(said.listed_twice.format(item=item.strip()))
        chosen.append(item.strip())
    # Keep the flow's order so that transcripts read the same whatever order was typed.
    return tuple(option_id for option_id in ids if option_id in chosen)


def _number(question: NumberQuestion, raw: object, lang: str | None) -> int | float | str:
    value = _to_number(question, raw, lang)
    if isinstance(value, str):
        return value
    said = words(lang)
    # Range first: an integer of 400 digits is out of range, and no float can hold it.
    finite = not isinstance(value, float) or math.isfinite(value)
    if not (finite and question.min <= value <= question.max):
        raise AnswerError(
            said.out_of_range.format(
                value=_shown_number(value, lang), accepted=number_range(question, lang)
            )
        )
    shown = format_number(value, lang)
    if question.integer:
        if isinstance(value, float) and not value.is_integer():
            raise AnswerError(
                said.not_whole.format(value=shown, accepted=number_range(question, lang))
            )
        return int(value)
    return value


def _to_number(question: NumberQuestion, raw: object, lang: str | None) -> float | int | str:
    if isinstance(raw, bool) or raw is None or not isinstance(raw, int | float | str):
        raise _refused(question, raw, lang)
    if isinstance(raw, int | float):
        return raw
    said = words(lang)
    expected = number_range(question, lang)
    text = raw.strip()
    if question.allow_unknown and text.lower() == UNKNOWN:
        return UNKNOWN
    if not text:
        raise AnswerError(said.no_value.format(accepted=expected))
    if len(text) > MAX_TYPED_LENGTH:
        raise AnswerError(said.too_long.format(count=len(text), accepted=expected))
    if _THOUSANDS_LOOKALIKE.match(text):
        # "1,000" is 1000 to an English reader and 1.0 to a German one; a dose must not guess.
        raise AnswerError(said.ambiguous.format(text=text, plain=text.replace(",", "")))
    if not _NUMBER.match(text):
        raise AnswerError(said.not_a_number.format(text=_clip(text), accepted=expected))
    return float(text.replace(",", "."))


def _shown_number(value: int | float, lang: str | None) -> str:
    """A number as refused: clipped, and an integer too long to write as about 10^N."""
    try:
        return _clip(format_number(value, lang))
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
        return _shown_number(x, None)


_REPR = _Partial()


def _shown(raw: object, lang: str | None) -> str:
    if isinstance(raw, str):
        return f"'{_clip(raw)}'" if raw.strip() else words(lang).an_empty_answer
    if raw is None:
        return words(lang).no_answer
    return _clip(_REPR.repr(raw))


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


__all__ = [
    "MAX_TYPED_LENGTH",
    "AnswerError",
    "AnswerValue",
    "accepted",
    "format_number",
    "number_range",
    "parse_answer",
]
