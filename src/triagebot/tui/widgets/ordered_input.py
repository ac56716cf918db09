"""An Input whose editing keys act in the order they were typed.

Textual 8.2.8 (issue Textualize/textual#6605, fix proposed in PR #6631, unreleased) handles
an Input's keys in two places: a printable character is inserted by ``Input._on_key`` as
soon as the Input takes the key from its queue, but a bound key (Backspace, Delete, the
arrows, Home/End, Enter) does nothing there: it bubbles up through every parent's queue to
the app, which only then runs the binding. When several keys arrive in one read from the
terminal, the app has already handed the later characters to the Input, so they are
inserted before the earlier bound key acts. Typing ``12``, then Backspace, Backspace, ``7``
in one read leaves ``1`` in the field instead of ``7``: a wrong number, silently.

``OrderedInput`` runs the binding where the characters are inserted, in turn: the same
non-priority binding chain the app would run (the focused widget first, then its parents
and the screen), found from the focus at that moment, so a key that follows a Tab goes
where the Tab sent the focus. A key no binding takes bubbles on as before.

A key that reaches the field once its screen is no longer shown (sent before an F-key
changed the screen, in the same read) acts on nothing: run from here, its binding would act
on the screen shown now (``triagebot.tui.keymap.drop_if_left``).
"""

from __future__ import annotations

from textual import events
from textual.dom import NoScreen
from textual.widgets import Input


class OrderedInput(Input):
    """An Input that applies bound keys and typed characters in the order they arrived."""

    async def _on_key(self, event: events.Key) -> None:
        if not self._screen_shown():
            event.stop()
            event.prevent_default()
            return
        if not event.is_printable and await self.app._check_bindings(event.key):
            # Handled here, in turn; the app must not run it a second time.
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _screen_shown(self) -> bool:
        """Whether this field's screen is the one shown."""
        try:
            return self.screen.is_active
        except NoScreen:  # taken off its screen
            return False
