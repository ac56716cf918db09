"""Plain mode: the same Session as a line-by-line conversation on stdin/stdout.

For screen readers, ssh sessions without a full terminal, and scripting. Options are
numbered; ``why``, ``back`` and ``quit`` work at every prompt. Never imports textual.
Exit code 0 when an outcome is reached, 1 when input ends (or the user quits) before one.
"""

from __future__ import annotations

from typing import TextIO

from triagebot.flows.answers import AnswerError, accepted, format_number
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session
from triagebot.flows.library import review_overdue
from triagebot.flows.schema import (
    UNSURE,
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.tui.wording import URGENCY_WORDS, why_lines

HELP = "Commands: 'why' (why we ask, and the source), 'back', 'quit'."
NONE_WORDS = ("none", "0")


class _Quit(Exception):
    """The user typed quit, or input ended."""


class PlainChat:
    """One conversation over a pair of text streams."""

    def __init__(self, session: Session, stdin: TextIO, stdout: TextIO) -> None:
        self.session = session
        self.stdin = stdin
        self.stdout = stdout
        self.echo = not _isatty(stdin)
        """Echo what was read when it comes from a pipe, so the output reads as a dialogue."""

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str = "> ") -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise _Quit("input ended before an outcome was reached")
        text = line.strip()
        if self.echo:
            self.say(text)
        if text.lower() in ("quit", "q", "exit"):
            raise _Quit("stopped before an outcome was reached")
        return text

    def run(self) -> int:
        flow = self.session.flow.flow
        self.say(f"{flow.title} (flow {flow.id} v{flow.version})")
        self.say(flow.disclaimer)
        if review_overdue(self.session.flow):
            self.say("REVIEW OVERDUE: a source of this flow is past its review date.")
        self.say(HELP)
        try:
            while not self.session.finished:
                self.turn()
        except _Quit as stop:
            self.say(f"{stop}; nothing was decided.")
            return 1
        view = self.session.outcome()
        assert view is not None
        self.show_outcome(view)
        return 0

    def turn(self) -> None:
        """Show the current node, read one line, act on it."""
        session = self.session
        node = session.node
        self.say()
        if isinstance(node, InfoNode):
            self.say(node.text)
            command = self.ask("Press Enter to continue > ")
            if not self.command(command):
                session.answer()
            return
        question = session.question
        assert question is not None
        self.say(f"Q{session.questions_answered + 1}. {question.prompt}")
        if question.detail:
            self.say(f"   ({question.detail})")
        for line in options(question):
            self.say(line)
        text = self.ask()
        if self.command(text):
            return
        try:
            session.answer(to_raw(question, text))
        except (AnswerError, FlowRuntimeError) as error:
            self.say(f"Not accepted: {error}")

    def command(self, text: str) -> bool:
        """Handle ``why``, ``back`` and ``help``; True if ``text`` was one of them."""
        word = text.lower()
        if word in ("why", "?"):
            for style, line in why_lines(self.session.flow, self.session.current):
                self.say(line.upper() if style == "heading" else line)
            return True
        if word == "back":
            if not self.session.back():
                self.say("Already at the first question.")
            return True
        if word == "help":
            self.say(HELP)
            return True
        return False

    def show_outcome(self, view: OutcomeView) -> None:
        self.say()
        self.say(f"OUTCOME: {URGENCY_WORDS[view.urgency]} — {view.title}")
        if view.summary:
            self.say(view.summary)
        for heading, items in (
            ("Why", view.reasons),
            ("Actions", view.actions),
            ("Safety-netting", view.safety_netting),
        ):
            if items:
                self.say(f"{heading}:")
                for item in items:
                    self.say(f"- {item.text} (source: {item.doc}, {item.section})")
        for value in view.shown:
            self.say(f"{value.label}: {value.display}")
        self.say(self.session.flow.flow.disclaimer)


def options(question: Question) -> list[str]:
    """How a question's answers are offered: numbered options, or unit and range."""
    if isinstance(question, YesNoQuestion):
        words = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
        return ["   " + "   ".join(f"{n}. {w}" for n, w in enumerate(words, 1))]
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        lines = [f"   {n}. {o.label}" for n, o in enumerate(question.options, 1)]
        if isinstance(question, MultiChoiceQuestion):
            lines.append(f"   0. {question.none_label}")
            lines.append("   (type the numbers of every option that applies, e.g. 1 3)")
        return lines
    assert isinstance(question, NumberQuestion)
    lines = [f"   Enter {accepted(question)}."]
    if question.suggestions:
        unit = f" {question.unit}" if question.unit else ""
        common = "; ".join(
            f"{format_number(s.value)}{unit} ({s.label})" for s in question.suggestions
        )
        lines.append(f"   Common values: {common}")
    return lines


def to_raw(question: Question, text: str) -> object:
    """Turn a typed line into the raw answer ``parse_answer`` checks (numbers pick options)."""
    if isinstance(question, YesNoQuestion):
        words = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
        short = {w[0]: w for w in words}
        return _numbered(text, words) or short.get(text.lower(), text)
    if isinstance(question, ChoiceQuestion):
        return _numbered(text, [o.id for o in question.options]) or text
    if isinstance(question, MultiChoiceQuestion):
        if text.lower() in NONE_WORDS:
            return []
        ids = [o.id for o in question.options]
        parts = text.replace(",", " ").split()
        return [_numbered(part, ids) or part for part in parts] if parts else text
    return text


def _numbered(text: str, values: list[str]) -> str | None:
    if text.isdigit() and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    return None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run_plain(flow: CompiledFlow, stdin: TextIO, stdout: TextIO) -> int:
    """Run ``flow`` as a line-by-line conversation; returns the exit code."""
    return PlainChat(Session(flow), stdin, stdout).run()
