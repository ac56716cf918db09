"""The words triagebot itself says, in each language it speaks (no textual here).

A flow carries its own text in its own languages; everything around it (yes and no, the
urgency words, export headings, plain mode's prompts, the TUI's labels, answer errors)
comes from here, so a French session reads French throughout. Each language is one
:class:`Words` (``catalog_words.py``) in its own module (``catalog_en.py``,
``catalog_fr.py``): a field missing from a language is a TypeError when this module is
imported, never a blank at runtime. A language a flow declares but the catalog lacks
falls back to English.

Templates use ``str.format`` names, e.g. ``words("fr").enter.format(accepted=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from triagebot.flows.catalog_en import ENGLISH
from triagebot.flows.catalog_fr import FRENCH
from triagebot.flows.catalog_words import Words as Words  # noqa: PLC0414 (its home for callers)

DEFAULT_LANGUAGE = "en"
"""The language of flows that declare none, and of the catalog's fallback."""


CATALOG: Mapping[str, Words] = {"en": ENGLISH, "fr": FRENCH}
"""Every language the core speaks, by code."""


def words(language: str | None) -> Words:
    """The core's words in ``language``; English for a language the catalog lacks."""
    return CATALOG.get(language or DEFAULT_LANGUAGE, ENGLISH)


_SINGULAR_ZERO = frozenset({"fr"})
"""Languages where zero takes the singular ("0 question répondue")."""


def is_singular(count: int, language: str | None) -> bool:
    """Whether ``count`` takes the singular form in ``language``."""
    return count == 1 or (count == 0 and language in _SINGULAR_ZERO)


def counted(count: int, one: str, many: str, language: str | None) -> str:
    """``one`` or ``many`` as ``count`` takes it in ``language``, its ``{count}`` filled:
    "1 later answer no longer applies", never "answer(s)"."""
    return (one if is_singular(count, language) else many).format(count=count)


def language_name(code: str) -> str:
    """A language's own name (``français``), or its code when the catalog lacks it."""
    found = CATALOG.get(code)
    return found.name if found is not None else code


def format_number(value: float, language: str | None = None) -> str:
    """A number as a clinician writes it: no trailing ``.0``, the language's decimal mark."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = f"{value:g}" if isinstance(value, float) else str(value)
    decimal = words(language).decimal
    return text if decimal == "." else text.replace(".", decimal)


def with_unit(number: float, unit: str | None, unit_one: str | None, lang: str | None) -> str:
    """``3 bags``, ``1 bag``: a number as written in ``lang`` with its unit, singular where
    the number takes it and the flow gives the singular (``unit_one``)."""
    singular = unit_one is not None and number in (0, 1) and is_singular(int(number), lang)
    shown = unit_one if singular else unit
    return f"{format_number(number, lang)} {shown}" if shown else format_number(number, lang)
