"""Plain mode: the same Session as a line-by-line conversation on stdin/stdout.

For screen readers, ssh sessions without a full terminal, and scripting. Options are
numbered; ``why``, ``back``, ``lang CODE`` and ``quit`` work at every prompt. Never imports
textual. Exit code 0 when an outcome is reached, 1 when input ends (or the user quits)
before one.

Everything is said in the session's language (the catalog's words around the flow's own
text), and the words of that language are understood besides the ids: ``oui``/``non``,
``aucun``, ``pourquoi``, ``retour``... ``lang en`` switches a running session's language
without losing an answer (the journal records it).

Everything written is escaped (:func:`~triagebot.flows.safe_text.escaping`): no flow text,
journal, file name or echoed input can drive the terminal with a control character.

Every session is journaled (:mod:`triagebot.app.journal`) from its start: the journal is
removed once the outcome is shown, never before; quitting, ctrl+c, input ending or the flow
failing on the path (a fault in it: said in one line, exit 1) keeps it and says how to
resume it. When stdin is a terminal (and not ``--new``), unfinished sessions of the
same flow are offered first; on a pipe there is no offer, so scripts read no extra prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from triagebot.app import journal, resuming
from triagebot.app.conversation import Conversation, ResumeRefused
from triagebot.app.export import last_format
from triagebot.app.files import WriteError
from triagebot.app.journal import Journal, JournalError
from triagebot.flows.answers import AnswerError
from triagebot.flows.catalog import Words, counted, language_name, words
from triagebot.flows.compiler import CompiledFlow, LanguageError
from triagebot.flows.conversation import asking
from triagebot.flows.engine import (
    Clock,
    FlowRuntimeError,
    OutcomeView,
    Session,
    describe_answer,
)
from triagebot.flows.exports import FORMATS, ExportError, Format
from triagebot.flows.safe_text import escaping
from triagebot.flows.times import local_now
from triagebot.flows.wording import overdue_line, round_name, why_lines
from triagebot.plain_prompts import (
    ask_patient,
    format_offer,
    is_number,
    numbered,
    options,
    outcome_lines,
    to_raw,
    what_to_type,
)

HELP = words(None).help
"""The commands, in English (each language's is ``words(lang).help``)."""


class _Quit(Exception):
    """The user typed quit, or input ended."""


class PlainChat:
    """One conversation over a pair of text streams: a view of a :class:`Conversation`."""

    def __init__(
        self, session: Session, stdin: TextIO, stdout: TextIO, journal: Journal | None = None
    ) -> None:
        self.stdin = stdin
        self.stdout = escaping(stdout)
        self.conversation = Conversation(session, self.say, journal, journaled=journal is not None)
        """The session and its journal (None: not journaled, or saving failed at start)."""
        self.echo = not _isatty(stdin)
        """Echo what was read when it comes from a pipe, so the output reads as a dialogue."""
        self.export_dir: Path | None = None
        """Where ``export`` writes (None: the user's exports folder)."""

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    @property
    def session(self) -> Session:
        return self.conversation.session

    @property
    def words(self) -> Words:
        """The core's words in the session's language (it may change mid-session)."""
        return words(self.session.flow.language)

    def ask(self, prompt: str = "> ") -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise _Quit(self.words.input_ended)
        text = line.strip()
        if self.echo:
            self.say(text)
        if self.words.commands.get(text.lower()) == "quit":
            raise _Quit(self.words.stopped)
        return text

    def run(self) -> int:
        said = self.words
        flow = self.session.flow.flow
        self.say(said.title_line.format(title=flow.title, id=flow.id, version=flow.version))
        if self.session.patient is not None:
            self.say(f"{_colon(said, said.patient)} {self.session.patient}")
        self.say(flow.disclaimer)
        warning = overdue_line(self.session.flow)
        if warning is not None:
            self.say(warning)
        self.say(said.help)
        if self.session.steps:
            self.say()
            self.say(said.answers_so_far)
            for line in answered_lines(self.session):
                self.say(line)
        try:
            while not self.session.finished:
                self.turn()
            view = self.session.outcome()
            assert view is not None
            self.show_outcome(view)
        except (_Quit, KeyboardInterrupt) as stop:
            reason = str(stop) or self.words.stopped
            kept = self.conversation.leave()
            if kept is not None:
                self.say(self.conversation.kept_line(kept))
            self.say(self.words.nothing_decided.format(reason=reason))
            return 1
        except FlowRuntimeError as error:
            self.say(self.conversation.failed(error))
            return 1
        self.conversation.outcome_shown()
        self.after_outcome()
        return 0

    def after_outcome(self) -> None:
        """Export or discard the finished session; Enter, quit or input ending keeps its
        journal (said, with how to come back to it): nothing is lost by reaching the end."""
        while not self.conversation.exported and not self.conversation.left:
            self.say()
            self.say(self.words.after_outcome)
            try:
                text = self.ask()
            except _Quit:
                text = ""
            choice = self.words.commands.get(text.lower(), text.lower())
            if choice == "export":
                self.export()
            elif text.lower() in (self.words.discard_word, "discard"):
                self.conversation.discard()
                self.say(self.words.discarded_session)
            elif not text:
                kept = self.conversation.leave()
                if kept is not None:
                    self.say(self.conversation.kept_line(kept))

    def export(self) -> None:
        """``export``: choose a format (the last one offered first) and write the transcript."""
        fmt = self.choose_format()
        if fmt is None:
            return
        said = self.words
        try:
            exported = self.conversation.export(fmt, self.export_dir)
        except (OSError, WriteError, ExportError) as error:
            self.say(said.export_failed.format(error=error))
            return
        template = said.exported if exported.written else said.already_exported
        self.say(template.format(path=exported.path))

    def choose_format(self) -> Format | None:
        """The format typed by its number (Enter: the last one chosen); None: input ended."""
        lang, last = self.session.flow.language, last_format()
        offer, prompt, retry = format_offer(lang, last)
        for line in offer:
            self.say(line)
        while True:
            try:
                text = self.ask(prompt)
            except _Quit:
                return None
            if not text:
                return last
            chosen = numbered(text, list(FORMATS))
            if chosen is not None:
                return cast(Format, chosen)
            self.say(retry)

    def turn(self) -> None:
        """Show the current node, read one line, act on it."""
        session = self.session
        said = self.words
        asked = asking(session)  # the core's conversation view: as the TUI shows it
        self.say()
        if asked.kind == "info":
            self.say(asked.text)
            command = self.ask(said.press_enter)
            if not self.command(command):
                self.conversation.answer()
            return
        question = session.question
        assert question is not None
        if asked.heading is not None:
            self.say(f"[{asked.heading}]")
        self.say(f"Q{session.questions_answered + 1}. {asked.text}")
        if asked.detail:
            self.say(f"   ({asked.detail})")
        lang = session.flow.language
        for line in options(question, lang):
            self.say(line)
        text = self.ask()
        if not text:  # never an answer (principle 8): asked again, with what to type
            self.say(said.empty_line.format(accepted=what_to_type(question, lang)))
            return
        if self.command(text):
            return
        try:
            self.conversation.answer(to_raw(question, text, lang))
        except AnswerError as error:  # says what it refused and what is accepted
            self.say(str(error))
        except FlowRuntimeError as error:  # the flow fails on this answer: taken back
            self.say(said.not_accepted_line.format(error=error))

    def command(self, text: str) -> bool:
        """Handle ``why``, ``back``, ``help`` and ``lang [CODE]`` (or the same words in the
        session's language); True if ``text`` was one of them."""
        first, _, rest = text.strip().partition(" ")
        command = self.words.commands.get(first.lower())
        if command == "lang":
            self.language(rest.strip().lower())
            return True
        if rest:
            return False
        if command == "export":
            self.export()
            return True
        if command == "why":
            for style, line in why_lines(self.session.flow, self.session.current):
                self.say(line.upper() if style == "heading" else line)
        elif command == "back":
            if not self.conversation.back():
                self.say(self.words.at_first_question)
        elif command == "help":
            self.say(self.words.help)
        return command in ("why", "back", "help")

    def language(self, code: str) -> None:
        """``lang``: say the language and those the flow has; ``lang CODE``: switch to it."""
        flow = self.session.flow
        codes = ", ".join(flow.languages)
        if not code:
            name = language_name(flow.language)
            self.say(self.words.language_now.format(name=name, code=flow.language, codes=codes))
            return
        try:
            self.conversation.switch_language(code)
        except LanguageError:
            self.say(self.words.language_missing.format(code=code, codes=codes))
            return
        name = language_name(code)
        self.say(self.words.language_switched.format(name=name, code=code))

    def show_outcome(self, view: OutcomeView) -> None:
        self.say()
        for line in outcome_lines(self.session.flow, view):
            self.say(line)


def _colon(said: Words, text: str) -> str:
    """``Actions:`` in English, ``Actions :`` in French."""
    return f"{text}{said.colon}"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def answered_lines(session: Session) -> list[str]:
    """The answers on the path so far, one short line each (shown when resuming)."""
    lines = []
    lang = session.flow.language
    for step in session.steps:
        if step.value is not None:
            question = session.flow.question(step.node)
            name = round_name(session.flow, step.node, step.round)
            where = "" if name is None else f"{name}: "
            answer = describe_answer(question, step.value, lang)
            lines.append(f"- {where}{question.prompt} {answer}")
    return lines


def start_journal(session: Session, stdout: TextIO) -> Journal | None:
    """A journal for ``session``, or None (said) when the data folder cannot be written."""
    conversation = Conversation(session, lambda _: None)
    error = conversation.start_journal()
    if error is not None:
        stdout.write(words(session.flow.language).no_journal.format(error=error) + "\n")
    return conversation.journal


def run_plain(  # noqa: PLR0913 (the streams and options the CLI passes)
    flow: CompiledFlow,
    stdin: TextIO,
    stdout: TextIO,
    *,
    offer: bool | None = None,
    extra: Sequence[Path] = (),
    lang: str | None = None,
    patient: str | None = None,
    clock: Clock = local_now,
) -> int:
    """Run ``flow`` as a line-by-line conversation; returns the exit code.

    ``patient``: the patient reference given on the command line (checked); without one,
    it is asked for once when stdin is a terminal (Enter skips it).

    ``offer``: offer unfinished sessions of this flow first (default: when stdin is a
    terminal). ``lang``: the language asked for on the command line (``flow`` is already
    in it); a session picked from the offer is resumed in it rather than in its own.
    """
    stdout = escaping(stdout)
    if offer is None:
        offer = _isatty(stdin)
    chosen = choose_unfinished(flow, stdin, stdout, extra) if offer else None
    if chosen is not None:
        return resume_plain(chosen, stdin, stdout, extra, lang)
    if patient is None and _isatty(stdin):  # a pipe reads no extra line (scripts)
        patient = ask_patient(flow.language, stdin, stdout)
    session = Conversation.new(flow, lambda _: None, clock, patient).session
    return PlainChat(session, stdin, stdout, start_journal(session, stdout)).run()


def choose_unfinished(
    flow: CompiledFlow, stdin: TextIO, stdout: TextIO, extra: Sequence[Path] = ()
) -> journal.Unfinished | None:
    """Offer the unfinished sessions of ``flow``; the one picked, or None for a new session."""
    said = words(flow.language)
    try:
        found = resuming.offers(flow.id, extra, flow.language)
    except JournalError as error:
        stdout.write(said.cannot_list_unfinished.format(error=error) + "\n")
        return None
    good = [o for o in found if o.error is None]
    damaged = [o for o in found if o.error is not None]
    if damaged:
        many, one = said.damaged_sessions, said.damaged_sessions_one
        stdout.write(counted(len(damaged), one, many, flow.language) + "\n")
    if not good:
        return None
    stdout.write(said.unfinished_sessions.format(title=flow.flow.title) + "\n")
    for number, found_offer in enumerate(good, 1):
        stdout.write(f"  {number}. {found_offer.line()}\n")
        for warning in found_offer.warnings:
            stdout.write(f"     {said.warning_line.format(warning=warning)}\n")
    while True:
        stdout.write(said.resume_prompt.format(count=len(good)))
        stdout.flush()
        line = stdin.readline()
        text = line.strip()
        if not line or not text:
            return None
        if is_number(text) and 1 <= int(text) <= len(good):
            return good[int(text) - 1].entry
        stdout.write(said.resume_retry.format(count=len(good)) + "\n")


def resume_plain(
    entry: journal.Unfinished | Path,
    stdin: TextIO,
    stdout: TextIO,
    extra: Sequence[Path] = (),
    lang: str | None = None,
) -> int:
    """Resume a journaled session line by line, in the language it was left in (``lang``
    overrides it); exit code as :func:`run_plain`."""
    stdout = escaping(stdout)
    try:
        resumed, warnings = Conversation.resume(entry, lambda _: None, extra, lang=lang)
    except ResumeRefused as refused:
        stdout.write(words(lang).cannot_resume.format(error=refused.reason(lang)) + "\n")
        return 1
    said = words(resumed.session.flow.language)
    for warning in warnings:
        stdout.write(said.warning_line.format(warning=warning) + "\n")
    return PlainChat(resumed.session, stdin, stdout, resumed.journal).run()
