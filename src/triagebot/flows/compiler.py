"""From a YAML document to a checked, compiled flow, with every problem placed in the file.

Three stages, each reporting all it finds before giving up: the YAML seam (``yamlio``),
the shape (``schema`` via pydantic), and the meaning: references to nodes, sources and
variables, expression types, template placeholders and computed-value cycles.

A flow written in several languages is compiled in one of them at a time: the compiled
flow's text is plain strings in that language, so the engine, exports and front ends never
see a translation mapping. Every language's text is checked whichever is compiled (a
missing translation fails every load of the file); :func:`with_language` gives the same
flow in another of its languages without reading the file again.

Repeated groups are flattened for the later stages: a group's members are nodes of the
compiled flow like any other (``CompiledFlow.nodes``, ``routes``), each knowing its group
(``group_of``); the group's own id is a node whose routes are the group's ``next``.
Expressions are checked in scopes: outside a group its members are not names (only
aggregates read them); a member's own rules read this round's answers by name.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Protocol
from weakref import WeakValueDictionary

from triagebot.flows import safe_text
from triagebot.flows.catalog import DEFAULT_LANGUAGE
from triagebot.flows.compile_checks import variable_types
from triagebot.flows.compile_meaning import Compiler
from triagebot.flows.compile_shape import declared_languages, validate_shape
from triagebot.flows.compiled import OUTCOME_VARIABLE, CompiledFlow, CompiledItem, CompiledRule
from triagebot.flows.documents import Document, FlowError, dotted, read_text
from triagebot.flows.schema import Flow

PLACEHOLDER_NAME = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class LanguageError(LookupError):
    """A language asked for that a flow is not written in; the message lists those it is."""


class FlowCache(Protocol):
    """Compiled flows kept between runs (the application layer's ``flowcache``): the core
    asks it, it does the file I/O."""

    def load(self, name: str, digest: str, lang: str | None) -> CompiledFlow | None:
        """The flow compiled before from the text of sha256 ``digest`` read as ``name`` in
        ``lang`` (None: the flow's default), or None."""

    def store(self, name: str, lang: str | None, compiled: CompiledFlow) -> None:
        """Keep ``compiled`` (its file read as ``name``, asked for in ``lang``)."""


_cache: FlowCache | None = None
"""The cache :func:`load_flow` and :func:`with_language` use; None (the default) for none.
Only launching a session sets one (:func:`use_cache`): ``validate``, ``verify``, ``diff``
and ``replay`` always compile the file."""


def use_cache(cache: FlowCache | None) -> FlowCache | None:
    """Read and keep compiled flows in ``cache`` from now on (None: stop); the cache used
    until now."""
    global _cache
    previous, _cache = _cache, cache
    return previous


def text_digest(text: str) -> str:
    """The sha256 a compiled flow records for its text (``CompiledFlow.sha256``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_flow(path: Path, lang: str | None = None) -> CompiledFlow:
    """Read, validate and compile a flow file in ``lang`` (default: the flow's first language).

    Raises :class:`FlowError` with every problem, or :class:`LanguageError` when the flow is
    not written in ``lang``. When a session is being launched (:func:`use_cache`), a flow
    compiled before from the same text is read back from the cache instead.
    """
    text = read_text(path)
    name = str(path)
    cache = _cache
    cached = None if cache is None else cache.load(name, text_digest(text), lang)
    if cached is not None:
        return cached
    compiled = compile_text(text, name, lang)
    if cache is not None:
        cache.store(name, lang, compiled)
    return compiled


def compile_validated(flow: Flow, document: Document, sha256: str, language: str) -> CompiledFlow:
    """Compile a flow already validated in ``language`` (read back from a cache): the
    checks of meaning run again, with no YAML parsing and no pydantic."""
    with collection_paused():
        return Compiler(flow, document).compile(sha256, language)


def compile_text(text: str, name: str, lang: str | None = None) -> CompiledFlow:
    """Validate and compile flow text in ``lang``; ``name`` is used in problem positions.

    No text of a flow holds a control character or a bidirectional control
    (:mod:`~triagebot.flows.safe_text`): the file's text is checked before it is parsed,
    and every key and value after (an escape such as ``"\\e"`` makes one).
    """
    from triagebot.flows.yamlio import parse  # noqa: PLC0415 (a cached flow needs no PyYAML)

    with collection_paused():
        safe_text.refuse_raw(text, name)
        document = parse(text, name)
        safe_text.refuse_escaped(document, text)
        compiled = _compile_document(document, lang, text_digest(text))
    _translations[id(compiled.document), compiled.language] = compiled
    return compiled


def with_language(compiled: CompiledFlow, lang: str) -> CompiledFlow:
    """The same flow (same file text, same sha256) compiled in ``lang``; built once per
    language and shared. Raises :class:`LanguageError` when the flow lacks ``lang``."""
    if lang == compiled.language:
        return compiled
    found = _translations.get((id(compiled.document), lang))
    if found is not None:
        return found
    cache = _cache
    other = None if cache is None else cache.load(compiled.file, compiled.sha256, lang)
    if other is None:
        with collection_paused():
            other = _compile_document(compiled.document, lang, compiled.sha256)
        if cache is not None:
            cache.store(compiled.file, lang, other)
    else:
        other = replace(other, document=compiled.document)
    _translations[id(compiled.document), compiled.language] = compiled
    _translations[id(compiled.document), lang] = other
    return other


_translations: WeakValueDictionary[tuple[int, str], CompiledFlow] = WeakValueDictionary()
"""The flows compiled from one document (one file's text), by the document's identity and
the language: a flow asked for in another language is compiled once and shared while
anything holds it. Each flow holds its document, so an identity here is never reused
while its entries live."""


def _compile_document(document: Document, lang: str | None, sha256: str) -> CompiledFlow:
    languages = declared_languages(document)
    if lang is not None and languages is not None and lang not in languages:
        flow_id = document.data.get("id", document.file) if isinstance(document.data, dict) else ""
        raise LanguageError(
            f"flow '{flow_id}' is not written in '{lang}'; its languages: {', '.join(languages)}"
        )
    chosen = lang or (languages[0] if languages else DEFAULT_LANGUAGE)
    flow = validate_shape(document, chosen)
    return Compiler(flow, document).compile(sha256, chosen)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a flow (or its Machine) is built.

    Building allocates hundreds of thousands of long-lived objects and no cycles; the
    collector's repeated passes over them made a 10,000-node flow 16x slower to load than
    a 1,000-node one (measured in benchmarks/bench_engine.py) instead of 10x.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# The compiled model and the stages' entry points are imported from here by many callers.
__all__ = [
    "OUTCOME_VARIABLE",
    "CompiledFlow",
    "CompiledItem",
    "CompiledRule",
    "FlowError",
    "LanguageError",
    "compile_text",
    "declared_languages",
    "dotted",
    "load_flow",
    "validate_shape",
    "variable_types",
    "with_language",
]
