"""The conversation: what the Session did, as messages, kept in step with the Session.

``entries(session)`` says what should be on screen (a pure function, no textual);
``Transcript.show`` keeps the common prefix and re-mounts only the tail, so answering
adds two messages while back and edit re-draw only what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from triagebot.flows.engine import Session, describe_answer
from triagebot.flows.library import review_overdue
from triagebot.flows.schema import GroupNode, InfoNode, OutcomeNode
from triagebot.tui.messages import EditRequested
from triagebot.tui.widgets.outcome import OutcomeCard

Kind = Literal["note", "warning", "question", "info", "answer", "superseded", "outcome"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of the conversation."""

    kind: Kind
    node: str
    text: str
    detail: str | None = None
    status: str = ""
    """For answers: ``changed`` or ``kept`` (carried over an edit); empty otherwise."""


def entries(session: Session, overdue: bool | None = None) -> list[Entry]:
    """The conversation as it stands: the path so far, then what is asked now."""
    flow = session.flow.flow
    overdue = review_overdue(session.flow) if overdue is None else overdue
    result = [Entry("note", "", flow.disclaimer)]
    if overdue:
        result.append(
            Entry("warning", "", "REVIEW OVERDUE: a source of this flow is past its review date.")
        )
    changed = {change.question for change in session.changes}
    superseded = list(_superseded(session))
    for step in session.steps:
        result.append(_asked(session, step.node))
        if step.value is not None:
            question = session.flow.question(step.node)
            status = "kept" if step.carried else "changed" if step.node in changed else ""
            result.append(
                Entry("answer", step.node, describe_answer(question, step.value), status=status)
            )
            result += [entry for after, entry in superseded if after == step.node]
    result += [entry for after, entry in superseded if after is None]
    if session.finished:
        result.append(Entry("outcome", session.current, session.node.title))  # type: ignore[union-attr]
    else:
        result.append(_asked(session, session.current))
    return result


def _asked(session: Session, node_id: str) -> Entry:
    node = session.flow.node(node_id)
    if isinstance(node, InfoNode):
        return Entry("info", node_id, node.text)
    assert not isinstance(node, OutcomeNode | GroupNode)
    return Entry("question", node_id, node.prompt, node.detail)


def _superseded(session: Session) -> Iterator[tuple[str | None, Entry]]:
    """Answers that no longer apply, each placed after the change that dropped it."""
    on_path = {step.node for step in session.steps}
    for item in session.superseded:
        if item.question in session.answers:
            continue
        cause = next((c.question for c in reversed(session.changes) if c.at <= item.at), None)
        question = session.flow.question(item.question)
        text = f"{question.prompt} — {describe_answer(question, item.value)}"
        yield (cause if cause in on_path else None), Entry("superseded", item.question, text)


class Bubble(Static):
    """A message in the transcript."""

    def __init__(self, entry: Entry) -> None:
        text = Text(entry.text)
        if entry.detail is not None:
            text.append("\n" + entry.detail, style="dim")
        super().__init__(text, classes=f"bubble -{entry.kind}")
        self.entry = entry


class AnswerBubble(Bubble):
    """The clinician's answer; focus it and press Enter (or click) to change it."""

    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Change this answer"),
        Binding("up", "app.focus_previous", "Previous", show=False),
        Binding("down", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, entry: Entry) -> None:
        label = {"changed": " (changed)", "kept": " (kept)"}.get(entry.status, "")
        super().__init__(Entry(entry.kind, entry.node, entry.text + label, None, entry.status))
        self.entry = entry

    def action_edit(self) -> None:
        self.post_message(EditRequested(self.entry.node))

    def on_click(self) -> None:
        self.action_edit()


class SupersededBubble(Bubble):
    """An answer that no longer applies after an earlier answer changed."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(Entry(entry.kind, entry.node, f"No longer applies: {entry.text}"))
        self.entry = entry


class Transcript(VerticalScroll):
    """The conversation; follows new messages unless the user has scrolled up."""

    def __init__(self) -> None:
        super().__init__(id="transcript")
        self.shown: list[Entry] = []
        self.outcome_shown: OutcomeCard | None = None
        """An outcome card just mounted, to scroll to once it is laid out."""

    def on_mount(self) -> None:
        self.anchor()

    def show(self, session: Session, wanted: list[Entry]) -> None:
        """Make the transcript show ``wanted``: keep the common prefix, re-mount the rest."""
        keep = 0
        for old, new in zip(self.shown, wanted, strict=False):
            if old != new:
                break
            keep += 1
        stale = list(self.children)[keep:]
        if stale:
            self.remove_children(stale)
        fresh = [_widget(session, entry) for entry in wanted[keep:]]
        if fresh:
            self.mount_all(fresh)
        self.shown = list(wanted)
        if fresh and isinstance(fresh[-1], OutcomeCard):
            # Show the outcome from its top (urgency and title), not its last line.
            self.anchor(False)
            self.outcome_shown = fresh[-1]
        elif fresh and not self.is_anchored:
            self.anchor()

    def follow(self) -> None:
        """Scroll to an outcome card just shown, once it has been laid out."""
        card, self.outcome_shown = self.outcome_shown, None
        if card is not None:
            self.call_after_refresh(self.scroll_to_widget, card, top=True, animate=False)

    def answers(self) -> list[AnswerBubble]:
        return list(self.query(AnswerBubble))


def _widget(session: Session, entry: Entry) -> Widget:
    if entry.kind == "answer":
        return AnswerBubble(entry)
    if entry.kind == "superseded":
        return SupersededBubble(entry)
    if entry.kind == "outcome":
        view = session.outcome()
        assert view is not None
        return OutcomeCard(view, session.flow.flow.disclaimer)
    return Bubble(entry)
