"""Malformed flow files: each problem as FILE:LINE:COL, exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from triagebot.cli import main
from triagebot.flows.compiler import compile_text
from triagebot.flows.yamlio import FlowError

MALFORMED = Path(__file__).parent / "data" / "malformed"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate_key.yaml", "51:5: duplicate key 'type' (first defined at line 50)"),
        ("alias.yaml", "26:5: anchors (&src) are not allowed in flow files"),
        ("unknown_field.yaml", "66:5: unknown field 'colour'"),
        ("import_call.yaml", "45:15: only these functions may be called"),
        ("dunder_attribute.yaml", "45:15: attribute access (a.b): not allowed"),
        ("unknown_node.yaml", "142:15: goes to unknown node 'ces_unlikley_review'"),
        ("type_mismatch.yaml", "45:15: '>=' compares numbers, but 'back_or_leg_pain' is a text"),
        (
            "bad_answer_value.yaml",
            "143:43: 'yse' is never an answer here; expected one of: no, yes",
        ),
        ("python_tag.yaml", "16:8: tag tag:yaml.org,2002:python/object:os.system is not allowed"),
        ("empty.yaml", "1:1: the file is empty; expected a mapping"),
        ("not_utf8.yaml", "41:13: not valid UTF-8 (byte 0xff); save the file as UTF-8"),
    ],
)
def test_validate_reports_position_and_exits_1(
    name: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triagebot validate` names file, line and column, and exits 1."""
    path = MALFORMED / name
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert (code, err.startswith(f"{path}:{expected}"), "Traceback" in err) == (1, True, False), err


def test_file_over_the_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file over the size cap is refused by validate with a position."""
    path = tmp_path / "huge.yaml"
    path.write_text("id: x\n" + "# padding\n" * 60_000)
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert (code, err.startswith(f"{path}:1:1: file is ")) == (1, True)


def test_bundled_flows_validate(capsys: pytest.CaptureFixture[str]) -> None:
    """Every bundled flow loads cleanly."""
    assert main(["validate"]) == 0
    assert capsys.readouterr().err == ""


SMALL = Path(__file__).parent / "data" / "engine" / "minimal.yaml"


def shape_problems(old: str, new: str) -> list[str]:
    text = SMALL.read_text()
    assert old in text
    with pytest.raises(FlowError) as caught:
        compile_text(text.replace(old, new, 1), "m.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a missing required field points at its parent node
        ("    prompt: Colour?\n", "", "m.yaml:27:5: missing required field 'prompt'"),
        # an unknown node type
        ("    type: choice\n", "    type: chioce\n", "m.yaml:27:11: unknown type 'chioce'"),
        # a version written as a number (YAML would read 0.10 as 0.1)
        (
            'version: "0.1"',
            "version: 0.10",
            "m.yaml:4:10: 'version': Input should be a valid string",
        ),
        # an invalid node id
        ("  colour:\n", "  Colour:\n", "m.yaml:26:3: 'Colour' is not a valid id"),
        # min above max
        (
            "    min: 0\n    max: 40\n",
            "    min: 50\n    max: 40\n",
            "m.yaml:50:5: Value error, min (50.0) is greater than max (40.0)",
        ),
        # a citation of a source that does not exist
        (
            "    source: {doc: src, section: One}\n    options:",
            "    source: {doc: nope, section: One}\n    options:",
            "m.yaml:30:19: cites unknown source 'nope' (sources: src)",
        ),
        # a placeholder naming nothing
        (
            '"Score {score}"',
            '"Score {scor}"',
            "m.yaml:80:15: '{scor}' is not an answer or computed value of this flow",
        ),
        # a default rule that is not last hides the rules after it
        (
            "      - when: pain in ('yes', 'unsure')\n",
            "      - when: null\n",
            "m.yaml:23:9: a rule without 'when' must be the last",
        ),
        # computed values cannot depend on each other in a circle
        (
            "formula: \"'high' if score >= 3 else 'low'\"",
            "formula: \"'high' if band == 'x' else 'low'\"",
            "m.yaml:110:14: 'band' refers to itself",
        ),
        # an option listed twice
        (
            "      - {id: blue, label: Blue}",
            "      - {id: red, label: Blue}",
            "m.yaml:33:14: option 'red' is listed twice",
        ),
    ],
)
def test_shape_and_meaning_problems(old: str, new: str, expected: str) -> None:
    """Schema and meaning problems are placed at their line and column."""
    found = shape_problems(old, new)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_not_only_the_first() -> None:
    """Several independent problems are all listed in one run."""
    text = (
        SMALL.read_text()
        .replace("goto: colour", "goto: colr")
        .replace("goto: mid_out", "goto: mdi_out")
    )
    with pytest.raises(FlowError) as caught:
        compile_text(text, "m.yaml")
    assert len(caught.value.problems) == 2
