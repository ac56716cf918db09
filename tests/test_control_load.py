"""Control characters and bidirectional controls are refused in a flow file when it is
loaded, each at its FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.control_support import ESCAPES_FLOW, HOSTILE_FLOW, raw_controls
from triagebot.cli import main
from triagebot.flows.compiler import compile_text
from triagebot.flows.documents import FlowError

MINIMAL = Path(__file__).parent / "data" / "engine" / "minimal.yaml"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def problems(text: str, lang: str | None = None) -> list[tuple[int, int, str]]:
    """Each problem compiling ``text`` as (line, column, message)."""
    with pytest.raises(FlowError) as caught:
        compile_text(text, "flow.yaml", lang)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


CONTROL = (
    "is a control character, which a flow file may not hold (it can drive the terminal): delete it"
)
BIDI = (
    "is a bidirectional control, which a flow file may not hold "
    "(it reorders the text a clinician reads): delete it"
)


def test_each_escaped_control_in_a_flow_is_refused_at_its_escape() -> None:
    """Every kind of text (a translation not compiled, a source's title, an expression, an
    author's note, a label's key) holding an escape is refused at the escape's column."""
    found = problems(ESCAPES_FLOW.read_text(encoding="utf-8"), "en")
    expected = [
        (7, 17, f"title.fr: U+001B {CONTROL}"),
        (14, 20, f"sources[0].title: U+001B {CONTROL}"),
        (22, 39, f"nodes.pain.prompt.en: U+001B {CONTROL}"),
        (23, 26, f"nodes.pain.why.fr: U+202E {BIDI}"),
        (26, 28, f"nodes.pain.next[0].when: U+0000 {CONTROL}"),
        (28, 29, f"nodes.pain.next[0].note: U+007F {CONTROL}"),
        (33, 23, f"nodes.high.title.fr: U+009B {CONTROL}"),
        (43, 10, f"computed.band.labels.lo\\u2066 (a key): U+2066 {BIDI}"),
    ]
    assert expected == found


def test_every_text_of_the_hostile_fixture_is_refused() -> None:
    """One problem for each of the 27 texts holding an escape sequence, whatever its field."""
    found = problems(HOSTILE_FLOW.read_text(encoding="utf-8"))
    fields = [message.split(": U+")[0] for _, _, message in found]
    expected = (27, "title", "computed.band.labels.high")
    assert expected == (len(found), fields[0], fields[-1])


def test_raw_characters_are_refused_anywhere_in_the_file_at_their_column() -> None:
    """A raw bidi control (in a comment too), NEL, DEL and a lone carriage return are each
    refused where they stand; the file is not parsed."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("# A small", "# A \u202esmall", 1)  # reorders the comment's line
    text = text.replace("prompt: Pain?", "prompt: Pain\u2066?", 1)
    text = text.replace("Because.", "Because\x85", 1).replace("Colour?", "Colour\x7f?", 1)
    text = text.replace("title: High", "title: High\rLow", 1)
    found = [(line, column, message[:6]) for line, column, message in problems(text)]
    expected = [
        (1, 5, "U+202E"),
        (19, 17, "U+2066"),
        (20, 17, "U+0085"),
        (29, 19, "U+007F"),
        (78, 16, "U+000D"),  # line 77 as written: lines are counted as YAML counts them,
    ]  # and it ends a line at NEL (as at a lone carriage return), as every position says
    assert expected == found


def test_windows_line_ends_and_tabs_are_text() -> None:
    """CRLF line ends and a tab in a text load as before: neither drives a terminal."""
    text = MINIMAL.read_text(encoding="utf-8").replace('"0.1"', '"0.1\\tbeta"')
    flow = compile_text(text.replace("\n", "\r\n"), "crlf.yaml")
    expected = ("0.1\tbeta", "Pain?")
    assert expected == (flow.flow.version, flow.node("pain").prompt)


def test_validate_names_every_place_and_prints_no_raw_character(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`validate` exits 1 with FILE:LINE:COL for each escape; its output holds none raw."""
    code, out, err = run(["validate", str(ESCAPES_FLOW)], capsys)
    lines = err.splitlines()
    expected = (1, 8, f"{ESCAPES_FLOW}:7:17: title.fr: U+001B", [])
    assert expected == (code, len(lines), lines[0][: len(expected[2])], raw_controls(out + err))
