"""One clinician's session as every front end holds it: the Session and its journal.

The TUI and plain mode are views of a :class:`Conversation`: they show its session, hand
it what the user did (an answer, back, an edit, a language), and say what it reports. The
rules that keep answers safe live here, once:

- The journal (:mod:`triagebot.app.journal`) records every step from its start; a
  journal that cannot be written is reported once (``report``) and then dropped, never
  retried per answer: the step itself stands.
- Reaching the outcome loses nothing: the journal is kept until the transcript was
  exported (:meth:`export`, any format) or the user discards the session
  (:meth:`discard`); a finished session left unexported is listed with the unfinished
  ones, to export or discard.
- A flow that fails on this path (:meth:`failed`) keeps its journal, to resume once the
  flow is fixed.
- Leaving (:meth:`leave`) keeps a journal with answers in it (a finished session's too,
  until exported) and drops one without; a session left is never journaled again (a late
  answer or draw would start a second journal of its answers).

No textual here: front ends import this module, it imports the core.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from triagebot.app import journal
from triagebot.app.download import download, session_transcript
from triagebot.app.export import Exported, export_transcript, remember_format, transcript_text
from triagebot.app.files import WriteError
from triagebot.app.journal import Journal, JournalError
from triagebot.flows.catalog import Words, words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import (
    Clock,
    EditResult,
    FlowRuntimeError,
    Session,
)
from triagebot.flows.exports import Format
from triagebot.flows.switching import switch_language
from triagebot.flows.times import local_now

if TYPE_CHECKING:
    from triagebot.flows.transcript import Transcript

Report = Callable[[str], None]
"""Says a problem with the journal to the user, worded in the session's language."""

CLINICIAN_VARIABLE = "TRIAGEBOT_CLINICIAN"
"""Environment variable naming the clinician (``serve`` sets it from the reverse proxy's
user header); recorded in every transcript as ``clinician``."""

JOURNAL_ERRORS = (OSError, WriteError, JournalError)
"""What writing a journal raises when the data folder fails: reported, never a crash."""


class ResumeRefused(Exception):
    """A journal that cannot be resumed here: damaged, gone, its flow missing or changed
    beyond its steps, or held by another process (``busy``)."""

    def __init__(self, error: JournalError | OSError) -> None:
        super().__init__(str(error))
        self.error = error

    @property
    def busy(self) -> bool:
        """Whether another process holds the session (it is in use there)."""
        return isinstance(self.error, journal.JournalBusy)

    def reason(self, lang: str | None = None) -> str:
        """Why, in ``lang`` where the catalog words it (a session held elsewhere)."""
        if isinstance(self.error, journal.JournalBusy):
            return journal.in_use_message(self.error.path, self.error.holder, lang)
        return str(self.error)


