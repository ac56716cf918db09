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

Every session is journaled (:mod:`triagebot.flows.journal`) from its start: the journal is
removed once the outcome is shown, never before; quitting, ctrl+c, input ending or the flow
failing on the path (a fault in it: said in one line, exit 1) keeps it and says how to
resume it. When stdin is a terminal (and not ``--new``), unfinished sessions of the
same flow are offered first; on a pipe there is no offer, so scripts read no extra prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from triagebot import resuming
from triagebot.files import WriteError
from triagebot.flows import journal
from triagebot.flows.answers import AnswerError, accepted, format_number
from triagebot.flows.catalog import Words, language_name, words
from triagebot.flows.compiler import CompiledFlow, LanguageError
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session, describe_answer
from triagebot.flows.journal import Journal, JournalError
from triagebot.flows.safe_text import escaping
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.flows.switching import switch_language
from triagebot.flows.wording import overdue_line, round_name, urgency_word, why_lines

HELP = words(None).help
"""The commands, in English (each language's is ``words(lang).help``)."""


class _Quit(Exception):
    """The user typed quit, or input ended."""


class PlainChat:
    """One conversation over a pair of text streams."""

    def __init__(
        self, session: Session, stdin: TextIO, stdout: TextIO, journal: Journal | None = None
    ) -> None:
        self.session = session
        self.stdin = stdin
        self.stdout = escaping(stdout)
        self.journal = journal
        """Records every step; None when the session is not journaled (or saving failed)."""
        self.echo = not _isatty(stdin)
        """Echo what was read when it comes from a pipe, so the output reads as a dialogue."""

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

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
                self.safe_turn()
            view = self.session.outcome()
            assert view is not None
            self.show_outcome(view)
        except (_Quit, KeyboardInterrupt) as stop:
            reason = str(stop) or self.words.stopped
            self.keep_or_discard()
            self.say(self.words.nothing_decided.format(reason=reason))
            return 1
        except FlowRuntimeError as error:
            self.flow_failed(error)
            return 1
        # Only now, with the outcome shown, is the journal no longer needed.
        self.journal_call(self.journal.finish if self.journal is not None else None)
        return 0

    def safe_turn(self) -> None:
        """One turn; a journal that cannot be written is said once and then dropped."""
        self.journal_call(self.turn)

    def journal_call(self, call: Callable[[], None] | None) -> None:
        """Run ``call``; a journal that fails in it is said once and then dropped (the step
        itself stands: the engine applied it before the journal failed)."""
        try:
            if call is not None:
                call()
        except (OSError, JournalError) as error:
            self.say(self.words.journal_failed.format(error=error))
            if self.journal is not None:
                self.journal.close()
                self.journal = None

    def flow_failed(self, error: FlowRuntimeError) -> None:
        """The flow cannot go on from here (a fault on this path, e.g. in its outcome): say
        so in one line and keep the journal, to resume once the flow is fixed."""
        if self.journal is None:
            self.say(self.words.flow_failed_unsaved.format(error=error))
            return
        self.journal.close()
        self.say(self.words.flow_failed.format(error=error, name=self.journal.path.name))

    def keep_or_discard(self) -> None:
        """Leaving before an outcome: keep a journal with answers in it, drop an empty one."""
        if self.journal is None:
            return
        if self.session.steps:
            self.journal.close()
            self.say(self.words.kept.format(name=self.journal.path.name))
        else:
            self.journal.discard()

    def turn(self) -> None:
        """Show the current node, read one line, act on it."""
        session = self.session
        said = self.words
        node = session.node
        self.say()
        if isinstance(node, InfoNode):
            self.say(session.fill(node.text))
            command = self.ask(said.press_enter)
            if not self.command(command):
                session.answer()
            return
        question = session.question
        assert question is not None
        where = session.round_info
        if where is not None:
            self.say(f"[{where.label}]")
        self.say(f"Q{session.questions_answered + 1}. {question.prompt}")
        if question.detail:
            self.say(f"   ({question.detail})")
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
            session.answer(to_raw(question, text, lang))
        except (AnswerError, FlowRuntimeError) as error:
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
        if command == "why":
            for style, line in why_lines(self.session.flow, self.session.current):
                self.say(line.upper() if style == "heading" else line)
        elif command == "back":
            if not self.session.back():
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
            switch_language(self.session, code)
        except LanguageError:
            self.say(self.words.language_missing.format(code=code, codes=codes))
            return
        name = language_name(code)
        self.say(self.words.language_switched.format(name=name, code=code))

    def show_outcome(self, view: OutcomeView) -> None:
        said = self.words
        self.say()
        self.say(
            said.outcome_line.format(
                urgency=urgency_word(view.urgency, self.session.flow.language), title=view.title
            )
        )
        if view.summary:
            self.say(view.summary)
        for heading, items in (
            (said.why, view.reasons),
            (said.actions, view.actions),
            (said.evidence_heading, view.evidence),
            (said.safety_netting, view.safety_netting),
        ):
            if items:
                self.say(_colon(said, heading))
                for item in items:
                    source = said.source_ref.format(doc=item.doc, section=item.section)
                    self.say(f"- {item.text} {source}")
        for value in view.shown:
            label = value.label if value.label.endswith("?") else _colon(said, value.label)
            self.say(f"{label} {value.display}")
        self.say(self.session.flow.flow.disclaimer)


