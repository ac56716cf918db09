"""Every key of the TUI's app, screens and conversation, in one place, worded in the
session's language; and keys that outlive their screen.

Each class takes its ``BINDINGS`` from here. (The question inputs' own keys, numbers
and letters that answer, stay with each input: they are part of how it answers.)

Textual gives a binding one description, shared by every node of its class, and the
footer and the key panel show it. A key that must be worded in the session's language
is therefore bound once per language the TUI speaks (``worded``), each copy described in
its language and carrying that language as its action's last parameter; the class's
``check_action`` lets only the copy of the language spoken act and be shown
(``in_language``), and the class calls ``refresh_bindings`` when its language changes.
An action method takes the parameters it names and no more (Textual passes an action
only as many parameters as its method takes), so the language needs no parameter there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen

from triagebot.flows.catalog import DEFAULT_LANGUAGE, words
from triagebot.tui.words import KEY_WORDS, KeyWords, key_words

__all__ = [
    "ACTIONS",
    "ACTION_KEYS",
    "APP_BINDINGS",
    "CONFIRM_DISCARD_BINDINGS",
    "CONVERSATION_BINDINGS",
    "EDIT_BINDINGS",
    "EXPORT_FORMAT_BINDINGS",
    "FILTER_BINDINGS",
    "FOOTER_KEYS",
    "PATIENT_BINDINGS",
    "RESUME_BINDINGS",
    "START_BINDINGS",
    "WHY_BINDINGS",
    "KeyWords",
    "drop_if_left",
    "in_language",
    "key_words",
]

SPOKEN = tuple(KEY_WORDS)
"""The languages the TUI words its keys in; any other is spoken in English."""
LANGUAGE_MARK = "lang:"
"""Marks a worded binding's last action parameter: ``why('lang:fr')``."""


def worded(
    key: str, action: str, word: Callable[[str], str], *, show: bool = True, priority: bool = False
) -> list[Binding]:
    """``key`` bound to ``action`` once per language spoken, each described by ``word``
    in its language and carrying it as its action's last parameter (see the module)."""
    name, parameters = action.partition("(")[0], action.partition("(")[2].rstrip(")")
    before = f"{parameters}, " if parameters else ""
    return [
        Binding(
            key,
            f"{name}({before}{LANGUAGE_MARK + lang!r})",
            word(lang),
            show=show,
            priority=priority,
        )
        for lang in SPOKEN
    ]


def in_language(parameters: tuple[object, ...], lang: str | None) -> bool:
    """Whether an action with ``parameters`` may act while the TUI speaks ``lang``: True
    unless it is a worded binding's copy for another language."""
    last = parameters[-1] if parameters else None
    if not (isinstance(last, str) and last.startswith(LANGUAGE_MARK)):
        return True
    spoken = lang if lang in SPOKEN else DEFAULT_LANGUAGE
    return last == LANGUAGE_MARK + spoken


# The app's actions: F-keys, which act on any screen (priority) when ``check_action``
# allows them there.

ACTION_KEYS = [
    ("f1", "why"),
    ("f2", "back"),
    ("f3", "change_answer"),
    ("f5", "export_transcript"),
    ("f6", "copy_transcript"),
    ("f7", "restart"),
    ("f8", "choose_flow"),
    ("f9", "switch_language"),
]
"""(key, action) of every app action; each is worded by ``KeyWords.keys``
(:mod:`triagebot.tui.words`)."""

ACTIONS = [(key, action, *key_words(None).keys[action]) for key, action in ACTION_KEYS]
"""(key, action, footer label, palette help) in English."""

FOOTER_KEYS = ("f1", "f2", "f3", "f9")
"""Shown in the footer (80 columns); the rest are on the outcome's buttons and the palette.
F9 (language) only when the flow is written in more than one language."""


def _label(action: str) -> Callable[[str], str]:
    return lambda lang: key_words(lang).keys[action][0]


APP_BINDINGS: list[BindingType] = [
    binding
    for key, action in ACTION_KEYS
    for binding in worded(key, action, _label(action), show=key in FOOTER_KEYS, priority=True)
]
"""TriageApp's keys (``ACTION_KEYS``), worded in the language the app speaks."""


# The conversation (transcript) once it has the focus (F3): pick an answer to change.

CONVERSATION_BINDINGS: list[BindingType] = [
    *worded("enter", "edit", lambda lang: words(lang).change_this_answer),
    Binding("up", "pick(-1)", "Previous answer", show=False),
    Binding("down", "pick(1)", "Next answer", show=False),
]


# The start screen and its filter.

START_BINDINGS: list[BindingType] = [
    Binding("down", "move(1)", "Next", show=False),
    Binding("up", "move(-1)", "Previous", show=False),
    Binding("f4", "app.offer_resume", "Unfinished", show=False),
]

FILTER_BINDINGS: list[BindingType] = [Binding("enter", "screen.start_highlighted", show=False)]
"""The filter's own Enter, run in turn with the keys around it (``FilterInput``)."""


# The screens over the chat.

WHY_BINDINGS: list[BindingType] = [
    Binding("escape", "dismiss", "Close", priority=True),
    Binding("f1", "dismiss", "Close", priority=True),
]

EDIT_BINDINGS: list[BindingType] = [Binding("escape", "dismiss", "Cancel", priority=True)]

# A new session's optional patient reference, and F5's export format: Escape skips, cancels.

PATIENT_BINDINGS: list[BindingType] = [Binding("escape", "skip", "Skip", priority=True)]

EXPORT_FORMAT_BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel", priority=True)]


# Unfinished sessions: the resume screen and its discard question.

RESUME_BINDINGS: list[BindingType] = [
    *worded("d", "discard", lambda lang: key_words(lang).discard_key),
    *worded("delete", "discard", lambda lang: key_words(lang).discard_key, show=False),
    *worded("escape", "new_session", lambda lang: key_words(lang).new_session_key),
]

CONFIRM_DISCARD_BINDINGS: list[BindingType] = [
    *worded("n", "answer(False)", lambda lang: key_words(lang).keep_key, priority=True),
    *worded(
        "escape",
        "answer(False)",
        lambda lang: key_words(lang).keep_key,
        show=False,
        priority=True,
    ),
]
"""``y`` (or the language's first letter of yes) discards: ``ConfirmDiscard.on_key``."""


def drop_if_left(screen: Screen[Any], event: events.Key) -> None:
    """Stop a key that reached ``screen`` after it stopped being the screen shown.

    Every screen calls it from ``on_key``. Keys that arrive in one read are handed out at
    once: those sent to a widget before an F-key (a priority binding, run at once) changed
    the screen reach it only after that screen has left, and Textual would then run their
    bindings on the screen shown now (Enter then F8 on a question started the flow
    highlighted in the picker; F8 Down F8 moved a list no longer there). Stopped here, they
    act on nothing.
    """
    if not screen.is_active:
        event.stop()
        event.prevent_default()
