"""Key descriptions in the session's language.

Textual's bindings are declared once per class (``BINDINGS``), with one description each;
the footer and the command palette show that description. A node's own bindings map is a
copy of its class's, made when the node is created: ``relabel`` rewrites the descriptions
in that copy, so one app or widget can say "Why?" and another (or the same, after a
language switch) "Pourquoi ?" without touching what the keys do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from textual.dom import DOMNode


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
