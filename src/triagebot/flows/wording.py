"""How the front ends word a flow around its own text, in the flow's compiled language.

Shared by plain mode and the TUI (no textual here): why a question is asked, its source,
the urgency as a word. The words come from :mod:`triagebot.flows.catalog`.
"""

from __future__ import annotations

from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import RoundInfo
from triagebot.flows.schema import Citation, GroupNode, InfoNode, OutcomeNode


def urgency_word(urgency: str, lang: str | None = None) -> str:
    """The urgency as a word (``EMERGENCY``, ``URGENCE VITALE``), so it reads without colour."""
    return words(lang).urgency.get(urgency, urgency.upper())


def why_lines(flow: CompiledFlow, node_id: str) -> list[tuple[str, str]]:
    """Why a node is there and where it comes from, as (style, line) pairs.

    Styles are ``heading``, ``text`` or ``detail``; the TUI styles them, plain mode prints them.
    """
    said = words(flow.language)
    node = flow.node(node_id)
    if isinstance(node, OutcomeNode):
        lines = [("heading", said.outcome_rests_on)]
        return lines + [("text", f"• {source_line(flow, s.id)}") for s in flow.flow.sources]
    if isinstance(node, InfoNode):
        lines = [("text", node.text)]
    elif isinstance(node, GroupNode):
        lines = [("heading", said.why_we_ask), ("text", node.why or node.entry)]
    else:
        lines = [("heading", said.why_we_ask), ("text", node.why)]
        if node.detail:
            lines.append(("detail", node.detail))
    return [*lines, ("heading", said.source), ("text", citation_line(flow, node.source))]


def citation_line(flow: CompiledFlow, citation: Citation) -> str:
    return f"{citation.section} — {source_line(flow, citation.doc)}"


def source_line(flow: CompiledFlow, doc: str) -> str:
    """A source in one line: title, evidence kind, version, review date, file and note."""
    said = words(flow.language)
    source = next(s for s in flow.flow.sources if s.id == doc)
    review = (
        said.review_on.format(date=source.review_date.isoformat()) if source.review_date else ""
    )
    return said.source_line.format(
        title=source.title,
        evidence=said.evidence.get(source.evidence, source.evidence),
        version=source.version,
        review=review,
        file=source.file,
        note=said.note.format(note=source.note) if source.note else "",
    )


def round_label(flow: CompiledFlow, node: str, number: int | None) -> str | None:
    """``Branch 2 of up to 6`` for a member of a repeated group answered in round
    ``number``, in the flow's language; None outside groups."""
    group_id = flow.group_of.get(node)
    if group_id is None or number is None:
        return None
    group = flow.groups[group_id]
    return RoundInfo(group_id, group.entry, number, group.max, flow.language).label


def round_name(flow: CompiledFlow, node: str, number: int | None) -> str | None:
    """``Branch 2``: a round named by its group's entry; None outside groups."""
    group_id = flow.group_of.get(node)
    if group_id is None or number is None:
        return None
    return f"{flow.groups[group_id].entry} {number}"
