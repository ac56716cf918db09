"""The words triagebot itself says, in each language it speaks (no textual here).

A flow carries its own text in its own languages; everything around it (yes and no, the
urgency words, export headings, plain mode's prompts, the TUI's labels, answer errors)
comes from here, so a French session reads French throughout. Each language is one
:class:`Words`: a field missing from a language is a TypeError when this module is
imported, never a blank at runtime. A language a flow declares but the catalog lacks
falls back to English.

Templates use ``str.format`` names, e.g. ``words("fr").enter.format(accepted=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"
"""The language of flows that declare none, and of the catalog's fallback."""


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
    keys: Mapping[str, tuple[str, str]]
    """TUI action → (its label in the footer and palette, what the palette says it does)."""
    outcome_buttons: Mapping[str, str]
    """TUI action → the label of its button under an outcome."""
    key_not_accepted: str
    """A key that answers nothing on the question shown, then how to answer it (``keys``)."""
    nothing_chosen: str
    """Enter with no answer moved to (nothing is pre-selected), then how to answer (``keys``)."""
    more_above: str
    more_below: str
    """Options of a list out of view, above and below (``count``)."""
    choice_hint: str
    multi_choice_hint: str
    confirm_button: str
    number_hint: str
    continue_button: str
    refused: str
    """A refusal without the core's message (should not happen)."""
    answered_one: str
    answered_many: str
    outcome_after_one: str
    outcome_after_many: str
    edit_title: str
    answer_now: str
    esc_cancels: str
    esc_f1_closes: str
    answer_changed: str
    answer_kept: str
    superseded_line: str
    change_this_answer: str
    no_answer_to_change: str
    pick_an_answer: str
    later_dropped: str
    export_failed: str
    exported: str
    already_exported: str
    """F5 again with nothing changed: the file that holds this very transcript."""
    copied: str
    cannot_resume: str
    resumed_with_warning: str
    cannot_list_unfinished: str
    no_unfinished: str
    kept_many: str
    choose_a_flow: str
    start_hint: str
    unfinished_one: str
    unfinished_many: str
    filter_placeholder: str
    not_loaded: str
    review_overdue_due: str
    review_date: str
    resume_title: str
    resume_hint: str
    discard_key: str
    new_session_key: str
    keep_key: str
    damaged_cannot_resume: str
    discard_damaged: str
    discard_unfinished: str
    discard_question: str
    discard_warning: str
    discard_keys: str
    """How the discard question is answered; ``yes`` is the key that discards."""
    discarded: str
    could_not_discard: str


