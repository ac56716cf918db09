"""Turning what a clinician typed (or an answers file holds) into a checked answer value.

Every refusal says what is accepted, so the UI and the CLI can show it as is.
"""

from __future__ import annotations

import math
import re

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

MAX_TYPED_LENGTH = 40
"""Longest text accepted for a number: anything longer is a paste gone wrong."""

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_THOUSANDS_LOOKALIKE = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message says what is accepted."""


def accepted(question: Question) -> str:
    """A short description of the answers a question accepts."""
    if isinstance(question, YesNoQuestion):
        return "yes, no or unsure" if question.allow_unsure else "yes or no"
    if isinstance(question, ChoiceQuestion):
        return "one of: " + ", ".join(option.id for option in question.options)
    if isinstance(question, MultiChoiceQuestion):
        return (
            "a list of any of: "
            + ", ".join(option.id for option in question.options)
            + " (or an empty list)"
        )
    return number_range(question)


def number_range(question: NumberQuestion) -> str:
    """E.g. ``a whole number from 0 to 10`` or ``a number from 6.3 to 7.8 mmol/L, or unknown``."""
    kind = "a whole number" if question.integer else "a number"
    unit = f" {question.unit}" if question.unit else ""
    unknown = ", or unknown" if question.allow_unknown else ""
    return (
        f"{kind} from {format_number(question.min)} to {format_number(question.max)}{unit}{unknown}"
    )


def format_number(value: float) -> str:
    """A number as a clinician writes it: no trailing ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_answer(question: Question, raw: object) -> AnswerValue:
    """Check ``raw`` against ``question``; raise :class:`AnswerError` saying what is accepted."""
    if isinstance(question, YesNoQuestion):
        return _yes_no(question, raw)
    if isinstance(question, ChoiceQuestion):
        return _choice(question, raw)
    if isinstance(question, MultiChoiceQuestion):
        return _multi(question, raw)
    return _number(question, raw)


def _yes_no(question: YesNoQuestion, raw: object) -> str:
    allowed = (*YES_NO_VALUES, UNSURE) if question.allow_unsure else YES_NO_VALUES
    if isinstance(raw, str) and raw.strip().lower() in allowed:
        return raw.strip().lower()
    raise AnswerError(f"{_shown(raw)} is not accepted: answer {accepted(question)}")


def _choice(question: ChoiceQuestion, raw: object) -> str:
    ids = [option.id for option in question.options]
    if isinstance(raw, str) and raw.strip() in ids:
        return raw.strip()
    raise AnswerError(f"{_shown(raw)} is not accepted: answer {accepted(question)}")


def _multi(question: MultiChoiceQuestion, raw: object) -> tuple[str, ...]:
    ids = [option.id for option in question.options]
    if not isinstance(raw, list | tuple):
        raise AnswerError(f"{_shown(raw)} is not accepted: answer {accepted(question)}")
    chosen = []
    for item in raw:
        if not isinstance(item, str) or item.strip() not in ids:
            raise AnswerError(f"{_shown(item)} is not an option: answer {accepted(question)}")
        if item.strip() in chosen:
            raise AnswerError(f"'{item.strip()}' is listed twice")
        chosen.append(item.strip())
    # Keep the flow's order so that transcripts read the same whatever order was typed.
    return tuple(option_id for option_id in ids if option_id in chosen)


def _number(question: NumberQuestion, raw: object) -> int | float | str:
    value = _to_number(question, raw)
    if isinstance(value, str):
        return value
    if not math.isfinite(value) or not question.min <= value <= question.max:
        raise AnswerError(f"{format_number(value)} is out of range: enter {number_range(question)}")
    if question.integer:
        if not float(value).is_integer():
            raise AnswerError(
                f"{format_number(value)} is not a whole number: enter {number_range(question)}"
            )
        return int(value)
    return value


def _to_number(question: NumberQuestion, raw: object) -> float | int | str:
    if isinstance(raw, bool) or raw is None:
        raise AnswerError(f"{_shown(raw)} is not accepted: enter {number_range(question)}")
    if isinstance(raw, int | float):
        return raw
    if not isinstance(raw, str):
        raise AnswerError(f"{_shown(raw)} is not accepted: enter {number_range(question)}")
    text = raw.strip()
    if question.allow_unknown and text.lower() == UNKNOWN:
        return UNKNOWN
    if not text:
        raise AnswerError(f"no value entered: enter {number_range(question)}")
    if len(text) > MAX_TYPED_LENGTH:
        raise AnswerError(
            f"that is {len(text)} characters, too long for a number: enter {number_range(question)}"
        )
    if _THOUSANDS_LOOKALIKE.match(text):
        # "1,000" is 1000 to an English reader and 1.0 to a German one; a dose must not guess.
        plain = text.replace(",", "")
        raise AnswerError(f"'{text}' is ambiguous: type {plain} (or use a point for decimals)")
    if not _NUMBER.match(text):
        raise AnswerError(f"'{_clip(text)}' is not a number: enter {number_range(question)}")
    return float(text.replace(",", "."))


def _shown(raw: object) -> str:
    if isinstance(raw, str):
        return f"'{_clip(raw)}'" if raw.strip() else "an empty answer"
    if raw is None:
        return "no answer"
    return _clip(repr(raw))


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
