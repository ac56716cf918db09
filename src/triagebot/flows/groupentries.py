"""A session's repeated groups: the entries completed on its path and the round in progress.

The session moves; this keeps the bookkeeping of rounds it ends, enters, reopens (going
back) and takes back (a move that failed), and answers where the current node stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows.answers import AnswerValue
from triagebot.flows.expr import FlowRuntimeError
from triagebot.flows.schema import GroupNode
from triagebot.flows.steps import RoundInfo, Step

if TYPE_CHECKING:
    from triagebot.flows.engine import Session

Entry = dict[str, AnswerValue]

Undo = tuple[str, str, Entry]
"""How a group was passed during one move: ("ended" | "entered", group, the entry)."""


class GroupEntries:
    """The completed entries of each group entered on a session's path, and the round in
    progress (its answers are the session's until it ends)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.done: dict[str, list[Entry]] = {}
        """Group id -> its completed entries, in round order."""
        self.inside: tuple[str, int] | None = None
        """The group and round in progress, if any."""
        self.entering: str | None = None
        """The group being entered by the move in progress."""

    def round_of(self, node_id: str) -> int | None:
        """The round of ``node_id`` when it is the current node and a group's member."""
        if self.inside is not None and node_id in self.session.flow.group_of:
            return self.inside[1]
        return None

    def info(self, node_id: str) -> RoundInfo | None:
        """Where the current node ``node_id`` stands in its group; None outside groups."""
        flow = self.session.flow
        if self.inside is None or node_id not in flow.group_of:
            return None
        group_id, number = self.inside
        group = flow.groups[group_id]
        return RoundInfo(group_id, group.entry, number, group.max, flow.language)

    def completed(self) -> dict[str, list[Entry]]:
        """The groups entered and left on this path -> their entries (not copies)."""
        inside = None if self.inside is None else self.inside[0]
        return {group: entries for group, entries in self.done.items() if group != inside}

    def starts_round(self, group_id: str) -> bool:
        """Whether passing the group starts a round: on entering it, or when the round just
        ended said yes to ``another`` and rounds remain."""
        if self.entering == group_id:
            return True
        group = self.session.flow.groups[group_id]
        entries = self.done[group_id]
        return (
            bool(entries) and entries[-1].get(group.another) == "yes" and len(entries) < group.max
        )

    def end_or_enter(self, group_id: str, group: GroupNode, undo: list[Undo]) -> None:
        """At the group's own state: end the round in progress, or enter the group."""
        answers = self.session.answers
        if self.inside is not None and self.inside[0] == group_id:
            entry = {m: answers.pop(m) for m in group.nodes if m in answers}
            self.done[group_id].append(entry)
            undo.append(("ended", group_id, entry))
        else:
            if group_id in self.done:
                raise FlowRuntimeError(
                    f"flow '{self.session.flow.id}' comes back to group '{group_id}', already "
                    "passed on this path"
                )
            self.done[group_id] = []
            undo.append(("entered", group_id, {}))
            self.entering = group_id
        self.inside = None

    def arrived(self, group_id: str, group: GroupNode, node_id: str) -> None:
        """The group's transition led to ``node_id``: a member starts the next round."""
        if node_id in group.nodes:
            self.inside = (group_id, len(self.done[group_id]) + 1)

    def take_back(self, undo: list[Undo], inside: tuple[str, int] | None) -> None:
        """Undo the groups a failed move passed, and restore the round it started in."""
        for kind, group_id, entry in reversed(undo):
            if kind == "ended":
                self.done[group_id].pop()
                self.session.answers.update(entry)
            else:
                del self.done[group_id]
        self.inside = inside

    def reopen(self, step: Step) -> None:
        """Going back over ``step``: reopen the round it was answered in if that had ended,
        or leave a group entered with nothing answered in it."""
        group_id = self.session.flow.group_of.get(step.node)
        if group_id is None:
            if self.inside is not None:  # at round 1's start, nothing answered in the group
                del self.done[self.inside[0]]
                self.inside = None
        elif self.inside != (group_id, step.round):
            self.session.answers.update(self.done[group_id].pop())
            assert step.round is not None
            self.inside = (group_id, step.round)