ENGLISH = Words(
    name="English",
    decimal=".",
    colon=":",
    yes="yes",
    no="no",
    unsure="unsure",
    unknown="unknown",
    not_available="not available",
    none_of_these="None of these",
    urgency={
        "emergency": "EMERGENCY",
        "urgent": "URGENT",
        "soon": "SOON",
        "routine": "ROUTINE",
        "none": "NO ACTION FROM THIS SCREEN",
    },
    urgency_short={
        "emergency": "EMERGENCY",
        "urgent": "URGENT",
        "soon": "SOON",
        "routine": "ROUTINE",
        "none": "NONE",
    },
    evidence={
        "guideline": "guideline",
        "policy": "policy",
        "survey": "survey",
        "study": "study",
        "review": "review",
        "lecture": "lecture",
    },
    accepted_yes_no="yes or no",
    accepted_yes_no_unsure="yes, no or unsure",
    accepted_one_of="one of: {ids}",
    accepted_any_of="a list of any of: {ids} (or an empty list)",
    a_whole_number="a whole number",
    a_number="a number",
    number_range="{kind} from {low} to {high}{unit}{unknown}",
    or_unknown=", or unknown",
    not_accepted="{shown} is not accepted: answer {accepted}",
    not_accepted_number="{shown} is not accepted: enter {accepted}",
    not_an_option="{shown} is not an option: answer {accepted}",
    listed_twice="'{item}' is listed twice",
    out_of_range="{value} is out of range: enter {accepted}",
    not_whole="{value} is not a whole number: enter {accepted}",
    no_value="no value entered: enter {accepted}",
    too_long="that is {count} characters, too long for a number: enter {accepted}",
    ambiguous="'{text}' is ambiguous: type {plain} (or use a point for decimals)",
    not_a_number="'{text}' is not a number: enter {accepted}",
    an_empty_answer="an empty answer",
    no_answer="no answer",
    flow_finished="the flow has reached its outcome; go back or edit an answer to change it",
    round_label="{entry} {round} of up to {max}",
    not_answered="'{question}' has not been answered on this path, so it cannot be changed",
    why_we_ask="Why we ask",
    source="Source",
    outcome_rests_on="This outcome rests on:",
    source_line="{title} ({evidence}; {version}{review}; file {file}).{note}",
    review_on=", review {date}",
    review_not_stated=", review date: none stated",
    content_review_line="Flow content signed off {signed_off}; content review due {due}.",
    note=" Note: {note}",
    flow_line="triagebot flow {id} version {version} ({language}), {period}",
    flow_line_markdown="Flow `{id}` version {version} ({language}), {period}",
    period_not_finished="{start} UTC, not finished",
    period_same_day="{start}-{end} UTC",
    period_days="{start} to {end} UTC",
    warning="WARNING",
    review_overdue_sentence="the flow was past its review when this was recorded: {what}.",
    overdue_content="the flow's content review was due {date}",
    overdue_source="a source's review date has passed ({date})",
    carried_over="carried over",
    changed="{prompt} changed from {old} to {new} at {time}",
    no_longer_applies="No longer applies after a change: {prompt} {shown}",
    no_outcome="No outcome",
    not_finished="The session was not finished.",
    no_outcome_line="No outcome: the session was not finished.",
    outcome="Outcome",
    reasons="Reasons",
    actions="Actions",
    evidence_heading="Evidence",
    safety_netting="Safety-netting",
    sources="Sources",
    computed="Computed",
    answers="Answers",
    changes="Changes",
    values="Values",
    export_source_line="{id}: {title} ({evidence}, {version}{review}; file {file})",
    outcome_reached="Outcome reached",
    help="Commands: 'why' (why we ask, and the source), 'back', 'lang' (language), 'quit'.",
    title_line="{title} (flow {id} v{version})",
    review_overdue_line="REVIEW OVERDUE: {what}.",
    answers_so_far="Answers so far:",
    press_enter="Press Enter to continue > ",
    enter="Enter {accepted}.",
    common_values="Common values: {values}",
    multi_hint="(type the numbers of every option that applies, e.g. 1 3)",
    not_accepted_line="Not accepted: {error}",
    empty_line="An empty line is not an answer: {accepted}.",
    type_numbers_or="type {numbers}, or {accepted}",
    type_ticks="type the numbers of every option that applies (e.g. 1 3), or 0 for {none}",
    type_value="enter {accepted}",
    at_first_question="Already at the first question.",
    outcome_line="OUTCOME: {urgency} — {title}",
    why="Why",
    source_ref="(source: {doc}, {section})",
    input_ended="input ended before an outcome was reached",
    stopped="stopped before an outcome was reached",
    nothing_decided="{reason}; nothing was decided.",
    kept=(
        "Unfinished session kept: resume it with `triagebot resume {name}` "
        "or from the start screen."
    ),
    journal_failed="Could not save this session's journal ({error}); it is no longer crash-safe.",
    no_journal="Cannot keep a journal ({error}); this session is not crash-safe.",
    language_now="Language: {name} ({code}); this flow has: {codes}. Type 'lang CODE' to switch.",
    language_switched="Language: {name} ({code}).",
    language_missing="This flow has no '{code}' text; its languages: {codes}.",
    commands={
        "why": "why",
        "?": "why",
        "back": "back",
        "help": "help",
        "lang": "lang",
        "quit": "quit",
        "q": "quit",
        "exit": "quit",
    },
    none_words=("none", "0"),
    unfinished_sessions="Unfinished sessions of {title}:",
    resume_prompt="Resume 1-{count}, or press Enter for a new session > ",
    resume_retry="Type a number from 1 to {count}, or press Enter.",
    damaged_sessions=(
        "{count} unfinished session(s) cannot be resumed (damaged); `triagebot resume` lists them."
    ),
    answers_one="{count} answer",
    answers_many="{count} answers",
    offer_line="{title}, started {started}, {answers}, at: {current}",
    offer_started="started {started} · {answers}",
    offer_at="at: {current}",
    offer_outcome="outcome reached: {title}",
    offer_message="message: {text}",
    offer_flow_changed="the flow file changed since (version {old} → {new})",
    cannot_be_resumed="CANNOT BE RESUMED",
    warning_label="WARNING",
    warning_line="warning: {warning}",
    in_use="in use by {process}",
    session_in_use=(
        "{name} is in use by {process}: finish or quit the session there first; nothing is lost"
    ),
    lock_holder="process {pid} (started {started})",
    lock_holder_no_start="process {pid}",
    lock_holder_unknown="another process",
    lock_holder_here="this triagebot",
    flow_failed=(
        "The flow failed on these answers ({error}); nothing was decided. The session is "
        "kept: resume it with `triagebot resume {name}` once the flow is fixed."
    ),
    flow_failed_unsaved="The flow failed on these answers ({error}); nothing was decided.",
    keys={
        "why": ("Why?", "Why this question is asked, and its source"),
        "back": ("Back", "Go back one question"),
        "change_answer": ("Change", "Pick an earlier answer in the transcript to change it"),
        "export_transcript": ("Export", "Save the transcript as a text file"),
        "copy_transcript": ("Copy", "Copy the transcript to the clipboard"),
        "restart": ("Restart", "Start this flow again from the first question"),
        "choose_flow": ("Flows", "Pick another flow"),
        "switch_language": (
            "Language",
            "Go on in the flow's other language, keeping every answer",
        ),
        "offer_resume": (
            "Unfinished sessions",
            "Resume or discard a session left by a crash or a quit",
        ),
    },
    outcome_buttons={
        "export_transcript": "Export",
        "copy_transcript": "Copy",
        "restart": "Start again",
        "choose_flow": "Other flow",
    },
    key_not_accepted="'{key}' does not answer this question · {keys}",
    nothing_chosen="Nothing chosen yet: Enter records nothing · {keys}",
    more_above="↑ {count} more above",
    more_below="↓ {count} more below",
    choice_hint="↑↓ and Enter, or the option's number",
    multi_choice_hint="Space or number ticks · c confirms · nothing ticked = {none}",
    confirm_button="Confirm (c)",
    number_hint="Enter {accepted} · decimal comma accepted",
    continue_button="Continue (Enter)",
    refused="not accepted",
    answered_one="{count} question answered so far",
    answered_many="{count} questions answered so far",
    outcome_after_one="Outcome reached after {count} question",
    outcome_after_many="Outcome reached after {count} questions",
    edit_title="Change an earlier answer",
    answer_now="Answer now: {answer}",
    esc_cancels="Esc cancels",
    esc_f1_closes="Esc or F1 closes",
    answer_changed=" (changed)",
    answer_kept=" (kept)",
    superseded_line="No longer applies: {text}",
    change_this_answer="Change this answer",
    no_answer_to_change="No answer to change yet",
    pick_an_answer="↑↓ to pick an answer, Enter to change it",
    later_dropped="{count} later answer(s) no longer apply",
    export_failed="Could not export: {error}",
    exported="Transcript saved to {path}",
    already_exported="This transcript is already saved in {path}",
    copied="Transcript copied to the clipboard",
    cannot_resume="Cannot resume: {error}",
    resumed_with_warning="Resumed with a warning",
    cannot_list_unfinished="Cannot list unfinished sessions: {error}",
    no_unfinished="No unfinished sessions",
    kept_many="{count} unfinished sessions kept: `triagebot resume` lists them.",
    choose_a_flow="triagebot — choose a flow",
    start_hint="Type to filter · ↑↓ to move · Enter starts · ctrl+q quits",
    unfinished_one="{count} unfinished session · F4 to resume or discard",
    unfinished_many="{count} unfinished sessions · F4 to resume or discard",
    filter_placeholder="Type to filter flows…",
    not_loaded="Not loaded (run triagebot validate): {names}",
    review_overdue_due="REVIEW OVERDUE (due {date})",
    review_date="review {date}",
    resume_title="triagebot — unfinished sessions",
    resume_hint="Enter resumes with every answer · d discards · Esc for a new session",
    discard_key="Discard",
    new_session_key="New session",
    keep_key="Keep",
    damaged_cannot_resume="Cannot resume: {error} (d discards it)",
    discard_damaged="this damaged journal",
    discard_unfinished="this unfinished {title}",
    discard_question="Discard {what}?",
    discard_warning="Its answers are deleted for good.",
    discard_keys="{yes} discards · n or Esc keeps it",
    discarded="Discarded {name}",
    could_not_discard="Could not discard: {error}",
)

