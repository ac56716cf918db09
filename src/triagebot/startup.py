"""Start-up with the cycle collector paused.

Importing textual, pydantic and the core creates a few hundred thousand objects that live
as long as the process; the cycle collector scans them again and again while they are
being created (about 15% of the time from ``triagebot FLOW`` to its first question).
``pause_collector`` stops it; ``resume_collector`` moves what start-up built into the
permanent generation (``gc.freeze``: never scanned again) and starts it again. The command
line pauses before its imports and resumes before running a command; the TUI pauses again
while textual is imported and resumes once its first screen is drawn.
"""

from __future__ import annotations

import gc

_paused: set[bool] = set()
"""Holds True while ``pause_collector`` has stopped the collector."""


def pause_collector() -> None:
    """Stop the cycle collector (if it runs) until ``resume_collector``."""
    if gc.isenabled():
        gc.disable()
        _paused.add(True)


def resume_collector() -> None:
    """Freeze what start-up built and restart the cycle collector, if
    ``pause_collector`` stopped it."""
    if _paused:
        _paused.clear()
        gc.freeze()
        gc.enable()
