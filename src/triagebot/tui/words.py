"""The TUI's words that name its keys (F1, Esc, Enter...), in each language it speaks.

The core's catalog (:mod:`triagebot.flows.catalog`) holds no key names: plain mode has no
F-keys. The TUI reads these through :mod:`triagebot.tui.keymap` (``key_words``); a
language missing here falls back to English, as the core's catalog does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from triagebot.flows.catalog import DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class KeyWords:
    """The TUI's words about its keys in one language (``str.format`` templates)."""

    keys: Mapping[str, tuple[str, str]]
    """TUI action → (its label in the footer and palette, what the palette says it does)."""
    outcome_buttons: Mapping[str, str]
    """TUI action → the label of its button under an outcome."""
    nothing_chosen: str
    """Enter with no answer moved to (nothing is pre-selected), then how to answer (``keys``)."""
    choice_hint: str
    multi_choice_hint: str
    confirm_button: str
    continue_button: str
    esc_cancels: str
    esc_f1_closes: str
    pick_an_answer: str
    start_hint: str
    unfinished_one: str
    unfinished_many: str
    resume_hint: str
    discard_key: str
    new_session_key: str
    keep_key: str
    damaged_cannot_resume: str
    discard_keys: str
    """How the discard question is answered; ``yes`` is the key that discards."""


ENGLISH = KeyWords(
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
    nothing_chosen="Nothing chosen yet: Enter records nothing · {keys}",
    choice_hint="↑↓ and Enter, or the option's number",
    multi_choice_hint="Space or number ticks · c confirms · nothing ticked = {none}",
    confirm_button="Confirm (c)",
    continue_button="Continue (Enter)",
    esc_cancels="Esc cancels",
    esc_f1_closes="Esc or F1 closes",
    pick_an_answer="↑↓ to pick an answer, Enter to change it",
    start_hint="Type to filter · ↑↓ to move · Enter starts · ctrl+q quits",
    unfinished_one="{count} unfinished session · F4 to resume or discard",
    unfinished_many="{count} unfinished sessions · F4 to resume or discard",
    resume_hint="Enter resumes with every answer · d discards · Esc for a new session",
    discard_key="Discard",
    new_session_key="New session",
    keep_key="Keep",
    damaged_cannot_resume="Cannot resume: {error} (d discards it)",
    discard_keys="{yes} discards · n or Esc keeps it",
)


FRENCH = KeyWords(
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
    nothing_chosen="Rien n'est encore choisi : Entrée n'enregistre rien · {keys}",
    choice_hint="↑↓ et Entrée, ou le numéro de l'option",
    multi_choice_hint="Espace ou numéro pour cocher · c valide · rien de coché = {none}",
    confirm_button="Valider (c)",
    continue_button="Continuer (Entrée)",
    esc_cancels="Échap annule",
    esc_f1_closes="Échap ou F1 ferme",
    pick_an_answer="↑↓ pour choisir une réponse, Entrée pour la modifier",
    start_hint="Tapez pour filtrer · ↑↓ pour choisir · Entrée pour commencer · ctrl+q quitte",
    unfinished_one="{count} session inachevée · F4 pour la reprendre ou la supprimer",
    unfinished_many="{count} sessions inachevées · F4 pour les reprendre ou les supprimer",
    resume_hint=(
        "Entrée reprend avec toutes les réponses · d supprime · Échap pour une nouvelle session"
    ),
    discard_key="Supprimer",
    new_session_key="Nouvelle session",
    keep_key="Conserver",
    damaged_cannot_resume="Reprise impossible : {error} (d la supprime)",
    discard_keys="{yes} supprime · n ou Échap la conserve",
)


KEY_WORDS: Mapping[str, KeyWords] = {"en": ENGLISH, "fr": FRENCH}
"""The TUI's key words by language code."""


def key_words(language: str | None) -> KeyWords:
    """The TUI's key words in ``language``; English for a language not here."""
    return KEY_WORDS.get(language or DEFAULT_LANGUAGE, ENGLISH)
