"""The building blocks of the flow models (:mod:`triagebot.flows.schema`).

Pydantic's parts are :class:`Constraint` markers, built only when pydantic first reads
them, so the models stay importable without pydantic; localized text is checked against
the flow's languages in the validation context; the constrained field types the models'
annotations name; and :func:`validator`, which builds pydantic's validator of a model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

from triagebot.flows.catalog import DEFAULT_LANGUAGE, words

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter, ValidationInfo
    from pydantic_core import CoreSchema, PydanticCustomError


class Constraint:
    """``Annotated`` metadata standing for pydantic's own (``StringConstraints``,
    ``Field``, validators), built by ``build`` only when pydantic makes a validator: the
    models stay importable, and a compiled flow usable, without importing pydantic."""

    __slots__ = ("builds",)

    def __init__(self, *builds: Callable[[], tuple[object, ...]]) -> None:
        self.builds = builds

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """The schema of ``source`` under the metadata ``build`` makes (pydantic's hook)."""
        built = [part for build in self.builds for part in build()]
        return handler.generate_schema(Annotated[(source, *built)])


def all_of(*constraints: Constraint) -> Constraint:
    """The constraints applied in order, as one marker (pydantic reads one marker's schema
    without the markers before it)."""
    return Constraint(*(build for constraint in constraints for build in constraint.builds))


def string_constraints(**keywords: object) -> Constraint:
    """Pydantic's ``StringConstraints(**keywords)``, built when validating."""

    def build() -> tuple[object, ...]:
        from pydantic import StringConstraints  # noqa: PLC0415 (validating only)

        return (StringConstraints(**keywords),)  # type: ignore[arg-type]

    return Constraint(build)


def field_constraints(**keywords: object) -> Constraint:
    """Pydantic's ``Field(**keywords)`` (lengths, bounds, a discriminator), built when
    validating."""

    def build() -> tuple[object, ...]:
        from pydantic import Field  # noqa: PLC0415 (validating only)

        return (Field(**keywords),)  # type: ignore[call-overload]

    return Constraint(build)


def validate_before(function: Callable[..., Any]) -> Constraint:
    """Pydantic's ``BeforeValidator(function)``, built when validating."""

    def build() -> tuple[object, ...]:
        from pydantic import BeforeValidator  # noqa: PLC0415 (validating only)

        return (BeforeValidator(function),)

    return Constraint(build)


def validate_after(function: Callable[..., Any]) -> Constraint:
    """Pydantic's ``AfterValidator(function)``, built when validating."""

    def build() -> tuple[object, ...]:
        from pydantic import AfterValidator  # noqa: PLC0415 (validating only)

        return (AfterValidator(function),)

    return Constraint(build)


MAX_TEXT = 4000

MAX_NUMBER = 1e15
"""The largest size of a number a flow may write (ranges, suggestions, constants in
expressions) and an expression may compute: past 10^15 a double no longer counts every
whole number, and no clinical quantity comes near it. NaN and infinities are refused."""

MAX_ROUNDS = 12
"""The most rounds a repeated group may declare (its ``max``). A clinician records a
handful of entries in one sitting (the CRT study tested 2 or 3 branches a patient, the
flow allows 6), and the verifier walks every round: twelve keeps ``triagebot verify``
within its budget while leaving room; a larger ``max`` (``1000000000`` once took 5.9 GB)
is an error when the flow is loaded."""

LANGUAGES_CONTEXT = "languages"
"""Validation context key: the flow's declared languages (None when they are malformed)."""
LANGUAGE_CONTEXT = "language"
"""Validation context key: the language to compile the flow's text in."""

TRANSLATION_ERROR = "translation"
"""The pydantic error type of a localized text that does not fit the flow's languages; its
``ctx["problems"]`` lists ``(language key or None, message)``, placed at that key."""


def context_languages(info: ValidationInfo) -> tuple[tuple[str, ...] | None, str]:
    """The flow's languages and the one being compiled, from the validation context."""
    context = info.context if isinstance(info.context, Mapping) else {}
    languages = context.get(LANGUAGES_CONTEXT, (DEFAULT_LANGUAGE,))
    chosen = context.get(LANGUAGE_CONTEXT) or (languages[0] if languages else DEFAULT_LANGUAGE)
    return languages, chosen


def _is_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= MAX_TEXT


def _translation_error(problems: list[tuple[str | None, str]]) -> PydanticCustomError:
    from pydantic_core import PydanticCustomError  # noqa: PLC0415 (validating only)

    summary = "; ".join(message for _, message in problems)
    return PydanticCustomError(
        TRANSLATION_ERROR, "{summary}", {"summary": summary, "problems": problems}
    )


def _in_language(value: object, info: ValidationInfo) -> object:
    """A localized text in the language being compiled, after checking its translations.

    In a one-language flow the text is a plain string; in a flow of several languages it is
    a mapping with exactly the flow's languages, each a non-empty text. Every language is
    checked whichever is compiled, so a missing translation fails every load of the file.
    """
    languages, chosen = context_languages(info)
    if languages is None:  # the flow's own `languages` is malformed and reported there
        if isinstance(value, dict):
            return value.get(chosen, next(iter(value.values()), value))
        return value
    listed = ", ".join(languages)
    if len(languages) == 1:
        if isinstance(value, dict):
            raise _translation_error(
                [
                    (
                        None,
                        "is a mapping of languages, but this flow has one language "
                        f"({listed}): write plain text, or declare them all in 'languages'",
                    )
                ]
            )
        return value
    if not isinstance(value, dict):
        if not isinstance(value, str):
            return value  # not text at all: the str validation says so
        mapping = ", ".join(f"{code}: ..." for code in languages)
        missing = " or ".join(f"'{code}'" for code in languages)
        raise _translation_error([(None, f"has no {missing} text: write it as {{{mapping}}}")])
    problems: list[tuple[str | None, str]] = [
        (str(key), f"has '{key}' text, but '{key}' is not a language of this flow ({listed})")
        for key in value
        if key not in languages
    ]
    problems += [(None, f"has no '{code}' text") for code in languages if code not in value]
    problems += [
        (code, f"has an empty or non-text '{code}' text")
        for code in languages
        if code in value and code != chosen and not _is_text(value[code])
    ]
    if problems:
        raise _translation_error(problems)
    return value[chosen]


def localized_default(languages: Sequence[str] | None, chosen: str, word: str) -> object:
    """A catalog word as a field default, written the way the flow writes its own text."""
    if languages is None or len(languages) == 1:
        return getattr(words(chosen), word)
    return {code: getattr(words(code), word) for code in languages}


class Strict:
    """Base of every flow model: unknown keys are errors and models never change (each is
    a record, a frozen dataclass; fields by keyword, so a subclass may add fields with no default
    after its base's defaulted ones)."""

    __pydantic_config__: ClassVar[dict[str, object]] = {
        "extra": "forbid",
        "str_strip_whitespace": True,
    }
    """Pydantic's config for a standard dataclass (a ``ConfigDict``, a plain dict here)."""


def _languages_are_unique(value: list[str]) -> list[str]:
    for index, code in enumerate(value):
        if value.index(code) != index:
            raise ValueError(f"'{code}' is listed twice")
    return value


# The constrained types the models' annotations name. Pydantic reads them (and the
# Constraint markers in them) when it builds a validator; the type checker reads the plain
# types under them.

NodeId = Annotated[str, string_constraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A question, info, outcome or computed-value id: lower case, digits and underscores."""
FlowId = Annotated[str, string_constraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
"""A flow id as typed on the command line, e.g. ``cauda-equina``."""
Text = Annotated[str, string_constraints(min_length=1, max_length=MAX_TEXT)]
"""Text that is the same in every language: a source's own words, an expression, a note.
Never empty, at most ``MAX_TEXT`` characters."""
Language = Annotated[str, string_constraints(pattern=r"^[a-z]{2}$")]
"""A language code as ISO 639-1 writes it: two lower-case letters (``fr``, ``en``)."""
LocalText = Annotated[
    str,
    all_of(validate_before(_in_language), string_constraints(min_length=1, max_length=MAX_TEXT)),
]
"""Text a clinician reads, in the flow's languages: a plain string in a one-language flow,
or a mapping ``{fr: ..., en: ...}`` with exactly the flow's languages. A compiled flow holds
it as a plain string in the language it was compiled in; never empty."""
Languages = Annotated[
    list[Language], all_of(field_constraints(min_length=1), validate_after(_languages_are_unique))
]
"""The flow's languages: at least one, none twice."""
FlowNumber = Annotated[float, field_constraints(allow_inf_nan=False, ge=-MAX_NUMBER, le=MAX_NUMBER)]
"""A number written in a flow (a range end, a suggestion): finite and at most
``MAX_NUMBER`` in size."""


Model = TypeVar("Model")

_validators: dict[type, Any] = {}
"""Validators built so far, by model."""


def validator(kind: type[Model]) -> TypeAdapter[Model]:
    """Pydantic's validator of a model (built once: about 40 ms for ``Flow``)."""
    from pydantic import TypeAdapter  # noqa: PLC0415 (only validation needs pydantic)

    if kind not in _validators:
        _validators[kind] = TypeAdapter(kind)
    adapter: TypeAdapter[Model] = _validators[kind]
    return adapter
