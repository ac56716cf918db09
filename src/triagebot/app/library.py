"""Finding flows: the bundled ones, extra folders, or a path given on the command line.

``lang`` asks for a flow in a language: :func:`resolve` refuses a flow not written in it
(:class:`~triagebot.flows.compiler.LanguageError`, a LookupError); :func:`discover`, which
lists every flow, gives each in ``lang`` when it has it and in its own default otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.library import (
    ReviewStatus,
    prefer_language,
    review_date,
    review_overdue,
    review_status,
)

__all__ = [
    "FLOW_SUFFIXES",
    "Entry",
    "ReviewStatus",
    "bundled_dir",
    "by_id",
    "discover",
    "flow_files",
    "prefer_language",
    "resolve",
    "review_date",
    "review_overdue",
    "review_status",
]

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
