"""What a flow or answers file is once read: its text, its data with the position of every
value, and the problems found in it, each placed at ``FILE:LINE:COL``.

Nothing here parses YAML (that is :mod:`triagebot.flows.yamlio`, the one YAML seam): a flow
read back from the compiled-flow cache needs these types but not PyYAML.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAX_FILE_BYTES = 512 * 1024
"""Largest flow or answers file accepted; the bundled flows are a few tens of kB."""

PathKey = tuple[str | int, ...]
"""Where a value sits in the document: mapping keys and list indices from the root."""


def dotted(path: PathKey) -> str:
    """A place in a flow file as a reader names it: ``nodes.shock.reasons[0].text``."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, already placed at a line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FlowError(Exception):
    """A file could not be used; carries every problem found, each with its position."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Document:
    """Plain data read from a YAML file plus the position of every value in it."""

    file: str
    data: Any
    positions: dict[PathKey, Position] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    """Where each mapping key is written (a bad id is reported at its key, not its value)."""
    quoted: dict[PathKey, bool] = field(default_factory=dict)

    def position_of(self, path: Iterable[str | int]) -> Position:
        """The position of the deepest part of ``path`` that exists in the file.

        A missing field has no position of its own, so it points at its parent.
        """
        key: PathKey = ()
        found = self.positions.get((), Position(1, 1))
        for part in path:
            key = (*key, part)
            if key not in self.positions:
                break
            found = self.positions[key]
        return found

    def problem(self, path: Iterable[str | int], message: str, offset: int = 0) -> Problem:
        """A problem at ``path``; ``offset`` moves it along a one-line scalar (an expression)."""
        path = tuple(path)
        where = self.position_of(path)
        if offset and self._is_one_line_scalar(path):
            shift = 1 if self.quoted.get(path, False) else 0
            where = Position(where.line, where.column + shift + offset)
        return Problem(self.file, where.line, where.column, message)

    def _is_one_line_scalar(self, path: PathKey) -> bool:
        return path in self.positions and path in self.quoted


class Unreadable(Exception):
    """A file that is not read: not a regular file, over the size cap, or unreadable. The
    message says why, without the file's name (each caller places it)."""


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; anything else (a FIFO, a device such as /dev/zero,
    a folder) is refused at once, never waited on nor read without end.

    Raises :class:`Unreadable`.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        # Non-blocking: opening a FIFO would otherwise wait for a writer, for ever.
        descriptor = os.open(path, flags)
    except OSError as error:
        raise Unreadable(f"cannot read file: {error.strerror or error}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise Unreadable(f"not a regular file ({_kind(mode)}); only files are read")
        if flags & getattr(os, "O_NONBLOCK", 0):  # not on Windows, which has no FIFOs
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def read_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, refusing one over ``max_bytes``.

    The cap is measured on the read itself (at most ``max_bytes + 1`` bytes are read), not
    taken from the file's stated size, which a device or a growing file does not tell.
    Raises :class:`Unreadable`.
    """
    with open_regular(path) as stream:
        try:
            raw = stream.read(max_bytes + 1)
        except OSError as error:
            raise Unreadable(f"cannot read file: {error.strerror or error}") from None
    if len(raw) > max_bytes:
        raise Unreadable(f"file is over {max_bytes} bytes, the limit")
    return raw


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a regular file as UTF-8, refusing a huge, undecodable or special one with its
    position."""
    name = str(path)
    try:
        raw = read_bytes(path, max_bytes)
    except Unreadable as error:
        raise FlowError([Problem(name, 1, 1, str(error))]) from None
    return decode(raw, name, max_bytes)


def decode(raw: bytes, name: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Decode UTF-8 bytes, naming the line and column of the first bad byte."""
    if len(raw) > max_bytes:
        raise FlowError([Problem(name, 1, 1, f"file is over {max_bytes} bytes, the limit")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        message = f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        raise FlowError([Problem(name, line, column, message)]) from None
