"""The TUI's last guard against text that drives the terminal.

Flow text holds no control character or bidirectional control (refused when a flow is
loaded), and the text that comes from elsewhere (an unfinished session's journal, a file
name, an error) is escaped where it enters (:func:`~triagebot.flows.safe_text.escaped`,
``\\u001b``). Textual itself strips only BEL, backspace, VT, FF and CR from what it draws
(``textual.content._strip_control_codes``): ESC, the C1 controls and the bidirectional
controls reach the terminal. So every line any widget draws passes :class:`DropUnsafe`
last (``TriageApp.get_line_filters``), which removes any that slipped through. It removes
rather than escapes: the line was laid out with them taking no cell, and an escape would
make it wider than its widget.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from triagebot.flows.safe_text import UNSAFE


class DropUnsafe(LineFilter):
    """Removes every control character and bidirectional control from a drawn line."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(UNSAFE.search(segment.text) for segment in segments):
            return segments
        return [Segment(UNSAFE.sub("", text), style, control) for text, style, control in segments]


DROP_UNSAFE = DropUnsafe()
"""The one filter every TriageApp adds to Textual's."""