def _colon(said: Words, text: str) -> str:
    """``Actions:`` in English, ``Actions :`` in French."""
    return f"{text}{said.colon}"


def yes_no_words(question: YesNoQuestion, lang: str | None = None) -> dict[str, str]:
    """What may be typed at a yes/no question → the answer id: the ids, the language's words
    (``oui``, ``non``, ``incertain``) and their first letters (the language's first)."""
    said = words(lang)
    ids = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
    shown = {"yes": said.yes, "no": said.no, UNSURE: said.unsure}
    typed: dict[str, str] = {}
    for answer in ids:
        typed.setdefault(shown[answer].lower(), answer)
        typed.setdefault(shown[answer][0].lower(), answer)
    for answer in ids:
        typed.setdefault(answer, answer)
        typed.setdefault(answer[0], answer)
    return typed


def options(question: Question, lang: str | None = None) -> list[str]:
    """How a question's answers are offered: numbered options, or unit and range."""
    said = words(lang)
    if isinstance(question, YesNoQuestion):
        shown = [said.yes, said.no, *([said.unsure] if question.allow_unsure else [])]
        return ["   " + "   ".join(f"{n}. {w}" for n, w in enumerate(shown, 1))]
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        lines = [f"   {n}. {o.label}" for n, o in enumerate(question.options, 1)]
        if isinstance(question, MultiChoiceQuestion):
            lines.append(f"   0. {question.none_label}")
            lines.append(f"   {said.multi_hint}")
        return lines
    assert isinstance(question, NumberQuestion)
    lines = ["   " + said.enter.format(accepted=accepted(question, lang))]
    if question.suggestions:
        unit = f" {question.unit}" if question.unit else ""
        common = "; ".join(
            f"{format_number(s.value, lang)}{unit} ({s.label})" for s in question.suggestions
        )
        lines.append("   " + said.common_values.format(values=common))
    return lines


def what_to_type(question: Question, lang: str | None = None) -> str:
    """What answers ``question`` when typed here: an option's number or word, the numbers
    of every option that applies, or a value."""
    said = words(lang)
    if isinstance(question, MultiChoiceQuestion):
        return said.type_ticks.format(none=question.none_label)
    if isinstance(question, YesNoQuestion):
        count = 3 if question.allow_unsure else 2
    elif isinstance(question, ChoiceQuestion):
        count = len(question.options)
    else:
        return said.type_value.format(accepted=accepted(question, lang))
    numbers = "1" if count == 1 else f"1–{count}"
    return said.type_numbers_or.format(numbers=numbers, accepted=accepted(question, lang))


def to_raw(question: Question, text: str, lang: str | None = None) -> object:
    """Turn a typed line into the raw answer ``parse_answer`` checks: numbers and labels pick
    options, and the language's words (``oui``, ``aucun``, ``inconnu``) stand for the ids."""
    said = words(lang)
    if isinstance(question, YesNoQuestion):
        ids = ["yes", "no", *([UNSURE] if question.allow_unsure else [])]
        return _numbered(text, ids) or yes_no_words(question, lang).get(text.lower(), text)
    if isinstance(question, ChoiceQuestion):
        labels = {o.label.lower(): o.id for o in question.options}
        return _numbered(text, [o.id for o in question.options]) or labels.get(text.lower(), text)
    if isinstance(question, MultiChoiceQuestion):
        if text.lower() in said.none_words:
            return []
        ids = [o.id for o in question.options]
        parts = text.replace(",", " ").split()
        return [_numbered(part, ids) or part for part in parts] if parts else text
    if question.allow_unknown and text.strip().lower() == said.unknown:
        return UNKNOWN
    return text


def _numbered(text: str, values: list[str]) -> str | None:
    if _is_number(text) and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    return None


def _is_number(text: str) -> bool:
    """An option's number as typed: ASCII digits (``str.isdigit`` takes ``¹`` too, which
    ``int`` then refuses)."""
    return text.isascii() and text.isdigit()


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
    try:
        return Journal.start(session)
    except (OSError, WriteError, JournalError) as error:
        stdout.write(words(session.flow.language).no_journal.format(error=error) + "\n")
        return None


def run_plain(  # noqa: PLR0913 (keyword options, as the CLI passes them)
    flow: CompiledFlow,
    stdin: TextIO,
    stdout: TextIO,
    *,
    offer: bool | None = None,
    extra: Sequence[Path] = (),
    lang: str | None = None,
) -> int:
    """Run ``flow`` as a line-by-line conversation; returns the exit code.

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
    session = Session(flow)
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
        stdout.write(said.damaged_sessions.format(count=len(damaged)) + "\n")
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
        if _is_number(text) and 1 <= int(text) <= len(good):
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
        resumed = journal.resume(entry, extra, lang=lang)
    except journal.JournalBusy as busy:
        refusal = journal.in_use_message(busy.path, busy.holder, lang)
        stdout.write(words(lang).cannot_resume.format(error=refusal) + "\n")
        return 1
    except JournalError as error:
        stdout.write(words(lang).cannot_resume.format(error=error) + "\n")
        return 1
    said = words(resumed.session.flow.language)
    for warning in resumed.warnings:
        stdout.write(said.warning_line.format(warning=warning) + "\n")
    return PlainChat(resumed.session, stdin, stdout, resumed.journal).run()
