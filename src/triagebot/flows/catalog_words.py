"""The fields of the catalog: everything the core words itself, each field once for every
language (:mod:`~triagebot.flows.catalog`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Words:
    """Everything the core words itself, for one language."""

    name: str
    """The language's own name for itself (``English``, ``français``)."""
    decimal: str
    """The decimal separator numbers are shown with."""
    colon: str
    """What ends a heading or a label: ``:`` in English, `` :`` in French."""

    # --- answers as shown --------------------------------------------------------------
    yes: str
    no: str
    unsure: str
    unknown: str
    not_available: str
    """A computed value whose inputs are missing on this path."""
    none_of_these: str
    """The default ``none_label`` of a multi-choice question."""
    urgency: Mapping[str, str]
    """Urgency id → the word shown, so an outcome reads the same without colour."""
    urgency_short: Mapping[str, str]
    """Urgency id → one short word, as exports print it (``OUTCOME [NONE]``)."""
    evidence: Mapping[str, str]
    """A source's evidence kind (``guideline``...) as shown."""

    # --- what an answer may be, and why it was refused ---------------------------------
    accepted_yes_no: str
    accepted_yes_no_unsure: str
    accepted_one_of: str
    accepted_any_of: str
    a_whole_number: str
    a_number: str
    number_range: str
    or_unknown: str
    not_accepted: str
    not_accepted_number: str
    not_an_option: str
    listed_twice: str
    out_of_range: str
    not_whole: str
    no_value: str
    too_long: str
    ambiguous: str
    not_a_number: str
    an_empty_answer: str
    no_answer: str
    flow_finished: str
    round_label: str
    """A repeated group's round, e.g. "Branch 2 of up to 6"."""
    not_answered: str

    # --- why a question is asked (TUI and plain mode) ----------------------------------
    why_we_ask: str
    source: str
    outcome_rests_on: str
    source_line: str
    review_on: str
    review_not_stated: str
    content_review_line: str
    note: str

    # --- exports -----------------------------------------------------------------------
    flow_line: str
    flow_line_markdown: str
    period_not_finished: str
    period_same_day: str
    period_days: str
    warning: str
    review_overdue_sentence: str
    overdue_content: str
    overdue_source: str
    carried_over: str
    changed: str
    no_longer_applies: str
    no_outcome: str
    not_finished: str
    no_outcome_line: str
    outcome: str
    reasons: str
    actions: str
    evidence_heading: str
    safety_netting: str
    sources: str
    computed: str
    answers: str
    changes: str
    values: str
    export_source_line: str
    outcome_reached: str
    """The FHIR item holding the outcome reached."""
    urgency_heading: str
    """The FHIR item holding the outcome's urgency."""

    # --- plain mode --------------------------------------------------------------------
    help: str
    title_line: str
    review_overdue_line: str
    answers_so_far: str
    press_enter: str
    enter: str
    common_values: str
    multi_hint: str
    not_accepted_line: str
    empty_line: str
    """An empty line at a question (never an answer), then what to type (``accepted``)."""
    type_numbers_or: str
    type_ticks: str
    type_value: str
    at_first_question: str
    outcome_line: str
    why: str
    source_ref: str
    input_ended: str
    stopped: str
    nothing_decided: str
    kept: str
    kept_finished: str
    format_names: Mapping[str, str]
    """Each export format's name as offered (``text``: "Plain text")."""
    export_as: str
    export_choose: str
    export_choose_retry: str
    after_outcome: str
    export_word: str
    discard_word: str
    discarded_session: str
    copy_unsure: str
    journal_failed: str
    no_journal: str
    language_now: str
    language_switched: str
    language_missing: str
    commands: Mapping[str, str]
    """Words typed in plain mode → the command (``why``, ``back``, ``help``, ``lang``, ``quit``)."""
    none_words: tuple[str, ...]
    """Typed for "none of these" at a multi-choice question."""
    unfinished_sessions: str
    resume_prompt: str
    resume_retry: str
    damaged_sessions: str
    damaged_sessions_one: str
    answers_one: str
    answers_many: str
    offer_line: str
    """An unfinished session on one line (plain mode's list)."""
    offer_started: str
    offer_at: str
    """The question (or message, or outcome) an unfinished session stopped at."""
    offer_outcome: str
    offer_message: str
    offer_flow_changed: str
    """An unfinished session's flow file changed since it started (``old``, ``new``)."""
    cannot_be_resumed: str
    warning_label: str
    warning_line: str
    in_use: str
    """An unfinished session another process holds, as listed (``process``: who)."""
    session_in_use: str
    """Refusing to open a session another process holds (``name``, ``process``)."""
    lock_holder: str
    lock_holder_no_start: str
    lock_holder_unknown: str
    lock_holder_here: str
    flow_failed: str
    """The flow failed on this path (its outcome cannot be worked out); the journal is
    kept (``name``), to resume once the flow is fixed."""
    flow_failed_unsaved: str

    # --- the TUI (triagebot.tui) ---------------------------------------------------------
    key_not_accepted: str
    """A key that answers nothing on the question shown, then how to answer it (``keys``)."""
    more_above: str
    more_below: str
    """Options of a list out of view, above and below (``count``)."""
    number_hint: str
    refused: str
    """A refusal without the core's message (should not happen)."""
    answered_one: str
    answered_many: str
    outcome_after_one: str
    outcome_after_many: str
    edit_title: str
    answer_now: str
    answer_changed: str
    answer_kept: str
    superseded_line: str
    change_this_answer: str
    no_answer_to_change: str
    later_dropped: str
    later_dropped_one: str
    patient: str
    clinician: str
    patient_prompt: str
    patient_title: str
    patient_hint: str
    patient_refused_character: str
    patient_too_long: str
    offer_patient: str
    export_failed: str
    exported: str
    already_exported: str
    """F5 again with nothing changed: the file that holds this very transcript."""
    downloaded: str
    """F5 in a browser (``triagebot serve``): the file's name, handed to the browser."""
    copied: str
    cannot_resume: str
    resumed_with_warning: str
    cannot_list_unfinished: str
    no_unfinished: str
    kept_many: str
    choose_a_flow: str
    filter_placeholder: str
    not_loaded: str
    review_overdue_due: str
    review_date: str
    resume_title: str
    discard_damaged: str
    discard_unfinished: str
    discard_question: str
    discard_warning: str
    discarded: str
    could_not_discard: str
