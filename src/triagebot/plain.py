"""Plain mode: the same Session as a line-by-line conversation on stdin/stdout.

For screen readers, ssh sessions without a full terminal, and scripting. Options are
numbered; ``why``, ``back`` and ``quit`` work at every prompt. Never imports textual.
Exit code 0 when an outcome is reached, 1 when input ends (or the user quits) before one.

Every session is journaled (:mod:`triagebot.flows.journal`) from its start: reaching an
outcome removes the journal; quitting, ctrl+c or input ending before one keeps it and says
how to resume it. When stdin is a terminal (and not ``--new``), unfinished sessions of the
same flow are offered first; on a pipe there is no offer, so scripts read no extra prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from triagebot import resuming
from triagebot.files import WriteError
from triagebot.flows import journal
from triagebot.flows.answers import AnswerError, accepted, format_number
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session, describe_answer
from triagebot.flows.journal import Journal, JournalError
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

    def __init__(
        self, session: Session, stdin: TextIO, stdout: TextIO, journal: Journal | None = None
    ) -> None:
        self.session = session
        self.stdin = stdin
        self.stdout = stdout
        self.journal = journal
        """Records every step; None when the session is not journaled (or saving failed)."""
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
        if self.session.steps:
            self.say()
            self.say("Answers so far:")
            for line in answered_lines(self.session):
                self.say(line)
        try:
            while not self.session.finished:
                self.safe_turn()
        except (_Quit, KeyboardInterrupt) as stop:
            reason = str(stop) or "stopped before an outcome was reached"
            self.keep_or_discard()
            self.say(f"{reason}; nothing was decided.")
            return 1
        if self.journal is not None:
            self.journal.finish()
        view = self.session.outcome()
        assert view is not None
        self.show_outcome(view)
        return 0

    def safe_turn(self) -> None:
        """One turn; a journal that cannot be written is said once and then dropped."""
        try:
            self.turn()
        except (OSError, JournalError) as error:
            # The step itself stands (the engine applied it before the journal failed).
            self.say(
                f"Could not save this session's journal ({error}); it is no longer crash-safe."
            )
            if self.journal is not None:
                self.journal.close()
                self.journal = None

    def keep_or_discard(self) -> None:
        """Leaving before an outcome: keep a journal with answers in it, drop an empty one."""
        if self.journal is None:
            return
        if self.session.steps:
            self.journal.close()
            self.say(resuming.KEPT.format(name=self.journal.path.name))
        else:
            self.journal.discard()

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


def answered_lines(session: Session) -> list[str]:
    """The answers on the path so far, one short line each (shown when resuming)."""
    lines = []
    for step in session.steps:
        if step.value is not None:
            question = session.flow.question(step.node)
            lines.append(f"- {question.prompt} {describe_answer(question, step.value)}")
    return lines


def start_journal(session: Session, stdout: TextIO) -> Journal | None:
    """A journal for ``session``, or None (said) when the data folder cannot be written."""
    try:
        return Journal.start(session)
    except (OSError, WriteError, JournalError) as error:
        stdout.write(f"Cannot keep a journal ({error}); this session is not crash-safe.\n")
        return None


def run_plain(
    flow: CompiledFlow,
    stdin: TextIO,
    stdout: TextIO,
    *,
    offer: bool | None = None,
    extra: Sequence[Path] = (),
) -> int:
    """Run ``flow`` as a line-by-line conversation; returns the exit code.

    ``offer``: offer unfinished sessions of this flow first (default: when stdin is a
    terminal).
    """
    if offer is None:
        offer = _isatty(stdin)
    chosen = choose_unfinished(flow, stdin, stdout, extra) if offer else None
    if chosen is not None:
        return resume_plain(chosen, stdin, stdout, extra)
    session = Session(flow)
    return PlainChat(session, stdin, stdout, start_journal(session, stdout)).run()


def choose_unfinished(
    flow: CompiledFlow, stdin: TextIO, stdout: TextIO, extra: Sequence[Path] = ()
) -> journal.Unfinished | None:
    """Offer the unfinished sessions of ``flow``; the one picked, or None for a new session."""
    try:
        found = resuming.offers(flow.id, extra)
    except JournalError as error:
        stdout.write(f"Cannot list unfinished sessions: {error}\n")
        return None
    good = [o for o in found if o.error is None]
    damaged = [o for o in found if o.error is not None]
    if damaged:
        stdout.write(
            f"{len(damaged)} unfinished session(s) cannot be resumed (damaged); "
            "`triagebot resume` lists them.\n"
        )
    if not good:
        return None
    stdout.write(f"Unfinished sessions of {flow.flow.title}:\n")
    for number, found_offer in enumerate(good, 1):
        stdout.write(f"  {number}. {found_offer.line()}\n")
        for warning in found_offer.warnings:
            stdout.write(f"     warning: {warning}\n")
    while True:
        stdout.write(f"Resume 1-{len(good)}, or press Enter for a new session > ")
        stdout.flush()
        line = stdin.readline()
        text = line.strip()
        if not line or not text:
            return None
        if text.isdigit() and 1 <= int(text) <= len(good):
            return good[int(text) - 1].entry
        stdout.write(f"Type a number from 1 to {len(good)}, or press Enter.\n")


def resume_plain(
    entry: journal.Unfinished | Path, stdin: TextIO, stdout: TextIO, extra: Sequence[Path] = ()
) -> int:
    """Resume a journaled session line by line; exit code as :func:`run_plain`."""
    try:
        resumed = journal.resume(entry, extra)
    except JournalError as error:
        stdout.write(f"Cannot resume: {error}\n")
        return 1
    for warning in resumed.warnings:
        stdout.write(f"Warning: {warning}\n")
    return PlainChat(resumed.session, stdin, stdout, resumed.journal).run()
