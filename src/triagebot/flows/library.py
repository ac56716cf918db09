"""Where a flow stands against its review dates, and a flow in a preferred language.

Finding flows on disk (the bundled ones, extra folders, a path given on the command
line) is the application layer's: :mod:`triagebot.app.library`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from triagebot.flows.compiler import CompiledFlow, with_language
from triagebot.flows.schema import Source


def prefer_language(flow: CompiledFlow, lang: str | None) -> CompiledFlow:
    """``flow`` in ``lang`` if it is written in it, else as it is."""
    return with_language(flow, lang) if lang is not None and lang in flow.languages else flow


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """Where a flow stands against its review dates on a day (spec principle 7): its own
    content review, and each source's review date as the source states it."""

    content_due: date
    content_overdue: bool
    overdue_sources: tuple[Source, ...]
    """The sources past their review date, in the flow's order."""
    sources_due: date | None
    """The earliest review date among the sources that state one."""

    @property
    def overdue(self) -> bool:
        return self.content_overdue or bool(self.overdue_sources)

    @property
    def due(self) -> date:
        """The date the flow becomes (or became) due: the earliest of them all."""
        return min(d for d in (self.content_due, self.sources_due) if d is not None)


def review_status(flow: CompiledFlow, today: date | None = None) -> ReviewStatus:
    """The flow's review dates against ``today`` (default: the local date)."""
    today = today or date.today()
    sources = flow.flow.sources
    dated = [s.review_date for s in sources if s.review_date is not None]
    due = flow.flow.content_review.due
    return ReviewStatus(
        content_due=due,
        content_overdue=due < today,
        overdue_sources=tuple(
            s for s in sources if s.review_date is not None and s.review_date < today
        ),
        sources_due=min(dated) if dated else None,
    )


def review_overdue(flow: CompiledFlow, today: date | None = None) -> bool:
    """Whether the flow's content review or a source's review date has passed."""
    return review_status(flow, today).overdue


def review_date(flow: CompiledFlow) -> date:
    """The earliest review date: the flow's content review or a source's."""
    return review_status(flow).due
