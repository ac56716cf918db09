"""Finding flows: the bundled ones, extra folders, or a path given on the command line.

``lang`` asks for a flow in a language: :func:`resolve` refuses a flow not written in it
(:class:`~triagebot.flows.compiler.LanguageError`, a LookupError); :func:`discover`, which
lists every flow, gives each in ``lang`` when it has it and in its own default otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from triagebot.flows.compiler import CompiledFlow, load_flow, with_language
from triagebot.flows.documents import FlowError
from triagebot.flows.schema import Source

FLOW_SUFFIXES = (".yaml", ".yml")


def bundled_dir() -> Path:
    """The folder of bundled flows: inside the installed wheel, or ``flows/`` in a checkout.

    The package is installed as plain files (never zipped), so its folder is found from
    this file: ``importlib.resources`` cost ~3 ms of the TUI's start to say the same."""
    packaged = Path(__file__).resolve().parents[1] / "bundled_flows"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "flows"


def flow_files(folders: Iterable[Path]) -> list[Path]:
    """Every flow file in the given folders, sorted by name within each folder."""
    files: list[Path] = []
    for folder in folders:
        files.extend(
            sorted(p for p in folder.iterdir() if p.suffix in FLOW_SUFFIXES and p.is_file())
        )
    return files


@dataclass(frozen=True, slots=True)
class Entry:
    """A flow file found on disk: compiled, or with the problems that stop it loading."""

    path: Path
    flow: CompiledFlow | None
    error: FlowError | None


def discover(extra: Iterable[Path] = (), lang: str | None = None) -> Iterator[Entry]:
    """Load every bundled flow and every flow in ``extra`` folders (in ``lang`` where a flow
    is written in it, else in the flow's default language)."""
    for path in flow_files([bundled_dir(), *extra]):
        try:
            yield Entry(path, prefer_language(load_flow(path), lang), None)
        except FlowError as error:
            yield Entry(path, None, error)


def prefer_language(flow: CompiledFlow, lang: str | None) -> CompiledFlow:
    """``flow`` in ``lang`` if it is written in it, else as it is."""
    return with_language(flow, lang) if lang is not None and lang in flow.languages else flow


def resolve(name: str, extra: Iterable[Path] = (), lang: str | None = None) -> CompiledFlow:
    """A flow by bundled id (``cauda-equina``) or by path to a YAML file, in ``lang``
    (default: the flow's first language)."""
    candidate = Path(name)
    if candidate.suffix in FLOW_SUFFIXES or candidate.exists():
        return load_flow(candidate, lang)
    return by_id(name, extra, lang)


def by_id(flow_id: str, extra: Iterable[Path] = (), lang: str | None = None) -> CompiledFlow:
    """A bundled flow (or one in the ``extra`` folders) by its id, never by path: for an
    id read from a file (a transcript, a journal), which must not choose what is loaded."""
    files = flow_files([bundled_dir(), *extra])
    for path in files:
        if path.stem == flow_id:
            return load_flow(path, lang)
    shown = flow_id if len(flow_id) <= 64 else flow_id[:64] + "…"
    known = ", ".join(path.stem for path in files)
    raise LookupError(f"no flow '{shown}'; bundled flows: {known}")


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
