"""The YAML seam: strict parsing with positions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from triagebot.app import library
from triagebot.flows import yamlio
from triagebot.flows.compiler import compile_text
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
    assert [f"{path}:1:1: file is over 1000 bytes, the limit"] == [
        str(p) for p in caught.value.problems
    ]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """A missing file is reported like any other problem."""
    with pytest.raises(FlowError) as caught:
        load_file(tmp_path / "missing.yaml")
    assert "cannot read file" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 010\n", "'010'"),  # YAML 1.1 octal: 8
        ("a: 1:30\n", "'1:30'"),  # YAML 1.1 sexagesimal: 90
        ("a: 0x3E8\n", "'0x3E8'"),  # hexadecimal: 1000
        ("a: 0b11\n", "'0b11'"),  # binary: 3
        ("a: 1_000\n", "'1_000'"),  # underscores: 1000
        ("a: 1_000.5\n", "'1_000.5'"),  # underscores in a float
        ("a: 00.5\n", "'00.5'"),  # a leading zero before a point
    ],
)
def test_numbers_not_written_in_decimal_are_refused_at_their_position(
    text: str, expected: str
) -> None:
    """YAML 1.1 numbers nobody types as a dose are refused where written, saying what is
    accepted."""
    message = (
        f"f.yaml:1:4: {expected} is not a decimal number: write numbers in decimal digits, "
        "with an optional point and exponent and no leading zero (10, 7.5, 1e3); quote text "
        "that looks like one"
    )
    assert [message] == problems(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1e2\n", 100.0),  # a JSON exponent (YAML 1.1 read it as text)
        ("a: 5e-324\n", 5e-324),  # verify's own smallest counterexample value
        ("a: 1.5E+3\n", 1500.0),  # exponent with a point, a capital E and a sign
        ("a: -7.5\n", -7.5),  # a plain decimal
        ("a: 10\n", 10),  # a whole number stays an int
        ("a: 0\n", 0),  # zero is no octal
        ("a: '010'\n", "010"),  # quoted: text, as typed
        ("a: 7,1\n", "7,1"),  # a decimal comma is text here; answers.py reads it as 7.1
    ],
)
def test_decimal_numbers_are_read_as_written(text: str, expected: object) -> None:
    """Decimal numbers, with a JSON exponent too, are numbers; quoted ones stay text."""
    assert {"a": expected} == parse(text, "f.yaml").data


@pytest.mark.parametrize(
    "text",
    [
        "a: 1e400\n",  # beyond the largest float: not infinity
        "a: -1e999\n",  # the same below
    ],
)
def test_a_number_beyond_any_float_is_refused(text: str) -> None:
    """A decimal that would silently become infinity is refused at its position."""
    number = text[3:-1]
    expected = [f"f.yaml:1:4: '{number}' must be a finite number from -10^15 to 10^15"]
    assert expected == problems(text)


@pytest.mark.parametrize(
    ("depth", "flow_style"),
    [
        (500, True),  # [[[...]]]: used to end in a RecursionError
        (999, True),  # just under Python's recursion limit
        (500, False),  # block style: "- - - ..."
        (65, True),  # one level over the cap
    ],
)
def test_deep_nesting_is_a_located_problem(depth: int, flow_style: bool) -> None:
    """YAML nested hundreds deep is refused with its position, never an internal error."""
    if flow_style:
        text = "a: " + "[" * depth + "]" * depth + "\n"
        line, column = 1, 4 + 63  # the root mapping is the first level
    else:
        text = "a:\n" + "".join("  " * level + "-\n" for level in range(depth))
        line, column = 2 + 63, 1 + 2 * 63
    assert [f"f.yaml:{line}:{column}: nested more than 64 levels deep"] == problems(text)


def test_nesting_within_the_cap_is_read() -> None:
    """64 levels are accepted (a flow needs about ten)."""
    expected: list[Any] = []
    for _ in range(62):  # the root mapping and 63 lists
        expected = [expected]
    assert {"a": expected} == parse("a: " + "[" * 63 + "]" * 63 + "\n", "f.yaml").data


def test_a_folder_is_refused_as_not_a_file(tmp_path: Path) -> None:
    """Only regular files are read: a folder is a located refusal (FIFOs and devices are
    tested through the command line, in a subprocess that cannot hang the suite)."""
    path = tmp_path / "answers.yaml"
    path.mkdir()
    with pytest.raises(FlowError) as caught:
        load_file(path)
    expected = [f"{path}:1:1: not a regular file (a folder); only files are read"]
    assert expected == [str(p) for p in caught.value.problems]


def test_the_cap_is_measured_on_the_read_not_the_stated_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose stated size is small (a growing file, /proc) is still cut off at the cap."""
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    real_stat = os.stat

    def small(target: object, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(target, *args, **kwargs)  # type: ignore[arg-type]
        return os.stat_result((*found[:6], 10, *found[7:]))

    monkeypatch.setattr(os, "stat", small)
    monkeypatch.setattr(os, "fstat", small)
    with pytest.raises(FlowError) as caught:
        load_file(path, max_bytes=1000)
    assert [f"{path}:1:1: file is over 1000 bytes, the limit"] == [
        str(p) for p in caught.value.problems
    ]


# Plain scalars in flow collections where PyYAML's pure-Python scanner and libyaml disagree.
FLOW_CONTEXT_CASES = [
    "{section: To treat or not to treat?}",  # septic-cardiomyopathy.yaml 109:119
    "[a?]",  # '?' ending a scalar
    "[a ?b]",  # '?' inside a scalar
    "{a: b ? c}",  # '?' between words
    "[a:]",  # pure Python read a mapping; libyaml refuses the ':'
    "[b:[]]",  # the same before a collection
    "{a: b:c}",  # agreed: 'b:c' is text
    "[a, ? b]",  # agreed: an explicit key
]


@pytest.mark.parametrize("text", FLOW_CONTEXT_CASES)
def test_both_pyyaml_loaders_read_flow_collections_alike(text: str) -> None:
    """The pure-Python fallback reads '?' and ':' in flow collections as libyaml does."""
    assert yamlio.LIBYAML_LOADER is not None, "PyYAML's wheel ships libyaml"
    outcomes = []
    for loader in (yamlio.LIBYAML_LOADER, yamlio.PURE_LOADER):
        try:
            outcomes.append(yaml.load(f"a: {text}\n", Loader=loader))
        except yaml.YAMLError as error:
            outcomes.append(type(error).__name__)
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("path", library.flow_files([library.bundled_dir()]), ids=lambda p: p.stem)
def test_every_bundled_flow_compiles_the_same_with_both_loaders(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each bundled flow reads and compiles alike on libyaml and on PyYAML's pure Python."""
    text = path.read_text(encoding="utf-8")
    compiled = []
    for loader in (yamlio.LIBYAML_LOADER, yamlio.PURE_LOADER):
        monkeypatch.setattr(yamlio, "LOADER", loader)
        flow = compile_text(text, str(path))
        compiled.append((flow.document.data, flow.document.positions, flow.flow, flow.sha256))
    assert compiled[0] == compiled[1]
