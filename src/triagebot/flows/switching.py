"""Going on with a session in another of its flow's languages."""

from __future__ import annotations

from triagebot.flows.compiler import with_language
from triagebot.flows.engine import Session, SessionEvent


def switch_language(session: Session, lang: str) -> Session:
    """Go on in ``lang``: the same session, its flow's text now in that language.

    Nothing is lost or re-asked: the machine, steps, answers, changes, superseded answers
    and listeners hold ids and values only, and the other language's CompiledFlow comes from
    the same file text (same ids, routing and sha256). Listeners hear a ``language`` event
    (a journal records it, so a resumed session comes back in ``lang``). Returns the session.
    Raises :class:`~triagebot.flows.compiler.LanguageError` when the flow lacks ``lang``.
    """
    if lang == session.flow.language:
        return session
    session.flow = with_language(session.flow, lang)
    session.env.clear()
    session.notify(SessionEvent("language", session.current, lang, session.clock()))
    return session