class Conversation:
    """A Session, its journal, and what leaving, failing and finishing do to the journal."""

    def __init__(
        self,
        session: Session,
        report: Report,
        record: Journal | None = None,
        *,
        journaled: bool = True,
    ) -> None:
        self.session = session
        self.report = report
        self.journal = record
        """Records every step; None before it starts, or once it failed or was let go."""
        self.journaled = journaled
        """False: the session is never journaled (a test, or a journal refused at start)."""
        self.journal_failed = False
        """Set once the journal could not be written: said once, not retried per step."""
        self.left = False
        """Set once the user left the session: nothing journals it again."""
        if session.clinician is None:
            session.clinician = os.environ.get(CLINICIAN_VARIABLE, "").strip() or None
        self.exported = False
        """Set once the finished session's transcript was exported: its journal is gone."""

    @classmethod
    def new(
        cls,
        flow: CompiledFlow,
        report: Report,
        clock: Clock = local_now,
        patient: str | None = None,
    ) -> Conversation:
        """A new session of ``flow`` for ``patient`` (a reference the user typed, checked by
        :func:`~triagebot.flows.patient.patient_reference`; None: none given), not
        journaled yet (:meth:`start_journal`, :meth:`keep`)."""
        session = Session(flow, clock)
        session.patient = patient
        return cls(session, report)

    @classmethod
    def resume(
        cls,
        path: Path | journal.Unfinished,
        report: Report,
        extra: Sequence[Path] = (),
        clock: Clock = local_now,
        lang: str | None = None,
    ) -> tuple[Conversation, list[str]]:
        """The session of an unfinished journal, recording into it again, and the warnings
        to show with it (a cut last line, a changed flow). ``lang`` overrides the journal's
        language (the flow lacking it refuses the resume).

        Raises :class:`ResumeRefused` when it cannot be resumed.
        """
        try:
            resumed = journal.resume(path, extra, clock, lang)
        except (JournalError, OSError) as error:
            raise ResumeRefused(error) from None
        return cls(resumed.session, report, resumed.journal), list(resumed.warnings)

    @property
    def words(self) -> Words:
        """The catalog's words in the session's language (it may change mid-session)."""
        return words(self.session.flow.language)

    # --- the journal ---------------------------------------------------------------------

    def start_journal(self) -> Exception | None:
        """Journal the session from now on (its steps so far included), unless it is
        already, or failed, or was left; the error when the journal cannot be started
        (then never retried)."""
        if self.journal is not None or self.journal_failed or self.left or not self.journaled:
            return None
        try:
            self.journal = Journal.start(self.session)
        except JOURNAL_ERRORS as error:
            self.journal_failed = True
            return error
        return None

    def keep(self) -> None:
        """Journal the session if it is not yet (an outcome reached too: its journal goes
        only once the outcome is shown); a failure is reported."""
        error = self.start_journal()
        if error is not None:
            self._broken(error)

    def _call(self, call: Callable[[], object]) -> None:
        """Run a step that the journal records; a journal failing in it is reported and
        dropped (the step stands: the engine applied it before the journal failed)."""
        try:
            call()
        except JOURNAL_ERRORS as error:
            self._broken(error)

    def _broken(self, error: Exception) -> None:
        self.journal_failed = True
        if self.journal is not None:
            with contextlib.suppress(OSError):
                self.journal.close()
            self.journal = None
        self.report(self.words.journal_failed.format(error=error))

    def outcome_shown(self) -> None:
        """The outcome is on screen. Its journal stays until the transcript is exported or
        the session discarded: nothing is lost by reaching the end."""

    def discard(self) -> None:
        """The user discards the session: its journal is removed (it is left, too)."""
        record = self.journal
        self.journal = None
        self.left = True
        if record is not None:
            self._call(record.discard)

    def failed(self, error: FlowRuntimeError) -> str:
        """The flow cannot go on from here (a fault on this path, e.g. in its outcome): the
        journal is kept (every answer), to resume once the flow is fixed. Returns the line
        that says so."""
        said, record = self.words, self.journal
        self.journal = None  # kept: leaving must not discard a finished session's journal
        self.left = True
        if record is not None and record.open:
            self._call(record.close)
            return said.flow_failed.format(error=error, name=record.path.name)
        return said.flow_failed_unsaved.format(error=error)

    def leave(self) -> Path | None:
        """The user leaves the session: its journal is kept if it holds answers (its path
        returned), else removed. Nothing journals the session after this."""
        record = self.journal
        self.left = True
        self.journal = None
        if record is None:
            return None
        if not self.session.steps:
            self._call(record.discard)
            return None
        self._call(record.close)
        return record.path

    def kept_line(self, path: Path) -> str:
        """``Unfinished session kept: resume it with ...`` (a finished one: kept until it is
        exported), in the session's language."""
        said = self.words
        template = said.kept_finished if self.session.finished else said.kept
        return template.format(name=path.name)

    # --- what the user did -----------------------------------------------------------------

    def answer(self, raw: object = None) -> None:
        """Answer the current question with ``raw`` (None: go on from an info message).

        Raises AnswerError (a wrong answer: nothing changed) and FlowRuntimeError (the flow
        fails on this answer); a journal failure is reported, the answer stands.
        """
        self._call(lambda: self.session.answer(raw))
        self.keep()

    def back(self) -> bool:
        """Go back one question; False at the first one."""
        went_back = True

        def step() -> None:
            nonlocal went_back
            went_back = self.session.back()

        self._call(step)
        self.keep()
        return went_back

    def edit(self, question: str, raw: object, round: int | None = None) -> EditResult | None:
        """Change an earlier answer; the result (answers dropped by it), or None when the
        journal failed recording it (the edit stands). Raises as :meth:`answer`."""
        result: EditResult | None = None

        def step() -> None:
            nonlocal result
            result = self.session.edit(question, raw, round=round)

        self._call(step)
        self.keep()
        return result

    def switch_language(self, lang: str) -> None:
        """Go on in ``lang``: every answer kept, everything re-worded, the switch journaled.

        Raises LanguageError when the flow is not written in ``lang`` (nothing changed).
        """
        self._call(lambda: switch_language(self.session, lang))

    def next_language(self) -> str:
        """The flow's language after the session's (in the flow's order, round)."""
        languages = self.session.flow.languages
        return languages[(languages.index(self.session.flow.language) + 1) % len(languages)]

    # --- export --------------------------------------------------------------------------

    def export(self, fmt: Format = "text", folder: Path | None = None) -> Exported:
        """Write the transcript in ``fmt`` where it overwrites nothing (see
        :func:`~triagebot.app.export.export_transcript`) and remember the format; once a
        finished session is exported its journal goes. Raises OSError, WriteError or
        ExportError."""
        exported = export_transcript(self.session, folder, fmt)
        self._filed(fmt)
        return exported

    def _filed(self, fmt: Format) -> None:
        """The transcript left in ``fmt``: remember the format, and once a finished session
        is exported (written or downloaded) its journal goes."""
        remember_format(fmt)
        if self.session.finished:
            self.exported = True
            record, self.journal = self.journal, None
            if record is not None and record.open:
                self._call(record.finish)

    def text(self) -> str:
        """The transcript as plain text (what is copied and exported)."""
        return transcript_text(self.session)

    # --- in a browser (triagebot serve) ------------------------------------------------

    def transcript(self) -> Transcript:
        """The session's transcript as it stands, the clinician recorded in it."""
        return session_transcript(self.session)

    def download(self, fmt: Format = "text") -> tuple[str, str]:
        """The transcript's file name and text in ``fmt``, for a browser: nothing is written
        on the server but the format chosen; a finished session's journal goes, as after
        :meth:`export`. Raises ExportError (FHIR that does not validate)."""
        filed = download(self.session, fmt)
        self._filed(fmt)
        return filed
