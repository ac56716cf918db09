"""Every private Textual API triagebot still uses, in one place, each guarded by a test.

Textual is pinned to its minor version (``textual>=8.2,<8.3`` in pyproject.toml) because
of these: a private name may change in any release. ``tests/test_private_api.py`` checks
each entry of :data:`PRIVATE_APIS` against the installed Textual (the name exists, and a
method still takes the parameters we pass or override), so an upgrade that changes one
fails there, by name, rather than misbehaving in front of a clinician.

In the application:

- ``Input._on_key`` and ``App._check_bindings`` (``widgets/ordered_input.py``): the
  correctness fix for Textualize/textual#6605 (an Input's bound keys acting out of order
  with typed characters: a wrong number, silently). Drop once Textual ships PR #6631.

In the tests and benchmarks only (they observe frames and keys as a terminal sends them):

- ``textual._xterm_parser.XTermParser``: turns the bytes a terminal sends into keys.
- ``Screen._compositor`` (``render_strips``, ``visible_widgets``): what is on screen.
- ``Screen._compositor_refresh`` and, in
  ``benchmarks/bench_tui.py``, ``Screen._layout_required``, ``_repaint_required``,
  ``_dirty_widgets``: when a frame is drawn and when a layout is made.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PrivateApi:
    """One private Textual name triagebot uses."""

    module: str
    """The Textual module that defines it (``textual.app``)."""
    owner: str | None
    """The class it belongs to, or None for a module-level name."""
    name: str
    """The private name (``_check_bindings``)."""
    parameters: tuple[str, ...] | None = None
    """For a method: the parameters we pass or override, in order (``self`` first)."""
    attribute: bool = False
    """An attribute set on instances (checked on an instance, not the class)."""


PRIVATE_APIS: tuple[PrivateApi, ...] = (
    PrivateApi("textual.widgets", "Input", "_on_key", ("self", "event")),
    PrivateApi("textual.app", "App", "_check_bindings", ("self", "key", "priority")),
    PrivateApi("textual._xterm_parser", None, "XTermParser"),
    PrivateApi("textual.screen", "Screen", "_compositor", attribute=True),
    PrivateApi("textual.screen", "Screen", "_compositor_refresh", ("self",)),
    PrivateApi("textual.screen", "Screen", "_layout_required", attribute=True),
    PrivateApi("textual.screen", "Screen", "_repaint_required", attribute=True),
    PrivateApi("textual.screen", "Screen", "_dirty_widgets", attribute=True),
)
"""Every private Textual name used in src/, tests/ and benchmarks/ (see the docstring)."""
