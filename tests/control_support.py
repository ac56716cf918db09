"""Shared by the control-character tests: what must never be written raw, hostile text,
and hostile flows compiled with the load check turned off (what outputs must survive)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from unittest import mock

from tests.transcript_helpers import mixed, ticking_clock
from triagebot.app import journal
from triagebot.flows import safe_text
from triagebot.flows.compiler import CompiledFlow, compile_text
from triagebot.flows.engine import Session

CONTROL = Path(__file__).parent / "data" / "control"
HOSTILE_FLOW = CONTROL / "hostile.yaml"
ESCAPES_FLOW = CONTROL / "escapes.yaml"

# Written out here rather than imported from safe_text, so the tests do not take the
# code's word for what is unsafe: C0 but tab and newline, DEL, C1, the bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

HOSTILE = "\x1b]0;PWNED\x07 \x1b]52;c;ZXZpbA==\x07 \x1b[2J \x9b31m \u202eright\u202c \x7f\x00\r"
"""Window title (OSC 0), clipboard write (OSC 52), clear screen (CSI 2J), one-character
CSI, a right-to-left override, DEL, NUL and a carriage return."""


def raw_controls(text: str) -> list[str]:
    """Every control character or bidirectional control in ``text``, as written."""
    return RAW.findall(text)


def unchecked(path: Path, lang: str | None = None) -> CompiledFlow:
    """``path`` compiled with the control-character check off (never cached): a flow that
    somehow held such text, for the tests that show outputs escape it anyway."""
    with (
        mock.patch.object(safe_text, "refuse_raw"),
        mock.patch.object(safe_text, "refuse_escaped"),
    ):
        return compile_text(path.read_text(encoding="utf-8"), str(path), lang)


def hostile_journals() -> None:
    """Three unfinished sessions of the mixed flow as if from elsewhere, each with escape
    sequences: one names a flow id and version that cannot be found; one answers a node
    that is no node (in a file whose name clears the screen); one, resumable, ends in a
    line without its line end (a warning names the file), in a file whose name sets the
    window title."""
    odd_id = journal.Journal.start(Session(mixed(), ticking_clock()))
    odd_id.close()
    header = json.loads(odd_id.path.read_text(encoding="utf-8").splitlines()[0])
    header["flow"] |= {"id": HOSTILE, "file": "/nowhere/x.yaml", "version": HOSTILE}
    odd_id.path.write_text(json.dumps(header) + "\n", encoding="utf-8")
    odd_node = journal.Journal.start(Session(mixed(), ticking_clock()))
    odd_node.close()
    event = {"type": "answer", "node": HOSTILE, "value": HOSTILE, "at": "2025-03-14T09:30:05Z"}
    with odd_node.path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(event) + "\n")
    odd_node.path.rename(odd_node.path.with_name("broken\x1b[2J.jsonl"))
    session = Session(mixed(), ticking_clock())
    cut = journal.Journal.start(session)
    session.answer(None)
    cut.close()
    text = cut.path.read_text(encoding="utf-8")
    cut.path.write_text(text.rstrip("\n"), encoding="utf-8")
    cut.path.rename(cut.path.with_name("odd\x1b]0;PWNED\x07.jsonl"))
