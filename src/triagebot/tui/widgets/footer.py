"""The key footer, redrawn only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What a Footer on ``screen`` shows: (key, action, description, enabled) per key."""
    return tuple(
        (key, binding.action, binding.description, enabled)
        for key, (_, binding, enabled, _) in screen.active_bindings.items()
        if binding.show or key == screen.app.COMMAND_PALETTE_BINDING
    )


class SteadyFooter(Footer):
    """A Footer that recomposes only when its keys change.

    Textual's Footer recomposes (removes and mounts every key) whenever the bindings
    may have changed, which is at every focus change: each answer moves the focus to the
    next question's input, and the recompose cost several milliseconds and an extra frame
    per answer for a footer that stays the same (F1, F2, F3 and the palette).
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def compose(self) -> ComposeResult:
        # Textual's Footer composes empty, then again once the screen reports its
        # bindings (a frame later); the keys are known now, so show them in the first frame.
        self.set_reactive(Footer._bindings_ready, True)
        self._shown = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        will_recompose = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_recompose:
            shown = shown_keys(screen)
            if self._bindings_ready and shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