FRENCH = Words(
    name="français",
    decimal=",",
    colon=" :",
    yes="oui",
    no="non",
    unsure="incertain",
    unknown="inconnu",
    not_available="non disponible",
    none_of_these="Aucun de ceux-ci",
    urgency={
        "emergency": "URGENCE VITALE",
        "urgent": "URGENT",
        "soon": "RAPIDEMENT",
        "routine": "PROGRAMMÉ",
        "none": "AUCUNE ACTION DEPUIS CET ÉCRAN",
    },
    urgency_short={
        "emergency": "URGENCE VITALE",
        "urgent": "URGENT",
        "soon": "RAPIDEMENT",
        "routine": "PROGRAMMÉ",
        "none": "AUCUNE",
    },
    evidence={
        "guideline": "recommandation",
        "policy": "protocole",
        "survey": "enquête",
        "study": "étude",
        "review": "revue",
        "lecture": "cours",
    },
    accepted_yes_no="oui ou non",
    accepted_yes_no_unsure="oui, non ou incertain",
    accepted_one_of="l'une de : {ids}",
    accepted_any_of="une liste parmi : {ids} (ou une liste vide)",
    a_whole_number="un nombre entier",
    a_number="un nombre",
    number_range="{kind} de {low} à {high}{unit}{unknown}",
    or_unknown=", ou inconnu",
    not_accepted="{shown} n'est pas accepté : répondez {accepted}",
    not_accepted_number="{shown} n'est pas accepté : entrez {accepted}",
    not_an_option="{shown} n'est pas une option : répondez {accepted}",
    listed_twice="'{item}' figure deux fois",
    out_of_range="{value} est hors limites : entrez {accepted}",
    not_whole="{value} n'est pas un nombre entier : entrez {accepted}",
    no_value="aucune valeur saisie : entrez {accepted}",
    too_long="{count} caractères, c'est trop long pour un nombre : entrez {accepted}",
    ambiguous="'{text}' est ambigu : tapez {plain} (ou un point pour les décimales)",
    not_a_number="'{text}' n'est pas un nombre : entrez {accepted}",
    an_empty_answer="une réponse vide",
    no_answer="aucune réponse",
    round_label="{entry} {round} sur {max} au plus",
    flow_finished=(
        "le parcours a abouti ; revenez en arrière ou modifiez une réponse pour le changer"
    ),
    not_answered="'{question}' n'a pas de réponse sur ce parcours ; impossible de la modifier",
    why_we_ask="Pourquoi cette question",
    source="Source",
    outcome_rests_on="Cette conduite repose sur :",
    source_line="{title} ({evidence} ; {version}{review} ; fichier {file}).{note}",
    review_on=", révision {date}",
    review_not_stated=", date de révision : non indiquée",
    content_review_line=(
        "Contenu du parcours validé le {signed_off} ; révision du contenu prévue le {due}."
    ),
    note=" Note : {note}",
    flow_line="parcours triagebot {id} version {version} ({language}), {period}",
    flow_line_markdown="Parcours `{id}` version {version} ({language}), {period}",
    period_not_finished="{start} UTC, non terminé",
    period_same_day="{start}-{end} UTC",
    period_days="du {start} au {end} UTC",
    warning="ATTENTION",
    review_overdue_sentence=(
        "le parcours avait dépassé sa date de révision lors de cet enregistrement : {what}."
    ),
    overdue_content="la révision du contenu du parcours était prévue le {date}",
    overdue_source="la date de révision d'une source est dépassée ({date})",
    carried_over="reprise",
    changed="{prompt} modifié de {old} en {new} à {time}",
    no_longer_applies="Ne s'applique plus après une modification : {prompt} {shown}",
    no_outcome="Pas de conduite à tenir",
    not_finished="La session n'a pas été terminée.",
    no_outcome_line="Pas de conduite à tenir : la session n'a pas été terminée.",
    outcome="Conduite à tenir",
    reasons="Motifs",
    actions="Actions",
    evidence_heading="Données probantes",
    safety_netting="Consignes de surveillance",
    sources="Sources",
    computed="Valeurs calculées",
    answers="Réponses",
    changes="Modifications",
    values="Valeurs",
    export_source_line="{id} : {title} ({evidence}, {version}{review} ; fichier {file})",
    outcome_reached="Conduite retenue",
    help=(
        "Commandes : 'pourquoi' (pourquoi cette question, et la source), 'retour', "
        "'langue', 'quitter'."
    ),
    title_line="{title} (parcours {id} v{version})",
    review_overdue_line="RÉVISION DÉPASSÉE : {what}.",
    answers_so_far="Réponses déjà données :",
    press_enter="Appuyez sur Entrée pour continuer > ",
    enter="Entrez {accepted}.",
    common_values="Valeurs courantes : {values}",
    multi_hint="(tapez les numéros de toutes les options qui s'appliquent, p. ex. 1 3)",
    not_accepted_line="Refusé : {error}",
    empty_line="Une ligne vide n'est pas une réponse : {accepted}.",
    type_numbers_or="tapez {numbers}, ou {accepted}",
    type_ticks=(
        "tapez les numéros de toutes les options qui s'appliquent (p. ex. 1 3), ou 0 pour {none}"
    ),
    type_value="entrez {accepted}",
    at_first_question="Vous êtes déjà à la première question.",
    outcome_line="CONDUITE À TENIR : {urgency} — {title}",
    why="Motifs",
    source_ref="(source : {doc}, {section})",
    input_ended="l'entrée s'est terminée avant la conduite à tenir",
    stopped="arrêté avant la conduite à tenir",
    nothing_decided="{reason} ; rien n'a été décidé.",
    kept=(
        "Session inachevée conservée : reprenez-la avec `triagebot resume {name}` "
        "ou depuis l'écran d'accueil."
    ),
    journal_failed=(
        "Impossible d'enregistrer le journal de cette session ({error}) ; elle n'est plus "
        "protégée contre une panne."
    ),
    no_journal=(
        "Impossible de tenir un journal ({error}) ; cette session n'est pas protégée contre "
        "une panne."
    ),
    language_now=(
        "Langue : {name} ({code}) ; ce parcours existe en : {codes}. "
        "Tapez 'langue CODE' pour changer."
    ),
    language_switched="Langue : {name} ({code}).",
    language_missing="Ce parcours n'existe pas en '{code}' ; ses langues : {codes}.",
    commands={
        "why": "why",
        "?": "why",
        "pourquoi": "why",
        "back": "back",
        "retour": "back",
        "help": "help",
        "aide": "help",
        "lang": "lang",
        "langue": "lang",
        "quit": "quit",
        "q": "quit",
        "exit": "quit",
        "quitter": "quit",
    },
    none_words=("aucun", "none", "0"),
    unfinished_sessions="Sessions inachevées de {title} :",
    resume_prompt="Reprendre 1-{count}, ou Entrée pour une nouvelle session > ",
    resume_retry="Tapez un nombre de 1 à {count}, ou Entrée.",
    damaged_sessions=(
        "{count} session(s) inachevée(s) ne peuvent être reprises (endommagées) ; "
        "`triagebot resume` les liste."
    ),
    answers_one="{count} réponse",
    answers_many="{count} réponses",
    offer_line="{title}, commencée le {started}, {answers}, en cours : {current}",
    offer_started="commencée le {started} · {answers}",
    offer_at="en cours : {current}",
    offer_outcome="issue atteinte : {title}",
    offer_message="message : {text}",
    offer_flow_changed="le fichier du parcours a changé depuis (version {old} → {new})",
    cannot_be_resumed="REPRISE IMPOSSIBLE",
    warning_label="AVERTISSEMENT",
    warning_line="avertissement : {warning}",
    in_use="utilisée par {process}",
    session_in_use=(
        "{name} est utilisée par {process} : terminez-la ou quittez-la là-bas d'abord ; "
        "rien n'est perdu"
    ),
    lock_holder="le processus {pid} (démarré le {started})",
    lock_holder_no_start="le processus {pid}",
    lock_holder_unknown="un autre processus",
    lock_holder_here="ce triagebot-ci",
    flow_failed=(
        "Le parcours a échoué sur ces réponses ({error}) ; rien n'a été décidé. La session "
        "est conservée : reprenez-la avec `triagebot resume {name}` une fois le parcours "
        "corrigé."
    ),
    flow_failed_unsaved=("Le parcours a échoué sur ces réponses ({error}) ; rien n'a été décidé."),
    keys={
        "why": ("Pourquoi ?", "Pourquoi cette question est posée, et sa source"),
        "back": ("Retour", "Revenir à la question précédente"),
        "change_answer": (
            "Modifier",
            "Choisir une réponse précédente dans la conversation pour la modifier",
        ),
        "export_transcript": ("Exporter", "Enregistrer le compte rendu dans un fichier texte"),
        "copy_transcript": ("Copier", "Copier le compte rendu dans le presse-papiers"),
        "restart": ("Recommencer", "Reprendre ce parcours depuis la première question"),
        "choose_flow": ("Parcours", "Choisir un autre parcours"),
        "switch_language": (
            "Langue",
            "Continuer dans l'autre langue du parcours, sans perdre de réponse",
        ),
        "offer_resume": (
            "Sessions inachevées",
            "Reprendre ou supprimer une session laissée par une panne ou un abandon",
        ),
    },
    outcome_buttons={
        "export_transcript": "Exporter",
        "copy_transcript": "Copier",
        "restart": "Recommencer",
        "choose_flow": "Autre parcours",
    },
    key_not_accepted="« {key} » ne répond pas à cette question · {keys}",
    nothing_chosen="Rien n'est encore choisi : Entrée n'enregistre rien · {keys}",
    more_above="↑ encore {count} au-dessus",
    more_below="↓ encore {count} en dessous",
    choice_hint="↑↓ et Entrée, ou le numéro de l'option",
    multi_choice_hint="Espace ou numéro pour cocher · c valide · rien de coché = {none}",
    confirm_button="Valider (c)",
    number_hint="Entrez {accepted} · virgule ou point décimal",
    continue_button="Continuer (Entrée)",
    refused="refusé",
    answered_one="{count} question répondue pour l'instant",
    answered_many="{count} questions répondues pour l'instant",
    outcome_after_one="Conduite à tenir atteinte après {count} question",
    outcome_after_many="Conduite à tenir atteinte après {count} questions",
    edit_title="Modifier une réponse précédente",
    answer_now="Réponse actuelle : {answer}",
    esc_cancels="Échap annule",
    esc_f1_closes="Échap ou F1 ferme",
    answer_changed=" (modifiée)",
    answer_kept=" (reprise)",
    superseded_line="Ne s'applique plus : {text}",
    change_this_answer="Modifier cette réponse",
    no_answer_to_change="Aucune réponse à modifier pour l'instant",
    pick_an_answer="↑↓ pour choisir une réponse, Entrée pour la modifier",
    later_dropped="{count} réponse(s) suivante(s) ne s'appliquent plus",
    export_failed="Exportation impossible : {error}",
    exported="Compte rendu enregistré dans {path}",
    already_exported="Ce compte rendu est déjà enregistré dans {path}",
    copied="Compte rendu copié dans le presse-papiers",
    cannot_resume="Reprise impossible : {error}",
    resumed_with_warning="Reprise avec un avertissement",
    cannot_list_unfinished="Impossible de lister les sessions inachevées : {error}",
    no_unfinished="Aucune session inachevée",
    kept_many="{count} sessions inachevées conservées : `triagebot resume` les liste.",
    choose_a_flow="triagebot — choisir un parcours",
    start_hint="Tapez pour filtrer · ↑↓ pour choisir · Entrée pour commencer · ctrl+q quitte",
    unfinished_one="{count} session inachevée · F4 pour la reprendre ou la supprimer",
    unfinished_many="{count} sessions inachevées · F4 pour les reprendre ou les supprimer",
    filter_placeholder="Tapez pour filtrer les parcours…",
    not_loaded="Non chargés (lancez triagebot validate) : {names}",
    review_overdue_due="RÉVISION DÉPASSÉE (prévue le {date})",
    review_date="révision {date}",
    resume_title="triagebot — sessions inachevées",
    resume_hint=(
        "Entrée reprend avec toutes les réponses · d supprime · Échap pour une nouvelle session"
    ),
    discard_key="Supprimer",
    new_session_key="Nouvelle session",
    keep_key="Conserver",
    damaged_cannot_resume="Reprise impossible : {error} (d la supprime)",
    discard_damaged="ce journal endommagé",
    discard_unfinished="cette session inachevée ({title})",
    discard_question="Supprimer {what} ?",
    discard_warning="Ses réponses seront définitivement supprimées.",
    discard_keys="{yes} supprime · n ou Échap la conserve",
    discarded="Supprimée : {name}",
    could_not_discard="Suppression impossible : {error}",
)

CATALOG: Mapping[str, Words] = {"en": ENGLISH, "fr": FRENCH}
"""Every language the core speaks, by code."""


def words(language: str | None) -> Words:
    """The core's words in ``language``; English for a language the catalog lacks."""
    return CATALOG.get(language or DEFAULT_LANGUAGE, ENGLISH)


_SINGULAR_ZERO = frozenset({"fr"})
"""Languages where zero takes the singular ("0 question répondue")."""


def is_singular(count: int, language: str | None) -> bool:
    """Whether ``count`` takes the singular form in ``language``."""
    return count == 1 or (count == 0 and language in _SINGULAR_ZERO)


def language_name(code: str) -> str:
    """A language's own name (``français``), or its code when the catalog lacks it."""
    found = CATALOG.get(code)
    return found.name if found is not None else code


def format_number(value: float, language: str | None = None) -> str:
    """A number as a clinician writes it: no trailing ``.0``, the language's decimal mark."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = f"{value:g}" if isinstance(value, float) else str(value)
    decimal = words(language).decimal
    return text if decimal == "." else text.replace(".", decimal)
