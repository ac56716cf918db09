"""The words of the pages ``triagebot serve`` draws itself (the token form, the full and
refused pages), in each language it speaks.

The app's own words are the catalog's (:mod:`triagebot.flows.catalog`) and the TUI's
(:mod:`triagebot.tui.words`); these are the few a browser shows before the app runs. The
language is the browser's first one we have (``Accept-Language``), else English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from triagebot.flows.catalog import DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class ServeWords:
    """The served pages' words in one language (``str.format`` templates)."""

    language: str
    """The page's ``lang`` attribute."""
    sign_in_title: str
    """The token form's heading."""
    sign_in_hint: str
    """Under the heading: where the token comes from."""
    token_label: str
    sign_in_button: str
    wrong_token: str
    """Shown again over the form after a refused token."""
    too_many_attempts: str
    """Failed attempts from this address are paused; ``{seconds}`` until the next."""
    full_title: str
    full_text: str
    """Every session is in use; ``{count}`` is the cap."""
    no_user: str
    """The reverse proxy did not name the user (``{header}``)."""
    wrong_origin: str
    """A page from another site tried to open a session."""


ENGLISH = ServeWords(
    language="en",
    sign_in_title="triagebot: sign in",
    sign_in_hint="Enter the access token the person who runs this triagebot gave you.",
    token_label="Access token",
    sign_in_button="Sign in",
    wrong_token="That token is not accepted. Check it and try again.",
    too_many_attempts="Too many wrong tokens from this address: try again in {seconds} s.",
    full_title="triagebot: all sessions in use",
    full_text="All {count} sessions are in use. Try again in a few minutes; "
    "nothing of yours is lost: an unfinished session is offered when you come back.",
    no_user="The proxy in front of triagebot did not say who you are ({header} is missing).",
    wrong_origin="This page may only be opened from triagebot's own address.",
)

FRENCH = ServeWords(
    language="fr",
    sign_in_title="triagebot : connexion",
    sign_in_hint="Saisissez le jeton d'accès que vous a donné la personne qui gère ce triagebot.",
    token_label="Jeton d'accès",
    sign_in_button="Se connecter",
    wrong_token="Ce jeton n'est pas accepté. Vérifiez-le et réessayez.",
    too_many_attempts="Trop de jetons erronés depuis cette adresse : réessayez dans {seconds} s.",
    full_title="triagebot : toutes les sessions sont occupées",
    full_text="Les {count} sessions sont toutes occupées. Réessayez dans quelques minutes ; "
    "rien n'est perdu : une session inachevée vous est proposée à votre retour.",
    no_user="Le proxy devant triagebot n'a pas indiqué qui vous êtes ({header} manque).",
    wrong_origin="Cette page ne peut être ouverte que depuis l'adresse de triagebot.",
)

SERVE_WORDS: Mapping[str, ServeWords] = {"en": ENGLISH, "fr": FRENCH}
"""The served pages' words by language code."""


def serve_words(accept_language: str | None) -> ServeWords:
    """The words in the browser's first language we have (``Accept-Language``)."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SERVE_WORDS:
            return SERVE_WORDS[code]
    return SERVE_WORDS[DEFAULT_LANGUAGE]
