"""Widgets laid out once per change: their virtual size never asks for a layout.

Textual asks for a layout whenever a widget's virtual size changes, and the layout that
places a new widget changes it (from nothing to the widget's size): every new message,
hint or outcome line cost a second layout on a later tick (17-33 ms on) that moved
nothing, since these widgets never scroll and their virtual size serves only scrolling.
They take it without asking (``Widget._size_updated`` with ``layout=False``, as Textual
itself does when it only scrolls). A change of size still lays out, as ever.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static


class SteadySize(Widget):
    """Takes a new virtual size without asking for another layout.

    Mix it in after the widget class (``class X(Static, SteadySize)``): Textual follows a
    widget's first base for its CSS type names and default CSS.
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class SteadyStatic(Static, SteadySize):
    """A Static laid out once per change (it never scrolls)."""
