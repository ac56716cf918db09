"""How the front ends word a flow around its own text, in the flow's compiled language.

Shared by plain mode and the TUI (no textual here): why a question is asked, its source,
the urgency as a word. The words come from :mod:`triagebot.flows.catalog`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import RoundInfo
from triagebot.flows.library import review_status
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
        lines += [("text", f"• {s.cited}: {source_line(flow, s.id)}") for s in flow.flow.sources]
        return [*lines, ("detail", content_review_line(flow))]
    if isinstance(node, InfoNode):
        lines = [("text", node.text)]
    elif isinstance(node, GroupNode):
        lines = [("heading", said.why_we_ask), ("text", node.why or node.entry)]
    else:
        lines = [("heading", said.why_we_ask), ("text", node.why)]
        if node.detail:
            lines.append(("detail", node.detail))
    cited = citation_line(flow, node.source)
    about = source_line(flow, node.source.doc)
    return [*lines, ("heading", said.source), ("text", cited), ("detail", about)]


def citation_line(flow: CompiledFlow, citation: Citation) -> str:
    """A citation as shown: the source's short title and the section (never its id)."""
    source = next(s for s in flow.flow.sources if s.id == citation.doc)
    return f"{source.cited}, {citation.section}"


def source_line(flow: CompiledFlow, doc: str) -> str:
    """A source in one line: full title, evidence kind, version, review date and note."""
    said = words(flow.language)
    source = next(s for s in flow.flow.sources if s.id == doc)
    return said.source_line.format(
        title=source.title,
        evidence=said.evidence.get(source.evidence, source.evidence),
        version=source.version,
        review=stated_review(source.review, flow.language),
        note=said.note.format(note=source.note) if source.note else "",
    )


def stated_review(review: str | None, lang: str | None = None) -> str:
    """A source's review date as the source states it, or that it states none (never a
    date the source does not print), for a source line: ``, review January 2027``."""
    said = words(lang)
    return said.review_not_stated if review is None else said.review_on.format(date=review)


def overdue_what(content_due: date | None, sources: Iterable[str], lang: str | None) -> str:
    """What is past its review, e.g. "the flow's content review was due 2027-12-05";
    ``sources``: each overdue source's review as it states it."""
    said = words(lang)
    parts = [] if content_due is None else [said.overdue_content.format(date=content_due)]
    parts += [said.overdue_source.format(date=stated) for stated in sources]
    return "; ".join(parts)


def overdue_line(flow: CompiledFlow, today: date | None = None) -> str | None:
    """The warning shown at the start of a session of a flow past a review date; None when
    no date has passed."""
    status = review_status(flow, today)
    if not status.overdue:
        return None
    content = status.content_due if status.content_overdue else None
    stated = [s.review or "" for s in status.overdue_sources]
    what = overdue_what(content, stated, flow.language)
    return words(flow.language).review_overdue_line.format(what=what)


def content_review_line(flow: CompiledFlow) -> str:
    """When the flow's content was signed off and is due for review."""
    review = flow.flow.content_review
    return words(flow.language).content_review_line.format(
        signed_off=review.signed_off.isoformat(), due=review.due.isoformat()
    )


def round_heading(flow: CompiledFlow, node: str, number: int | None) -> str | None:
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
