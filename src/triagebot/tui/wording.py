"""Words shared by the TUI and plain mode (no textual here: plain mode imports it)."""

from __future__ import annotations

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import Session
from triagebot.flows.schema import Citation, GroupNode, InfoNode, OutcomeNode

URGENCY_WORDS = {
    "emergency": "EMERGENCY",
    "urgent": "URGENT",
    "soon": "SOON",
    "routine": "ROUTINE",
    "none": "NO ACTION FROM THIS SCREEN",
}
"""The urgency as a word, so an outcome reads the same without colour."""


def why_lines(flow: CompiledFlow, node_id: str) -> list[tuple[str, str]]:
    """Why a node is there and where it comes from, as (style, line) pairs.

    Styles are ``heading``, ``text`` or ``detail``; the TUI styles them, plain mode prints them.
    """
    node = flow.node(node_id)
    assert not isinstance(node, GroupNode)  # a session never rests at a group's own state
    if isinstance(node, OutcomeNode):
        lines = [("heading", "This outcome rests on:")]
        return lines + [("text", f"• {source_line(flow, s.id)}") for s in flow.flow.sources]
    if isinstance(node, InfoNode):
        lines = [("text", node.text)]
    else:
        lines = [("heading", "Why we ask"), ("text", node.why)]
        if node.detail:
            lines.append(("detail", node.detail))
    return [*lines, ("heading", "Source"), ("text", citation_line(flow, node.source))]


def citation_line(flow: CompiledFlow, citation: Citation) -> str:
    return f"{citation.section} — {source_line(flow, citation.doc)}"


def source_line(flow: CompiledFlow, doc: str) -> str:
    source = next(s for s in flow.flow.sources if s.id == doc)
    review = f", review {source.review_date.isoformat()}" if source.review_date else ""
    note = f" Note: {source.note}" if source.note else ""
    return (
        f"{source.title} ({source.evidence}; {source.version}{review}; file {source.file}).{note}"
    )


def progress(session: Session) -> str:
    """The progress hint: how many questions are answered so far."""
    answered = session.questions_answered
    noun = "question" if answered == 1 else "questions"
    if session.finished:
        return f"Outcome reached after {answered} {noun} · F5 export · F6 copy · F7 restart"
    return f"{answered} {noun} answered so far"
