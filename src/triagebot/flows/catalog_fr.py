"""The catalog in French."""

from __future__ import annotations

from triagebot.flows.catalog_words import Words

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
    source_line="{title} ({evidence} ; {version}{review}).{note}",
    review_on=", révision {date}",
    review_not_stated=", date de révision : non indiquée",
    content_review_line=(
        "Contenu du parcours validé le {signed_off} ; révision du contenu prévue le {due}."
    ),
    note=" Note : {note}",
    flow_line="parcours triagebot {id} version {version} ({language})",
    flow_line_markdown="Parcours `{id}` version {version} ({language}), {period}",
    period_not_finished="{start}{zone}, non terminé",
    period_same_day="{start}–{end}{zone}",
    period_days="du {start} au {end}{zone}",
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
    export_source_line="{name} ({evidence}, {version}{review})",
    outcome_reached="Conduite retenue",
    urgency_heading="Urgence",
    help=(
        "Commandes : 'pourquoi' (pourquoi cette question, et la source), 'retour', "
        "'langue', 'exporter' (enregistrer la transcription), 'quitter'."
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
    format_names={
        "text": "Texte brut",
        "markdown": "Markdown",
        "json": "JSON",
        "fhir": "FHIR R5",
        "fhir-r4b": "FHIR R4B",
    },
    export_as="Exporter la transcription en",
    export_choose="Format 1-{count} (Entrée : {last}) > ",
    export_choose_retry="Tapez un nombre de 1 à {count}, ou Entrée pour {last}.",
    after_outcome=(
        "Tapez 'exporter' pour enregistrer la transcription, 'supprimer' pour effacer cette "
        "session, ou Entrée pour terminer (la session est conservée jusqu'à son export)."
    ),
    export_word="exporter",
    discard_word="supprimer",
    discarded_session="Session supprimée.",
    copy_unsure=(
        "Ce terminal ne prend peut-être pas la copie (presse-papiers non détecté) : "
        "F5 exporte la transcription dans un fichier."
    ),
    kept_finished=(
        "Session terminée conservée jusqu'à l'export de sa transcription : "
        "`triagebot resume {name}` pour l'exporter ou la supprimer."
    ),
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
        "export": "export",
        "exporter": "export",
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
        "{count} sessions inachevées ne peuvent être reprises (endommagées) ; "
        "`triagebot resume` les liste."
    ),
    damaged_sessions_one=(
        "{count} session inachevée ne peut être reprise (endommagée) ; `triagebot resume` la liste."
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
    key_not_accepted="« {key} » ne répond pas à cette question · {keys}",
    more_above="↑ encore {count} au-dessus",
    more_below="↓ encore {count} en dessous",
    number_hint="Entrez {accepted} · virgule ou point décimal",
    refused="refusé",
    answered_one="{count} question répondue pour l'instant",
    answered_many="{count} questions répondues pour l'instant",
    outcome_after_one="Conduite à tenir atteinte après {count} question",
    outcome_after_many="Conduite à tenir atteinte après {count} questions",
    edit_title="Modifier une réponse précédente",
    answer_now="Réponse actuelle : {answer}",
    answer_changed=" (modifiée)",
    answer_kept=" (reprise)",
    superseded_line="Ne s'applique plus : {text}",
    change_this_answer="Modifier cette réponse",
    no_answer_to_change="Aucune réponse à modifier pour l'instant",
    later_dropped="{count} réponses suivantes ne s'appliquent plus",
    later_dropped_one="{count} réponse suivante ne s'applique plus",
    patient="Patient",
    clinician="Clinicien",
    patient_prompt="Référence du patient (facultative ; Entrée pour passer) > ",
    patient_title="Référence du patient (facultative)",
    patient_hint=(
        "Tapez-la puis Entrée, ou Entrée pour passer. Elle figure dans la transcription."
    ),
    patient_refused_character=(
        "Une référence de patient tient sur une ligne, sans caractère de contrôle ; "
        "retapez-la ou appuyez sur Entrée pour passer."
    ),
    patient_too_long=(
        "Cela fait {count} caractères ; une référence de patient en compte {most} au plus. "
        "Retapez-la ou appuyez sur Entrée pour passer."
    ),
    offer_patient="patient {patient}",
    export_failed="Exportation impossible : {error}",
    exported="Compte rendu enregistré dans {path}",
    already_exported="Ce compte rendu est déjà enregistré dans {path}",
    downloaded="Compte rendu téléchargé : {name} (voir les téléchargements du navigateur)",
    copied="Compte rendu copié dans le presse-papiers",
    cannot_resume="Reprise impossible : {error}",
    resumed_with_warning="Reprise avec un avertissement",
    cannot_list_unfinished="Impossible de lister les sessions inachevées : {error}",
    no_unfinished="Aucune session inachevée",
    kept_many="{count} sessions inachevées conservées : `triagebot resume` les liste.",
    choose_a_flow="triagebot — choisir un parcours",
    filter_placeholder="Tapez pour filtrer les parcours…",
    not_loaded="Non chargés (lancez triagebot validate) : {names}",
    review_overdue_due="RÉVISION DÉPASSÉE (prévue le {date})",
    review_date="révision {date}",
    resume_title="triagebot — sessions inachevées",
    discard_damaged="ce journal endommagé",
    discard_unfinished="cette session inachevée ({title})",
    discard_question="Supprimer {what} ?",
    discard_warning="Ses réponses seront définitivement supprimées.",
    discarded="Supprimée : {name}",
    could_not_discard="Suppression impossible : {error}",
)
