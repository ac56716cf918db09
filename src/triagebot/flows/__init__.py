"""The declarative core: flow files in, sessions and transcripts out. Never imports textual."""

from triagebot.flows.answers import AnswerError, AnswerValue, parse_answer
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session
from triagebot.flows.yamlio import FlowError, Problem

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
