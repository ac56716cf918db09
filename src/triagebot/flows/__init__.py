"""The declarative core: flow files in, sessions and transcripts out. Never imports textual.

The names below are imported on first use, not with the package: a front end that needs one
module (the TUI at start-up, reading a cached flow) should not pay for all of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triagebot.flows.answers import AnswerError, AnswerValue, parse_answer
    from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow
    from triagebot.flows.documents import FlowError, Problem
    from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session

_HOMES = {
    "AnswerError": "answers",
    "AnswerValue": "answers",
    "parse_answer": "answers",
    "CompiledFlow": "compiler",
    "compile_text": "compiler",
    "load_flow": "compiler",
    "FlowRuntimeError": "engine",
    "OutcomeView": "engine",
    "Session": "engine",
    "FlowError": "documents",
    "Problem": "documents",
}
"""Each public name -> the module of this package that defines it."""

__all__ = [
    "AnswerError",
    "AnswerValue",
    "CompiledFlow",
    "FlowError",
    "FlowRuntimeError",
    "OutcomeView",
    "Problem",
    "Session",
    "compile_text",
    "load_flow",
    "parse_answer",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'triagebot.flows' has no attribute '{name}'")
    return getattr(importlib.import_module(f"triagebot.flows.{home}"), name)
