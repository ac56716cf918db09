"""The TUI's keys: the app's actions and their keys, their descriptions in the session's
language, and keys that outlive their screen.

Textual's bindings are declared once per class (``BINDINGS``), with one description each;
the footer and the command palette show that description. A node's own bindings map is a
copy of its class's, made when the node is created: ``relabel`` rewrites the descriptions
in that copy, so one app or widget can say "Why?" and another (or the same, after a
language switch) "Pourquoi ?" without touching what the keys do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from textual import events
from textual.dom import DOMNode
from textual.screen import Screen

from triagebot.tui.words import KeyWords, key_words

__all__ = [
    "ACTIONS",
    "ACTION_KEYS",
    "FOOTER_KEYS",
    "KeyWords",
    "drop_if_left",
    "key_words",
    "relabel",
]

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
"""(key, action, footer label, palette help) in English; the app relabels its keys in the
language it speaks (``TriageApp.speak``)."""

FOOTER_KEYS = ("f1", "f2", "f3", "f9")
"""Shown in the footer (80 columns); the rest are on the outcome's buttons and the palette.
F9 (language) only when the flow is written in more than one language."""


def relabel(node: DOMNode, descriptions: Mapping[str, str]) -> bool:
    """Give ``node``'s bindings for each key the description given; True if one changed.

    The caller refreshes the bindings (``refresh_bindings``) when the node is on screen.
    """
    changed = False
    bindings = node._bindings.key_to_bindings
    for key, description in descriptions.items():
        found = bindings.get(key, [])
        if any(binding.description != description for binding in found):
            bindings[key] = [
                dataclasses.replace(binding, description=description) for binding in found
            ]
            changed = True
    return changed


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
