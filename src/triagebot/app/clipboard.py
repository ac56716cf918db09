"""Whether the terminal is likely to take a copy to its clipboard.

A terminal app copies by writing an OSC 52 sequence (Textual's ``copy_to_clipboard``)
and hears nothing back: a terminal that ignores it looks the same as one that took it. So
triagebot says "copied" only where the terminal is known to accept OSC 52 by default, as
far as the environment tells, and otherwise says how to export instead. Conservative: a
multiplexer in between (tmux, screen) may swallow the sequence unless configured, and an
unknown terminal is taken not to support it.
"""

from __future__ import annotations

from collections.abc import Mapping

TAKING_PROGRAMS = frozenset({"iTerm.app", "WezTerm", "ghostty"})
"""``TERM_PROGRAM`` values of terminals that accept an OSC 52 copy by default."""

TAKING_TERMS = frozenset({"xterm-kitty", "xterm-ghostty", "wezterm", "foot", "foot-extra"})
"""``TERM`` values of terminals that accept an OSC 52 copy by default."""

TAKING_MARKERS = ("KITTY_WINDOW_ID", "WT_SESSION", "WEZTERM_PANE")
"""Variables set only inside kitty, Windows Terminal and WezTerm, which take it."""

IN_BETWEEN = ("TMUX", "STY")
"""Variables set inside tmux and GNU screen: they pass OSC 52 on only when configured to."""


def clipboard_likely(environ: Mapping[str, str]) -> bool:
    """Whether, by ``environ``, the terminal takes an OSC 52 copy (False when unsure)."""
    if any(environ.get(name) for name in IN_BETWEEN):
        return False
    if environ.get("TERM_PROGRAM") in TAKING_PROGRAMS:
        return True
    if environ.get("TERM") in TAKING_TERMS:
        return True
    return any(environ.get(name) for name in TAKING_MARKERS)
