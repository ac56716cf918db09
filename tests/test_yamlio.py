"""The YAML seam: strict parsing with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from triagebot.flows.yamlio import FlowError, Position, load_file, parse


def problems(text: str) -> list[str]:
    with pytest.raises(FlowError) as caught:
        parse(text, "f.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_yes_and_no_stay_strings() -> None:
    """YAML 1.1 booleans are not applied: an answer 'no' stays the string 'no'."""
    assert parse("a: no\nb: yes\nc: on\nd: true\n", "f").data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": True,
    }


def test_dates_stay_strings() -> None:
    """Timestamps are left to pydantic, which names the field when one is wrong."""
    assert parse("d: 2027-01-01\n", "f").data == {"d": "2027-01-01"}


def test_positions_are_recorded_per_path() -> None:
    """Every value's line and column is known, for error messages."""
    document = parse("a:\n  b: [1, 2]\n", "f")
    assert Position(2, 10) == document.positions[("a", "b", 1)]


def test_missing_path_points_at_parent() -> None:
    """A missing field has no position: its parent's is used."""
    document = parse("a:\n  b: 1\n", "f")
    assert Position(2, 3) == document.position_of(("a", "missing"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the second key would silently win in PyYAML
        ("a: 1\na: 2\n", ["f.yaml:2:1: duplicate key 'a' (first defined at line 1)"]),
        # anchors and aliases (alias bombs) are refused outright
        ("a: &x 1\nb: *x\n", ["f.yaml:1:4: anchors (&x) are not allowed in flow files"]),
        # explicit tags could construct objects
        (
            "a: !!python/object:os.system x\n",
            ["f.yaml:1:4: tag tag:yaml.org,2002:python/object:os.system is not allowed"],
        ),
        # an empty file
        ("", ["f.yaml:1:1: the file is empty; expected a mapping"]),
        # a comment-only file is empty too
        ("# nothing\n", ["f.yaml:1:1: the file is empty; expected a mapping"]),
        # merge keys would import a mapping from elsewhere
        (
            "a: {b: 1}\nc:\n  <<: {b: 2}\n",
            ["f.yaml:3:3: keys must be plain names (no merge keys or complex keys)"],
        ),
        # a syntax error
        (
            "a: [1,\n",
            ["f.yaml:2:1: YAML syntax: did not find expected node content"],
        ),
    ],
)
def test_refusals(text: str, expected: list[str]) -> None:
    """Each refusal names the file, line and column."""
    assert expected == problems(text)


def test_non_utf8_names_the_byte_position(tmp_path: Path) -> None:
    """Undecodable bytes are reported at their line and column."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(FlowError) as caught:
        load_file(path)
    assert [f"{path}:2:7: not valid UTF-8 (byte 0xe9); save the file as UTF-8"] == [
        str(p) for p in caught.value.problems
    ]


def test_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    """A huge file is refused before it is parsed."""
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(FlowError) as caught:
        load_file(path, max_bytes=1000)
    assert [f"{path}:1:1: file is 2004 bytes; the limit is 1000"] == [
        str(p) for p in caught.value.problems
    ]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """A missing file is reported like any other problem."""
    with pytest.raises(FlowError) as caught:
        load_file(tmp_path / "missing.yaml")
    assert "cannot read file" in caught.value.problems[0].message
