"""Text that cannot drive a terminal: the characters refused in flow files and escaped in
every output.

A flow file, a transcript, a journal or a file name may come from elsewhere. Some
characters in them are not shown but act, on the terminal or on the order text is read in:

- the C0 controls (U+0000-U+001F) but newline and tab, DEL (U+007F) and the C1 controls
  (U+0080-U+009F). ESC starts the sequences that clear the screen (``ESC [2J``), set the
  window title (OSC 0) or write the clipboard (OSC 52); U+009B and U+009D are one-character
  CSI and OSC; a carriage return or a backspace draws over what was just shown.
- the bidirectional controls: embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), which reorder the text after them ("Trojan Source"), and the three
  directional marks (U+200E LRM, U+200F RLM, U+061C ALM): invisible, they change how the
  digits, signs and brackets around them are ordered and mirrored. triagebot's flows are
  written in left-to-right languages; a flow in a right-to-left language would need the
  marks, and should then allow them in that language's text only.

Not in the set, as they neither act on a terminal nor reorder text: the line and paragraph
separators (U+2028, U+2029) and the zero-width characters (U+200B-U+200D, U+FEFF).

Flows hold none of them: :func:`refuse_raw` and :func:`refuse_escaped` refuse a flow file
holding one, each at its ``FILE:LINE:COL``. Every output shows them anyway with
:func:`escaped`, as ``\\u001b``: the way JSON, YAML and Python write the character, so
the escaped output says what to look for in the file it came from, and a JSON output keeps
the very same data (the escape is JSON's own), with no raw character. A reader cannot tell
an escape from the same six characters typed as text; either way nothing reaches the
terminal but those six characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, cast

from triagebot.flows.documents import Document, FlowError, PathKey, Problem, dotted

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}]")
"""One character that must never reach a terminal raw (newline and tab are safe)."""
_CONTROL = re.compile(f"[{_CONTROLS}]")


def escaped(text: str) -> str:
    """``text`` with every unsafe character written as its escape (``\\u001b``)."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


class EscapedStream:
    """A text stream writing to another with every unsafe character escaped: wrapped around
    what a front end or command writes to, no text it prints can drive the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(escaped(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        """Everything else (flush, isatty, fileno, encoding) is the stream's own."""
        return getattr(self.stream, name)


def escaping(stream: TextIO) -> TextIO:
    """``stream`` with every unsafe character escaped in what is written to it (once)."""
    if isinstance(stream, EscapedStream):
        return cast(TextIO, stream)
    return cast(TextIO, EscapedStream(stream))


# --- flow files ----------------------------------------------------------------------------


def _message(char: str, where: str) -> str:
    if _CONTROL.match(char):
        kind, why = "a control character", "it can drive the terminal"
    else:
        kind, why = "a bidirectional control", "it reorders the text a clinician reads"
    return f"{where}U+{ord(char):04X} is {kind}, which a flow file may not hold ({why}): delete it"


def refuse_raw(text: str, name: str) -> None:
    """Refuse a flow file's text holding an unsafe character anywhere, comments included (a
    bidirectional control in a comment reorders the line it is on as an editor shows it).
    A carriage return is safe only before a newline (a Windows line end)."""
    found = [
        match
        for match in UNSAFE.finditer(text)
        if not (match.group() == "\r" and text.startswith("\n", match.end()))
    ]
    if found:
        lines = _Lines(text)
        raise FlowError(
            [Problem(name, *lines.position(m.start()), _message(m.group(), "")) for m in found]
        )


def refuse_escaped(document: Document, text: str) -> None:
    """Refuse a flow whose keys or values hold an unsafe character written as an escape
    (``"\\e"``, ``"\\u202e"`` in a double-quoted string, as JSON writes it too): each is
    placed at its escape, or at its key or value when the escape is not found."""
    if "\\" not in text and UNSAFE.search(text) is None:
        return  # such a character is written raw, or as an escape: neither is here
    lines: _Lines | None = None
    problems = []
    for path, value, is_key in _strings(document.data, ()):
        found = UNSAFE.search(value)
        if found is None:
            continue
        lines = lines or _Lines(text)
        where = (document.key_positions if is_key else document.positions).get(path)
        line, column = (1, 1) if where is None else (where.line, where.column)
        escape = _escape_in_string(text, lines.offset(line, column))
        if escape is not None:
            line, column = lines.position(escape)
        name = escaped(dotted(path))
        label = f"{name} (a key): " if is_key else f"{name}: "
        problems.append(Problem(document.file, line, column, _message(found.group(), label)))
    if problems:
        raise FlowError(problems)


def _strings(data: object, path: PathKey) -> Iterator[tuple[PathKey, str, bool]]:
    """Every string of parsed data, key or value: (path, text, is a key)."""
    if isinstance(data, str):
        yield path, data, False
    elif isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key), key, True
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _strings(item, (*path, index))


class _Lines:
    """Offsets in a text and 1-based lines and columns, lines counted as YAML counts them."""

    _BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

    def __init__(self, text: str) -> None:
        self.starts = [0, *(found.end() for found in self._BREAK.finditer(text))]
        self.size = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        return min(self.starts[min(line, len(self.starts)) - 1] + column - 1, self.size)


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_NAMED_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    "N": "\x85",
}
"""YAML's one-letter escapes of unsafe characters (the others write safe ones)."""


def _escape_in_string(text: str, start: int) -> int | None:
    """The offset of the first escape of an unsafe character in the double-quoted string
    that starts at ``start`` (None when no such string starts there, or it has none)."""
    if not text.startswith('"', start):
        return None
    index = start + 1
    while index < len(text) and text[index] != '"':
        escape = _ESCAPE.match(text, index)
        if escape is None:
            index += 1
            continue
        code = escape.group(1)
        char = chr(int(code[1:], 16)) if len(code) > 1 else _NAMED_ESCAPES.get(code, "")
        if UNSAFE.fullmatch(char):
            return index
        index = escape.end()
    return None
