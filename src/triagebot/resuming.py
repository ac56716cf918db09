"""Unfinished sessions as the front ends offer them: described, found by name, kept.

Shared by the TUI and plain mode (no textual here). The journal itself lives in
:mod:`triagebot.flows.journal`; this module only words what it finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from triagebot.flows import journal
from triagebot.flows.journal import JournalError, Unfinished
from triagebot.flows.records import record
from triagebot.flows.schema import InfoNode, OutcomeNode

KEPT = "Unfinished session kept: resume it with `triagebot resume {name}` or from the start screen."
"""Said when the user leaves a session before its outcome (quit, input ended, other flow)."""


@record
class Offer:
    """One unfinished session as listed: where it stands, or why it cannot be resumed."""

    entry: Unfinished
    flow_id: str
    """The flow id from the journal's header ('?' when the journal is unreadable)."""
    title: str
    started: str
    answers: int
    current: str
    """The question the session stopped at (or a note saying why it is unknown)."""
    error: str | None
    warnings: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.entry.path.name

    def line(self) -> str:
        """One line for a list (plain mode, the CLI)."""
        if self.error is not None:
            return f"{self.name}: CANNOT BE RESUMED: {self.error}"
        noun = "answer" if self.answers == 1 else "answers"
        return f"{self.title}, started {self.started}, {self.answers} {noun}, at: {self.current}"


def describe(entry: Unfinished, extra: Sequence[Path] = ()) -> Offer:
    """Replay ``entry`` (without touching its file) to say which question it stopped at."""
    contents = entry.contents
    if contents is None:
        return Offer(entry, "?", entry.path.name, "?", 0, "?", entry.error or "unreadable", ())
    header = contents.header
    started = f"{header.started_at:%Y-%m-%d %H:%M} UTC"
    try:
        flow = journal.find_flow(header, extra)
        session = journal.replay(contents, flow)
    except JournalError as error:
        return Offer(entry, header.flow.id, header.flow.id, started, 0, "?", str(error), ())
    warnings = list(contents.warnings)
    if flow.sha256 != header.flow.sha256:
        warnings.append(
            f"the flow file changed since (version {header.flow.version} → {flow.flow.version})"
        )
    node = session.node
    if isinstance(node, OutcomeNode):
        current = f"outcome reached: {node.title}"
    elif isinstance(node, InfoNode):
        current = f"message: {node.text.splitlines()[0] if node.text else session.current}"
    else:
        current = f"Q{session.questions_answered + 1}. {node.prompt}"
        if session.round_info is not None:
            current += f" ({session.round_info.label})"
    return Offer(
        entry,
        header.flow.id,
        flow.flow.title,
        started,
        session.questions_answered,
        current,
        None,
        tuple(warnings),
    )


def offers(flow_id: str | None = None, extra: Sequence[Path] = ()) -> list[Offer]:
    """Every unfinished session (of ``flow_id`` only, if given; damaged ones always), newest
    first. A sessions folder that cannot be listed is a JournalError."""
    found = [describe(entry, extra) for entry in reversed(journal.unfinished())]
    if flow_id is None:
        return found
    return [o for o in found if o.error is not None or o.flow_id == flow_id]


def find(name: str, entries: Sequence[Unfinished]) -> Unfinished:
    """The unfinished session called ``name``: its file name, its stem, or a unique part of it.

    Raises LookupError saying what is known.
    """
    for entry in entries:
        if name in (entry.path.name, entry.path.stem):
            return entry
    matches = [entry for entry in entries if name in entry.path.name]
    if len(matches) == 1:
        return matches[0]
    if not entries:
        raise LookupError("no unfinished sessions")
    if matches:
        names = ", ".join(entry.path.name for entry in matches)
        raise LookupError(f"'{name}' matches several unfinished sessions: {names}")
    raise LookupError(f"no unfinished session '{name}'; `triagebot resume` lists them")
